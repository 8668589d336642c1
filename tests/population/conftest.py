import pytest

from twin.population import PopulationParams, build_province

SEED = 11
SMALL_SCALE = 0.0025  # 20,000 members: small enough to validate every ID number


@pytest.fixture(scope="session")
def small_params():
    return PopulationParams(scale=SMALL_SCALE)


@pytest.fixture(scope="session")
def small_province(small_params):
    return build_province(small_params, SEED)


@pytest.fixture(scope="session")
def medium_province():
    """250,000 members, for proportions and the shape of union sizes."""
    return build_province(PopulationParams(scale=0.03125), SEED)

import pytest

from .samples import BASE


@pytest.fixture
def base() -> str:
    return BASE

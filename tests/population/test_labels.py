import pytest

from twin.i18n import catalogue
from twin.population import EMPLOYER_TYPES, MCC_CODES, CardRequestResult
from twin.population.unions import FEDERATION_LEVELS

KEYS = (
    [f"population.employer.{e}" for e in EMPLOYER_TYPES]
    + [f"population.mcc.{m}" for m in MCC_CODES]
    + [f"population.card_request.{r.name}" for r in CardRequestResult]
    + [f"population.federation.{level}" for level in FEDERATION_LEVELS]
)


@pytest.mark.parametrize("key", KEYS)
def test_label_in_catalogue(key):
    assert key in catalogue()

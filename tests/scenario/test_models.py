from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from twin.scenario import Behaviour, Programme, Province, StepExpect
from twin.scenario.fields import Rate, ResponseCode
from twin.scenario.steps import Step, Transfer


def test_programme_defaults_in_fen():
    programme = Programme()
    assert programme.welfare.yearly_cap == 180_000
    assert programme.class_ii_daily_limit == 1_000_000


def test_metro_bands_default_in_fen():
    bands = Programme().transit.metro_fares
    assert [(band.fare, band.step) for band in bands] == [
        (200, None),
        (None, 100),
        (None, 100),
        (None, 100),
    ]


def test_behaviour_amounts_default_in_fen():
    behaviour = Behaviour()
    assert (behaviour.purchase_amount.median, behaviour.transit.topup.median) == (6000, 5000)


def test_discounts_are_exact_decimals():
    transit = Programme().transit
    assert (transit.bus_discount, transit.metro_discount) == (Decimal("0.70"), Decimal("0.90"))


def test_rate_accepts_percentage():
    assert TypeAdapter(Rate).validate_python("0.35%") == Decimal("0.0035")


def test_response_code_from_number():
    assert TypeAdapter(ResponseCode).validate_python(51) == "51"


def test_transfer_from_alias():
    step = TypeAdapter(Step).validate_python(
        {"do": "transfer", "member": "m1", "amount": 5, "from": "welfare", "to": "main"}
    )
    assert isinstance(step, Transfer)
    assert step.from_ == "welfare"


def test_transfer_to_outside_number():
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Step).validate_python(
            {"do": "transfer", "member": "m1", "amount": 5, "to": "6222"}
        )
    assert caught.value.errors()[0]["type"] == "transfer_to"


def test_models_frozen():
    with pytest.raises(ValidationError):
        Province().scale = 1.0


def test_expect_balances_in_fen():
    expect = StepExpect.model_validate({"balances": {"m1": {"transit_wallet": "45.90"}}})
    assert expect.balances["m1"].given() == {"transit_wallet": 4590}


def test_metric_range_bounds():
    from twin.scenario import MetricRange

    bounds = MetricRange(min=0.5, max=1.0)
    assert bounds.holds(0.7)
    assert not bounds.holds(0.4)

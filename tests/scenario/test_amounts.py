from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from twin.scenario.fields import Fen, PositiveFen

FEN = TypeAdapter(Fen)
POSITIVE = TypeAdapter(PositiveFen)


@pytest.mark.parametrize(
    ("written", "fen"),
    [
        (500, 50_000),
        ("500.00", 50_000),
        (Decimal("12.35"), 1235),
        (0.1, 10),
        (Decimal("0.10"), 10),
        ("1,234.50", 123_450),
        ("0", 0),
        (Decimal("45.90"), 4590),
        ("99999999.99", 9_999_999_999),
    ],
)
def test_yuan_parse_exactly(written, fen):
    assert FEN.validate_python(written) == fen


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        (Decimal("12.345"), "amount_too_many_decimals"),
        ("0.001", "amount_too_many_decimals"),
        ("-5", "amount_negative"),
        ("abc", "amount_not_a_number"),
        (True, "amount_not_a_number"),
        (Decimal("NaN"), "amount_not_finite"),
        ("20000000000", "amount_too_large"),
    ],
)
def test_bad_amounts_rejected(written, kind):
    with pytest.raises(ValidationError) as caught:
        FEN.validate_python(written)
    assert caught.value.errors()[0]["type"] == kind


def test_positive_amount_rejects_zero():
    with pytest.raises(ValidationError) as caught:
        POSITIVE.validate_python("0.00")
    assert caught.value.errors()[0]["type"] == "amount_zero"


def test_yaml_float_reaches_check_as_written(base):
    from twin.scenario import parse_scenario

    text = base + "script:\n  - {do: deposit, member: m1, amount: 1000.10}\n"
    assert parse_scenario(text).script[0].amount == 100_010

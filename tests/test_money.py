"""Yuan at the edges, exact integer fen inside."""

from decimal import Decimal

import pytest

from twin.money import MAX_AMOUNT_FEN, AmountError, format_yuan, parse_yuan, yuan


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("0.1", 10),
        (0.1, 10),
        ("0.01", 1),
        (0.01, 1),
        (1e2, 10_000),
        ("1e2", 10_000),
        ("1E+2", 10_000),
        ("1,234.50", 123_450),
        ("1,234,567.89", 123_456_789),
        (" 12.5 ", 1_250),
        ("12.30", 1_230),
        ("1.230", 123),
        ("1_000", 100_000),
        (12, 1_200),
        (0, 0),
        ("0", 0),
        (Decimal("19.99"), 1_999),
        (19.99, 1_999),
        (0.29, 29),
        (1.15, 115),
        (10_000, 1_000_000),
        ("10000000000", MAX_AMOUNT_FEN),
    ],
    ids=repr,
)
def test_parse_exact(value, fen):
    assert parse_yuan(value) == fen


def test_parse_returns_int():
    assert type(parse_yuan("12.34")) is int


def test_float_read_through_repr():
    # 0.29 * 100 is 28.999999999999996 in binary floating point.
    assert parse_yuan(0.29) == 29


def test_yuan_shorthand():
    assert yuan("3.50") == 350


@pytest.mark.parametrize(
    "value", ["1.234", 1.234, "0.001", Decimal("1.005"), 0.30000000000000004], ids=repr
)
def test_three_decimals_rejected(value):
    with pytest.raises(AmountError) as error:
        parse_yuan(value)
    assert error.value.code == "too_many_decimals"


def test_three_decimals_message():
    with pytest.raises(
        AmountError,
        match=r"12\.345 has more than two decimal places; write yuan with at most two decimals, for example 12\.35",
    ):
        parse_yuan("12.345")


@pytest.mark.parametrize("value", ["NaN", float("nan"), "sNaN", Decimal("NaN")], ids=repr)
def test_nan_rejected(value):
    with pytest.raises(AmountError) as error:
        parse_yuan(value)
    assert error.value.code == "not_finite"


@pytest.mark.parametrize("value", ["inf", "-Infinity", float("inf"), float("-inf")], ids=repr)
def test_infinity_rejected(value):
    with pytest.raises(AmountError) as error:
        parse_yuan(value)
    assert error.value.code == "not_finite"


@pytest.mark.parametrize("value", ["-1", -1, -0.01, "-0.01"], ids=repr)
def test_negative_rejected(value):
    with pytest.raises(AmountError) as error:
        parse_yuan(value)
    assert error.value.code == "negative"


def test_negative_allowed_when_asked():
    assert parse_yuan("-12.50", allow_negative=True) == -1_250


def test_zero_rejected_when_asked():
    with pytest.raises(AmountError) as error:
        parse_yuan("0.00", allow_zero=False)
    assert error.value.code == "zero"


@pytest.mark.parametrize("value", [True, False], ids=repr)
def test_bool_rejected(value):
    with pytest.raises(AmountError) as error:
        parse_yuan(value)
    assert error.value.code == "not_a_number"


@pytest.mark.parametrize("value", ["abc", "", "12 yuan", "0x10", None, [1], "¥12"], ids=repr)
def test_not_a_number(value):
    with pytest.raises(AmountError) as error:
        parse_yuan(value)
    assert error.value.code == "not_a_number"


def test_not_a_number_message():
    with pytest.raises(
        AmountError, match=r"'abc' is not an amount; write yuan, for example 12\.35"
    ):
        parse_yuan("abc")


@pytest.mark.parametrize("value", ["10000000000.01", 10**11, 1e20, "1e999"], ids=repr)
def test_too_large(value):
    with pytest.raises(AmountError) as error:
        parse_yuan(value)
    assert error.value.code == "too_large"


def test_too_large_message():
    with pytest.raises(AmountError, match=r"is above the maximum of 10,000,000,000\.00 yuan"):
        parse_yuan("10000000000.01")


def test_custom_maximum():
    with pytest.raises(AmountError):
        parse_yuan("10.01", maximum_fen=1_000)


def test_error_is_value_error():
    assert issubclass(AmountError, ValueError)


def test_error_keeps_value():
    with pytest.raises(AmountError) as error:
        parse_yuan("1.234")
    assert error.value.value == "1.234"


@pytest.mark.parametrize("value", ["1e99999999", "1e999999"], ids=repr)
def test_huge_exponent_is_amount_error(value):
    with pytest.raises(AmountError):
        parse_yuan(value)


@pytest.mark.parametrize("value", ["1,2,3", "12,34.5", ",5"], ids=repr)
def test_misplaced_thousands_separator(value):
    with pytest.raises(AmountError):
        parse_yuan(value)


# Formatting.


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (1, "0.01"),
        (10, "0.10"),
        (123_450, "1,234.50"),
        (100_000_000, "1,000,000.00"),
        (-1_250, "-12.50"),
    ],
)
def test_format_plain(fen, text):
    assert format_yuan(fen) == text


def test_format_plain_same_in_both_languages():
    assert format_yuan(123_450, "zh") == format_yuan(123_450, "en")


def test_format_zh_symbol():
    assert format_yuan(123_450, "zh", symbol=True) == "¥1,234.50"


def test_format_en_symbol():
    assert format_yuan(123_450, "en", symbol=True) == "CNY 1,234.50"


@pytest.mark.parametrize("fen", [0, 1, 99, 100, 123_456, 10**12, MAX_AMOUNT_FEN])
def test_format_then_parse(fen):
    assert parse_yuan(format_yuan(fen)) == fen

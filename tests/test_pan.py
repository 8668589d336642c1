import datetime as dt

import numpy as np
import pytest
from stdnum import luhn

from twin import pan as cards


@pytest.mark.parametrize(
    ("partial", "digit"),
    [
        ("7992739871", "3"),
        ("411111111111111", "1"),
        ("109", "9"),
        ("621799000000001234", "0"),
        ("000000000000000000", "0"),
        ("621799999999999999", "8"),
        ("0", "0"),
    ],
)
def test_luhn_check_digit_known_vectors(partial, digit):
    assert cards.luhn_check_digit(partial) == digit


def test_luhn_check_digit_matches_stdnum():
    rng = np.random.default_rng(20200101)
    for _ in range(500):
        length = int(rng.integers(1, 19))
        partial = "".join(str(d) for d in rng.integers(0, 10, size=length))
        assert cards.luhn_check_digit(partial) == luhn.calc_check_digit(partial), partial


@pytest.mark.parametrize(
    "number", ["79927398713", "4111111111111111", "0000000000000000000", "6217990000000012340"]
)
def test_is_luhn_valid_accepts(number):
    assert cards.is_luhn_valid(number)


@pytest.mark.parametrize(
    "number", ["79927398710", "4111111111111112", "", "7", "4111 1111 1111 1111", "٤١١", None]
)
def test_is_luhn_valid_rejects(number):
    assert not cards.is_luhn_valid(number)


def test_luhn_check_digit_rejects_non_digits():
    with pytest.raises(cards.PanError, match="characters other than the digits 0-9") as caught:
        cards.luhn_check_digit("12a4")
    assert caught.value.code == "not_digits"


def test_luhn_check_digit_rejects_empty():
    with pytest.raises(cards.PanError, match="is empty") as caught:
        cards.luhn_check_digit("")
    assert caught.value.code == "wrong_length"


def test_luhn_check_digit_rejects_unicode_digits():
    # "²" and Arabic-Indic digits pass str.isdigit() but are not card digits.
    with pytest.raises(cards.PanError):
        cards.luhn_check_digit("12²")


def test_make_pan_shape():
    number = cards.make_pan(1234)
    assert number == "6217990000000012340"
    assert len(number) == cards.PAN_LENGTH
    assert cards.is_luhn_valid(number)


def test_make_pan_all_zero_account():
    assert cards.make_pan(0) == "6217990000000000006"


def test_make_pan_largest_account():
    assert cards.make_pan(999_999_999_999) == "6217999999999999998"


def test_make_pan_from_string_account():
    assert cards.make_pan("000000001234") == cards.make_pan(1234)


def test_make_pan_other_bin():
    number = cards.make_pan(1, programme_bin="999999")
    assert number.startswith("999999")
    assert cards.is_luhn_valid(number)


@pytest.mark.parametrize("bad_bin", ["62179", "6217999", "62A799", "", "６２１７９９"])
def test_make_pan_rejects_bad_bin(bad_bin):
    with pytest.raises(cards.PanError, match="exactly 6 digits") as caught:
        cards.make_pan(1, programme_bin=bad_bin)
    assert caught.value.code == "bad_bin"


@pytest.mark.parametrize("account", [-1, 10**12, "1234", "0000000012345", "00000000123a", True])
def test_make_pan_rejects_bad_account(account):
    with pytest.raises(cards.PanError) as caught:
        cards.make_pan(account)
    assert caught.value.code == "bad_account"


def test_make_pan_out_of_range_message():
    with pytest.raises(cards.PanError, match="from 0 to 999999999999"):
        cards.make_pan(10**12)


def test_validate_pan_accepts_own_pan():
    number = cards.make_pan(42)
    assert cards.validate_pan(number) == number


def test_validate_pan_too_short():
    with pytest.raises(cards.PanError, match="has 11 digits; a PAN has 12 to 19 digits") as caught:
        cards.validate_pan("79927398713")
    assert caught.value.code == "wrong_length"


def test_validate_pan_too_long():
    with pytest.raises(cards.PanError) as caught:
        cards.validate_pan("62179900000000123400")
    assert caught.value.code == "wrong_length"


def test_validate_pan_bad_check_digit_names_the_digit():
    with pytest.raises(cards.PanError, match="must be 0") as caught:
        cards.validate_pan("6217990000000012341")
    assert caught.value.code == "check_digit"


def test_validate_pan_message_is_masked():
    with pytest.raises(cards.PanError) as caught:
        cards.validate_pan("6217990000000012341")
    assert "0000000012341" not in str(caught.value)


def test_validate_pan_rejects_spaces():
    with pytest.raises(cards.PanError) as caught:
        cards.validate_pan("6217 9900 0000 0012 340")
    assert caught.value.code == "not_digits"


def test_validate_pan_rejects_non_string():
    with pytest.raises(cards.PanError, match="not int"):
        cards.validate_pan(6217990000000012340)


def test_account_digits():
    assert cards.account_digits("6217990000000012340") == "000000001234"


def test_every_single_digit_error_is_caught():
    number = cards.make_pan(987654321)
    for position in range(len(number)):
        for replacement in "0123456789":
            if replacement == number[position]:
                continue
            changed = number[:position] + replacement + number[position + 1 :]
            assert not cards.is_luhn_valid(changed), changed


def test_format_psn():
    assert cards.format_psn(0) == "00"
    assert cards.format_psn(7) == "07"
    assert cards.format_psn(99) == "99"


@pytest.mark.parametrize("sequence", [-1, 100, "01", 1.0, True])
def test_format_psn_rejects(sequence):
    with pytest.raises(cards.PanError) as caught:
        cards.format_psn(sequence)
    assert caught.value.code == "bad_psn"


@pytest.mark.parametrize("psn", ["0", "001", "a1", ""])
def test_validate_psn_rejects(psn):
    with pytest.raises(cards.PanError, match="write two digits"):
        cards.validate_psn(psn)


def test_next_psn():
    assert cards.next_psn("00") == "01"
    assert cards.next_psn("09") == "10"


def test_next_psn_after_last():
    with pytest.raises(cards.PanError, match="PSN 99 is the last one"):
        cards.next_psn("99")


def test_make_expiry_default_validity():
    assert cards.make_expiry(dt.date(2020, 1, 6)) == "3001"


def test_make_expiry_custom_years():
    assert cards.make_expiry(dt.date(2019, 11, 30), years=5) == "2411"


def test_make_expiry_rejects_zero_years():
    with pytest.raises(cards.PanError, match="at least 1"):
        cards.make_expiry(dt.date(2020, 1, 1), years=0)


def test_make_expiry_rejects_next_century():
    with pytest.raises(cards.PanError, match="does not fit"):
        cards.make_expiry(dt.date(2095, 1, 1), years=10)


def test_parse_expiry():
    assert cards.parse_expiry("3012") == (2030, 12)


@pytest.mark.parametrize("expiry", ["3013", "3000", "301", "30-1", "", "203012"])
def test_parse_expiry_rejects(expiry):
    with pytest.raises(cards.PanError, match="write YYMM") as caught:
        cards.parse_expiry(expiry)
    assert caught.value.code == "bad_expiry"


def test_expiry_last_day_leap_february():
    assert cards.expiry_last_day("2402") == dt.date(2024, 2, 29)


def test_expiry_last_day_common_february():
    assert cards.expiry_last_day("2302") == dt.date(2023, 2, 28)


def test_is_expired_on_last_day():
    assert not cards.is_expired("2012", dt.date(2020, 12, 31))


def test_is_expired_day_after():
    assert cards.is_expired("2012", dt.date(2021, 1, 1))


def test_mask_pan_19_digits():
    assert cards.mask_pan("6217990000000012340") == "621799*********2340"


def test_mask_pan_16_digits():
    assert cards.mask_pan("4111111111111111") == "411111******1111"


def test_mask_pan_short_value_fully_masked():
    assert cards.mask_pan("123456789") == "*********"


def test_mask_pan_malformed_value():
    assert cards.mask_pan("6217 9900 0000 0012 340") == "6217 9************* 340"


def test_mask_pan_empty():
    assert cards.mask_pan("") == ""

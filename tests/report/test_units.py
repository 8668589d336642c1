"""Units of metric keys and how values read."""

import pytest

from twin.report.units import compact_number, format_expected, format_outcome, format_value, unit_of


@pytest.mark.parametrize(
    ("key", "unit"),
    [
        ("flows.disbursed", "fen"),
        ("welfare_spent", "fen"),
        ("metrics.summary.main_spent", "fen"),
        ("balances.m1.welfare", "fen"),
        ("coverage", "share"),
        ("summary.approval_rate", "share"),
        ("branch_wait_minutes_p90", "minutes"),
        ("branches.南昌市.wait_minutes_mean", "minutes"),
        ("p99_us", "micros"),
        ("cards_issued", "count"),
        ("responses.51", "count"),
    ],
)
def test_unit_of(key, unit):
    assert unit_of(key) == unit


def test_amount_in_yuan():
    assert format_value("flows.disbursed", 123456, "zh") == "1,234.56 元"


def test_share_as_percent():
    assert format_value("coverage", 0.8125, "en") == "81.2%"


def test_boolean_in_chinese():
    assert format_value("ledger_balanced", True, "zh") == "是"


def test_bounds_between():
    assert format_expected("metrics.coverage", {"min": 0.5, "max": 1.0}, "en") == "50.0% to 100.0%"


def test_bounds_at_least_money():
    assert format_expected("metrics.welfare_disbursed", {"min": 100, "max": None}, "en") == "at least 1.00 yuan"


def test_account_name():
    assert format_outcome("paid_from", "welfare", "zh") == "福利专用账户"


def test_missing_response():
    assert format_outcome("response", None, "en") == "—"


@pytest.mark.parametrize(("value", "lang", "text"), [(120000, "zh", "12万"), (120000, "en", "120k"), (40, "en", "40")])
def test_compact_number(value, lang, text):
    assert compact_number(value, lang) == text


def test_bounds_equal():
    assert format_expected("metrics.responses.00", {"min": 3, "max": 3}, "en") == "3"

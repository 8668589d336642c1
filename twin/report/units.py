"""Units of the figures in ``metrics.json``, and how a reader sees each one.

Amounts in ``metrics.json`` are integer fen; shares are fractions from 0 to 1;
waits are simulated minutes; everything else is a count. The report and the
command line read the unit of a key from here, so a fen amount is never shown
as a count.
"""

from __future__ import annotations

from twin.i18n import catalogue, t
from twin.money import format_yuan
from twin.sim.units import MONEY_KEYS, Unit, unit_of

__all__ = [
    "MONEY_KEYS",
    "Unit",
    "compact_number",
    "format_amount",
    "format_count",
    "format_expected",
    "format_outcome",
    "format_share",
    "format_value",
    "unit_of",
]

_ACCOUNT_FIELDS = ("paid_from", "paid_to")


def format_count(value: float) -> str:
    """Format a count with thousands separators (a fraction keeps two decimals)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def format_share(value: float, digits: int = 1) -> str:
    """Format a fraction from 0 to 1 as a percentage (``0.625`` as ``62.5%``)."""
    return f"{value * 100:.{digits}f}%"


def format_amount(fen: int, lang: str) -> str:
    """Format fen as yuan with the currency's name (``1,234.50 元``, ``1,234.50 yuan``)."""
    return f"{format_yuan(int(fen))} {t('common.currency.yuan', lang)}"


def format_value(key: str, value: object, lang: str) -> str:
    """Format one metric value for a reader, in the unit its key carries."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("report.yes" if value else "report.no", lang)
    if not isinstance(value, int | float):
        return str(value)
    unit = unit_of(key)
    if unit == "fen":
        return format_amount(int(value), lang)
    if unit == "share":
        return format_share(value)
    if unit == "minutes":
        return t("report.unit.minutes", lang, value=f"{value:,.1f}")
    if unit == "micros":
        return f"{value:,.1f} µs"
    if unit == "seconds":
        return f"{value:,.3f} s"
    return format_count(value)


def compact_number(value: float, lang: str) -> str:
    """Format a number for an axis tick: ``12万`` or ``120k`` rather than ``120,000``."""
    if lang == "zh":
        steps = ((100_000_000, "亿"), (10_000, "万"))
    else:
        steps = ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k"))
    for size, suffix in steps:
        if abs(value) >= size:
            return f"{value / size:,.4g}{suffix}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3g}"


def format_expected(field: str, expected: object, lang: str) -> str:
    """Format the expected side of an expectation: one value, or the bounds ``{min, max}`` of a metric."""
    if isinstance(expected, dict) and expected and set(expected) <= {"min", "max"}:
        low, high = expected.get("min"), expected.get("max")
        if low is not None and low == high:
            return format_value(field, low, lang)
        if low is not None and high is not None:
            return t(
                "report.bounds.between",
                lang,
                min=format_value(field, low, lang),
                max=format_value(field, high, lang),
            )
        if low is not None:
            return t("report.bounds.at_least", lang, min=format_value(field, low, lang))
        return t("report.bounds.at_most", lang, max=format_value(field, high, lang))
    return format_outcome(field, expected, lang)


def format_outcome(field: str, value: object, lang: str) -> str:
    """Format an expected or actual value of an expectation for a reader.

    Balances and money metrics read in yuan, accounts by their names, response
    codes as they are.
    """
    if field in _ACCOUNT_FIELDS and isinstance(value, str):
        key = f"common.account.{value}"
        return t(key, lang) if key in catalogue() else value
    if field == "response":
        return "—" if value is None else str(value)
    return format_value(field, value, lang)

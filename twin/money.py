"""Amounts of money as integer fen (1 yuan = 100 fen).

Every amount inside the twin is an ``int`` of fen. Yuan appear only at the edges
(scenario files, the command line, reports and screens): :func:`parse_yuan` turns
them into fen exactly, through :class:`decimal.Decimal`, and :func:`format_yuan`
turns fen back into text for a reader.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "FEN_PER_YUAN",
    "MAX_AMOUNT_FEN",
    "AmountError",
    "parse_yuan",
    "format_yuan",
    "yuan",
]

FEN_PER_YUAN = 100

#: Largest amount accepted from input: 10 billion yuan, far above any card or
#: union account in the programme and well inside a signed 64-bit integer.
MAX_AMOUNT_FEN = 10_000_000_000 * FEN_PER_YUAN


# A plain number ("1234.5", "-3", "1e2") or one with thousands separators in
# groups of three ("1,234.50").
_PLAIN = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?|[+-]?(s?nan\d*|inf|infinity)", re.IGNORECASE)
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


class AmountError(ValueError):
    """An amount in yuan that cannot be turned into fen.

    ``code`` names the rule that failed (``not_a_number``, ``too_many_decimals``,
    ``negative``, ``zero``, ``too_large``, ``not_finite``) so callers can pick a
    translated message; ``value`` is the text that was given.
    """

    def __init__(self, code: str, value: object, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.value = value


def parse_yuan(
    value: object,
    *,
    allow_negative: bool = False,
    allow_zero: bool = True,
    maximum_fen: int = MAX_AMOUNT_FEN,
) -> int:
    """Parse an amount in yuan (a string, an int or a float) into integer fen.

    Floats are read through their shortest ``repr`` so that ``0.1`` from YAML is
    0.10 yuan, not a binary fraction. More than two decimal places, NaN and
    infinity are rejected, as are negative amounts and zero unless allowed.
    """
    if isinstance(value, bool):
        raise AmountError("not_a_number", value, f"{value!r} is not an amount; write yuan, for example 12.35")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if not _GROUPED.fullmatch(text) and not _PLAIN.fullmatch(text):
            raise AmountError(
                "not_a_number", value, f"{value!r} is not an amount; write yuan, for example 12.35 or 1,234.50"
            )
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise AmountError(
                "not_a_number", value, f"{value!r} is not an amount; write yuan, for example 12.35"
            ) from None
    else:
        raise AmountError("not_a_number", value, f"{value!r} is not an amount; write yuan, for example 12.35")

    if number.is_finite() and abs(number.adjusted()) > 30:
        raise AmountError("too_large", value, f"{value} is above the maximum of {format_yuan(maximum_fen)} yuan")
    if not number.is_finite():
        raise AmountError("not_finite", value, f"{value!r} is not a finite amount; write yuan, for example 12.35")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise AmountError(
            "too_many_decimals",
            value,
            f"{value} has more than two decimal places; write yuan with at most two decimals, for example 12.35",
        )
    fen = int(number * FEN_PER_YUAN)
    if fen < 0 and not allow_negative:
        raise AmountError("negative", value, f"{value} is negative; amounts here must be zero or more")
    if fen == 0 and not allow_zero:
        raise AmountError("zero", value, f"{value} is zero; the amount must be more than 0.00 yuan")
    if abs(fen) > maximum_fen:
        raise AmountError(
            "too_large",
            value,
            f"{value} is above the maximum of {format_yuan(maximum_fen)} yuan",
        )
    return fen


def yuan(value: object) -> int:
    """Parse a non-negative yuan amount into fen (a shorthand for tests and code)."""
    return parse_yuan(value)


def format_yuan(fen: int, lang: str = "en", *, symbol: bool = False) -> str:
    """Format fen as yuan with two decimals and thousands separators.

    ``lang="zh"`` with ``symbol=True`` gives ``¥1,234.50``; in English the symbol
    form is ``CNY 1,234.50``. Without the symbol both read ``1,234.50``.
    """
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    text = f"{sign}{whole:,}.{cents:02d}"
    if not symbol:
        return text
    return f"¥{text}" if lang == "zh" else f"CNY {text}"

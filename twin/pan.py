"""Card numbers: PAN with its Luhn check digit, PAN sequence number and expiry.

Every union card number has the same shape: the programme's 6-digit BIN, 12
account digits and one Luhn check digit, 19 digits in all::

    621799 000000001234 5
    ^BIN   ^account     ^check digit

The PAN sequence number (PSN, EMV tag 5F34) distinguishes cards issued on the
same PAN. The expiry date is ``YYMM``; a card is valid up to and including the last
day of that month.

:func:`mask_pan` is the one way card numbers appear in logs, reports and screens.
"""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = [
    "DEFAULT_BIN",
    "PAN_LENGTH",
    "ACCOUNT_DIGITS",
    "MIN_PAN_LENGTH",
    "MAX_PAN_LENGTH",
    "DEFAULT_VALIDITY_YEARS",
    "PanError",
    "luhn_check_digit",
    "is_luhn_valid",
    "validate_pan",
    "make_pan",
    "account_digits",
    "format_psn",
    "validate_psn",
    "next_psn",
    "make_expiry",
    "parse_expiry",
    "expiry_last_day",
    "is_expired",
    "mask_pan",
]

#: The programme's BIN in the twin. 621799 is a made-up value, not taken from any
#: card programme, and a scenario may set its own.
DEFAULT_BIN = "621799"

#: Length of a union card number: 6-digit BIN, 12 account digits, 1 check digit.
PAN_LENGTH = 19
ACCOUNT_DIGITS = PAN_LENGTH - 6 - 1

#: Range of PAN lengths that ISO/IEC 7812 allows; :func:`validate_pan` accepts
#: any of them so that cards of other issuers can be checked too.
MIN_PAN_LENGTH = 12
MAX_PAN_LENGTH = 19

#: Years between issuance and expiry. A model parameter, not a programme rule.
DEFAULT_VALIDITY_YEARS = 10


class PanError(ValueError):
    """A card number, PSN or expiry date that is malformed.

    ``code`` names the rule that failed (``not_digits``, ``wrong_length``,
    ``check_digit``, ``bad_bin``, ``bad_account``, ``bad_psn``, ``bad_expiry``)
    so that callers can pick a translated message. The message never contains a
    full card number.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def luhn_check_digit(partial: str) -> str:
    """Compute the Luhn check digit to append to ``partial`` (digits only)."""
    _require_digits(partial, "number", min_length=1)

    # Double every second digit counting from the right of ``partial``: once the
    # check digit is appended, these are the second, fourth ... from the right.
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = ord(char) - 48
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit

    return str((10 - total % 10) % 10)


def is_luhn_valid(number: str) -> bool:
    """Return whether ``number`` ends in its correct Luhn check digit.

    Anything that is not a string of at least two ASCII digits is invalid.
    """
    if not _is_ascii_digits(number) or len(number) < 2:
        return False
    return luhn_check_digit(number[:-1]) == number[-1]


def validate_pan(pan: str) -> str:
    """Check that ``pan`` is 12 to 19 digits with a correct check digit; return it.

    Raises :class:`PanError` naming the rule that failed.
    """
    _require_digits(pan, "PAN", min_length=0)
    if not MIN_PAN_LENGTH <= len(pan) <= MAX_PAN_LENGTH:
        raise PanError(
            "wrong_length",
            f"PAN {mask_pan(pan)} has {len(pan)} digits; "
            f"a PAN has {MIN_PAN_LENGTH} to {MAX_PAN_LENGTH} digits",
        )
    if not is_luhn_valid(pan):
        raise PanError(
            "check_digit",
            f"PAN {mask_pan(pan)} fails the Luhn check; "
            "check for a mistyped digit, the last digit must be "
            f"{luhn_check_digit(pan[:-1])} for the digits before it",
        )
    return pan


def make_pan(account_number: int | str, programme_bin: str = DEFAULT_BIN) -> str:
    """Build a 19-digit PAN from the programme BIN and an account number.

    ``account_number`` is an int from 0 to 999,999,999,999 (padded with zeros to
    12 digits) or a string of exactly 12 digits.
    """
    if not _is_ascii_digits(programme_bin) or len(programme_bin) != 6:
        raise PanError(
            "bad_bin",
            f"BIN {programme_bin!r} is invalid; a programme BIN is exactly 6 digits, for example {DEFAULT_BIN}",
        )

    if isinstance(account_number, bool):
        raise PanError("bad_account", f"account number {account_number!r} is not a number")
    if isinstance(account_number, int):
        if not 0 <= account_number < 10**ACCOUNT_DIGITS:
            raise PanError(
                "bad_account",
                f"account number {account_number} is out of range; "
                f"it must be from 0 to {10**ACCOUNT_DIGITS - 1}",
            )
        digits = f"{account_number:0{ACCOUNT_DIGITS}d}"
    else:
        if not _is_ascii_digits(account_number) or len(account_number) != ACCOUNT_DIGITS:
            raise PanError(
                "bad_account",
                f"account number {account_number!r} is invalid; "
                f"write exactly {ACCOUNT_DIGITS} digits, or pass an int",
            )
        digits = account_number

    partial = programme_bin + digits
    return partial + luhn_check_digit(partial)


def account_digits(pan: str) -> str:
    """Return the digits between the 6-digit BIN and the check digit of a valid PAN."""
    return validate_pan(pan)[6:-1]


def format_psn(sequence: int) -> str:
    """Format a PAN sequence number 0-99 as the two digits EMV uses ("00", "01" ...)."""
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 0 <= sequence <= 99:
        raise PanError("bad_psn", f"PSN {sequence!r} is invalid; it must be an int from 0 to 99")
    return f"{sequence:02d}"


def validate_psn(psn: str) -> str:
    """Check that ``psn`` is exactly two digits; return it."""
    if not _is_ascii_digits(psn) or len(psn) != 2:
        raise PanError("bad_psn", f"PSN {psn!r} is invalid; write two digits, for example 00")
    return psn


def next_psn(psn: str) -> str:
    """Return the PSN for the next card issued on the same PAN."""
    value = int(validate_psn(psn))
    if value == 99:
        raise PanError("bad_psn", "PSN 99 is the last one; issue the next card on a new PAN")
    return format_psn(value + 1)


def make_expiry(issued_on: dt.date, years: int = DEFAULT_VALIDITY_YEARS) -> str:
    """Return the ``YYMM`` expiry of a card issued on ``issued_on``: the same month, ``years`` later."""
    if years < 1:
        raise PanError("bad_expiry", f"validity of {years} years is invalid; it must be at least 1")
    year = issued_on.year + years
    if year > 2099:
        raise PanError("bad_expiry", f"expiry year {year} does not fit the two-digit YYMM form")
    return f"{year % 100:02d}{issued_on.month:02d}"


def parse_expiry(expiry: str) -> tuple[int, int]:
    """Parse ``YYMM`` into ``(year, month)``, reading the year as 20YY."""
    if not _is_ascii_digits(expiry) or len(expiry) != 4 or not 1 <= int(expiry[2:]) <= 12:
        raise PanError(
            "bad_expiry",
            f"expiry date {expiry!r} is invalid; write YYMM with a month from 01 to 12, for example 3012",
        )
    return 2000 + int(expiry[:2]), int(expiry[2:])


def expiry_last_day(expiry: str) -> dt.date:
    """Return the last day on which a card with this ``YYMM`` expiry is valid."""
    year, month = parse_expiry(expiry)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def is_expired(expiry: str, today: dt.date) -> bool:
    """Return whether a card with this expiry is no longer valid on ``today`` (local date)."""
    return today > expiry_last_day(expiry)


def mask_pan(pan: str) -> str:
    """Mask a card number for display: the first 6 and last 4 digits stay.

    ``6217990000000012345`` becomes ``621799*********2345``. Malformed input is
    masked the same way, so an error message about it shows no more than a
    masked card number would. A value shorter than 10 characters is masked
    completely.
    """
    text = str(pan)
    if len(text) < 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


# Private interface


def _is_ascii_digits(value: object) -> bool:
    # str.isdigit() also accepts characters such as "²" and Arabic-Indic digits.
    return isinstance(value, str) and value.isascii() and value.isdigit()


def _require_digits(value: object, name: str, *, min_length: int) -> None:
    if not isinstance(value, str):
        raise PanError(
            "not_digits", f"{name} must be a string of digits, not {type(value).__name__}"
        )
    if not _is_ascii_digits(value) and value != "":
        raise PanError(
            "not_digits",
            f"{name} {mask_pan(value)!r} contains characters other than the digits 0-9; "
            "remove spaces and separators",
        )
    if len(value) < min_length:
        raise PanError("wrong_length", f"{name} is empty; give at least {min_length} digit")

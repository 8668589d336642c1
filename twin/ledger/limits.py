"""Class II account limits on money in and money out.

A class II personal account may take in at most 10,000 yuan per local day and
200,000 yuan per calendar year, and pay out at most the same, each direction
counted apart. Days and years are Asia/Shanghai local time, so a window resets
at local midnight (16:00 UTC) and on 1 January local time.

What counts is set by :data:`~twin.ledger.transfers.INFLOW_CODES` and
:data:`~twin.ledger.transfers.OUTFLOW_CODES`. A hold counts from the moment it is
placed; voiding it, or posting less than it held, gives the rest back to the
window it was counted in, if that window is still the current one. A reversal
undoes a posted transfer, so it gives back what that transfer counted: to the
day's window when it is made on the same local day, and to the year's when it is
made in the same year. A refund gives nothing back.

The daily cap is a daily total by default (the reading of the central bank's
rule); ``per_transaction=True`` reads it as a cap on each single transfer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from twin.ledger.accounts import Account, AccountCode, AccountFlags, shared_number
from twin.ledger.results import TransferResult
from twin.ledger.transfers import Transfer, TransferCode, TransferFlags

__all__ = ["Limits", "exempt_code_allowed", "year_of_day", "check_out", "check_in", "count_out", "count_in", "release_out", "release_in", "undo_out", "undo_in", "counted_at"]

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps in fen for class II accounts."""

    daily_in: int = 1_000_000
    daily_out: int = 1_000_000
    yearly_in: int = 20_000_000
    yearly_out: int = 20_000_000
    per_transaction: bool = False


@lru_cache(maxsize=4096)
def year_of_day(day: int) -> int:
    """Return the calendar year of a local day number (days since 1970-01-01)."""
    return (_EPOCH + dt.timedelta(days=day)).year


# The flag as a plain int: an int & IntFlag member runs Python code in the enum module.
_LIMITED = int(AccountFlags.LIMITED)
_POST_PENDING = int(TransferFlags.POST_PENDING)

_EXEMPT_CODES = frozenset(
    {
        TransferCode.REPLACEMENT,
        TransferCode.CLOSURE_SETTLEMENT,
        TransferCode.FUNDING,
        TransferCode.CAMPAIGN_DISCOUNT,
        TransferCode.TRANSIT_FARE,
    }
)


def exempt_code_allowed(code: TransferCode, debit: Account, credit: Account) -> bool:
    """Tell whether a code that the limits do not count is used between the right accounts.

    Only transfers touching a class II account are restricted:

    - a replacement moves a balance between two accounts of the same kind and owner;
    - a closure settlement takes money out of a closing card, or brings its
      transit wallet back to its own main account;
    - funding, campaign discounts and transit fares never touch a class II account.
    """
    if code not in _EXEMPT_CODES or not (int(debit.flags) | int(credit.flags)) & _LIMITED:
        return True
    if code is TransferCode.REPLACEMENT:
        return debit.owner == credit.owner and debit.code == credit.code
    if code is TransferCode.CLOSURE_SETTLEMENT:
        if not int(credit.flags) & _LIMITED:
            return True
        return debit.code is AccountCode.TRANSIT_WALLET and debit.owner == credit.owner
    return False


def _roll(account: Account, day: int) -> None:
    if account.day != day:
        account.day = shared_number(day)
        account.day_in = 0
        account.day_out = 0
    year = year_of_day(day)
    if account.year != year:
        account.year = shared_number(year)
        account.year_in = 0
        account.year_out = 0


def _check(used_day: int, used_year: int, amount: int, daily: int, yearly: int, per_transaction: bool):
    if per_transaction:
        if amount > daily:
            return TransferResult.LIMIT_EXCEEDED_DAILY
    elif used_day + amount > daily:
        return TransferResult.LIMIT_EXCEEDED_DAILY
    if used_year + amount > yearly:
        return TransferResult.LIMIT_EXCEEDED_YEARLY
    return None


def check_out(account: Account, amount: int, day: int, limits: Limits) -> TransferResult | None:
    """Return the limit that paying ``amount`` out on local ``day`` would break, if any."""
    used_day = account.day_out if account.day == day else 0
    used_year = account.year_out if account.year == year_of_day(day) else 0
    return _check(used_day, used_year, amount, limits.daily_out, limits.yearly_out, limits.per_transaction)


def check_in(account: Account, amount: int, day: int, limits: Limits) -> TransferResult | None:
    """Return the limit that taking ``amount`` in on local ``day`` would break, if any."""
    used_day = account.day_in if account.day == day else 0
    used_year = account.year_in if account.year == year_of_day(day) else 0
    return _check(used_day, used_year, amount, limits.daily_in, limits.yearly_in, limits.per_transaction)


def count_out(account: Account, amount: int, day: int) -> None:
    _roll(account, day)
    account.day_out += amount
    account.year_out += amount


def count_in(account: Account, amount: int, day: int) -> None:
    _roll(account, day)
    account.day_in += amount
    account.year_in += amount


def release_out(account: Account, amount: int, day: int) -> None:
    """Give back ``amount`` counted on local ``day`` if its windows are still current."""
    if account.day == day:
        account.day_out = max(0, account.day_out - amount)
    if account.year == year_of_day(day):
        account.year_out = max(0, account.year_out - amount)


def release_in(account: Account, amount: int, day: int) -> None:
    if account.day == day:
        account.day_in = max(0, account.day_in - amount)
    if account.year == year_of_day(day):
        account.year_in = max(0, account.year_in - amount)


def undo_out(account: Account, amount: int, counted_day: int, day: int) -> None:
    """Give back ``amount`` counted as money out on ``counted_day``, for a reversal made on ``day``.

    The day's window gets it back only on the same local day, the year's only
    in the same year.
    """
    if counted_day == day and account.day == day:
        account.day_out = max(0, account.day_out - amount)
    year = year_of_day(counted_day)
    if account.year == year and year_of_day(day) == year:
        account.year_out = max(0, account.year_out - amount)


def undo_in(account: Account, amount: int, counted_day: int, day: int) -> None:
    """Give back ``amount`` counted as money in on ``counted_day``, for a reversal made on ``day``."""
    if counted_day == day and account.day == day:
        account.day_in = max(0, account.day_in - amount)
    year = year_of_day(counted_day)
    if account.year == year and year_of_day(day) == year:
        account.year_in = max(0, account.year_in - amount)


def counted_at(original: Transfer, transfers: dict[int, Transfer]) -> int:
    """Return the time a posted transfer was counted in the class II windows.

    A post counts from the time of the hold it posts.
    """
    if int(original.flags) & _POST_PENDING:
        pending = transfers.get(original.pending_id)
        if pending is not None:
            return pending.timestamp
    return original.timestamp

"""Demand interest by the balance-days product method (积数计息).

Every local day an interest-earning account adds its end-of-day posted balance
to a running product (fen x days). Interest for a period is

    rate x (product in 365-day years / 365 + product in 366-day years / 366)

so a day in a leap year earns 1/366 of the yearly rate and a period that spans
two years uses each year's own length. The result is rounded half up to the fen.

The product is kept lazily: it is brought up to date only when the posted
balance changes or interest is settled, which gives the same figure as a daily
accrual job without touching idle accounts every night.

Settlement is quarterly, for periods ending on the 20th of March, June,
September and December; the interest is credited on the next day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from twin.calendar import days_in_year
from twin.ledger.accounts import Account, shared_number
from twin.ledger.limits import year_of_day

__all__ = ["accrue", "interest_due", "next_settlement_date", "is_settlement_date", "day_index", "date_of_day"]

_EPOCH = dt.date(1970, 1, 1)
SETTLEMENT_MONTHS = (3, 6, 9, 12)
SETTLEMENT_DAY = 20


def day_index(date: dt.date) -> int:
    return (date - _EPOCH).days


def date_of_day(day: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=day)


def accrue(account: Account, day: int) -> None:
    """Add the posted balance for every local day before ``day`` not yet counted."""
    start = account.interest_day
    if start < 0:
        account.interest_day = shared_number(day)
        return
    if day <= start:
        return
    balance = account.balance
    if balance:
        while start < day:
            year = year_of_day(start)
            next_year_start = day_index(dt.date(year + 1, 1, 1))
            stop = min(day, next_year_start)
            if days_in_year(year) == 366:
                account.product_366 += balance * (stop - start)
            else:
                account.product_365 += balance * (stop - start)
            start = stop
    account.interest_day = shared_number(day)


def interest_due(account: Account, rate: Decimal) -> int:
    """Return the interest in fen on the account's products at a yearly ``rate``."""
    if not account.product_365 and not account.product_366:
        return 0
    exact = Fraction(rate) * (Fraction(account.product_365, 365) + Fraction(account.product_366, 366))
    whole, remainder = divmod(exact.numerator, exact.denominator)
    return whole + (1 if 2 * remainder >= exact.denominator else 0)


def is_settlement_date(date: dt.date) -> bool:
    return date.month in SETTLEMENT_MONTHS and date.day == SETTLEMENT_DAY


def next_settlement_date(date: dt.date) -> dt.date:
    """Return the first period end on or after ``date``."""
    for month in SETTLEMENT_MONTHS:
        candidate = dt.date(date.year, month, SETTLEMENT_DAY)
        if candidate >= date:
            return candidate
    return dt.date(date.year + 1, SETTLEMENT_MONTHS[0], SETTLEMENT_DAY)

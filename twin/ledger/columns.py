"""Fields of many accounts as numpy columns, and the credit of a file applied to them.

The ledger keeps each account as a Python object, which the per-transfer
rules read attribute by attribute. A disbursement file touches up to a
million of them, so :class:`AccountColumns` reads one field of all of them
in a single C-level pass into a numpy column, and writes a column back the
same way in one tight loop. Reading or writing a field of a million
accounts takes a few tens of milliseconds. :class:`TableColumns` offers the
same reads and writes over columns read from the store's ``accounts`` table,
so :func:`credit_accounts` applies a file the same way in memory and in a
checkpoint.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator

import numpy as np

from twin.calendar import days_in_year
from twin.ledger import interest
from twin.ledger.accounts import Account, AccountFlags, AccountStatus, shared_number
from twin.ledger.limits import year_of_day

__all__ = ["AccountColumns", "TableColumns", "credit_accounts"]

_LIMITED = int(AccountFlags.LIMITED)
_EARNS = int(AccountFlags.EARNS_INTEREST)
_CMNED = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)


class AccountColumns:
    """A fixed list of accounts and the columns read from them so far."""

    def __init__(self, accounts: list[Account]) -> None:
        self.accounts = accounts
        self._columns: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.accounts)

    def column(self, name: str) -> np.ndarray:
        """Return the integer field ``name`` of every account, read on first use."""
        values = self._columns.get(name)
        if values is None:
            values = np.fromiter(map(operator.attrgetter(name), self.accounts), dtype=np.int64, count=len(self.accounts))
            self._columns[name] = values
        return values

    def flags(self) -> np.ndarray:
        """Return the accounts' flags as integers; most files hold one kind of account only."""
        values = self._columns.get("flags")
        if values is None:
            flags = list(map(operator.attrgetter("flags"), self.accounts))
            if flags and flags.count(flags[0]) == len(flags):
                values = np.full(len(flags), int(flags[0]), dtype=np.int64)
            else:
                values = np.fromiter(map(int, flags), dtype=np.int64, count=len(flags))
            self._columns["flags"] = values
        return values

    def with_status(self, status: AccountStatus) -> np.ndarray:
        """Return a mask of the accounts in ``status``."""
        statuses = list(map(operator.attrgetter("status"), self.accounts))
        if status not in statuses:
            return np.zeros(len(statuses), dtype=bool)
        return np.fromiter((value is status for value in statuses), dtype=bool, count=len(statuses))

    def write(self, name: str, values: np.ndarray | int, rows: np.ndarray | None = None) -> None:
        """Set field ``name`` of the accounts at ``rows`` (all if None) to ``values`` (a column or one value)."""
        self.write_many({name: values}, rows)

    def write_many(self, fields: dict[str, np.ndarray | int], rows: np.ndarray | None = None) -> None:
        """Set several fields of the accounts at ``rows`` (all if None) in one pass."""
        accounts = self.accounts if rows is None else list(map(self.accounts.__getitem__, rows.tolist()))
        if not accounts:
            return
        sources = []
        for name, values in fields.items():
            self._columns.pop(name, None)
            sources.append(values.tolist() if isinstance(values, np.ndarray) else itertools.repeat(int(values)))
        _writer(tuple(fields))(accounts, *sources)


class TableColumns:
    """Some rows of a table of account columns, read and written like :class:`AccountColumns`.

    ``table`` maps field names to full columns; ``places`` are the rows this
    view covers, in the order its callers index them.
    """

    def __init__(self, table: dict[str, np.ndarray], places: np.ndarray) -> None:
        self.table = table
        self.places = places

    def __len__(self) -> int:
        return len(self.places)

    def column(self, name: str) -> np.ndarray:
        return self.table[name][self.places]

    def flags(self) -> np.ndarray:
        return self.column("flags")

    def write(self, name: str, values: np.ndarray | int, rows: np.ndarray | None = None) -> None:
        self.write_many({name: values}, rows)

    def write_many(self, fields: dict[str, np.ndarray | int], rows: np.ndarray | None = None) -> None:
        places = self.places if rows is None else self.places[rows]
        for name, values in fields.items():
            self.table[name][places] = values


def credit_accounts(credits: AccountColumns | TableColumns, accepted: np.ndarray, amounts: np.ndarray, day: int) -> None:
    """Credit the accepted rows' accounts, each once: interest first, then the sums and windows.

    ``accepted`` are places in ``credits`` and ``amounts`` their credits. The
    steps are those of apply.py and :func:`twin.ledger.chunks.fold`, on columns.
    """
    every = accepted if len(accepted) < len(credits) else None
    flags = credits.flags()[accepted]

    # Interest: bring the balance-days product up to today before the balance changes.
    earning = np.flatnonzero(flags & _EARNS)
    if len(earning):
        start = credits.column("interest_day")[accepted][earning]
        behind = start < day
        if behind.any():
            _accrue(credits, accepted[earning[behind]], start[behind], flags[earning[behind]], day)

    posted = credits.column("credits_posted")[accepted] + amounts

    # Class II inflow windows, rolled over to today and this year first.
    limited = np.flatnonzero(flags & _LIMITED)
    if len(limited) < len(accepted):
        credits.write("credits_posted", posted, every)
    if not len(limited):
        return
    places = accepted[limited]
    year = year_of_day(day)
    same_day = credits.column("day")[places] == day
    same_year = credits.column("year")[places] == year
    added = amounts[limited]
    fields: dict[str, np.ndarray | int] = {
        "day_in": np.where(same_day, credits.column("day_in")[places], 0) + added if same_day.any() else added,
        "year_in": np.where(same_year, credits.column("year_in")[places], 0) + added if same_year.any() else added,
    }
    if len(limited) == len(accepted):
        fields["credits_posted"] = posted

    # A window that rolls for every account is written in the same pass.
    shared_day, shared_year = shared_number(day), shared_number(year)
    for same, key, value, other in ((same_day, "day", shared_day, "day_out"), (same_year, "year", shared_year, "year_out")):
        if not same.any():
            fields[key] = value
            fields[other] = 0
        elif not same.all():
            credits.write_many({key: value, other: 0}, places[~same])
    credits.write_many(fields, places if len(places) < len(credits) else None)


def _accrue(credits: AccountColumns | TableColumns, places: np.ndarray, start: np.ndarray, flags: np.ndarray, day: int) -> None:
    """:func:`twin.ledger.interest.accrue` for many accounts: add balance x days, split by year length."""
    posted = credits.column("credits_posted")[places] - credits.column("debits_posted")[places]
    balance = np.where(flags & _CMNED != 0, -posted, posted)
    counting = (start >= 0) & (balance != 0)
    if counting.any():
        rows = places[counting]
        first, balance = start[counting], balance[counting]
        products = {365: credits.column("product_365")[rows].copy(), 366: credits.column("product_366")[rows].copy()}
        for year in range(year_of_day(int(first.min())), year_of_day(day) + 1):
            begins = interest.day_index(dt.date(year, 1, 1))
            ends = min(interest.day_index(dt.date(year + 1, 1, 1)), day)
            days = np.clip(ends - np.maximum(first, begins), 0, None)
            products[days_in_year(year)] += balance * days
        credits.write("product_365", products[365], rows)
        credits.write("product_366", products[366], rows)
    credits.write("interest_day", shared_number(day), places)


@functools.cache
def _writer(names: tuple[str, ...]):
    """Return a loop that stores ``names`` on each account from parallel sources.

    Written out per set of fields, because a plain attribute store in a loop
    took 84 ms for a million accounts, against 140 ms through the slot's setter.
    """
    for name in names:
        if name not in Account.__slots__:
            raise ValueError(f"account field {name!r} does not exist; use one of {', '.join(Account.__slots__)}")
    values = [f"value_{index}" for index in range(len(names))]
    stores = "; ".join(f"account.{name} = {value}" for name, value in zip(names, values, strict=True))
    source = (
        f"def write(accounts, {', '.join(values)}):\n"
        f"    for account, {', '.join(values)} in zip(accounts, {', '.join(values)}):\n"
        f"        {stores}\n"
    )
    namespace: dict = {}
    exec(compile(source, f"<account writer {', '.join(names)}>", "exec"), namespace)
    return namespace["write"]

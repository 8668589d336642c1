"""The ledger's store of record: one SQLite database in WAL mode.

The ledger keeps its working state in memory and hands the store whole groups
of changes: new accounts, committed transfers, failed transfer ids and the new
state of every account they touched. Each group is written in one SQLite
transaction, so a process killed at any moment leaves whole groups only, and
reopening the database gives back the exact balances.

Tables:

``accounts``        identity, status and the running sums of each account
``transfers``       every committed transfer in commit order (``seq``)
``failed``          ids whose transfer was rejected, with the result, so a
                    retry stays rejected after a restart
``settlements``     interest periods already settled
``meta``            ledger settings (limits, interest rate) for the audit
"""

from __future__ import annotations

import json
import logging
import operator
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from twin.ledger.accounts import Account
from twin.ledger.transfers import Transfer

__all__ = ["SQLiteStore", "ACCOUNT_COLUMNS", "TRANSFER_COLUMNS", "MAX_INTEGER"]

log = logging.getLogger(__name__)

#: Largest integer a SQLite column holds. Ids, amounts, running sums and expiry
#: times beyond it would make the write of their whole group fail.
MAX_INTEGER = 2**63 - 1

#: One column per field of :class:`~twin.ledger.accounts.Account`, in its order:
#: the identity first (six fields), then the running sums and counters.
ACCOUNT_COLUMNS: tuple[str, ...] = tuple(Account.__slots__)

TRANSFER_COLUMNS = (
    "id",
    "debit_account_id",
    "credit_account_id",
    "amount",
    "code",
    "flags",
    "pending_id",
    "timeout",
    "timestamp",
    "authorization_id",
    "batch_id",
    "original_id",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    owner TEXT NOT NULL,
    account_class TEXT NOT NULL,
    flags INTEGER NOT NULL,
    status TEXT NOT NULL,
    debits_pending INTEGER NOT NULL,
    debits_posted INTEGER NOT NULL,
    credits_pending INTEGER NOT NULL,
    credits_posted INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    day INTEGER NOT NULL,
    day_in INTEGER NOT NULL,
    day_out INTEGER NOT NULL,
    year INTEGER NOT NULL,
    year_in INTEGER NOT NULL,
    year_out INTEGER NOT NULL,
    product_365 INTEGER NOT NULL,
    product_366 INTEGER NOT NULL,
    interest_day INTEGER NOT NULL,
    closed_at INTEGER
);
CREATE TABLE IF NOT EXISTS transfers (
    seq INTEGER PRIMARY KEY,
    {", ".join(f"{name} {'TEXT' if name in ('code', 'authorization_id', 'batch_id') else 'INTEGER'} NOT NULL" for name in TRANSFER_COLUMNS)},
    UNIQUE (id)
);
CREATE TABLE IF NOT EXISTS failed (
    id INTEGER PRIMARY KEY,
    result TEXT NOT NULL,
    {", ".join(f"{name} {'TEXT' if name in ('code', 'authorization_id', 'batch_id') else 'INTEGER'} NOT NULL" for name in TRANSFER_COLUMNS[1:])}
);
CREATE TABLE IF NOT EXISTS settlements (
    period_end TEXT PRIMARY KEY,
    timestamp INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


# Rows in column order, read in C. The enum fields bind as their str and int
# values because StrEnum and IntFlag members are str and int.
_account_row = operator.attrgetter(*ACCOUNT_COLUMNS)
_transfer_row = operator.attrgetter(*TRANSFER_COLUMNS)


class SQLiteStore:
    """A ledger database file (or ``":memory:"`` for throwaway use)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL keeps every committed group after a process
        # crash; only an operating-system crash can lose the last groups.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    # Reading

    def accounts(self) -> Iterator[Account]:
        cursor = self._db.execute(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM accounts ORDER BY id")
        for row in cursor:
            account = Account(row[0], row[1], row[2], row[3], row[4], row[5])
            for name, value in zip(ACCOUNT_COLUMNS[6:], row[6:], strict=True):
                setattr(account, name, value)
            yield account

    def transfers(self) -> Iterator[Transfer]:
        cursor = self._db.execute(f"SELECT {', '.join(TRANSFER_COLUMNS)} FROM transfers ORDER BY seq")
        for row in cursor:
            yield Transfer(*row)

    def failures(self) -> Iterator[tuple[Transfer, str]]:
        cursor = self._db.execute(f"SELECT {', '.join(TRANSFER_COLUMNS)}, result FROM failed ORDER BY id")
        for row in cursor:
            yield Transfer(*row[:-1]), row[-1]

    def settlements(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT period_end FROM settlements ORDER BY period_end")]

    def closed_at(self) -> dict[int, int]:
        rows = self._db.execute("SELECT id, closed_at FROM accounts WHERE closed_at IS NOT NULL")
        return dict(rows.fetchall())

    def meta(self) -> dict[str, object]:
        return {key: json.loads(value) for key, value in self._db.execute("SELECT key, value FROM meta")}

    # Writing

    def write_meta(self, values: dict[str, object]) -> None:
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [(key, json.dumps(value)) for key, value in values.items()],
            )

    def commit(
        self,
        accounts: Iterable[Account],
        transfers: list[Transfer],
        failures: list[tuple[Transfer, str]],
        settlements: list[tuple[str, int]] = (),
        closed: list[tuple[int, int]] = (),
    ) -> None:
        """Write one group of changes in a single transaction."""
        account_rows = [_account_row(account) for account in accounts]
        with self._transaction():
            if account_rows:
                self._db.executemany(
                    f"INSERT INTO accounts ({', '.join(ACCOUNT_COLUMNS)}) VALUES ({', '.join('?' * len(ACCOUNT_COLUMNS))}) "
                    f"ON CONFLICT (id) DO UPDATE SET "
                    + ", ".join(f"{name} = excluded.{name}" for name in ACCOUNT_COLUMNS[1:]),
                    account_rows,
                )
            if transfers:
                self._db.executemany(
                    f"INSERT INTO transfers ({', '.join(TRANSFER_COLUMNS)}) VALUES ({', '.join('?' * len(TRANSFER_COLUMNS))})",
                    [_transfer_row(t) for t in transfers],
                )
            if failures:
                self._db.executemany(
                    f"INSERT OR IGNORE INTO failed ({', '.join(TRANSFER_COLUMNS)}, result) "
                    f"VALUES ({', '.join('?' * (len(TRANSFER_COLUMNS) + 1))})",
                    [
                        (
                            t.id,
                            t.debit_account_id,
                            t.credit_account_id,
                            t.amount,
                            t.code.value,
                            int(t.flags),
                            t.pending_id,
                            t.timeout,
                            t.timestamp,
                            t.authorization_id,
                            t.batch_id,
                            t.original_id,
                            result,
                        )
                        for t, result in failures
                    ],
                )
            if settlements:
                self._db.executemany("INSERT OR IGNORE INTO settlements VALUES (?, ?)", list(settlements))
            if closed:
                self._db.executemany("UPDATE accounts SET closed_at = ? WHERE id = ?", [(at, id) for id, at in closed])

    def close(self) -> None:
        self._db.close()

    # Private interface

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")
            log.error("ledger store rolled back a group: %s", value)

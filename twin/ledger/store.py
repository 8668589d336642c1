"""The ledger's store of record: one SQLite database in WAL mode.

The ledger keeps its working state in memory and hands the store whole groups
of changes: new accounts, committed transfers, failed transfer ids and the new
state of every account they touched. Each group is written in one SQLite
transaction, so a process killed at any moment leaves whole groups only, and
reopening the database gives back the exact balances.

Tables:

``accounts``         identity, status and the running sums of each account,
                     and ``log_position``: the last chunk its sums include
``transfer_rows``    transfers committed one by one, in commit order (``seq``)
``transfer_chunks``  transfers committed as columns by ``Ledger.disburse``
                     (see :mod:`twin.ledger.chunks`), each chunk numbered in
                     the log and holding a run of commit positions
``chunk_slots``      the numbers 0 .. CHUNK_ROWS - 1, to list a chunk's rows in SQL
``failed``           ids whose transfer was rejected, with the result, so a
                     retry stays rejected after a restart
``settlements``      interest periods already settled
``meta``             ledger settings (limits, interest rate) for the audit

The view ``transfers`` shows both kinds of transfers as rows in commit order,
so SQL readers see one table; changes made through it reach ``transfer_rows``.
A database written before chunks existed has its ``transfers`` table renamed
to ``transfer_rows`` when it is opened.

Chunks are a log. Committing a file writes its chunks and the debit account's
row, not the rows of the accounts it credits: :meth:`SQLiteStore.accounts`
folds the chunks after each row's ``log_position`` into the balances it
returns. :meth:`SQLiteStore.checkpoint` (run by :meth:`SQLiteStore.close`)
writes the folded rows back and copies the chunked transfers into
``transfer_rows``, leaving the chunks empty but numbered.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import operator
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from twin.ledger.accounts import Account, shared_number
from twin.ledger.chunks import CHUNK_ROWS, Chunk, decode_column, encode_column, fold, local_days
from twin.ledger.columns import TableColumns, credit_accounts
from twin.ledger.transfers import INFLOW_CODES, Transfer, TransferCode, TransferFlags

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

#: The account fields a checkpoint reads and writes; ``flags`` is only read.
_FOLDED = (
    "flags",
    "credits_posted",
    "debits_posted",
    "day",
    "day_in",
    "day_out",
    "year",
    "year_in",
    "year_out",
    "product_365",
    "product_366",
    "interest_day",
)

#: The columns of a chunk, each kept as ``<name>_base``, ``<name>_width`` and ``<name>``.
_CHUNK_COLUMNS = ("ids", "credits", "amounts", "timestamps")


def _decoded(name: str) -> str:
    return f"c.{name}_base + CAST(substr(c.{name}, s.n * c.{name}_width + 1, c.{name}_width) AS INTEGER)"


#: Every transfer held in a chunk, as a row of ``seq`` and the transfer columns.
_CHUNKED_ROWS = f"""SELECT c.first_seq + s.n, {_decoded("ids")}, c.debit_account_id, {_decoded("credits")},
        {_decoded("amounts")}, c.code, 0, 0, 0, {_decoded("timestamps")}, '', c.batch_id, 0
    FROM transfer_chunks AS c JOIN chunk_slots AS s ON s.n < c.rows"""

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
    closed_at INTEGER,
    log_position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS transfer_rows (
    seq INTEGER PRIMARY KEY,
    {", ".join(f"{name} {'TEXT' if name in ('code', 'authorization_id', 'batch_id') else 'INTEGER'} NOT NULL" for name in TRANSFER_COLUMNS)},
    UNIQUE (id)
);
-- Lookups of old transfers that the ledger no longer keeps in memory, and the
-- audit's list of holds and originals: by the hold a post or void resolves and
-- by the transfer a refund or reversal returns. Partial, as most rows have neither.
CREATE INDEX IF NOT EXISTS transfer_rows_pending ON transfer_rows (pending_id) WHERE pending_id <> 0;
CREATE INDEX IF NOT EXISTS transfer_rows_original ON transfer_rows (original_id) WHERE original_id <> 0;
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
CREATE TABLE IF NOT EXISTS transfer_chunks (
    position INTEGER PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    debit_account_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    {", ".join(f"{name}_base INTEGER NOT NULL, {name}_width INTEGER NOT NULL, {name} BLOB NOT NULL" for name in _CHUNK_COLUMNS)}
);
CREATE TABLE IF NOT EXISTS chunk_slots (n INTEGER PRIMARY KEY);
CREATE VIEW IF NOT EXISTS transfers AS
    SELECT seq, {", ".join(TRANSFER_COLUMNS)} FROM transfer_rows
    UNION ALL
    {_CHUNKED_ROWS};
CREATE TRIGGER IF NOT EXISTS transfers_insert INSTEAD OF INSERT ON transfers BEGIN
    INSERT INTO transfer_rows (seq, {", ".join(TRANSFER_COLUMNS)})
    VALUES (NEW.seq, {", ".join(f"NEW.{name}" for name in TRANSFER_COLUMNS)});
END;
CREATE TRIGGER IF NOT EXISTS transfers_update INSTEAD OF UPDATE ON transfers BEGIN
    UPDATE transfer_rows SET {", ".join(f"{name} = NEW.{name}" for name in TRANSFER_COLUMNS)} WHERE seq = OLD.seq;
END;
CREATE TRIGGER IF NOT EXISTS transfers_delete INSTEAD OF DELETE ON transfers BEGIN
    DELETE FROM transfer_rows WHERE seq = OLD.seq;
END;
"""


# Rows in column order, read in C. The enum fields are read as their plain
# ``_value_``: sqlite3 binds a str or int subclass only after looking for an
# adapter, which cost a third of the time of writing a row.
_ENUM_COLUMNS = frozenset({"code", "account_class", "status", "flags"})


def _plain(columns: tuple[str, ...]) -> operator.attrgetter:
    return operator.attrgetter(*(f"{name}._value_" if name in _ENUM_COLUMNS else name for name in columns))


_account_row = _plain(ACCOUNT_COLUMNS)
#: The account fields that change after an account is created, then its id.
_ACCOUNT_STATE = ACCOUNT_COLUMNS[5:]
_account_state = _plain((*_ACCOUNT_STATE, "id"))

# Statements run on every commit, built once.
_INSERT_TRANSFER = (
    f"INSERT INTO transfer_rows ({', '.join(TRANSFER_COLUMNS)}) VALUES ({', '.join('?' * len(TRANSFER_COLUMNS))})"
)


@functools.lru_cache(maxsize=4)
def _update_account(position: int) -> str:
    """Return the statement that updates an account's changing fields and sets its log position."""
    return f"UPDATE accounts SET {', '.join(f'{name} = ?' for name in _ACCOUNT_STATE)}, log_position = {int(position)} WHERE id = ?"
_transfer_row = _plain(TRANSFER_COLUMNS)
_SELECT_ROWS = f"SELECT {', '.join(TRANSFER_COLUMNS)} FROM transfer_rows "
_RESOLVING = int(TransferFlags.POST_PENDING | TransferFlags.VOID_PENDING)
_POST = int(TransferFlags.POST_PENDING)
_RETURN_CODES = (TransferCode.REFUND.value, TransferCode.REVERSAL.value)
# Stored codes and flags to their members, looked up in a dict: the enum calls
# cost more than the rest of building a transfer from its row.
_CODE_OF = {code.value: code for code in TransferCode}
_FLAGS_OF = {value: TransferFlags(value) for value in range(32)}


def _transfer_of(row: tuple) -> Transfer:
    """Build a transfer from its stored columns, in the order of ``TRANSFER_COLUMNS``."""
    return Transfer(
        row[0], row[1], row[2], row[3], _CODE_OF.get(row[4], row[4]), _FLAGS_OF.get(row[5], row[5]), *row[6:]
    )


class SQLiteStore:
    """A ledger database file (or ``":memory:"`` for throwaway use)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._closed = False
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL keeps every committed group after a process
        # crash; only an operating-system crash can lose the last groups.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._upgrade()
        self._db.executescript(_SCHEMA)
        self._fill_slots()

        # Where the next transfer and chunk go. A row written after a chunk needs
        # its commit position given, as SQLite would number it after the last row.
        self._last_position = self._db.execute("SELECT COALESCE(MAX(position), 0) FROM transfer_chunks").fetchone()[0]
        last_row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM transfer_rows").fetchone()[0]
        last_chunked = self._db.execute("SELECT COALESCE(MAX(first_seq + rows - 1), 0) FROM transfer_chunks").fetchone()[0]
        self._next_seq = max(last_row, last_chunked) + 1
        self._rows_behind = last_chunked > last_row

    # Reading

    def accounts(self) -> Iterator[Account]:
        """Every account by id, with the chunks its row does not include yet folded in."""
        accounts, positions = self._read_accounts()
        self._fold_log(accounts, positions)
        return iter(accounts.values())

    def transfers(self) -> Iterator[Transfer]:
        """Every committed transfer in commit order, those in chunks included."""
        rows = self.row_transfers(with_seq=True)
        pending = next(rows, None)
        for chunk in self.chunks():
            while pending is not None and pending[0] < chunk.first_seq:
                yield pending[1]
                pending = next(rows, None)
            yield from chunk.transfers()
        while pending is not None:
            yield pending[1]
            pending = next(rows, None)

    def row_transfers(self, with_seq: bool = False) -> Iterator:
        """Yield the transfers committed one by one, in commit order (with their ``seq`` if asked)."""
        cursor = self._db.execute(f"SELECT seq, {', '.join(TRANSFER_COLUMNS)} FROM transfer_rows ORDER BY seq")
        for row in cursor:
            yield (row[0], _transfer_of(row[1:])) if with_seq else _transfer_of(row[1:])

    def row_transfer(self, transfer_id: int) -> Transfer | None:
        """Return the transfer committed one by one with this id, or None.

        Transfers still held in chunks are not found here. The ledger finds
        them in its :class:`~twin.ledger.bulk.BulkIndex`.
        """
        row = self._db.execute(_SELECT_ROWS + "WHERE id = ?", (transfer_id,)).fetchone()
        return None if row is None else _transfer_of(row)

    def resolutions(self, pending_id: int) -> list[Transfer]:
        """Return the posts and voids (expiries included) of the hold ``pending_id``, in commit order."""
        cursor = self._db.execute(
            _SELECT_ROWS + f"WHERE pending_id = ? AND pending_id <> 0 AND flags & {_RESOLVING} ORDER BY seq",
            (pending_id,),
        )
        return [_transfer_of(row) for row in cursor]

    def returns(self, original_id: int) -> list[Transfer]:
        """Return the refunds and reversals (not their posts or voids) of ``original_id``, in commit order."""
        cursor = self._db.execute(
            _SELECT_ROWS + f"WHERE original_id = ? AND original_id <> 0 AND code IN {_RETURN_CODES} "
            f"AND NOT flags & {_RESOLVING} ORDER BY seq",
            (original_id,),
        )
        return [_transfer_of(row) for row in cursor]

    def failure(self, transfer_id: int) -> tuple[Transfer, str] | None:
        """Return the rejected transfer with this id and its result, or None."""
        row = self._db.execute(
            f"SELECT {', '.join(TRANSFER_COLUMNS)}, result FROM failed WHERE id = ?", (transfer_id,)
        ).fetchone()
        return None if row is None else (Transfer(*row[:-1]), row[-1])

    def resolved_more_than_once(self) -> set[int]:
        """Return the ids of the holds that more than one post or void names (only a damaged store has any)."""
        cursor = self._db.execute(
            f"SELECT pending_id FROM transfer_rows WHERE pending_id <> 0 AND flags & {_RESOLVING} "
            "GROUP BY pending_id HAVING COUNT(*) > 1"
        )
        return {row[0] for row in cursor}

    def returned_originals(self) -> set[int]:
        """Return the ids a refund or reversal names as its original, and the holds of those originals that are posts."""
        originals = {
            row[0]
            for row in self._db.execute(
                f"SELECT DISTINCT original_id FROM transfer_rows WHERE original_id <> 0 AND code IN {_RETURN_CODES}"
            )
        }
        holds = self._db.execute(
            "SELECT DISTINCT o.pending_id FROM transfer_rows AS r JOIN transfer_rows AS o ON o.id = r.original_id "
            f"WHERE r.original_id <> 0 AND r.code IN {_RETURN_CODES} AND o.flags & {_POST}"
        )
        return originals | {row[0] for row in holds}

    def account_sums(self) -> Iterator[tuple[int, int, int, int, int]]:
        """Yield ``(id, debits_pending, debits_posted, credits_pending, credits_posted)`` of every account by id.

        The chunks a row does not include yet are folded in, as :meth:`accounts`
        does, but only the lagging rows are held in memory at once.
        """
        lagging, positions = self._read_accounts(lagging=True)
        self._fold_log(lagging, positions)
        cursor = self._db.execute(
            "SELECT id, debits_pending, debits_posted, credits_pending, credits_posted FROM accounts ORDER BY id"
        )
        for row in cursor:
            account = lagging.get(row[0])
            if account is None:
                yield row
            else:
                yield (
                    account.id,
                    account.debits_pending,
                    account.debits_posted,
                    account.credits_pending,
                    account.credits_posted,
                )

    def account_identities(self) -> Iterator[Account]:
        """Yield every account by id with its identity fields only: open, its sums at zero."""
        cursor = self._db.execute("SELECT id, code, owner, account_class, flags FROM accounts ORDER BY id")
        for row in cursor:
            yield Account(*row)

    def chunks(self, after: int = 0) -> Iterator[Chunk]:
        """Yield the chunks after log position ``after``, oldest first."""
        columns = ", ".join(f"{name}_base, {name}_width, {name}" for name in _CHUNK_COLUMNS)
        cursor = self._db.execute(
            f"SELECT position, first_seq, rows, debit_account_id, code, batch_id, {columns} "
            "FROM transfer_chunks WHERE position > ? AND rows > 0 ORDER BY position",
            (after,),
        )
        for row in cursor:
            position, first_seq, count, debit, code, batch_id = row[:6]
            columns = [decode_column(*row[6 + 3 * index : 9 + 3 * index], count) for index in range(4)]
            yield Chunk(debit, TransferCode(code), batch_id, *columns, position=position, first_seq=first_seq)

    def log_position(self) -> int:
        """Return the number of the last chunk written (0 when there is none)."""
        return self._last_position

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
        chunks: list[Chunk] = (),
    ) -> None:
        """Write one group of changes in a single transaction.

        Transfers come first in commit order, then the chunks; the account rows
        record the last chunk of the group as the one their sums include.
        """
        accounts = list(accounts)
        position = self._last_position + len(chunks)
        next_seq = self._next_seq
        with self._transaction():
            if transfers:
                rows = [_transfer_row(t) for t in transfers]
                if self._rows_behind:
                    self._db.execute(
                        f"INSERT INTO transfer_rows (seq, {', '.join(TRANSFER_COLUMNS)}) "
                        f"VALUES ({', '.join('?' * (len(TRANSFER_COLUMNS) + 1))})",
                        (next_seq, *rows[0]),
                    )
                    rows = rows[1:]
                self._db.executemany(_INSERT_TRANSFER, rows)
                next_seq += len(transfers)
            for number, chunk in enumerate(chunks, start=self._last_position + 1):
                chunk.position = number
                chunk.first_seq = next_seq
                next_seq += len(chunk)
                self._write_chunk(chunk)
            if accounts:
                self._update_accounts(accounts, position)
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
        self._rows_behind = bool(chunks) or (self._rows_behind and not transfers)
        self._next_seq = next_seq
        self._last_position = position

    def checkpoint(self) -> int:
        """Write the account rows that lag behind the chunk log, with the log folded in.

        Returns the number of rows whose sums changed. Reading gives the same
        balances before and after. A checkpoint makes the ``accounts`` table
        exact for plain SQL readers and shortens the fold on the next open.
        The fold runs on numpy columns, by the same steps as ``Ledger.disburse``.
        """
        cursor = self._db.execute(
            f"SELECT id, log_position, {', '.join(_FOLDED)} FROM accounts WHERE log_position < ? ORDER BY id",
            (self._last_position,),
        )
        rows = cursor.fetchall()
        if not rows:
            with self._transaction():
                self._move_chunked_rows()
            return 0
        width = 2 + len(_FOLDED)
        values = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
        values = values.reshape(len(rows), width)
        table = {name: values[:, index].copy() for index, name in enumerate(("id", "log_position", *_FOLDED))}
        touched = self._fold_columns(table)
        if touched is None:
            return self._checkpoint_rows()

        places = np.flatnonzero(touched)
        with self._transaction():
            self._db.executemany(
                f"UPDATE accounts SET {', '.join(f'{name} = ?' for name in _FOLDED[1:])}, "
                f"log_position = {int(self._last_position)} WHERE id = ?",
                zip(*(table[name][places].tolist() for name in (*_FOLDED[1:], "id")), strict=True),
            )
            # The other lagging rows are already exact: only their position moves.
            self._db.execute(
                "UPDATE accounts SET log_position = ? WHERE log_position < ?", (self._last_position, self._last_position)
            )
            self._move_chunked_rows()
        log.info("ledger store checkpoint: %d account rows brought up to chunk %d", len(places), self._last_position)
        return len(places)

    def close(self, checkpoint: bool = True) -> None:
        """Close the database, after a checkpoint unless ``checkpoint`` is false (for readers)."""
        if self._closed:
            return
        if checkpoint and self._last_position:
            if self._db.execute("SELECT 1 FROM transfer_chunks WHERE rows > 0 LIMIT 1").fetchone():
                self.checkpoint()
        self._db.close()
        self._closed = True

    # Private interface

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _upgrade(self) -> None:
        """Bring a database written before chunks existed to the current tables."""
        kind = self._db.execute("SELECT type FROM sqlite_master WHERE name = 'transfers'").fetchone()
        if kind is not None and kind[0] == "table":
            with self._transaction():
                self._db.execute("ALTER TABLE transfers RENAME TO transfer_rows")
            log.info("ledger store %s: table transfers renamed to transfer_rows", self.path)
        columns = [row[1] for row in self._db.execute("PRAGMA table_info(accounts)")]
        if columns and "log_position" not in columns:
            with self._transaction():
                self._db.execute("ALTER TABLE accounts ADD COLUMN log_position INTEGER NOT NULL DEFAULT 0")

    def _fill_slots(self) -> None:
        if self._db.execute("SELECT COUNT(*) FROM chunk_slots").fetchone()[0] >= CHUNK_ROWS:
            return
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO chunk_slots (n) WITH RECURSIVE slot(n) AS "
                f"(SELECT 0 UNION ALL SELECT n + 1 FROM slot WHERE n < {CHUNK_ROWS - 1}) SELECT n FROM slot"
            )

    def _read_accounts(self, lagging: bool = False) -> tuple[dict[int, Account], dict[int, int]]:
        where = f"WHERE log_position < {self._last_position}" if lagging else ""
        cursor = self._db.execute(f"SELECT {', '.join(ACCOUNT_COLUMNS)}, log_position FROM accounts {where} ORDER BY id")
        accounts: dict[int, Account] = {}
        positions: dict[int, int] = {}
        for row in cursor:
            account = Account(row[0], row[1], row[2], row[3], row[4], row[5])
            for name, value in zip(ACCOUNT_COLUMNS[6:], row[6:-1], strict=True):
                setattr(account, name, value)
            account.day = shared_number(account.day)
            account.year = shared_number(account.year)
            account.interest_day = shared_number(account.interest_day)
            accounts[account.id] = account
            positions[account.id] = row[-1]
        return accounts, positions

    def _move_chunked_rows(self) -> None:
        """Copy the transfers of every chunk into ``transfer_rows`` and empty the chunks.

        Runs inside a checkpoint, once the account rows include every chunk. SQL
        readers page through table rows by index, while the view decodes every
        chunked row for each query. An emptied chunk keeps its log position.
        The rows are decoded with numpy: an ``INSERT ... SELECT`` from the view
        reloads a chunk's blobs for every row it copies.
        """
        statement = (
            f"INSERT INTO transfer_rows (seq, {', '.join(TRANSFER_COLUMNS)}) "
            f"VALUES ({', '.join('?' * (len(TRANSFER_COLUMNS) + 1))})"
        )
        for chunk in list(self.chunks()):
            zero, empty = itertools.repeat(0), itertools.repeat("")
            self._db.executemany(
                statement,
                zip(
                    range(chunk.first_seq, chunk.first_seq + len(chunk)),
                    chunk.ids.tolist(),
                    itertools.repeat(chunk.debit_account_id),
                    chunk.credit_account_ids.tolist(),
                    chunk.amounts.tolist(),
                    itertools.repeat(chunk.code.value),
                    zero,
                    zero,
                    zero,
                    chunk.timestamps.tolist(),
                    empty,
                    itertools.repeat(chunk.batch_id),
                    zero,
                ),
            )
        emptied = ", ".join(f"{name} = x''" for name in _CHUNK_COLUMNS)
        self._db.execute(f"UPDATE transfer_chunks SET rows = 0, {emptied} WHERE rows > 0")

    def _fold_columns(self, table: dict[str, np.ndarray]) -> np.ndarray | None:
        """Fold the chunk log into columns of account rows; return the mask of rows changed.

        Returns None, changing nothing that matters, for a log the columns do not
        cover: a lagging debit account, a chunk spread over two days, or a code
        that class II limits do not count as money in.
        """
        ids, positions = table["id"], table["log_position"]
        touched = np.zeros(len(ids), dtype=bool)
        for chunk in self.chunks(after=int(positions.min())):
            days = local_days(chunk.timestamps)
            debit = int(np.searchsorted(ids, chunk.debit_account_id))
            debit_lags = debit < len(ids) and ids[debit] == chunk.debit_account_id and positions[debit] < chunk.position
            if debit_lags or days.min() != days.max() or chunk.code not in INFLOW_CODES:
                return None
            places = np.minimum(np.searchsorted(ids, chunk.credit_account_ids), len(ids) - 1)
            lagging = np.flatnonzero((ids[places] == chunk.credit_account_ids) & (positions[places] < chunk.position))
            if len(lagging):
                credits = TableColumns(table, places[lagging])
                credit_accounts(credits, np.arange(len(lagging)), chunk.amounts[lagging], int(days[0]))
                touched[places[lagging]] = True
        return touched

    def _checkpoint_rows(self) -> int:
        """Checkpoint through Account objects, for any log."""
        accounts, positions = self._read_accounts(lagging=True)
        touched = self._fold_log(accounts, positions)
        with self._transaction():
            self._write_accounts([_account_row(accounts[account_id]) for account_id in sorted(touched)], self._last_position)
            self._db.execute(
                "UPDATE accounts SET log_position = ? WHERE log_position < ?", (self._last_position, self._last_position)
            )
            self._move_chunked_rows()
        return len(touched)

    def _fold_log(self, accounts: dict[int, Account], positions: dict[int, int]) -> set[int]:
        """Fold the chunks into ``accounts``; return the ids of the accounts they changed."""
        touched: set[int] = set()
        oldest = min(positions.values(), default=self._last_position)
        if oldest >= self._last_position:
            return touched
        for chunk in self.chunks(after=oldest):
            touched |= fold(chunk, accounts, positions)
        return touched

    def _write_chunk(self, chunk: Chunk) -> None:
        columns = (chunk.ids, chunk.credit_account_ids, chunk.amounts, chunk.timestamps)
        encoded = [part for column in columns for part in encode_column(np.asarray(column, dtype=np.int64))]
        names = ", ".join(f"{name}_base, {name}_width, {name}" for name in _CHUNK_COLUMNS)
        self._db.execute(
            f"INSERT INTO transfer_chunks (position, first_seq, rows, debit_account_id, code, batch_id, {names}) "
            f"VALUES ({', '.join('?' * 18)})",
            (chunk.position, chunk.first_seq, len(chunk), chunk.debit_account_id, chunk.code.value, chunk.batch_id, *encoded),
        )

    def _update_accounts(self, accounts: list[Account], position: int) -> None:
        """Write the changing fields of accounts already stored, or whole rows when one is new.

        An account's identity never changes, and updating 16 columns costs less
        than an insert that turns into an update.
        """
        before = self._db.total_changes
        self._db.executemany(_update_account(position), [_account_state(account) for account in accounts])
        if self._db.total_changes - before != len(accounts):
            self._write_accounts([_account_row(account) for account in accounts], position)

    def _write_accounts(self, rows: list[tuple], position: int) -> None:
        self._db.executemany(
            f"INSERT INTO accounts ({', '.join(ACCOUNT_COLUMNS)}, log_position) "
            f"VALUES ({', '.join('?' * len(ACCOUNT_COLUMNS))}, {int(position)}) "
            f"ON CONFLICT (id) DO UPDATE SET "
            + ", ".join(f"{name} = excluded.{name}" for name in (*ACCOUNT_COLUMNS[1:], "log_position")),
            rows,
        )


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

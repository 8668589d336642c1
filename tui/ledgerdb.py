"""Read a run's ledger database without changing it: accounts, transfers and searches.

The database is opened read-only (SQLite URI ``mode=ro``), so browsing a
finished run never writes to it, and a trainer's ledger can be read while
the world keeps writing through its own connection (WAL allows both).
Searches return at most ``limit`` rows and the total number that match.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from twin.ledger import Account, Transfer
from twin.ledger.store import ACCOUNT_COLUMNS, TRANSFER_COLUMNS
from twin.money import AmountError, parse_yuan

__all__ = ["LedgerReader", "Page"]

_ACCOUNT_SELECT = ", ".join(ACCOUNT_COLUMNS)
_TRANSFER_SELECT = ", ".join(TRANSFER_COLUMNS)


@dataclass(frozen=True)
class Page:
    """The rows of one search and how many rows match in all."""

    rows: list
    total: int


class LedgerReader:
    """A read-only view of one ledger database file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"ledger database not found: {self.path}")
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)

    def close(self) -> None:
        self._db.close()

    # Accounts

    def accounts(self, search: str = "", codes: tuple[str, ...] = (), limit: int = 500) -> Page:
        """Accounts whose id, owner or code matches ``search`` (or whose code is in ``codes``)."""
        where, params = self._account_filter(search, codes)
        total = self._db.execute(f"SELECT COUNT(*) FROM accounts {where}", params).fetchone()[0]
        rows = self._db.execute(
            f"SELECT {_ACCOUNT_SELECT} FROM accounts {where} ORDER BY id LIMIT ?", (*params, limit)
        )
        return Page([_account(row) for row in rows], total)

    def account_map(self) -> dict[int, Account]:
        """Every account by id, to label the two sides of transfers."""
        rows = self._db.execute(f"SELECT {_ACCOUNT_SELECT} FROM accounts")
        return {row[0]: _account(row) for row in rows}

    # Transfers

    def transfers(
        self, search: str = "", codes: tuple[str, ...] = (), account_id: int | None = None, limit: int = 500
    ) -> Page:
        """Transfers in commit order that match ``search`` and touch ``account_id`` if given."""
        where, params = self._transfer_filter(search, codes, account_id)
        total = self._db.execute(f"SELECT COUNT(*) FROM transfers {where}", params).fetchone()[0]
        rows = self._db.execute(
            f"SELECT {_TRANSFER_SELECT} FROM transfers {where} ORDER BY seq LIMIT ?", (*params, limit)
        )
        return Page([Transfer(*row) for row in rows], total)

    def last_seq(self) -> int:
        """Return the commit position of the newest transfer (0 for an empty ledger)."""
        return self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM transfers").fetchone()[0]

    def transfers_after(self, seq: int) -> list[Transfer]:
        """Return the transfers committed after position ``seq``, oldest first."""
        rows = self._db.execute(f"SELECT {_TRANSFER_SELECT} FROM transfers WHERE seq > ? ORDER BY seq", (seq,))
        return [Transfer(*row) for row in rows]

    # Private interface

    def _account_filter(self, search: str, codes: tuple[str, ...]) -> tuple[str, tuple]:
        text = search.strip()
        if not text:
            return "", ()
        clauses = ["owner LIKE ?", "code LIKE ?"]
        params: list = [f"%{text}%", f"%{text}%"]
        if text.isdigit():
            clauses.append("id = ?")
            params.append(int(text))
        if codes:
            clauses.append(f"code IN ({', '.join('?' * len(codes))})")
            params.extend(codes)
        return "WHERE " + " OR ".join(clauses), tuple(params)

    def _transfer_filter(self, search: str, codes: tuple[str, ...], account_id: int | None) -> tuple[str, tuple]:
        conditions: list[str] = []
        params: list = []
        if account_id is not None:
            conditions.append("(debit_account_id = ? OR credit_account_id = ?)")
            params += [account_id, account_id]
        text = search.strip()
        if text:
            clauses = ["code LIKE ?", "authorization_id LIKE ?", "batch_id LIKE ?"]
            params += [f"%{text}%"] * 3
            if text.isdigit():
                clauses += ["id = ?", "debit_account_id = ?", "credit_account_id = ?"]
                params += [int(text)] * 3
            fen = _amount(text)
            if fen is not None:
                clauses.append("amount = ?")
                params.append(fen)
            if codes:
                clauses.append(f"code IN ({', '.join('?' * len(codes))})")
                params.extend(codes)
            conditions.append("(" + " OR ".join(clauses) + ")")
        where = "WHERE " + " AND ".join(conditions) if conditions else ""
        return where, tuple(params)


def _account(row: tuple) -> Account:
    account = Account(row[0], row[1], row[2], row[3], row[4], row[5])
    for name, value in zip(ACCOUNT_COLUMNS[6:], row[6:], strict=True):
        setattr(account, name, value)
    return account


def _amount(text: str) -> int | None:
    """Read ``text`` as yuan (``300``, ``12.50``), or None if it is not an amount."""
    try:
        return parse_yuan(text.replace(",", ""))
    except AmountError:
        return None

"""Chunks: committed disbursement transfers kept as columns, the ledger's bulk log.

A disbursement file that the ledger checks as numpy columns
(:meth:`~twin.ledger.ledger.Ledger.disburse`) is not stored as one row per
transfer. Its committed transfers are cut into chunks of at most
:data:`CHUNK_ROWS` transfers. A chunk keeps what its transfers share (debit
account, code, batch id) once, and four columns: ids, credit accounts,
amounts and timestamps. Every other field of these transfers is zero or empty.

Each column is stored as a base (its smallest value) and the offsets from it,
written as fixed-width decimal digits in a blob. Numpy encodes and decodes
that in a few vector steps, and SQLite reads it too: ``CAST(substr(blob, ...)
AS INTEGER)``. So the store's ``transfers`` view shows chunked transfers as
ordinary rows to any SQL reader, such as the terminal UI.

The chunks are also a log of credits. The welfare accounts they credit are
not rewritten when a file commits; each account row records the last chunk
its balances include (its ``log_position``). :func:`fold` applies a chunk to
the accounts whose row lags behind it, which is how reading the store gives
back exact balances, and how a checkpoint brings the rows up to date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from twin.calendar import UTC_OFFSET_SECONDS
from twin.ledger import interest, limits
from twin.ledger.accounts import Account, AccountFlags
from twin.ledger.transfers import INFLOW_CODES, Transfer, TransferCode

__all__ = ["CHUNK_ROWS", "Chunk", "local_days", "fold", "decode_column", "encode_column"]

#: Maximum number of transfers in one stored chunk.
CHUNK_ROWS = 16_384

_DAY_MICROS = 86_400_000_000
_OFFSET_MICROS = UTC_OFFSET_SECONDS * 1_000_000
_EARNS = int(AccountFlags.EARNS_INTEREST)
_LIMITED = int(AccountFlags.LIMITED)
_DIGITS = np.uint8(ord("0"))


@dataclass
class Chunk:
    """Committed transfers from one debit account, as columns in commit order.

    ``position`` is the chunk's number in the log (0 until stored). ``first_seq``
    is the commit position of its first transfer, and the others follow one by one.
    """

    debit_account_id: int
    code: TransferCode
    batch_id: str
    ids: np.ndarray
    credit_account_ids: np.ndarray
    amounts: np.ndarray
    timestamps: np.ndarray
    position: int = 0
    first_seq: int = 0

    def __len__(self) -> int:
        return len(self.ids)

    def transfer(self, row: int) -> Transfer:
        """Return the transfer at ``row`` as a :class:`Transfer` record."""
        return Transfer(
            int(self.ids[row]),
            self.debit_account_id,
            int(self.credit_account_ids[row]),
            int(self.amounts[row]),
            self.code,
            timestamp=int(self.timestamps[row]),
            batch_id=self.batch_id,
        )

    def transfers(self) -> list[Transfer]:
        ids = self.ids.tolist()
        credits = self.credit_account_ids.tolist()
        amounts = self.amounts.tolist()
        times = self.timestamps.tolist()
        debit, code, batch_id = self.debit_account_id, self.code, self.batch_id
        return [
            Transfer(ids[row], debit, credits[row], amounts[row], code, timestamp=times[row], batch_id=batch_id)
            for row in range(len(ids))
        ]

    def split(self, rows: int = CHUNK_ROWS) -> list[Chunk]:
        """Cut the chunk into pieces of at most ``rows`` transfers, for storage."""
        return [
            Chunk(
                self.debit_account_id,
                self.code,
                self.batch_id,
                self.ids[start : start + rows],
                self.credit_account_ids[start : start + rows],
                self.amounts[start : start + rows],
                self.timestamps[start : start + rows],
            )
            for start in range(0, len(self.ids), rows)
        ]


def local_days(timestamps: np.ndarray) -> np.ndarray:
    """Return the Asia/Shanghai local day number of each epoch-microsecond timestamp."""
    return (timestamps + _OFFSET_MICROS) // _DAY_MICROS


def encode_column(values: np.ndarray) -> tuple[int, int, bytes]:
    """Return ``(base, width, digits)``: the smallest value and the offsets as fixed-width decimals."""
    if not len(values):
        return 0, 1, b""
    base = int(values.min())
    offsets = values - base
    width = len(str(int(offsets.max())))
    digits = np.empty((len(values), width), dtype=np.uint8)
    rest = offsets.copy()
    for place in range(width - 1, -1, -1):
        rest, digit = np.divmod(rest, 10)
        digits[:, place] = digit
    digits += _DIGITS
    return base, width, digits.tobytes()


def decode_column(base: int, width: int, digits: bytes, rows: int) -> np.ndarray:
    """Read back a column written by :func:`encode_column`."""
    matrix = np.frombuffer(digits, dtype=np.uint8, count=rows * width).reshape(rows, width)
    values = np.zeros(rows, dtype=np.int64)
    for place in range(width):
        values *= 10
        values += matrix[:, place] - _DIGITS
    return values + base


def fold(chunk: Chunk, accounts: Mapping[int, Account], positions: Mapping[int, int]) -> set[int]:
    """Apply ``chunk`` to every account whose stored row does not include it yet.

    The steps are those the ledger took when the chunk committed: interest
    accrual up to the day, the posted sums, and the class II inflow window.
    Returns the ids of the accounts changed.
    """
    touched: set[int] = set()
    days = local_days(chunk.timestamps).tolist()
    counts_in = chunk.code in INFLOW_CODES
    debit = accounts.get(chunk.debit_account_id)
    if debit is not None and positions.get(debit.id, 0) < chunk.position and len(chunk):
        if int(debit.flags) & _EARNS:
            interest.accrue(debit, days[0])
        debit.debits_posted += int(chunk.amounts.sum())
        touched.add(debit.id)
    for credit_id, amount, day in zip(chunk.credit_account_ids.tolist(), chunk.amounts.tolist(), days, strict=True):
        credit = accounts.get(credit_id)
        if credit is None or positions.get(credit_id, 0) >= chunk.position:
            continue
        touched.add(credit_id)
        flags = int(credit.flags)
        if flags & _EARNS:
            interest.accrue(credit, day)
        credit.credits_posted += amount
        if flags & _LIMITED and counts_in:
            limits.count_in(credit, amount, day)
    return touched

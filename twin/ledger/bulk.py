"""The ledger's in-memory index of transfers committed as chunks.

Transfers of a disbursement file stay columns in memory too: a million
:class:`~twin.ledger.transfers.Transfer` objects would cost more than checking
and storing them. :class:`BulkIndex` provides what the ledger needs from them:
whether an id is taken, the record of one id, and the disbursements into one
account. Lookups by id use each chunk's range of ids first, so an id outside
every range costs a binary search over the chunks.
"""

from __future__ import annotations

import bisect

import numpy as np

from twin.ledger.chunks import Chunk
from twin.ledger.transfers import Transfer

__all__ = ["BulkIndex"]


class BulkIndex:
    """Chunks of committed transfers, searchable by transfer id and by credit account."""

    def __init__(self) -> None:
        self._chunks: list[_Indexed] = []
        # Chunks sorted by their lowest id, with the highest id reached by any
        # chunk up to each place, so a search can stop early.
        self._lows: list[int] = []
        self._by_low: list[_Indexed] = []
        self._reach: list[int] = []
        self.rows = 0
        self.highest_id = 0
        self.last_timestamp = 0

    def __bool__(self) -> bool:
        return bool(self._chunks)

    def add(self, chunk: Chunk) -> None:
        if not len(chunk):
            return
        indexed = _Indexed(chunk)
        self._chunks.append(indexed)
        place = bisect.bisect_right(self._lows, indexed.low)
        self._lows.insert(place, indexed.low)
        self._by_low.insert(place, indexed)
        reach = self._reach[place - 1] if place else indexed.low
        self._reach[place:] = []
        for item in self._by_low[place:]:
            reach = max(reach, item.high)
            self._reach.append(reach)
        self.rows += len(chunk)
        self.highest_id = max(self.highest_id, indexed.high)
        self.last_timestamp = max(self.last_timestamp, int(chunk.timestamps[-1]))

    def transfer(self, transfer_id: int) -> Transfer | None:
        """Return the record of ``transfer_id`` if a chunk contains it."""
        place = bisect.bisect_right(self._lows, transfer_id) - 1
        while place >= 0 and self._reach[place] >= transfer_id:
            indexed = self._by_low[place]
            row = indexed.row_of(transfer_id)
            if row >= 0:
                return indexed.chunk.transfer(row)
            place -= 1
        return None

    def taken(self, ids: np.ndarray) -> np.ndarray:
        """Return a mask of the ``ids`` that a chunk contains."""
        mask = np.zeros(len(ids), dtype=bool)
        if not len(ids) or not self._chunks:
            return mask
        low, high = int(ids.min()), int(ids.max())
        # The ids of a new file usually come from new_id(), above every chunk, so
        # one comparison replaces a loop over a run's thousands of chunks.
        if low > self.highest_id:
            return mask
        for indexed in self._by_low[: bisect.bisect_right(self._lows, high)]:
            if indexed.high >= low:
                mask |= indexed.holds(ids)
        return mask

    def credits(self, account_id: int) -> list[tuple[int, int, int, int]]:
        """Return ``(timestamp, debit account id, amount, transfer id)`` of every transfer into ``account_id``."""
        found = []
        for indexed in self._chunks:
            chunk = indexed.chunk
            for row in indexed.rows_crediting(account_id):
                found.append(
                    (int(chunk.timestamps[row]), chunk.debit_account_id, int(chunk.amounts[row]), int(chunk.ids[row]))
                )
        return found


# Private interface


class _Indexed:
    """One chunk with its sort orders, built on first use."""

    __slots__ = ("chunk", "low", "high", "_id_order", "_sorted_ids", "_credit_order", "_sorted_credits")

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        self.low = int(chunk.ids.min())
        self.high = int(chunk.ids.max())
        self._id_order: np.ndarray | None = None
        self._sorted_ids: np.ndarray | None = None
        self._credit_order: np.ndarray | None = None
        self._sorted_credits: np.ndarray | None = None

    def _ids(self) -> tuple[np.ndarray | None, np.ndarray]:
        if self._sorted_ids is None:
            ids = self.chunk.ids
            if len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1])):
                self._sorted_ids = ids
            else:
                self._id_order = np.argsort(ids, kind="stable")
                self._sorted_ids = ids[self._id_order]
        return self._id_order, self._sorted_ids

    def row_of(self, transfer_id: int) -> int:
        order, ids = self._ids()
        place = int(np.searchsorted(ids, transfer_id))
        if place < len(ids) and ids[place] == transfer_id:
            return int(order[place]) if order is not None else place
        return -1

    def holds(self, ids: np.ndarray) -> np.ndarray:
        _, sorted_ids = self._ids()
        places = np.searchsorted(sorted_ids, ids)
        places[places >= len(sorted_ids)] = 0
        return sorted_ids[places] == ids

    def rows_crediting(self, account_id: int) -> list[int]:
        if self._sorted_credits is None:
            self._credit_order = np.argsort(self.chunk.credit_account_ids, kind="stable")
            self._sorted_credits = self.chunk.credit_account_ids[self._credit_order]
        first = int(np.searchsorted(self._sorted_credits, account_id, side="left"))
        last = int(np.searchsorted(self._sorted_credits, account_id, side="right"))
        return sorted(self._credit_order[first:last].tolist())

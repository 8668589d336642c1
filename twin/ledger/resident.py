"""The window of committed transfers the ledger keeps in memory, and the read-back of older ones.

The store keeps every transfer, so memory needs only those a rule will soon
read. After each flush, :func:`evict` drops the transfers and failed ids
committed more than ``LedgerConfig.memory_seconds`` ago, with what the ledger
indexed for them (hold state, amount returned). Two kinds stay however old:
open holds, which expire, post or void later, and originals with an open
refund or reversal hold, whose returned amount that hold still changes.

Every id that left memory is at most ``Ledger._evicted_max_id``. A transfer
that names such an id (its own, its hold or its original) has it read back by
:func:`read_back` before the rules run, with the state the ledger would have
kept for it, and it leaves again at a later flush. Ids above the mark are
never looked up, so the transfers of new ids cost no query.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import TYPE_CHECKING

from twin.calendar import local_day_index
from twin.ledger.results import TransferResult
from twin.ledger.store import SQLiteStore
from twin.ledger.transfers import Transfer, TransferFlags

if TYPE_CHECKING:
    from twin.ledger.ledger import Ledger

__all__ = ["evict", "read_back", "stored_hold_state", "stored_returned"]

_PENDING = int(TransferFlags.PENDING)
_POST = int(TransferFlags.POST_PENDING)
_EXPIRED = int(TransferFlags.EXPIRED)
_MICROS = 1_000_000


def evict(ledger: Ledger) -> None:
    """Drop from memory what was committed before the window and no rule still needs.

    Runs right after a flush, when the store has every change the ledger made.
    """
    seconds = ledger.config.memory_seconds
    if seconds is None:
        return
    cutoff = ledger._last_timestamp - int(seconds * _MICROS)
    transfers = ledger._transfers
    order = ledger._order
    held_back = ledger._held_back
    while order:
        transfer = transfers.get(order[0])
        # An id may be stale: its chain was rolled back.
        if transfer is not None:
            if transfer.timestamp > cutoff:
                break
            if _needed(ledger, transfer.id):
                held_back.append(transfer.id)
            else:
                _drop(ledger, transfer.id)
        order.popleft()

    failed = ledger._failed
    failed_order = ledger._failed_order
    while failed_order:
        entry = failed.get(failed_order[0])
        if entry is not None:
            if entry[1].timestamp > cutoff:
                break
            del failed[entry[1].id]
            ledger._evicted_max_id = max(ledger._evicted_max_id, entry[1].id)
        failed_order.popleft()

    # Transfers read back for one request leave at the first flush after it.
    for transfer_id in ledger._restored:
        if transfer_id in transfers:
            if _needed(ledger, transfer_id):
                held_back.append(transfer_id)
            else:
                _drop(ledger, transfer_id)
        failed.pop(transfer_id, None)
    ledger._restored = []

    # Once a local day, or when the list has doubled, look again at what was held back
    # and at the expiry entries.
    day = local_day_index(ledger._last_timestamp)
    if day != ledger._held_back_day or len(held_back) > 2 * ledger._held_back_checked:
        ledger._held_back = [
            transfer_id for transfer_id in held_back if transfer_id in transfers and not _release(ledger, transfer_id)
        ]
        ledger._held_back_checked = len(ledger._held_back)
        ledger._held_back_day = day
        _compact_expiries(ledger)


def read_back(ledger: Ledger, transfers: Sequence[Transfer]) -> None:
    """Put the committed or failed transfers that ``transfers`` name back where the rules look."""
    mark = ledger._evicted_max_id
    resident = ledger._transfers
    failed = ledger._failed
    for transfer in transfers:
        for transfer_id in (transfer.id, transfer.pending_id, transfer.original_id):
            if 0 < transfer_id <= mark and transfer_id not in resident and transfer_id not in failed:
                _read_one(ledger, transfer_id)
        # A reversal counts back from the time of the hold its original posted.
        if transfer.original_id:
            original = resident.get(transfer.original_id)
            if original is not None and int(original.flags) & _POST:
                hold_id = original.pending_id
                if 0 < hold_id <= mark and hold_id not in resident:
                    _read_one(ledger, hold_id)


def restore(ledger: Ledger, transfer: Transfer) -> None:
    """Put a committed transfer that is not in memory back into ``_transfers``, with its state."""
    from twin.ledger.ledger import PENDING

    transfer_id = transfer.id
    ledger._transfers[transfer_id] = transfer
    ledger._restored.append(transfer_id)
    store = ledger.store
    if int(transfer.flags) & _PENDING and transfer_id not in ledger._hold_state:
        ledger._hold_state[transfer_id] = stored_hold_state(store, transfer_id) or PENDING
    returned = stored_returned(store, transfer_id)
    if returned:
        ledger._returned[transfer_id] = returned
    else:
        ledger._returned.pop(transfer_id, None)


def stored_hold_state(store: SQLiteStore, pending_id: int) -> str | None:
    """Return the state of a hold as the store records it, or None if ``pending_id`` is no hold."""
    from twin.ledger.ledger import EXPIRED, PENDING, POSTED, VOIDED

    hold = store.row_transfer(pending_id)
    if hold is None or not int(hold.flags) & _PENDING:
        return None
    resolutions = store.resolutions(pending_id)
    if not resolutions:
        return PENDING
    flags = int(resolutions[0].flags)
    if flags & _POST:
        return POSTED
    return EXPIRED if flags & _EXPIRED else VOIDED


def stored_returned(store: SQLiteStore, original_id: int) -> int:
    """Return how much of ``original_id`` the stored refunds and reversals give back.

    A refund or reversal placed as a hold counts whole while open, for what
    its post moved once posted, and not at all once voided or expired.
    """
    total = 0
    for returned in store.returns(original_id):
        if not int(returned.flags) & _PENDING:
            total += returned.amount
            continue
        resolutions = store.resolutions(returned.id)
        if not resolutions:
            total += returned.amount
        elif int(resolutions[0].flags) & _POST:
            total += resolutions[0].amount
    return total


# Private interface


def _needed(ledger: Ledger, transfer_id: int) -> bool:
    """Tell whether a rule still reads this transfer: an open hold, or an original with an open return hold."""
    from twin.ledger.ledger import PENDING

    return ledger._hold_state.get(transfer_id) == PENDING or transfer_id in ledger._open_returns


def _release(ledger: Ledger, transfer_id: int) -> bool:
    """Drop a held-back transfer that no rule needs any more, and tell whether it was dropped."""
    if _needed(ledger, transfer_id):
        return False
    _drop(ledger, transfer_id)
    return True


def _drop(ledger: Ledger, transfer_id: int) -> None:
    del ledger._transfers[transfer_id]
    ledger._hold_state.pop(transfer_id, None)
    ledger._returned.pop(transfer_id, None)
    if transfer_id > ledger._evicted_max_id:
        ledger._evicted_max_id = transfer_id


def _read_one(ledger: Ledger, transfer_id: int) -> None:
    stored = ledger.store.row_transfer(transfer_id)
    if stored is not None:
        restore(ledger, stored)
        return
    failure = ledger.store.failure(transfer_id)
    if failure is not None:
        transfer, result = failure
        ledger._failed[transfer_id] = (TransferResult(result), transfer)
        ledger._restored.append(transfer_id)


def _compact_expiries(ledger: Ledger) -> None:
    """Remove the expiry entries of holds already resolved or gone, so the heap follows the open holds."""
    from twin.ledger.ledger import PENDING

    states = ledger._hold_state
    live = [entry for entry in ledger._expiries if states.get(entry[1]) == PENDING]
    if len(live) < len(ledger._expiries):
        heapq.heapify(live)
        ledger._expiries = live

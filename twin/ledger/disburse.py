"""Disbursement files (代发) checked and committed as numpy columns.

A union's festival file pays one amount from the union's corporate account
into each member's welfare account: up to a million transfers that differ only
in id, credit account and amount. :func:`disburse` checks every rule that
``create_transfers`` checks for such transfers, in the same order, on whole
columns at once, and gives each row the result the per-transfer path would
give for the same rows in the same order. The committed rows go to the store
as chunks (:mod:`twin.ledger.chunks`), and the welfare accounts' rows are
brought up to date from the chunks later, so a file costs one transaction of
a few blobs plus the funding account's row.

Two things are sequential in a file. One is the funding account's money: a row that does
not fit is rejected and leaves the money for later rows. The other is the
class II window of a welfare account that appears twice. The money is checked
with one sum when it covers every row, and with a few cumulative sums otherwise.
A repeated welfare account sends the whole file through the per-transfer path.
So does every other case that columns cannot express (see :func:`irregularity`):
ids already used or repeated in the file, a code other than disbursement, or a
file that crosses local midnight.

Timestamps are those the per-transfer path gives when the clock does not move
during the call: one per row that passes the shape checks, one microsecond
apart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from twin.calendar import local_day_index
from twin.ledger import interest
from twin.ledger.accounts import Account, AccountCode, AccountFlags, AccountStatus
from twin.ledger.chunks import Chunk
from twin.ledger.columns import AccountColumns, credit_accounts
from twin.ledger.limits import year_of_day
from twin.ledger.results import TransferResult
from twin.ledger.store import MAX_INTEGER
from twin.ledger.transfers import Transfer, TransferCode

if TYPE_CHECKING:
    from twin.ledger.ledger import Ledger

__all__ = ["DisbursementBatch", "DisbursementOutcome", "disburse", "irregularity"]

log = logging.getLogger(__name__)

R = TransferResult
#: Results a row can get here, by the small number kept per row (0 is ok).
_RESULTS = (
    R.OK,
    R.ID_MUST_NOT_BE_ZERO,
    R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO,
    R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO,
    R.ACCOUNTS_MUST_BE_DIFFERENT,
    R.AMOUNT_MUST_NOT_BE_NEGATIVE,
    R.AMOUNT_MUST_NOT_BE_ZERO,
    # From here on the ledger remembers the failure, as apply.py does.
    R.DEBIT_ACCOUNT_NOT_FOUND,
    R.CREDIT_ACCOUNT_NOT_FOUND,
    R.DEBIT_ACCOUNT_CLOSED,
    R.CREDIT_ACCOUNT_CLOSED,
    R.DEBIT_ACCOUNT_FROZEN,
    R.WELFARE_CREDIT_FORBIDDEN,
    R.WELFARE_DEBIT_FORBIDDEN,
    R.LIMIT_EXCEEDED_DAILY,
    R.LIMIT_EXCEEDED_YEARLY,
    R.OVERFLOWS_DEBITS,
    R.OVERFLOWS_CREDITS,
    R.EXCEEDS_CREDITS,
    R.EXCEEDS_DEBITS,
)
_NUMBER = {result: number for number, result in enumerate(_RESULTS)}
_FIRST_REMEMBERED = _NUMBER[R.DEBIT_ACCOUNT_NOT_FOUND]

_WELFARE = int(AccountFlags.WELFARE)
_LIMITED = int(AccountFlags.LIMITED)
_EARNS = int(AccountFlags.EARNS_INTEREST)
_DMNEC = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
_CMNED = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
_CLOSED = AccountStatus.CLOSED
_FROZEN = AccountStatus.FROZEN


@dataclass(frozen=True, eq=False)
class DisbursementBatch:
    """The rows of one disbursement file as columns: row ``i`` pays ``amounts[i]``
    fen from ``debit_account_id`` into ``credit_account_ids[i]`` as transfer ``ids[i]``."""

    ids: np.ndarray
    debit_account_id: int
    credit_account_ids: np.ndarray
    amounts: np.ndarray
    batch_id: str = ""
    code: TransferCode = TransferCode.DISBURSEMENT

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", _column("ids", self.ids, "transfer id"))
        object.__setattr__(self, "credit_account_ids", _column("credit_account_ids", self.credit_account_ids, "account id"))
        object.__setattr__(self, "amounts", _column("amounts", self.amounts, "amount"))
        object.__setattr__(self, "code", TransferCode(self.code))
        lengths = {len(self.ids), len(self.credit_account_ids), len(self.amounts)}
        if len(lengths) > 1:
            raise ValueError(
                f"disbursement batch {self.batch_id!r}: ids, credit_account_ids and amounts have "
                f"{len(self.ids)}, {len(self.credit_account_ids)} and {len(self.amounts)} rows; give one value per row in each"
            )

    def __len__(self) -> int:
        return len(self.ids)

    def transfers(self) -> list[Transfer]:
        """Return the rows as :class:`Transfer` requests, for ``create_transfers``."""
        debit, code, batch_id = self.debit_account_id, self.code, self.batch_id
        return [
            Transfer(transfer_id, debit, credit, amount, code, batch_id=batch_id)
            for transfer_id, credit, amount in zip(
                self.ids.tolist(), self.credit_account_ids.tolist(), self.amounts.tolist(), strict=True
            )
        ]


@dataclass
class DisbursementOutcome:
    """The ledger's outcome for a file: one result per row, as ``create_transfers`` returns them."""

    results: list[TransferResult] = field(default_factory=list)
    committed: int = 0
    amount: int = 0
    #: False when the file went through the per-transfer path, and ``fallback`` gives the reason.
    columnar: bool = True
    fallback: str = ""


def disburse(ledger: Ledger, batch: DisbursementBatch) -> DisbursementOutcome:
    """Apply a disbursement file as :meth:`Ledger.create_transfers` would apply its rows."""
    with ledger._lock:
        now = ledger._now()
        ledger._expire_due(now)
        ledger._settle_due(now)
        reason = irregularity(ledger, batch)
        outcome = None if reason else _apply(ledger, batch)
        if outcome is None:
            reason = reason or "the file crosses local midnight"
            log.info("disbursement %s of %d rows goes through the per-transfer path: %s", batch.batch_id, len(batch), reason)
            transfers = batch.transfers()
            ledger._find_named(transfers)
            results = ledger._apply_batch(transfers)
            accepted = [transfer.amount for transfer, result in zip(transfers, results, strict=True) if result is R.OK]
            outcome = DisbursementOutcome(results, len(accepted), sum(accepted), columnar=False, fallback=reason)
        ledger._maybe_flush()
        return outcome


def irregularity(ledger: Ledger, batch: DisbursementBatch) -> str:
    """Say why a file cannot be checked as columns, or return ``""`` when it can."""
    if batch.code is not TransferCode.DISBURSEMENT:
        return f"code {batch.code.value} is not a disbursement"
    ids = batch.ids[batch.ids > 0]
    if not len(ids):
        return ""
    if _repeats(ids):
        return "an id appears twice in the file"
    if _repeats(batch.credit_account_ids):
        return "an account is credited twice in the file"
    if int(ids.min()) <= ledger._highest_id and any(map(ledger._transfers.__contains__, ids.tolist())):
        return "an id is already used by a transfer"
    if bool(ledger._bulk.taken(ids).any()):
        return "an id is already used by a transfer"
    if ledger._failed and bool(np.isin(ids, np.fromiter(ledger._failed, dtype=np.int64)).any()):
        return "an id is already used by a rejected transfer"
    # Ids at most the eviction mark may name transfers that are in the store only.
    stored = ids[ids <= ledger._evicted_max_id].tolist()
    if any(ledger.store.row_transfer(transfer_id) is not None for transfer_id in stored):
        return "an id is already used by a transfer"
    if any(ledger.store.failure(transfer_id) is not None for transfer_id in stored):
        return "an id is already used by a rejected transfer"
    return ""


# Private interface


def _column(name: str, values: object, kind: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"disbursement batch: {name} has shape {array.shape}; give a flat column of integers")
    if not len(array):
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind == "O" or (array.dtype.kind == "u" and int(array.max()) > MAX_INTEGER):
        largest = max(int(value) for value in array.tolist())
        if largest > MAX_INTEGER:
            raise ValueError(
                f"{kind} {largest} in {name} is above {MAX_INTEGER}, the largest number the ledger can store; "
                + ("take ids from Ledger.new_id()" if kind == "transfer id" else "split the amount")
            )
    if array.dtype.kind not in "iuO":
        raise ValueError(f"disbursement batch: invalid {name} of type {array.dtype}; give integers (fen, ids)")
    return array.astype(np.int64)


def _repeats(values: np.ndarray) -> bool:
    if len(values) < 2 or bool(np.all(values[1:] > values[:-1])):
        return False
    ordered = np.sort(values)
    return bool(np.any(ordered[1:] == ordered[:-1]))


class _Rows:
    """The rows still passing, and the result of each row that failed."""

    def __init__(self, count: int) -> None:
        self.results = np.zeros(count, dtype=np.int8)
        self.passing = np.ones(count, dtype=bool)

    def fail(self, mask: np.ndarray | bool, result: TransferResult) -> None:
        failing = self.passing & mask
        self.results[failing] = _NUMBER[result]
        self.passing &= ~failing


def _apply(ledger: Ledger, batch: DisbursementBatch) -> DisbursementOutcome | None:
    """Check and apply a regular file; return None, changing nothing, if it crosses local midnight."""
    count = len(batch)
    ids, credit_ids, amounts = batch.ids, batch.credit_account_ids, batch.amounts
    debit_id = batch.debit_account_id
    rows = _Rows(count)

    # The shape of each request.
    rows.fail(ids <= 0, R.ID_MUST_NOT_BE_ZERO)
    if not debit_id:
        rows.fail(True, R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO)
    rows.fail(credit_ids == 0, R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO)
    rows.fail(credit_ids == debit_id, R.ACCOUNTS_MUST_BE_DIFFERENT)
    rows.fail(amounts < 0, R.AMOUNT_MUST_NOT_BE_NEGATIVE)
    rows.fail(amounts == 0, R.AMOUNT_MUST_NOT_BE_ZERO)

    # Every row that reached the accounts took the next timestamp.
    live = np.flatnonzero(rows.passing)
    times = np.zeros(count, dtype=np.int64)
    first = max(ledger.clock.now_micros(), ledger._last_timestamp + 1)
    day = local_day_index(first)
    if len(live):
        if local_day_index(first + len(live) - 1) != day:
            return None
        times[live] = first + np.arange(len(live), dtype=np.int64)
        ledger._last_timestamp = first + len(live) - 1

    # Check the accounts, then apply the rows that passed.
    debit = ledger._accounts.get(debit_id)
    if debit is None:
        rows.fail(True, R.DEBIT_ACCOUNT_NOT_FOUND)
        credits = None
    else:
        live, credits = _check_accounts(ledger, batch, rows, debit, day)
    accepted = np.flatnonzero(rows.passing)
    total = int(amounts[accepted].sum()) if len(accepted) else 0
    if len(accepted):
        _post_debit(ledger, debit, day, total)
        credit_accounts(credits, np.searchsorted(live, accepted), amounts[accepted], day)
        chunk = Chunk(debit_id, batch.code, batch.batch_id, ids[accepted], credit_ids[accepted], amounts[accepted], times[accepted])
        ledger._bulk.add(chunk)
        ledger._new_chunks.extend(chunk.split())
        ledger._next_id = max(ledger._next_id, int(ids[accepted].max()) + 1)

    # Remember the failures that depend on the ledger's state, as apply.py does.
    failed = np.flatnonzero(rows.results)
    results = [R.OK] * count
    for row, number in zip(failed.tolist(), rows.results[failed].tolist(), strict=True):
        result = _RESULTS[number]
        results[row] = result
        if number >= _FIRST_REMEMBERED:
            transfer = Transfer(int(ids[row]), debit_id, int(credit_ids[row]), int(amounts[row]), batch.code,
                                timestamp=int(times[row]), batch_id=batch.batch_id)
            ledger._failed[transfer.id] = (result, transfer)
            ledger._failed_order.append(transfer.id)
            ledger._next_id = max(ledger._next_id, transfer.id + 1)
            ledger._new_failures.append((transfer, result.value))
    return DisbursementOutcome(results, len(accepted), total)


def _check_accounts(
    ledger: Ledger, batch: DisbursementBatch, rows: _Rows, debit: Account, day: int
) -> tuple[np.ndarray, AccountColumns]:
    """Check the rules on the accounts, in the order of TransferResult.

    Returns the rows whose credit account exists and those accounts as columns.
    """
    amounts = batch.amounts
    live = np.flatnonzero(rows.passing)
    found = list(map(ledger._accounts.get, batch.credit_account_ids[live].tolist()))

    # Accounts that exist, are open, and are not frozen on the paying side.
    if None in found:
        missing = np.zeros(len(rows.passing), dtype=bool)
        missing[live] = np.fromiter((account is None for account in found), dtype=bool, count=len(found))
        rows.fail(missing, R.CREDIT_ACCOUNT_NOT_FOUND)
        live = np.flatnonzero(rows.passing)
        found = [account for account in found if account is not None]
    credits = AccountColumns(found)
    if debit.status is _CLOSED:
        rows.fail(True, R.DEBIT_ACCOUNT_CLOSED)
    rows.fail(_spread(rows, live, credits.with_status(_CLOSED)), R.CREDIT_ACCOUNT_CLOSED)
    if debit.status is _FROZEN:
        rows.fail(True, R.DEBIT_ACCOUNT_FROZEN)

    # The welfare account takes disbursements from union accounts only, and pays none.
    flags = credits.flags()
    if debit.code is not AccountCode.UNION_CORPORATE:
        rows.fail(_spread(rows, live, flags & _WELFARE != 0), R.WELFARE_CREDIT_FORBIDDEN)
    if int(debit.flags) & _WELFARE:
        rows.fail(True, R.WELFARE_DEBIT_FORBIDDEN)

    # Class II inflow limits of the credit accounts.
    limits = ledger.config.limits
    limited = flags & _LIMITED != 0
    if limited.any():
        used_day = _used(credits, "day", day, "day_in")
        used_year = _used(credits, "year", year_of_day(day), "year_in")
        room_today = np.full(len(credits), limits.daily_in) if limits.per_transaction else limits.daily_in - used_day
        rows.fail(_spread(rows, live, limited & (amounts[live] > room_today)), R.LIMIT_EXCEEDED_DAILY)
        rows.fail(_spread(rows, live, limited & (amounts[live] > limits.yearly_in - used_year)), R.LIMIT_EXCEEDED_YEARLY)

    # Overflow and funds: the credit side row by row, the debit side in order.
    credit_sums = credits.column("credits_pending") + credits.column("credits_posted")
    overflows_credits = _spread(rows, live, amounts[live] > MAX_INTEGER - credit_sums)
    exceeding = flags & _CMNED != 0
    if exceeding.any():
        exceeding &= amounts[live] > credits.column("debits_posted") - credit_sums
    _check_debit_side(rows, amounts, debit, overflows_credits, _spread(rows, live, exceeding))
    return live, credits


def _used(credits: AccountColumns, key: str, current: int, counted: str) -> np.ndarray | int:
    """Return what each account's window ``key`` has counted, if it is the ``current`` one."""
    same = credits.column(key) == current
    return np.where(same, credits.column(counted), 0) if same.any() else 0


def _spread(rows: _Rows, live: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Return ``mask`` of the ``live`` rows as a mask of every row of the file."""
    full = np.zeros(len(rows.passing), dtype=bool)
    full[live] = mask
    return full


def _check_debit_side(rows: _Rows, amounts: np.ndarray, debit: Account, overflows_credits: np.ndarray,
                      exceeds_debits: np.ndarray) -> None:
    used = debit.debits_pending + debit.debits_posted
    funds = debit.credits_posted if int(debit.flags) & _DMNEC else MAX_INTEGER
    live = np.flatnonzero(rows.passing)
    if not len(live):
        return
    no_overflow = int(amounts[live].max()) <= MAX_INTEGER // len(live) and used + int(amounts[live].sum()) <= MAX_INTEGER
    if no_overflow and used + int(amounts[live].sum()) <= funds:
        rows.fail(overflows_credits, R.OVERFLOWS_CREDITS)
        rows.fail(exceeds_debits, R.EXCEEDS_DEBITS)
        return

    # The money does not cover every row, so each row can use only what earlier rows left.
    if no_overflow and _fail_short_funds(rows, live, amounts, funds - used, overflows_credits, exceeds_debits):
        return
    failures: dict[TransferResult, list[int]] = {}
    for row, amount, overflow, exceed in zip(
        live.tolist(), amounts[live].tolist(), overflows_credits[live].tolist(), exceeds_debits[live].tolist(), strict=True
    ):
        if used + amount > MAX_INTEGER:
            failures.setdefault(R.OVERFLOWS_DEBITS, []).append(row)
        elif overflow:
            failures.setdefault(R.OVERFLOWS_CREDITS, []).append(row)
        elif used + amount > funds:
            failures.setdefault(R.EXCEEDS_CREDITS, []).append(row)
        elif exceed:
            failures.setdefault(R.EXCEEDS_DEBITS, []).append(row)
        else:
            used += amount
    for result, failing in failures.items():
        mask = np.zeros(len(rows.passing), dtype=bool)
        mask[failing] = True
        rows.fail(mask, result)


def _fail_short_funds(rows: _Rows, live: np.ndarray, amounts: np.ndarray, room: int, overflows_credits: np.ndarray,
                      exceeds_debits: np.ndarray) -> bool:
    """Reject the rows the union account's money does not reach, on columns; False if that takes too many steps.

    A row that passes every other rule takes its amount if it fits in the room
    left by the rows before it. Rows rejected for the credit side take nothing.
    """
    candidates = live[~overflows_credits[live] & ~exceeds_debits[live]]
    fits = _take_in_order(amounts[candidates], room)
    if fits is None:
        return False
    accepted = candidates[fits]

    # A row of a credit account that must not exceed its debits fails on funds
    # first if the money left before it does not cover it.
    exceeding = live[exceeds_debits[live] & ~overflows_credits[live]]
    used_before = np.concatenate(([0], np.cumsum(amounts[accepted])))[np.searchsorted(accepted, exceeding)]
    short = np.zeros(len(rows.passing), dtype=bool)
    short[candidates[~fits]] = True
    short[exceeding[amounts[exceeding] > room - used_before]] = True
    rows.fail(overflows_credits, R.OVERFLOWS_CREDITS)
    rows.fail(short, R.EXCEEDS_CREDITS)
    rows.fail(exceeds_debits, R.EXCEEDS_DEBITS)
    return True


def _take_in_order(amounts: np.ndarray, room: int, steps: int = 64) -> np.ndarray | None:
    """Return the mask of ``amounts`` that fit, each in the room the earlier ones left; None after ``steps`` steps.

    Each step takes the longest run that fits and rejects the row after it.
    Because the room only shrinks, rows larger than the room left are rejected at once.
    """
    fits = np.zeros(len(amounts), dtype=bool)
    start = 0
    for _ in range(steps):
        rest = start + np.flatnonzero(amounts[start:] <= room)
        if not len(rest):
            return fits
        sums = np.cumsum(amounts[rest])
        fitting = int(np.searchsorted(sums, room, side="right"))
        fits[rest[:fitting]] = True
        if fitting == len(rest):
            return fits
        room -= int(sums[fitting - 1]) if fitting else 0
        start = int(rest[fitting]) + 1
    return None


def _post_debit(ledger: Ledger, debit: Account, day: int, total: int) -> None:
    if int(debit.flags) & _EARNS:
        interest.accrue(debit, day)
    debit.debits_posted += total
    ledger._dirty[debit.id] = debit

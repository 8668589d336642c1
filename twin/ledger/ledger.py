"""The double-entry ledger: accounts, transfers, holds, and their rules.

:class:`Ledger` keeps its working state in memory for speed and writes every
change to a :class:`~twin.ledger.store.SQLiteStore`, its store of record.
Committed transfers leave memory once they are older than
``LedgerConfig.memory_seconds`` and no open hold needs them, and are read back
from the store when a request names them (see :mod:`twin.ledger.resident`).
``create_transfers`` checks each transfer against the rules in the order of
:class:`~twin.ledger.results.TransferResult`, applies the ones that pass, and
returns one result per transfer. Linked chains commit or fail as a whole.

Inside ``with ledger.batch():`` changes are written to the store once, when the
block ends, which is how the simulation commits a whole time slice together.
Outside a batch every call is written before it returns.

``disburse`` takes a whole disbursement file as numpy columns and gives the
same results as ``create_transfers`` would for its rows (see
:mod:`twin.ledger.disburse`); its transfers are kept as chunks, in memory and
in the store, and are found by ``transfer`` and ``disbursements`` like any other.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import math
import numbers
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from twin.calendar import local_day_index
from twin.clock import Clock
from twin.ledger import interest
from twin.ledger.accounts import Account, AccountCode, AccountFlags, AccountStatus, shared_number
from twin.ledger.apply import apply_batch, apply_resolution
from twin.ledger.bulk import BulkIndex
from twin.ledger.chunks import Chunk
from twin.ledger.disburse import DisbursementBatch, DisbursementOutcome, disburse
from twin.ledger.limits import Limits
from twin.ledger.resident import evict, read_back, restore, stored_hold_state, stored_returned
from twin.ledger.results import AccountResult, TransferResult
from twin.ledger.store import MAX_INTEGER, SQLiteStore
from twin.ledger.transfers import Transfer, TransferCode, TransferFlags

__all__ = ["Ledger", "LedgerConfig"]

log = logging.getLogger(__name__)

R = TransferResult
_MICROS = 1_000_000
# Flags as plain ints, because operators on IntFlag members run slow Python code.
_PENDING_FLAG = int(TransferFlags.PENDING)
_POST_FLAG = int(TransferFlags.POST_PENDING)
_EXPIRED_FLAG = int(TransferFlags.EXPIRED)
_RESOLVING = int(TransferFlags.POST_PENDING | TransferFlags.VOID_PENDING)
_WELFARE_FLAG = int(AccountFlags.WELFARE)
_RETURN_CODES = (TransferCode.REFUND, TransferCode.REVERSAL)
_DISBURSEMENT = TransferCode.DISBURSEMENT
_REPLACEMENT = TransferCode.REPLACEMENT

# States of a hold, kept per pending transfer id.
PENDING = "pending"
POSTED = "posted"
VOIDED = "voided"
EXPIRED = "expired"


@dataclass(frozen=True)
class LedgerConfig:
    """Settings that the ledger enforces; the audit reads them back from the store."""

    limits: Limits = field(default_factory=Limits)
    #: Yearly demand deposit rate, for example ``Decimal("0.0035")`` for 0.35%.
    interest_rate: Decimal = Decimal("0.0035")
    #: Account that pays interest; created by the ledger if missing.
    interest_account_id: int = 1
    #: Largest number of changed transfers kept in memory inside a batch before
    #: they are written out.
    batch_flush_size: int = 100_000
    #: Seconds a committed transfer or failed id stays in memory after it
    #: commits. Open holds, and originals with an open refund or reversal hold,
    #: stay however old. Older ones are read back from the store when a request
    #: names them (see :mod:`twin.ledger.resident`). None keeps every transfer.
    memory_seconds: float | None = 600.0

    def __post_init__(self) -> None:
        _check_memory_seconds(self.memory_seconds)


def _check_memory_seconds(value: object) -> None:
    # A string would be repeated rather than multiplied, NaN fails deep in the
    # eviction, and a negative window would silently act like 0.
    if value is None:
        return
    is_number = not isinstance(value, bool) and isinstance(value, numbers.Real)
    if not is_number or not math.isfinite(value) or value < 0:
        raise ValueError(
            f"LedgerConfig.memory_seconds is {value!r}; give a finite number of seconds >= 0 "
            "(0 keeps only what open holds and returns need), or None to keep every transfer in memory"
        )


class Ledger:
    """Double-entry ledger over a SQLite store; thread-safe."""

    def __init__(self, store: SQLiteStore, clock: Clock, config: LedgerConfig | None = None) -> None:
        self.store = store
        self.clock = clock
        self.config = config or LedgerConfig()
        self._lock = threading.RLock()
        self._accounts: dict[int, Account] = {}
        self._transfers: dict[int, Transfer] = {}
        self._failed: dict[int, tuple[TransferResult, Transfer]] = {}
        self._hold_state: dict[int, str] = {}
        self._open_holds: dict[int, set[int]] = {}
        self._returned: dict[int, int] = {}
        # Welfare account -> (timestamp, union account, amount) of each disbursement
        # committed one by one; those committed as chunks are in ``_bulk``.
        #: Per welfare account: (timestamp, union account id, amount, transfer id) of each disbursement posted.
        self._disbursed: dict[int, list[tuple[int, int, int, int]]] = {}
        self._bulk = BulkIndex()
        # The highest id in ``_transfers``, so a file of new ids skips the lookups.
        self._highest_id = 0
        # Welfare account of a replacement card -> the lost card's welfare account
        # whose balance it took over, so closure can still find the unions that paid the money.
        self._predecessor: dict[int, int] = {}
        self._expiries: list[tuple[int, int]] = []
        # What stays in memory (see twin.ledger.resident): the ids committed, in
        # commit order, those past the window that a rule still needs, those read
        # back from the store for one request, and the highest id that left.
        self._order: deque[int] = deque()
        self._failed_order: deque[int] = deque()
        self._held_back: list[int] = []
        self._held_back_checked = 0
        self._held_back_day = -1
        self._restored: list[int] = []
        self._evicted_max_id = 0
        # Original id -> number of open refund or reversal holds that name it.
        self._open_returns: dict[int, int] = {}
        self._settled: set[str] = set()
        self._next_period_end: dt.date | None = None
        # The local day on which _settle_due last found nothing more due.
        self._settle_checked_day = -1
        self._last_timestamp = 0
        self._next_id = 1
        self._batch_depth = 0
        self._dirty: dict[int, Account] = {}
        self._new_transfers: list[Transfer] = []
        self._new_failures: list[tuple[Transfer, str]] = []
        self._new_settlements: list[tuple[str, int]] = []
        self._new_closed: list[tuple[int, int]] = []
        self._new_chunks: list[Chunk] = []
        self._load()

    # Accounts

    def create_accounts(self, accounts: Iterable[Account]) -> list[AccountResult]:
        """Add accounts; an id that exists with the same fields gives ``exists``."""
        accounts = list(accounts)
        _check_ids("account", [account.id for account in accounts])
        results = []
        with self._lock:
            now = self._now()
            for account in accounts:
                if account.id == 0:
                    results.append(AccountResult.ID_MUST_NOT_BE_ZERO)
                    continue
                existing = self._accounts.get(account.id)
                if existing is not None:
                    same = existing.same_identity(account)
                    results.append(AccountResult.EXISTS if same else AccountResult.EXISTS_WITH_DIFFERENT_FIELDS)
                    continue
                account.timestamp = now
                account.interest_day = shared_number(local_day_index(now))
                self._next_id = max(self._next_id, account.id + 1)
                if self._next_period_end is None:
                    self._next_period_end = self._first_unsettled(interest.date_of_day(account.interest_day))
                self._accounts[account.id] = account
                self._dirty[account.id] = account
                results.append(AccountResult.OK)
            self._maybe_flush()
        return results

    def account(self, account_id: int) -> Account:
        """Return the live account (read it, do not change it); ``KeyError`` if unknown."""
        return self._accounts[account_id]

    def get_account(self, account_id: int) -> Account | None:
        return self._accounts.get(account_id)

    def accounts(self) -> Iterator[Account]:
        return iter(list(self._accounts.values()))

    def set_status(self, account_id: int, status: AccountStatus) -> None:
        """Freeze, unfreeze or close an account; closing needs no open holds."""
        status = AccountStatus(status)
        with self._lock:
            account = self._accounts[account_id]
            if status is AccountStatus.CLOSED:
                if self._open_holds.get(account_id):
                    raise ValueError(f"account {account_id} cannot be closed: it has open holds; void or post them first")
                self._new_closed.append((account_id, self._now()))
            account.status = status
            self._dirty[account_id] = account
            self._maybe_flush()

    def open_holds(self, account_id: int) -> list[Transfer]:
        """Return the pending transfers on an account that are not yet resolved."""
        return [self._transfers[pid] for pid in sorted(self._open_holds.get(account_id, ()))]

    # Transfers

    def new_id(self) -> int:
        """Return a transfer or account id that the ledger has not used yet."""
        with self._lock:
            value = self._next_id
            self._next_id += 1
            return value

    def reserve_ids(self, count: int) -> range:
        """Return ``count`` consecutive unused ids, for a caller that builds a batch."""
        with self._lock:
            first = self._next_id
            self._next_id += count
            return range(first, first + count)

    def transfer(self, transfer_id: int) -> Transfer | None:
        """Return the committed transfer with this id, from memory or the store, or None."""
        with self._lock:
            found = self._transfers.get(transfer_id)
            if found is None and self._bulk:
                found = self._bulk.transfer(transfer_id)
            if found is None and self._evicted(transfer_id):
                found = self.store.row_transfer(transfer_id)
            return found

    def hold_state(self, pending_id: int) -> str | None:
        """Return ``pending``, ``posted``, ``voided`` or ``expired`` for a hold."""
        with self._lock:
            state = self._hold_state.get(pending_id)
            if state is None and self._evicted(pending_id):
                state = stored_hold_state(self.store, pending_id)
            return state

    def returned_amount(self, original_id: int) -> int:
        """Return how much of a transfer has been given back by refunds and reversals."""
        with self._lock:
            if self._evicted(original_id):
                return stored_returned(self.store, original_id)
            return self._returned.get(original_id, 0)

    def resident_transfers(self) -> int:
        """Return the number of committed transfers kept in memory as objects (chunks not counted)."""
        return len(self._transfers)

    def disbursements(self, welfare_account_id: int) -> list[tuple[int, int]]:
        """Return ``(union account id, amount)`` of each disbursement into a welfare account, oldest first.

        Only money that arrived and stayed is listed: a disbursement placed as a
        hold counts when it is posted, for the amount posted, and not at all if
        voided or expired. A reversal of a posted disbursement takes its amount
        off, and one reversed in full is left out.

        A replacement card's welfare account also lists the disbursements of
        the lost cards' welfare accounts whose balance it took over.
        """
        chain = [welfare_account_id]
        while chain[-1] in self._predecessor and len(chain) <= len(self._predecessor):
            chain.append(self._predecessor[chain[-1]])
        history: list[tuple[int, int]] = []
        for account_id in reversed(chain):
            entries = list(self._disbursed.get(account_id, ()))
            account = self._accounts.get(account_id)
            if self._bulk and account is not None and int(account.flags) & _WELFARE_FLAG:
                entries = sorted(entries + self._bulk.credits(account_id))
            for _, union, amount, transfer_id in entries:
                kept = amount - self.returned_amount(transfer_id)
                if kept > 0:
                    history.append((union, kept))
        return history

    def create_transfers(self, transfers: Sequence[Transfer]) -> list[TransferResult]:
        """Apply transfers in order and return one result per transfer."""
        _check_ids("transfer", [transfer.id for transfer in transfers])
        with self._lock:
            now = self._now()
            self._expire_due(now)
            self._settle_due(now)
            self._find_named(transfers)
            results = self._apply_batch(transfers)
            self._maybe_flush()
            return results

    def disburse(self, batch: DisbursementBatch) -> DisbursementOutcome:
        """Apply a disbursement file given as columns; one result per row, as ``create_transfers`` gives.

        Files the columns cannot express go through ``create_transfers`` whole.
        Their outcome has ``columnar`` false and gives the reason in ``fallback``.
        """
        return disburse(self, batch)

    def expire_pending(self) -> list[int]:
        """Expire every hold whose timeout has passed on the ledger's clock."""
        with self._lock:
            expired = self._expire_due(self._now())
            self._maybe_flush()
            return expired

    def run_due(self) -> None:
        """Do the work that time alone makes due: expire timed-out holds and credit
        the interest of every period that ended before today.

        Transfers trigger the same work, so calling this is needed only where
        days can pass with no transfer, as in a quiet simulated night.
        """
        with self._lock:
            now = self._now()
            self._expire_due(now)
            self._settle_due(now)
            self._maybe_flush()

    # Interest

    def settle_interest(self, period_end: dt.date) -> list[Transfer]:
        """Credit interest for the period ending ``period_end`` to every earning account.

        Run on the day after ``period_end`` or later; a second run for the same
        date does nothing.
        """
        with self._lock:
            settled = self._settle(period_end)
            self._maybe_flush()
            return settled

    def settle_account_interest(self, account_id: int) -> Transfer | None:
        """Credit one account's interest accrued up to yesterday, for closure or replacement."""
        with self._lock:
            account = self._accounts[account_id]
            day = local_day_index(self._now())
            interest.accrue(account, day)
            amount = interest.interest_due(account, self.config.interest_rate)
            account.product_365 = account.product_366 = 0
            self._dirty[account_id] = account
            if amount <= 0:
                return None
            transfer = Transfer(
                self.new_id(), self.config.interest_account_id, account_id, amount, TransferCode.INTEREST
            )
            result = self._apply_batch([transfer])[0]
            if result is not R.OK:
                raise RuntimeError(f"interest for account {account_id} was rejected: {result}")
            self._maybe_flush()
            return transfer

    # Store

    @contextmanager
    def batch(self) -> Iterator[Ledger]:
        """Write everything done inside the block to the store in one group."""
        with self._lock:
            self._batch_depth += 1
        try:
            yield self
        finally:
            with self._lock:
                self._batch_depth -= 1
                if self._batch_depth == 0:
                    self.flush()

    def flush(self) -> None:
        """Write the changes made since the last flush in one store transaction."""
        with self._lock:
            if not (
                self._dirty
                or self._new_transfers
                or self._new_failures
                or self._new_settlements
                or self._new_closed
                or self._new_chunks
            ):
                return
            self.store.commit(
                list(self._dirty.values()),
                self._new_transfers,
                self._new_failures,
                self._new_settlements,
                self._new_closed,
                self._new_chunks,
            )
            self._dirty = {}
            self._new_transfers = []
            self._new_failures = []
            self._new_settlements = []
            self._new_closed = []
            self._new_chunks = []
            evict(self)

    def checkpoint(self) -> int:
        """Flush, then write the account rows that lag behind the store's chunk log; return how many."""
        with self._lock:
            self.flush()
            return self.store.checkpoint()

    # Private interface

    def _now(self) -> int:
        """Return a timestamp later than every one handed out before."""
        now = self.clock.now_micros()
        if now <= self._last_timestamp:
            now = self._last_timestamp + 1
        self._last_timestamp = now
        return now

    def _maybe_flush(self) -> None:
        if self._batch_depth == 0 or len(self._new_transfers) >= self.config.batch_flush_size or self._new_chunks:
            self.flush()

    def _find_named(self, transfers: Sequence[Transfer]) -> None:
        """Put the transfers that ``transfers`` name, chunked or in the store only, where the rules look."""
        if self._bulk:
            self._find_chunked(transfers)
        if self._evicted_max_id:
            read_back(self, transfers)

    def _find_chunked(self, transfers: Sequence[Transfer]) -> None:
        """Put the chunked transfers that ``transfers`` name into ``_transfers``, where the rules look."""
        for transfer in transfers:
            for transfer_id in (transfer.id, transfer.pending_id, transfer.original_id):
                if transfer_id and transfer_id not in self._transfers:
                    found = self._bulk.transfer(transfer_id)
                    if found is not None:
                        restore(self, found)

    def _evicted(self, transfer_id: int) -> bool:
        """Tell whether ``transfer_id`` may be in the store only: not in memory and at most the eviction mark."""
        return 0 < transfer_id <= self._evicted_max_id and transfer_id not in self._transfers

    def _load(self) -> None:
        """Rebuild the in-memory state from the store."""
        meta = self.store.meta()
        if not meta:
            self.store.write_meta(
                {
                    "limits": {
                        "daily_in": self.config.limits.daily_in,
                        "daily_out": self.config.limits.daily_out,
                        "yearly_in": self.config.limits.yearly_in,
                        "yearly_out": self.config.limits.yearly_out,
                        "per_transaction": self.config.limits.per_transaction,
                    },
                    "interest_rate": str(self.config.interest_rate),
                    "interest_account_id": self.config.interest_account_id,
                }
            )

        # Accounts, then transfers and failed ids in commit order, rebuild the lookups.
        for account in self.store.accounts():
            self._accounts[account.id] = account
        max_id = max(self._accounts, default=0)
        for transfer in self.store.row_transfers():
            self._index(transfer)
            max_id = max(max_id, transfer.id)
            self._last_timestamp = max(self._last_timestamp, transfer.timestamp)
        for chunk in self.store.chunks():
            self._bulk.add(chunk)
        max_id = max(max_id, self._bulk.highest_id)
        self._last_timestamp = max(self._last_timestamp, self._bulk.last_timestamp)
        for transfer, result in self.store.failures():
            self._failed[transfer.id] = (TransferResult(result), transfer)
            self._failed_order.append(transfer.id)
            max_id = max(max_id, transfer.id)

        # Interest: the settled periods and the next one due.
        self._settled = set(self.store.settlements())
        self._next_id = max_id + 1
        first_days = [account.interest_day for account in self._accounts.values() if account.interest_day >= 0]
        if first_days:
            start = interest.date_of_day(min(first_days))
            # Periods before the latest settled one stay unsettled for good, as
            # they did in the ledger that wrote the store.
            if self._settled:
                start = max(start, dt.date.fromisoformat(max(self._settled)) + dt.timedelta(days=1))
            self._next_period_end = self._first_unsettled(start)

        if self.config.interest_account_id not in self._accounts:
            self.create_accounts(
                [Account(self.config.interest_account_id, AccountCode.INTEREST_EXPENSE, "bank", flags=AccountFlags.NONE)]
            )
            self._next_id = max(self._next_id, self.config.interest_account_id + 1)
        evict(self)

    def _index(self, transfer: Transfer) -> None:
        """Record a committed transfer in the lookups that later rules need."""
        transfer_id = transfer.id
        self._transfers[transfer_id] = transfer
        self._order.append(transfer_id)
        # A caller may choose its own ids; new_id() must never hand one out again.
        if transfer_id >= self._next_id:
            self._next_id = transfer_id + 1
        if transfer_id > self._highest_id:
            self._highest_id = transfer_id
        flags = int(transfer.flags)
        code = transfer.code
        if flags & _PENDING_FLAG:
            self._hold_state[transfer_id] = PENDING
            open_holds = self._open_holds
            for account_id in (transfer.debit_account_id, transfer.credit_account_id):
                holds = open_holds.get(account_id)
                if holds is None:
                    open_holds[account_id] = {transfer_id}
                else:
                    holds.add(transfer_id)
            if transfer.timeout:
                heapq.heappush(self._expiries, (transfer.timestamp + transfer.timeout * _MICROS, transfer_id))
            if code in _RETURN_CODES and transfer.original_id:
                original_id = transfer.original_id
                self._open_returns[original_id] = self._open_returns.get(original_id, 0) + 1
        elif flags & _RESOLVING:
            pending_id = transfer.pending_id
            if flags & _POST_FLAG:
                state = POSTED
            elif flags & _EXPIRED_FLAG:
                state = EXPIRED
            else:
                state = VOIDED
            self._hold_state[pending_id] = state
            open_holds = self._open_holds
            for account_id in (transfer.debit_account_id, transfer.credit_account_id):
                holds = open_holds.get(account_id)
                if holds is not None:
                    holds.discard(pending_id)
                    if not holds:
                        del open_holds[account_id]
            # A pending refund or reversal reserved its whole amount of the
            # original; give back what this resolution does not post.
            pending = self._transfers.get(pending_id)
            if pending is not None and pending.original_id and pending.code in _RETURN_CODES:
                posted = transfer.amount if flags & _POST_FLAG else 0
                self._returned[pending.original_id] -= pending.amount - posted
                _count_down(self._open_returns, pending.original_id)
        if code in _RETURN_CODES and transfer.original_id and not flags & _RESOLVING:
            self._returned[transfer.original_id] = self._returned.get(transfer.original_id, 0) + transfer.amount
        # Closure splits the welfare balance by the money that arrived: a
        # disbursement counts when it is posted, a hold only for what its post
        # moves, and a voided or expired hold not at all.
        if code is _DISBURSEMENT and (flags & _POST_FLAG or not flags & (_PENDING_FLAG | _RESOLVING)):
            credit = self._accounts.get(transfer.credit_account_id)
            if credit is not None and int(credit.flags) & _WELFARE_FLAG:
                self._disbursed.setdefault(credit.id, []).append(
                    (transfer.timestamp, transfer.debit_account_id, transfer.amount, transfer_id)
                )
        if code is _REPLACEMENT and not flags & _RESOLVING:
            credit = self._accounts.get(transfer.credit_account_id)
            if credit is not None and int(credit.flags) & _WELFARE_FLAG:
                self._predecessor[credit.id] = transfer.debit_account_id

    def _apply_batch(self, transfers: Sequence[Transfer]) -> list[TransferResult]:
        return apply_batch(self, transfers)

    def _expire_due(self, now: int) -> list[int]:
        expired = []
        while self._expiries and self._expiries[0][0] <= now:
            expires_at, pending_id = heapq.heappop(self._expiries)
            pending = self._transfers.get(pending_id)
            # An entry may be stale: its chain was rolled back, or the hold resolved.
            if pending is None or self._hold_state.get(pending_id) != PENDING:
                continue
            if expires_at != pending.timestamp + pending.timeout * _MICROS:
                continue
            record = Transfer(
                self.new_id(),
                pending.debit_account_id,
                pending.credit_account_id,
                pending.amount,
                pending.code,
                TransferFlags.VOID_PENDING | TransferFlags.EXPIRED,
                pending_id=pending_id,
            )
            apply_resolution(self, record, pending, now)
            expired.append(pending_id)
        return expired

    def _settle_due(self, now: int) -> None:
        """Settle every quarter that ended before today and is not settled yet.

        This runs before any transfer of a new day, so no balance change of the
        next period can reach a product before its period is settled.
        """
        day = local_day_index(now)
        # Only a new day can make a period due: the next period end never moves back.
        if day == self._settle_checked_day:
            return
        today = interest.date_of_day(day)
        while self._next_period_end is not None and self._next_period_end < today:
            self._settle(self._next_period_end)
        self._settle_checked_day = day

    def _first_unsettled(self, start: dt.date) -> dt.date:
        candidate = interest.next_settlement_date(start)
        while candidate.isoformat() in self._settled:
            candidate = interest.next_settlement_date(candidate + dt.timedelta(days=1))
        return candidate

    def _settle(self, period_end: dt.date) -> list[Transfer]:
        key = period_end.isoformat()
        if key in self._settled:
            return []
        now = self._now()
        if local_day_index(now) <= interest.day_index(period_end):
            raise ValueError(f"interest for the period ending {key} can be settled from the next day on")

        # Bring every earning account's balance-days up to the period end and price them.
        stop = interest.day_index(period_end) + 1
        credits = []
        value_days: dict[int, int] = {}
        for account in self._accounts.values():
            if not account.flags & AccountFlags.EARNS_INTEREST or account.status is AccountStatus.CLOSED:
                continue
            interest.accrue(account, stop)
            amount = interest.interest_due(account, self.config.interest_rate)
            account.product_365 = account.product_366 = 0
            self._dirty[account.id] = account
            if amount > 0:
                credits.append(
                    Transfer(self.new_id(), self.config.interest_account_id, account.id, amount, TransferCode.INTEREST, batch_id=f"interest:{key}")
                )
                value_days[account.id] = account.interest_day

        # Mark the period settled before posting, so a retry never pays it twice.
        self._settled.add(key)
        self._new_settlements.append((key, now))
        if self._next_period_end is not None and self._next_period_end <= period_end:
            self._next_period_end = self._first_unsettled(period_end + dt.timedelta(days=1))

        results = self._apply_batch(credits)
        for transfer, result in zip(credits, results, strict=True):
            if result is not R.OK:
                log.error("interest credit %s was rejected: %s", transfer, result)
                continue
            # Value-date the credit the day after the period end, even when the
            # ledger first runs on a later day: posting it counted the days since
            # then at the balance without the interest, so count them again.
            account = self._accounts[transfer.credit_account_id]
            account.product_365 = account.product_366 = 0
            account.interest_day = shared_number(value_days[account.id])
        log.info("settled interest for the period ending %s: %d credits", key, len(credits))
        return credits


def _check_ids(kind: str, ids: list[int]) -> None:
    """Raise ``ValueError`` for an id the store cannot hold, before anything changes."""
    if ids and max(ids) > MAX_INTEGER:
        raise ValueError(
            f"{kind} id {max(ids)} is above {MAX_INTEGER}, the largest id the ledger can store; "
            f"take ids from Ledger.new_id()"
        )


def _count_down(counts: dict[int, int], key: int) -> None:
    """Take one from ``counts[key]``, removing the key at zero."""
    left = counts.get(key, 0) - 1
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)

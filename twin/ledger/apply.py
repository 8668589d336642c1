"""Checking and applying transfers, rule by rule.

Each transfer is checked completely before anything changes, in the order of
:class:`~twin.ledger.results.TransferResult`. Linked chains need more: a later
member may fail after earlier ones were applied, so for chains the ledger keeps
an undo log of the account fields and lookups it changed and rolls them back.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

from twin.calendar import local_day_index
from twin.ledger import interest, limits
from twin.ledger.accounts import Account, AccountFlags, AccountStatus
from twin.ledger.results import TransferResult
from twin.ledger.store import MAX_INTEGER
from twin.ledger.transfers import INFLOW_CODES, OUTFLOW_CODES, Transfer, TransferCode, TransferFlags
from twin.ledger.welfare import check_welfare

if TYPE_CHECKING:
    from twin.ledger.ledger import Ledger

__all__ = ["apply_batch", "apply_resolution"]

R = TransferResult
# Results and codes read for every transfer, as module names: on Python 3.11
# reading a member from its enum class costs several times a global name.
_OK, _EXISTS = R.OK, R.EXISTS
_INTEREST = TransferCode.INTEREST
_F = TransferFlags
_MICROS = 1_000_000
# Flags as plain ints: an operator on IntFlag members runs Python code in the
# enum module, which cost more than all the rules together on the hot path.
# Flags read from a transfer or account go through int() before they are tested.
_LINKED = int(_F.LINKED)
_PENDING = int(_F.PENDING)
_POST = int(_F.POST_PENDING)
_VOID = int(_F.VOID_PENDING)
_EXPIRED = int(_F.EXPIRED)
_RESOLVING = _POST | _VOID
# A transfer may carry at most one of pending, post and void, and never expired.
_KIND_FLAGS = _PENDING | _POST | _VOID | _EXPIRED
_ONE_KIND = frozenset({0, _PENDING, _POST, _VOID})
_DMNEC = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
_CMNED = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
_LIMITED = int(AccountFlags.LIMITED)
_EARNS = int(AccountFlags.EARNS_INTEREST)
_WELFARE = int(AccountFlags.WELFARE)
_CLOSED = AccountStatus.CLOSED
_FROZEN = AccountStatus.FROZEN
_RETURN_CODES = (TransferCode.REFUND, TransferCode.REVERSAL)
_REVERSAL = TransferCode.REVERSAL

#: Failures that depend on the ledger's state (funds, holds, accounts). Their
#: ids are remembered, so a retry fails the same way even after the state
#: changes; a malformed request is not remembered.
_REMEMBERED = frozenset(R) - {
    R.OK,
    R.LINKED_EVENT_FAILED,
    R.LINKED_EVENT_CHAIN_OPEN,
    R.ID_MUST_NOT_BE_ZERO,
    R.FLAGS_ARE_MUTUALLY_EXCLUSIVE,
    R.PENDING_ID_MUST_BE_ZERO,
    R.PENDING_ID_MUST_NOT_BE_ZERO,
    R.PENDING_ID_MUST_BE_DIFFERENT,
    R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER,
    R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO,
    R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO,
    R.ACCOUNTS_MUST_BE_DIFFERENT,
    R.AMOUNT_MUST_NOT_BE_ZERO,
    R.AMOUNT_MUST_NOT_BE_NEGATIVE,
    R.EXISTS_WITH_DIFFERENT_FLAGS,
    R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID,
    R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID,
    R.EXISTS_WITH_DIFFERENT_AMOUNT,
    R.EXISTS_WITH_DIFFERENT_PENDING_ID,
    R.EXISTS_WITH_DIFFERENT_TIMEOUT,
    R.EXISTS_WITH_DIFFERENT_CODE,
    R.EXISTS_WITH_DIFFERENT_REFERENCES,
    R.EXISTS,
}

_ACCOUNT_STATE = (
    "debits_pending",
    "debits_posted",
    "credits_pending",
    "credits_posted",
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
# Reads every field of _ACCOUNT_STATE in one call, as the undo log saves them on the hot path.
_state_of = attrgetter(*_ACCOUNT_STATE)


def apply_batch(ledger: Ledger, transfers: list[Transfer]) -> list[TransferResult]:
    """Apply ``transfers`` in order, chains as a whole, and return their results."""
    count = len(transfers)
    results: list[TransferResult] = [_OK] * count
    first = 0
    while first < count:

        # Find the chain that starts here: up to the first transfer not linked.
        last = first
        while last < count - 1 and int(transfers[last].flags) & _LINKED:
            last += 1
        if int(transfers[last].flags) & _LINKED:
            for index in range(first, last):
                results[index] = R.LINKED_EVENT_FAILED
            results[last] = R.LINKED_EVENT_CHAIN_OPEN
            break

        if first == last:
            result = _apply_one(ledger, transfers[first], None)
            results[first] = result
            if result is not _OK:
                _remember_failure(ledger, transfers[first], result)
            first += 1
            continue

        undo = _Undo(ledger)
        failed_at = -1
        for index in range(first, last + 1):
            result = _apply_one(ledger, transfers[index], undo)
            results[index] = result
            if result is not _OK and result is not _EXISTS:
                failed_at = index
                break
        if failed_at >= 0:
            undo.rollback()
            for index in range(first, last + 1):
                if index != failed_at:
                    results[index] = R.LINKED_EVENT_FAILED
            _remember_failure(ledger, transfers[failed_at], results[failed_at])
        first = last + 1
    return results


def apply_resolution(ledger: Ledger, record: Transfer, pending: Transfer, now: int, undo: _Undo | None = None) -> None:
    """Post or void ``pending`` as ``record`` requests; every check has already passed."""
    debit = ledger._accounts[pending.debit_account_id]
    credit = ledger._accounts[pending.credit_account_id]
    if undo is not None:
        undo.save(debit)
        undo.save(credit)

    # Fill the record from the hold it resolves.
    record.debit_account_id = pending.debit_account_id
    record.credit_account_id = pending.credit_account_id
    record.code = pending.code
    record_flags = int(record.flags)
    if record_flags & _VOID:
        record.amount = pending.amount
    record.timestamp = now

    # Release the hold, then post what the record posts.
    debit.debits_pending -= pending.amount
    credit.credits_pending -= pending.amount
    posted = record.amount if record_flags & _POST else 0
    debit_flags = int(debit.flags)
    credit_flags = int(credit.flags)
    if posted:
        day = local_day_index(now)
        # Accrual only has work on the first posting of a day.
        if debit_flags & _EARNS and debit.interest_day < day:
            interest.accrue(debit, day)
        if credit_flags & _EARNS and credit.interest_day < day:
            interest.accrue(credit, day)
        debit.debits_posted += posted
        credit.credits_posted += posted

    # Give back to the limit windows what the hold counted and was not posted.
    released = pending.amount - posted
    if released:
        hold_day = local_day_index(pending.timestamp)
        if debit_flags & _LIMITED and pending.code in OUTFLOW_CODES:
            limits.release_out(debit, released, hold_day)
        if credit_flags & _LIMITED and pending.code in INFLOW_CODES:
            limits.release_in(credit, released, hold_day)

    _commit(ledger, record, debit, credit, undo)


# Private interface


class _Undo:
    """The undo log of a chain: the state it changed, so a failure inside it can be rolled back."""

    __slots__ = ("ledger", "saved", "indexed", "new_transfers")

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.saved: dict[int, tuple[Account, tuple]] = {}
        self.indexed: list[Transfer] = []
        self.new_transfers = len(ledger._new_transfers)

    def save(self, account: Account) -> None:
        if account.id not in self.saved:
            self.saved[account.id] = (account, _state_of(account))

    def rollback(self) -> None:
        ledger = self.ledger
        for account, state in self.saved.values():
            for name, value in zip(_ACCOUNT_STATE, state, strict=True):
                setattr(account, name, value)
        for transfer in reversed(self.indexed):
            _unindex(ledger, transfer)
        del ledger._new_transfers[self.new_transfers :]


def _unindex(ledger: Ledger, transfer: Transfer) -> None:
    """Reverse what ``Ledger._index`` recorded for ``transfer``."""
    from twin.ledger.ledger import PENDING, _count_down

    del ledger._transfers[transfer.id]
    flags = int(transfer.flags)
    if flags & _PENDING:
        del ledger._hold_state[transfer.id]
        for account_id in (transfer.debit_account_id, transfer.credit_account_id):
            holds = ledger._open_holds.get(account_id)
            if holds is not None:
                holds.discard(transfer.id)
                if not holds:
                    del ledger._open_holds[account_id]
        if transfer.code in _RETURN_CODES and transfer.original_id:
            _count_down(ledger._open_returns, transfer.original_id)
    elif flags & (_POST | _VOID):
        ledger._hold_state[transfer.pending_id] = PENDING
        ledger._open_holds.setdefault(transfer.debit_account_id, set()).add(transfer.pending_id)
        ledger._open_holds.setdefault(transfer.credit_account_id, set()).add(transfer.pending_id)
        pending = ledger._transfers.get(transfer.pending_id)
        if pending is not None and pending.code in _RETURN_CODES and pending.original_id:
            posted = transfer.amount if flags & _POST else 0
            ledger._returned[pending.original_id] += pending.amount - posted
            ledger._open_returns[pending.original_id] = ledger._open_returns.get(pending.original_id, 0) + 1
    if transfer.code in _RETURN_CODES and transfer.original_id and not flags & _RESOLVING:
        ledger._returned[transfer.original_id] -= transfer.amount
    if transfer.code is TransferCode.DISBURSEMENT and (flags & _POST or not flags & (_PENDING | _RESOLVING)):
        entries = ledger._disbursed.get(transfer.credit_account_id)
        if entries:
            entries.pop()


def _remember_failure(ledger: Ledger, transfer: Transfer, result: TransferResult) -> None:
    if result not in _REMEMBERED or transfer.id in ledger._failed or transfer.id in ledger._transfers:
        return
    # A request with a number the store cannot hold is rejected but not
    # remembered: writing it down would make every later write fail.
    if not _storable(transfer):
        return
    transfer.timestamp = ledger._last_timestamp
    ledger._failed[transfer.id] = (result, transfer)
    ledger._failed_order.append(transfer.id)
    ledger._next_id = max(ledger._next_id, transfer.id + 1)
    ledger._new_failures.append((transfer, result.value))


def _storable(transfer: Transfer) -> bool:
    numbers = (
        transfer.id,
        transfer.debit_account_id,
        transfer.credit_account_id,
        transfer.amount,
        transfer.pending_id,
        transfer.timeout,
        transfer.original_id,
    )
    return all(-MAX_INTEGER - 1 <= number <= MAX_INTEGER for number in numbers)


def _commit(ledger: Ledger, record: Transfer, debit: Account, credit: Account, undo: _Undo | None) -> None:
    ledger._index(record)
    ledger._new_transfers.append(record)
    ledger._dirty[debit.id] = debit
    ledger._dirty[credit.id] = credit
    if undo is not None:
        undo.indexed.append(record)


def _apply_one(ledger: Ledger, transfer: Transfer, undo: _Undo | None) -> TransferResult:
    result = _check_shape(transfer)
    if result is not None:
        return result
    result = _check_exists(ledger, transfer)
    if result is not None:
        return result
    now = ledger._now()
    if int(transfer.flags) & _RESOLVING:
        return _resolve(ledger, transfer, now, undo)
    return _move(ledger, transfer, now, undo)


def _check_shape(transfer: Transfer) -> TransferResult | None:
    flags = int(transfer.flags)
    if transfer.id <= 0:
        return R.ID_MUST_NOT_BE_ZERO
    if flags & _KIND_FLAGS not in _ONE_KIND:
        return R.FLAGS_ARE_MUTUALLY_EXCLUSIVE
    resolving = flags & _RESOLVING
    if not resolving and transfer.pending_id:
        return R.PENDING_ID_MUST_BE_ZERO
    if resolving and not transfer.pending_id:
        return R.PENDING_ID_MUST_NOT_BE_ZERO
    if resolving and transfer.pending_id == transfer.id:
        return R.PENDING_ID_MUST_BE_DIFFERENT
    if transfer.timeout and not flags & _PENDING:
        return R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
    if not resolving:
        if not transfer.debit_account_id:
            return R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
        if not transfer.credit_account_id:
            return R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
        if transfer.debit_account_id == transfer.credit_account_id:
            return R.ACCOUNTS_MUST_BE_DIFFERENT
    if transfer.amount < 0:
        return R.AMOUNT_MUST_NOT_BE_NEGATIVE
    if transfer.amount == 0 and not flags & _VOID:
        return R.AMOUNT_MUST_NOT_BE_ZERO
    return None


def _check_exists(ledger: Ledger, transfer: Transfer) -> TransferResult | None:
    """Compare a transfer with an earlier one of the same id, committed or failed."""
    existing = ledger._transfers.get(transfer.id)
    if existing is not None:
        return _compare(existing, transfer) or R.EXISTS
    failed = ledger._failed.get(transfer.id)
    if failed is not None:
        return _compare(failed[1], transfer) or failed[0]
    return None


def _compare(original: Transfer, retry: Transfer) -> TransferResult | None:
    flags = int(retry.flags)
    if int(original.flags) != flags:
        return R.EXISTS_WITH_DIFFERENT_FLAGS
    resolving = bool(flags & _RESOLVING)
    # A post or void may leave the accounts (and a void its amount) at zero,
    # meaning "those of the hold"; the record has them filled in.
    if retry.debit_account_id != original.debit_account_id and not (resolving and retry.debit_account_id == 0):
        return R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID
    if retry.credit_account_id != original.credit_account_id and not (resolving and retry.credit_account_id == 0):
        return R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID
    if retry.amount != original.amount and not (flags & _VOID and retry.amount == 0):
        return R.EXISTS_WITH_DIFFERENT_AMOUNT
    if retry.pending_id != original.pending_id:
        return R.EXISTS_WITH_DIFFERENT_PENDING_ID
    if retry.timeout != original.timeout:
        return R.EXISTS_WITH_DIFFERENT_TIMEOUT
    if retry.code != original.code:
        return R.EXISTS_WITH_DIFFERENT_CODE
    if (retry.authorization_id, retry.batch_id, retry.original_id) != (
        original.authorization_id,
        original.batch_id,
        original.original_id,
    ):
        return R.EXISTS_WITH_DIFFERENT_REFERENCES
    return None


#: The result for a post or void of a hold already resolved, by the hold's state.
#: Filled on first use, because the states live in twin.ledger.ledger, which
#: imports this module lazily. An import inside _resolve cost more than its checks.
_ALREADY_RESOLVED: dict[str, TransferResult] = {}


def _already_resolved() -> dict[str, TransferResult]:
    from twin.ledger.ledger import EXPIRED, POSTED, VOIDED

    _ALREADY_RESOLVED.update({
        POSTED: R.PENDING_TRANSFER_ALREADY_POSTED,
        VOIDED: R.PENDING_TRANSFER_ALREADY_VOIDED,
        EXPIRED: R.PENDING_TRANSFER_EXPIRED,
    })
    return _ALREADY_RESOLVED


def _resolve(ledger: Ledger, transfer: Transfer, now: int, undo: _Undo | None) -> TransferResult:
    pending = ledger._transfers.get(transfer.pending_id)
    if pending is None:
        return R.PENDING_TRANSFER_NOT_FOUND
    if not int(pending.flags) & _PENDING:
        return R.PENDING_TRANSFER_NOT_PENDING
    if transfer.debit_account_id and transfer.debit_account_id != pending.debit_account_id:
        return R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID
    if transfer.credit_account_id and transfer.credit_account_id != pending.credit_account_id:
        return R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID
    if transfer.code != pending.code:
        return R.PENDING_TRANSFER_HAS_DIFFERENT_CODE
    flags = int(transfer.flags)
    if flags & _POST and transfer.amount > pending.amount:
        return R.EXCEEDS_PENDING_TRANSFER_AMOUNT
    if flags & _VOID and transfer.amount not in (0, pending.amount):
        return R.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT
    resolved = (_ALREADY_RESOLVED or _already_resolved()).get(ledger._hold_state.get(pending.id))
    if resolved is not None:
        return resolved
    if pending.timeout and now >= pending.timestamp + pending.timeout * _MICROS:
        return R.PENDING_TRANSFER_EXPIRED
    if flags & _POST:
        if ledger._accounts[pending.debit_account_id].status is _CLOSED:
            return R.DEBIT_ACCOUNT_CLOSED
        if ledger._accounts[pending.credit_account_id].status is _CLOSED:
            return R.CREDIT_ACCOUNT_CLOSED
    apply_resolution(ledger, transfer, pending, now, undo)
    return _OK


def _move(ledger: Ledger, transfer: Transfer, now: int, undo: _Undo | None) -> TransferResult:
    accounts = ledger._accounts
    debit = accounts.get(transfer.debit_account_id)
    if debit is None:
        return R.DEBIT_ACCOUNT_NOT_FOUND
    credit = accounts.get(transfer.credit_account_id)
    if credit is None:
        return R.CREDIT_ACCOUNT_NOT_FOUND
    if debit.status is _CLOSED:
        return R.DEBIT_ACCOUNT_CLOSED
    if credit.status is _CLOSED:
        return R.CREDIT_ACCOUNT_CLOSED
    if debit.status is _FROZEN:
        return R.DEBIT_ACCOUNT_FROZEN

    # Refunds and reversals return (part of) a posted transfer to where it came from.
    amount = transfer.amount
    code = transfer.code
    original = None
    if code in _RETURN_CODES:
        original = ledger._transfers.get(transfer.original_id) if transfer.original_id else None
        if original is None or int(original.flags) & (_PENDING | _VOID):
            return R.ORIGINAL_NOT_FOUND
        if transfer.debit_account_id != original.credit_account_id or transfer.credit_account_id != original.debit_account_id:
            return R.ORIGINAL_HAS_DIFFERENT_ACCOUNTS
        if ledger._returned.get(original.id, 0) + amount > original.amount:
            return R.EXCEEDS_ORIGINAL_AMOUNT

    debit_flags = int(debit.flags)
    credit_flags = int(credit.flags)
    if (debit_flags | credit_flags) & _WELFARE:
        result = (
            check_welfare(code, debit, credit, original.code, original.debit_account_id, original.credit_account_id)
            if original is not None
            else check_welfare(code, debit, credit)
        )
        if result is not None:
            return result
    if code is _INTEREST and debit.id != ledger.config.interest_account_id:
        return R.INTEREST_NOT_FROM_INTEREST_ACCOUNT
    if not limits.exempt_code_allowed(code, debit, credit):
        return R.CODE_NOT_ALLOWED_FOR_ACCOUNTS

    day = local_day_index(now)
    limits_config = ledger.config.limits
    count_debit = bool(debit_flags & _LIMITED) and code in OUTFLOW_CODES
    count_credit = bool(credit_flags & _LIMITED) and code in INFLOW_CODES
    # Check both sides before reporting, so that a daily limit on either side
    # wins over a yearly one, as the order of TransferResult requires.
    out_result = limits.check_out(debit, amount, day, limits_config) if count_debit else None
    in_result = limits.check_in(credit, amount, day, limits_config) if count_credit else None
    if out_result is not None or in_result is not None:
        if R.LIMIT_EXCEEDED_DAILY in (out_result, in_result):
            return R.LIMIT_EXCEEDED_DAILY
        return R.LIMIT_EXCEEDED_YEARLY

    if debit.debits_pending + debit.debits_posted + amount > MAX_INTEGER:
        return R.OVERFLOWS_DEBITS
    if credit.credits_pending + credit.credits_posted + amount > MAX_INTEGER:
        return R.OVERFLOWS_CREDITS
    if transfer.timeout and (transfer.timeout < 0 or now + transfer.timeout * _MICROS > MAX_INTEGER):
        return R.OVERFLOWS_TIMEOUT

    if debit_flags & _DMNEC and debit.debits_pending + debit.debits_posted + amount > debit.credits_posted:
        return R.EXCEEDS_CREDITS
    if credit_flags & _CMNED and credit.credits_pending + credit.credits_posted + amount > credit.debits_posted:
        return R.EXCEEDS_DEBITS

    # Every rule passed: apply.
    if undo is not None:
        undo.save(debit)
        undo.save(credit)
    transfer.timestamp = now
    if int(transfer.flags) & _PENDING:
        debit.debits_pending += amount
        credit.credits_pending += amount
    else:
        # Accrual only has work on the first posting of a day.
        if debit_flags & _EARNS and debit.interest_day < day:
            interest.accrue(debit, day)
        if credit_flags & _EARNS and credit.interest_day < day:
            interest.accrue(credit, day)
        debit.debits_posted += amount
        credit.credits_posted += amount
    if count_debit:
        limits.count_out(debit, amount, day)
    if count_credit:
        limits.count_in(credit, amount, day)
    if code is _REVERSAL:
        _undo_counted(ledger, original, debit, credit, amount, day)
    _commit(ledger, transfer, debit, credit, undo)
    return _OK


def _undo_counted(ledger: Ledger, original: Transfer, debit: Account, credit: Account, amount: int, day: int) -> None:
    """Give back to the class II windows the ``amount`` that ``original`` counted, because a reversal undoes it.

    Refunds do not call this, because the purchase a refund returns did happen.
    """
    counted_day = local_day_index(limits.counted_at(original, ledger._transfers))
    # The reversal's credit account paid the original; its debit account received it.
    if int(credit.flags) & _LIMITED and original.code in OUTFLOW_CODES:
        limits.undo_out(credit, amount, counted_day, day)
    if int(debit.flags) & _LIMITED and original.code in INFLOW_CODES:
        limits.undo_in(debit, amount, counted_day, day)


"""The ledger audit: recompute everything from the transfers and check every rule.

:func:`verify` reads a ledger database on its own, without the
:class:`~twin.ledger.ledger.Ledger` class, replays the transfers in commit order
and reports each broken invariant:

- ``unbalanced``: total debits differ from total credits (posted or pending),
  in the stored account sums or in the recomputed ones;
- ``balance_mismatch``: an account's stored sums differ from the recomputed ones;
- ``negative_balance``: an account flagged not to go below zero did so;
- ``welfare_rule``: money entered or left a welfare account in a way it may not;
- ``hold_resolved_twice`` / ``hold_not_found`` / ``post_exceeds_hold``: a
  two-phase transfer resolved wrongly;
- ``return_exceeds_original`` / ``return_to_other_account``: refunds or
  reversals gave back more than the original, or to another account;
- ``limit_exceeded``: a class II window went past its cap;
- ``closed_account_used``: a transfer moved money on an account after it closed;
- ``transfer_malformed``: a zero or negative amount, or unknown accounts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from twin.calendar import local_day_index
from twin.ledger import limits as limit_rules
from twin.ledger.accounts import Account, AccountFlags
from twin.ledger.limits import Limits
from twin.ledger.store import SQLiteStore
from twin.ledger.transfers import INFLOW_CODES, OUTFLOW_CODES, Transfer, TransferCode, TransferFlags
from twin.ledger.welfare import check_welfare

__all__ = ["AuditReport", "Problem", "verify", "verify_store"]

# Flags as plain ints: an operator on IntFlag members runs Python code in the enum module.
_PENDING = int(TransferFlags.PENDING)
_POST = int(TransferFlags.POST_PENDING)
_VOID = int(TransferFlags.VOID_PENDING)
_RESOLVING = _POST | _VOID
_WELFARE = int(AccountFlags.WELFARE)
_LIMITED = int(AccountFlags.LIMITED)
_DMNEC = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
_CMNED = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
_RETURN_CODES = (TransferCode.REFUND, TransferCode.REVERSAL)
_INTEREST = TransferCode.INTEREST
_REVERSAL = TransferCode.REVERSAL
_SUMS = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
_MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    """One broken invariant, with the transfer or account it was found on."""

    rule: str
    detail: str
    transfer_id: int = 0
    account_id: int = 0


@dataclass
class AuditReport:
    """The audit's counts of what it checked, and the problems it found."""

    accounts: int = 0
    transfers: int = 0
    holds: int = 0
    problems: list[Problem] = field(default_factory=list)
    total_debits_posted: int = 0
    total_credits_posted: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "accounts": self.accounts,
            "transfers": self.transfers,
            "holds": self.holds,
            "total_debits_posted": self.total_debits_posted,
            "total_credits_posted": self.total_credits_posted,
            "problems": [problem.__dict__ for problem in self.problems],
        }


def verify(path: str | Path) -> AuditReport:
    """Audit the ledger database at ``path``."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"ledger database not found: {path}")
    store = SQLiteStore(path)
    try:
        return verify_store(store)
    finally:
        store.close(checkpoint=False)


def verify_store(store: SQLiteStore) -> AuditReport:
    """Audit the ledger kept in an open store."""
    return _Audit(store).run()


# Private interface


class _Audit:
    """One pass over the transfers in commit order, keeping only what a later rule reads.

    A hold stays in memory until the post or void that resolves it; the
    transfers that refunds and reversals name (and the holds of those that are
    posts) stay to the end. Both lists come from the store's indexes before the
    replay starts, so memory follows the open holds and the returns, not the
    number of transfers. The stored sums are compared row by row at the end.
    """

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        meta = store.meta()
        self.limits = Limits(**meta["limits"]) if "limits" in meta else Limits()
        self.interest_account_id = int(meta.get("interest_account_id", 1))
        self.report = AuditReport()
        self.replayed: dict[int, Account] = {}
        # Holds not yet resolved, by id.
        self.holds: dict[int, Transfer] = {}
        # Transfers a later return reads: originals and the holds of posted originals.
        self.kept: dict[int, Transfer] = {}
        self.needed = store.returned_originals()
        # Holds that more than one resolution names: they stay, and so does their first resolution.
        self.twice = store.resolved_more_than_once()
        self.resolved: dict[int, int] = {}
        self.returned: dict[int, int] = {}
        self.closed_at = store.closed_at()

    def run(self) -> AuditReport:
        for account in self.store.account_identities():
            self.replayed[account.id] = account
        self.report.accounts = len(self.replayed)
        for transfer in self.store.transfers():
            self.report.transfers += 1
            self._replay(transfer)
        self._check_stored()
        return self.report

    def _problem(self, rule: str, detail: str, transfer_id: int = 0, account_id: int = 0) -> None:
        if len(self.report.problems) < _MAX_PROBLEMS:
            self.report.problems.append(Problem(rule, detail, transfer_id, account_id))

    def _replay(self, transfer: Transfer) -> None:
        debit = self.replayed.get(transfer.debit_account_id)
        credit = self.replayed.get(transfer.credit_account_id)
        if debit is None or credit is None or debit is credit:
            self._problem("transfer_malformed", "unknown or identical accounts", transfer.id)
            return
        flags = int(transfer.flags)
        if transfer.amount < 0 or (transfer.amount == 0 and not flags & _VOID):
            self._problem("transfer_malformed", f"amount {transfer.amount}", transfer.id)
            return
        if transfer.id in self.needed:
            self.kept[transfer.id] = transfer
        if flags & _PENDING:
            self.holds[transfer.id] = transfer
        if flags & _RESOLVING:
            self._replay_resolution(transfer, flags, debit, credit)
        else:
            self._replay_move(transfer, flags, debit, credit)
        self._check_not_negative(transfer, debit)
        self._check_not_negative(transfer, credit)

    def _find(self, transfer_id: int) -> Transfer | None:
        found = self.holds.get(transfer_id)
        return self.kept.get(transfer_id) if found is None else found

    def _replay_move(self, transfer: Transfer, flags: int, debit: Account, credit: Account) -> None:
        amount = transfer.amount
        day = local_day_index(transfer.timestamp)
        self._check_open(transfer, debit)
        self._check_open(transfer, credit)
        debit_flags = int(debit.flags)
        credit_flags = int(credit.flags)
        code = transfer.code

        original = None
        if code in _RETURN_CODES:
            original = self._find(transfer.original_id)
            if original is None:
                self._problem("return_to_other_account", "original transfer not found", transfer.id)
            else:
                if (original.debit_account_id, original.credit_account_id) != (credit.id, debit.id):
                    self._problem("return_to_other_account", f"original {original.id}", transfer.id)
                total = self.returned.get(original.id, 0) + amount
                self.returned[original.id] = total
                if total > original.amount:
                    self._problem(
                        "return_exceeds_original", f"{total} returned of {original.amount}", transfer.id
                    )

        if (debit_flags | credit_flags) & _WELFARE:
            if original is not None:
                broken = check_welfare(
                    code, debit, credit, original.code, original.debit_account_id, original.credit_account_id
                )
            else:
                broken = check_welfare(code, debit, credit)
            if broken is not None:
                self._problem("welfare_rule", broken.value, transfer.id)
        if code is _INTEREST and debit.id != self.interest_account_id:
            self._problem("transfer_malformed", "interest not paid by the interest account", transfer.id)
        if not limit_rules.exempt_code_allowed(code, debit, credit):
            self._problem("transfer_malformed", f"{code.value} between these accounts", transfer.id)

        if debit_flags & _LIMITED and code in OUTFLOW_CODES:
            if limit_rules.check_out(debit, amount, day, self.limits) is not None:
                self._problem("limit_exceeded", f"out {amount} on day {day}", transfer.id, debit.id)
            limit_rules.count_out(debit, amount, day)
        if credit_flags & _LIMITED and code in INFLOW_CODES:
            if limit_rules.check_in(credit, amount, day, self.limits) is not None:
                self._problem("limit_exceeded", f"in {amount} on day {day}", transfer.id, credit.id)
            limit_rules.count_in(credit, amount, day)
        if original is not None and code is _REVERSAL:
            # A reversal gives back what the original counted, in the windows still current.
            counted_day = local_day_index(limit_rules.counted_at(original, self.kept))
            if credit_flags & _LIMITED and original.code in OUTFLOW_CODES:
                limit_rules.undo_out(credit, amount, counted_day, day)
            if debit_flags & _LIMITED and original.code in INFLOW_CODES:
                limit_rules.undo_in(debit, amount, counted_day, day)

        if flags & _PENDING:
            self.report.holds += 1
            debit.debits_pending += amount
            credit.credits_pending += amount
        else:
            debit.debits_posted += amount
            credit.credits_posted += amount

    def _replay_resolution(self, transfer: Transfer, flags: int, debit: Account, credit: Account) -> None:
        pending_id = transfer.pending_id
        pending = self._find(pending_id)
        if pending is None or not int(pending.flags) & _PENDING:
            self._problem("hold_not_found", f"pending id {pending_id}", transfer.id)
            return
        if pending_id in self.twice:
            if pending_id in self.resolved:
                self._problem(
                    "hold_resolved_twice",
                    f"hold {pending_id} already resolved by {self.resolved[pending_id]}",
                    transfer.id,
                )
                return
            self.resolved[pending_id] = transfer.id
        else:
            # No other resolution names this hold: it leaves memory.
            self.holds.pop(pending_id, None)
        if (transfer.debit_account_id, transfer.credit_account_id) != (pending.debit_account_id, pending.credit_account_id):
            self._problem("hold_not_found", "accounts differ from the hold's", transfer.id)
            return
        posted = transfer.amount if flags & _POST else 0
        if posted > pending.amount or (flags & _VOID and transfer.amount != pending.amount):
            self._problem("post_exceeds_hold", f"{transfer.amount} against a hold of {pending.amount}", transfer.id)
            return
        if posted:
            self._check_open(transfer, debit)
            self._check_open(transfer, credit)
        debit.debits_pending -= pending.amount
        credit.credits_pending -= pending.amount
        debit.debits_posted += posted
        credit.credits_posted += posted
        released = pending.amount - posted
        if released and pending.code in _RETURN_CODES and pending.original_id in self.returned:
            self.returned[pending.original_id] -= released
        if released:
            hold_day = local_day_index(pending.timestamp)
            if int(debit.flags) & _LIMITED and pending.code in OUTFLOW_CODES:
                limit_rules.release_out(debit, released, hold_day)
            if int(credit.flags) & _LIMITED and pending.code in INFLOW_CODES:
                limit_rules.release_in(credit, released, hold_day)

    def _check_open(self, transfer: Transfer, account: Account) -> None:
        closed = self.closed_at.get(account.id)
        if closed is not None and transfer.timestamp > closed:
            self._problem("closed_account_used", f"account closed at {closed}", transfer.id, account.id)

    def _check_not_negative(self, transfer: Transfer, account: Account) -> None:
        flags = int(account.flags)
        if flags & _DMNEC:
            if account.debits_pending + account.debits_posted > account.credits_posted:
                self._problem("negative_balance", f"available {account.available}", transfer.id, account.id)
        if flags & _CMNED:
            if account.credits_pending + account.credits_posted > account.debits_posted:
                self._problem("negative_balance", f"available {account.available}", transfer.id, account.id)

    def _check_stored(self) -> None:
        """Check the totals, then compare each stored account's sums with the replayed ones.

        The replayed sums balance by construction, because every replayed
        transfer adds one amount to both sides. The stored sums are what the
        ledger reports and what tampering or a lost write would unbalance.
        The stored rows are read one at a time; the totals' problems are
        reported before the accounts', so their mismatches wait in a list.
        """
        stored_totals = dict.fromkeys(_SUMS, 0)
        mismatches: list[tuple[str, str, int]] = []
        for row in self.store.account_sums():
            account_id = row[0]
            replayed = self.replayed.get(account_id)
            for index, name in enumerate(_SUMS, start=1):
                value = row[index]
                stored_totals[name] += value
                if replayed is not None and value != getattr(replayed, name):
                    if len(mismatches) < _MAX_PROBLEMS:
                        mismatches.append(
                            (name, f"{name}: stored {value}, recomputed {getattr(replayed, name)}", account_id)
                        )
        replayed_totals = _totals(self.replayed.values())
        self.report.total_debits_posted = replayed_totals["debits_posted"]
        self.report.total_credits_posted = replayed_totals["credits_posted"]
        for origin, totals in (("recomputed", replayed_totals), ("stored", stored_totals)):
            if totals["debits_posted"] != totals["credits_posted"]:
                self._problem(
                    "unbalanced",
                    f"{origin} posted debits {totals['debits_posted']} != credits {totals['credits_posted']}",
                )
            if totals["debits_pending"] != totals["credits_pending"]:
                self._problem(
                    "unbalanced",
                    f"{origin} pending debits {totals['debits_pending']} != credits {totals['credits_pending']}",
                )
        for _, detail, account_id in mismatches:
            self._problem("balance_mismatch", detail, account_id=account_id)


def _totals(accounts) -> dict[str, int]:
    totals = dict.fromkeys(_SUMS, 0)
    for account in accounts:
        totals["debits_pending"] += account.debits_pending
        totals["debits_posted"] += account.debits_posted
        totals["credits_pending"] += account.credits_pending
        totals["credits_posted"] += account.credits_posted
    return totals


def report_json(report: AuditReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)

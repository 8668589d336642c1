"""Random ledger operations for the property tests, and the checks run after each.

An operation is a tuple of small integers, ``(kind, a, b, c, d)``, that
:class:`Driver` turns into ledger calls against the standard test book, so
hypothesis can shrink a failing sequence and a numpy stream can replay one.
"""

from __future__ import annotations

from contextlib import ExitStack

from twin.ledger import Ledger, Transfer, verify_store
from twin.ledger.accounts import AccountFlags

from .book import (
    BANK_CASH,
    CLOSURE,
    INTEREST,
    MAIN,
    OTHER_MAIN,
    OTHER_WELFARE,
    OUTSIDE,
    PLAIN_SHOP,
    PROVINCE,
    SHOP,
    TF,
    UNION,
    UNION_2,
    WALLET,
    WELFARE,
    C,
    R,
)

#: Kinds of operation, repeated to weight how often each is drawn.
KINDS = (
    ("move",) * 6
    + ("hold",) * 3
    + ("post",) * 2
    + (
        "void",
        "refund",
        "refund",
        "retry",
        "conflict",
        "advance",
        "advance",
        "expire",
        "chain",
        "chain",
        "batch",
    )
)
ACCOUNTS = (
    BANK_CASH,
    UNION,
    UNION_2,
    PROVINCE,
    CLOSURE,
    MAIN,
    WELFARE,
    WALLET,
    OTHER_MAIN,
    OTHER_WELFARE,
    SHOP,
    PLAIN_SHOP,
    OUTSIDE,
    INTEREST,
)
CODES = (
    C.DEPOSIT,
    C.DISBURSEMENT,
    C.PURCHASE,
    C.PURCHASE,
    C.CASH_WITHDRAWAL,
    C.TRANSFER,
    C.TRANSIT_TOPUP,
    C.ETC_TOLL,
    C.FUNDING,
    C.CLOSURE_SETTLEMENT,
    C.REPLACEMENT,
    C.INTEREST,
)
#: Member accounts are the likely ends of a transfer; the rest are drawn less often.
LIKELY = (MAIN, WELFARE, OTHER_MAIN, OTHER_WELFARE, SHOP, UNION, BANK_CASH, WALLET)
STEPS_SECONDS = (1, 30, 59, 600, 3_600, 6 * 3_600, 86_400, 86_400, 3 * 86_400, 40 * 86_400)
#: What the programme does most of the time: (debit, credit, code).
TYPICAL = (
    (BANK_CASH, MAIN, C.DEPOSIT),
    (BANK_CASH, OTHER_MAIN, C.DEPOSIT),
    (UNION, WELFARE, C.DISBURSEMENT),
    (UNION_2, OTHER_WELFARE, C.DISBURSEMENT),
    (MAIN, SHOP, C.PURCHASE),
    (WELFARE, SHOP, C.PURCHASE),
    (OTHER_MAIN, PLAIN_SHOP, C.PURCHASE),
    (OTHER_WELFARE, SHOP, C.PURCHASE),
    (MAIN, OTHER_MAIN, C.TRANSFER),
    (MAIN, WALLET, C.TRANSIT_TOPUP),
    (WALLET, OUTSIDE, C.TRANSIT_FARE),
    (MAIN, BANK_CASH, C.CASH_WITHDRAWAL),
    (OTHER_MAIN, OUTSIDE, C.ETC_TOLL),
)
TIMEOUTS = (0, 0, 60, 3_600, 7 * 86_400)
AMOUNTS = (1, 99, 5_000, 80_000, 400_000, 999_999, 1_000_000, 1_500_000)


class Driver:
    """Applies encoded operations to a ledger and remembers what it did."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.requests: list[Transfer] = []
        #: The content that decided each id: the one committed, or the first remembered failure.
        self.decided: dict[int, Transfer] = {}
        self.holds: list[int] = []
        self.purchases: list[int] = []
        self.failed: dict[int, R] = {}
        self.committed: set[int] = set()
        self.batch_left = 0
        self.batch = ExitStack()
        self.results: dict[R, int] = {}

    # Operations

    def run(self, operation: tuple[int, int, int, int, int]) -> None:
        kind = KINDS[operation[0] % len(KINDS)]
        action = self._single if kind == "move" else getattr(self, f"_{kind}")
        action(*operation[1:])
        if self.batch_left:
            self.batch_left -= 1
            if not self.batch_left:
                self.batch.close()

    def _single(self, a: int, b: int, c: int, d: int) -> None:
        self._submit([self._move(a, b, c, d)])

    def _move(
        self, a: int, b: int, c: int, d: int, flags: TF = TF.NONE, timeout: int = 0
    ) -> Transfer:
        if b % 4:
            debit, credit, code = TYPICAL[(a + c) % len(TYPICAL)]
        else:
            debit = self._account(b)
            credit = self._account(c + 1 + b)
            code = CODES[a % len(CODES)]
        amount = self._amount(d)
        return Transfer(self.ledger.new_id(), debit, credit, amount, code, flags, timeout=timeout)

    def _hold(self, a: int, b: int, c: int, d: int) -> None:
        timeout = TIMEOUTS[(a + d) % len(TIMEOUTS)]
        request = self._move(a, b, c, d, TF.PENDING, timeout)
        self._submit([request])

    def _post(self, a: int, b: int, c: int, d: int) -> None:
        pending = self._pick_hold(a)
        if pending is None:
            return
        amount = 1 + d % (pending.amount + 1) if b % 5 else pending.amount + 1
        request = Transfer(
            self.ledger.new_id(),
            amount=amount,
            code=pending.code,
            flags=TF.POST_PENDING,
            pending_id=pending.id,
        )
        self._submit([request])

    def _void(self, a: int, b: int, c: int, d: int) -> None:
        pending = self._pick_hold(a)
        if pending is None:
            return
        request = Transfer(
            self.ledger.new_id(), code=pending.code, flags=TF.VOID_PENDING, pending_id=pending.id
        )
        self._submit([request])

    def _refund(self, a: int, b: int, c: int, d: int) -> None:
        if not self.purchases:
            return
        original = self.ledger.transfer(self.purchases[a % len(self.purchases)])
        amount = 1 + d % original.amount if b % 4 else original.amount
        code = C.REFUND if c % 3 else C.REVERSAL
        # Some refunds and reversals are placed as holds, posted or voided later.
        flags = TF.PENDING if c % 5 == 0 else TF.NONE
        request = Transfer(
            self.ledger.new_id(),
            original.credit_account_id,
            original.debit_account_id,
            amount,
            code,
            flags,
            original_id=original.id,
        )
        self._submit([request])

    def _retry(self, a: int, b: int, c: int, d: int) -> None:
        if not self.requests:
            return
        earlier = self.requests[a % len(self.requests)]
        self._submit([_copy(earlier)], record=False)

    def _conflict(self, a: int, b: int, c: int, d: int) -> None:
        if not self.requests:
            return
        earlier = _copy(self.requests[a % len(self.requests)])
        earlier.amount += 1 + d % 7
        self._submit([earlier], record=False)

    def _advance(self, a: int, b: int, c: int, d: int) -> None:
        self.ledger.clock.advance(seconds=STEPS_SECONDS[a % len(STEPS_SECONDS)])

    def _expire(self, a: int, b: int, c: int, d: int) -> None:
        self.ledger.expire_pending()

    def _chain(self, a: int, b: int, c: int, d: int) -> None:
        chain = []
        for index in range(2 + a % 3):
            request = self._move(a + index, b + 3 * index, c + 5 * index, d + index)
            chain.append(request)
        if b % 4 == 0 and self.holds:
            pending = self._pick_hold(c)
            if pending is not None:
                chain.insert(
                    0,
                    Transfer(
                        self.ledger.new_id(),
                        code=pending.code,
                        flags=TF.VOID_PENDING,
                        pending_id=pending.id,
                    ),
                )
        for request in chain[:-1] if c % 7 else chain:
            request.flags |= TF.LINKED
        self._submit(chain)

    def _batch(self, a: int, b: int, c: int, d: int) -> None:
        if self.batch_left:
            return
        self.batch.enter_context(self.ledger.batch())
        self.batch_left = 2 + a % 6

    # Helpers

    def _account(self, index: int) -> int:
        if index % 3:
            return LIKELY[index % len(LIKELY)]
        return ACCOUNTS[index % len(ACCOUNTS)]

    def _amount(self, index: int) -> int:
        if index % 5:
            return 1 + index * 7 % 20_000
        return AMOUNTS[index % len(AMOUNTS)] + index % 1_000

    def _pick_hold(self, index: int) -> Transfer | None:
        if not self.holds:
            return None
        # Mostly one of the newest holds, which are likely still open.
        recent = self.holds[-4:] if index % 5 else self.holds
        return self.ledger.transfer(recent[index % len(recent)])

    def _submit(self, requests: list[Transfer], record: bool = True) -> None:
        before = {request.id: self.ledger.transfer(request.id) is not None for request in requests}
        results = self.ledger.create_transfers(requests)
        for request, result in zip(requests, results, strict=True):
            self.results[result] = self.results.get(result, 0) + 1
            if not record and not request.flags & TF.LINKED:
                self._check_retry(request, result)
            if record:
                self.requests.append(_copy(request))
            if result is R.OK:
                self.decided[request.id] = _copy(request)
                assert not before[request.id], f"{request} committed twice"
                assert request.id not in self.failed, f"failed id {request.id} retried into success"
                self.committed.add(request.id)
                if request.flags & TF.PENDING:
                    self.holds.append(request.id)
                elif request.code is C.PURCHASE:
                    self.purchases.append(request.id)
            elif result is R.EXISTS:
                assert request.id in self.committed, f"{request} exists but was never committed"
            elif (
                result in REMEMBERED
                and request.id not in self.committed
                and request.id not in self.failed
            ):
                self.failed[request.id] = result
                self.decided[request.id] = _copy(request)

    def _check_retry(self, request: Transfer, result: R) -> None:
        earlier = self.decided.get(request.id)
        same = earlier is not None and earlier.content() == request.content()
        if request.id in self.committed:
            assert result is R.EXISTS or not same, f"retry of committed {request}: {result}"
            assert result is not R.OK
        elif request.id in self.failed and same:
            assert result is self.failed[request.id], f"retry of failed {request}: {result}"

    # Checks

    def check(self) -> None:
        """Check the ledger's invariants after one operation."""
        ledger = self.ledger
        accounts = list(ledger.accounts())

        # Double entry: every sum balances across the ledger.
        assert sum(a.debits_posted for a in accounts) == sum(a.credits_posted for a in accounts)
        assert sum(a.debits_pending for a in accounts) == sum(a.credits_pending for a in accounts)

        # Holds: each account's pending sums are exactly its open holds.
        for account in accounts:
            holds = ledger.open_holds(account.id)
            assert account.debits_pending == sum(
                h.amount for h in holds if h.debit_account_id == account.id
            )
            assert account.credits_pending == sum(
                h.amount for h in holds if h.credit_account_id == account.id
            )
            if account.flags & AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS:
                assert account.available >= 0, account
        for hold_id in self.holds[-8:]:
            assert ledger.hold_state(hold_id) in ("pending", "posted", "voided", "expired")

    def audit(self) -> None:
        """Check that failed ids stayed failed, then flush and audit the store unless inside a batch."""
        ledger = self.ledger
        for transfer_id in self.failed:
            assert ledger.transfer(transfer_id) is None, f"failed id {transfer_id} was committed"
        if not self.batch_left:
            ledger.flush()
            report = verify_store(ledger.store)
            assert report.problems == [], report.problems[:5]


def _copy(transfer: Transfer) -> Transfer:
    return Transfer(
        transfer.id,
        transfer.debit_account_id,
        transfer.credit_account_id,
        transfer.amount,
        transfer.code,
        transfer.flags,
        transfer.pending_id,
        transfer.timeout,
        0,
        transfer.authorization_id,
        transfer.batch_id,
        transfer.original_id,
    )


#: Results that a retry of the same id must keep returning.
REMEMBERED = frozenset(R) - {
    R.OK,
    R.EXISTS,
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
}

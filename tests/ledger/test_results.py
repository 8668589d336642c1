"""One case per transfer result, and the precedence when several rules fail."""

import pytest

from twin.ledger import (
    Account,
    AccountCode,
    AccountFlags,
    AccountStatus,
    Ledger,
    LedgerConfig,
    Limits,
    SQLiteStore,
    Transfer,
)
from twin.ledger.store import MAX_INTEGER

from .book import (
    BANK_CASH,
    INTEREST,
    MAIN,
    OTHER_MAIN,
    OTHER_WELFARE,
    OUTSIDE,
    PLAIN_SHOP,
    SHOP,
    TF,
    UNION,
    WELFARE,
    C,
    R,
    chart,
    deposit,
    disburse,
    fund_union,
    hold,
    move,
    must,
    post,
    void,
)

ASSET = 500
ORDER = list(R)


def one(ledger, transfer):
    return ledger.create_transfers([transfer])[0]


def committed(ledger, **fields):
    """Commit a deposit of 100 fen into the main account with ``fields``; return the transfer."""
    transfer = Transfer(ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT, **fields)
    assert one(ledger, transfer) is R.OK
    return transfer


def retry(transfer, **changes):
    fields = {
        "debit_account_id": transfer.debit_account_id,
        "credit_account_id": transfer.credit_account_id,
        "amount": transfer.amount,
        "code": transfer.code,
        "flags": transfer.flags,
        "pending_id": transfer.pending_id,
        "timeout": transfer.timeout,
        "authorization_id": transfer.authorization_id,
        "batch_id": transfer.batch_id,
        "original_id": transfer.original_id,
    }
    fields.update(changes)
    return Transfer(transfer.id, **fields)


def funded_hold(ledger, amount=500, timeout=0):
    deposit(ledger, 1000)
    hold_id, result = hold(ledger, MAIN, SHOP, amount, timeout=timeout)
    assert result is R.OK
    return hold_id


def case_ok(ledger):
    return move(ledger, BANK_CASH, MAIN, 100, C.DEPOSIT)[1]


def case_linked_event_failed(ledger):
    first = Transfer(ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT, flags=TF.LINKED)
    second = Transfer(ledger.new_id(), MAIN, SHOP, 10_000, C.PURCHASE)
    return ledger.create_transfers([first, second])[0]


def case_linked_event_chain_open(ledger):
    last = Transfer(ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT, flags=TF.LINKED)
    return one(ledger, last)


def case_id_must_not_be_zero(ledger):
    return one(ledger, Transfer(0, BANK_CASH, MAIN, 100, C.DEPOSIT))


def case_flags_are_mutually_exclusive(ledger):
    return one(
        ledger,
        Transfer(
            ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT, flags=TF.PENDING | TF.VOID_PENDING
        ),
    )


def case_pending_id_must_be_zero(ledger):
    return one(ledger, Transfer(ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT, pending_id=7))


def case_pending_id_must_not_be_zero(ledger):
    return one(
        ledger, Transfer(ledger.new_id(), amount=100, code=C.PURCHASE, flags=TF.POST_PENDING)
    )


def case_pending_id_must_be_different(ledger):
    transfer_id = ledger.new_id()
    return one(
        ledger,
        Transfer(
            transfer_id, amount=100, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=transfer_id
        ),
    )


def case_timeout_reserved_for_pending_transfer(ledger):
    return one(ledger, Transfer(ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT, timeout=60))


def case_debit_account_id_must_not_be_zero(ledger):
    return one(ledger, Transfer(ledger.new_id(), 0, MAIN, 100, C.DEPOSIT))


def case_credit_account_id_must_not_be_zero(ledger):
    return one(ledger, Transfer(ledger.new_id(), BANK_CASH, 0, 100, C.DEPOSIT))


def case_accounts_must_be_different(ledger):
    return one(ledger, Transfer(ledger.new_id(), MAIN, MAIN, 100, C.TRANSFER))


def case_amount_must_not_be_zero(ledger):
    return one(ledger, Transfer(ledger.new_id(), BANK_CASH, MAIN, 0, C.DEPOSIT))


def case_amount_must_not_be_negative(ledger):
    return one(ledger, Transfer(ledger.new_id(), BANK_CASH, MAIN, -100, C.DEPOSIT))


def case_exists_with_different_flags(ledger):
    return one(ledger, retry(committed(ledger), flags=TF.PENDING))


def case_exists_with_different_debit_account_id(ledger):
    return one(ledger, retry(committed(ledger), debit_account_id=OUTSIDE))


def case_exists_with_different_credit_account_id(ledger):
    return one(ledger, retry(committed(ledger), credit_account_id=OTHER_MAIN))


def case_exists_with_different_amount(ledger):
    return one(ledger, retry(committed(ledger), amount=101))


def case_exists_with_different_pending_id(ledger):
    first = funded_hold(ledger, 100)
    second, _ = hold(ledger, MAIN, SHOP, 100)
    post_id, result = post(ledger, first, 100)
    assert result is R.OK
    again = Transfer(post_id, amount=100, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=second)
    return one(ledger, again)


def case_exists_with_different_timeout(ledger):
    hold_id = funded_hold(ledger, 100, timeout=60)
    again = Transfer(hold_id, MAIN, SHOP, 100, C.PURCHASE, flags=TF.PENDING, timeout=61)
    return one(ledger, again)


def case_exists_with_different_code(ledger):
    return one(ledger, retry(committed(ledger), code=C.TRANSFER))


def case_exists_with_different_references(ledger):
    return one(ledger, retry(committed(ledger, authorization_id="A1"), authorization_id="A2"))


def case_exists(ledger):
    return one(ledger, retry(committed(ledger)))


def case_pending_transfer_not_found(ledger):
    return post(ledger, 999_999, 100)[1]


def case_pending_transfer_not_pending(ledger):
    return post(ledger, deposit(ledger, 100), 100, C.DEPOSIT)[1]


def case_pending_transfer_has_different_debit_account_id(ledger):
    hold_id = funded_hold(ledger)
    request = Transfer(
        ledger.new_id(), OTHER_MAIN, 0, 500, C.PURCHASE, TF.POST_PENDING, pending_id=hold_id
    )
    return one(ledger, request)


def case_pending_transfer_has_different_credit_account_id(ledger):
    hold_id = funded_hold(ledger)
    request = Transfer(
        ledger.new_id(), MAIN, PLAIN_SHOP, 500, C.PURCHASE, TF.POST_PENDING, pending_id=hold_id
    )
    return one(ledger, request)


def case_pending_transfer_has_different_code(ledger):
    return post(ledger, funded_hold(ledger), 500, C.TRANSFER)[1]


def case_exceeds_pending_transfer_amount(ledger):
    return post(ledger, funded_hold(ledger), 501)[1]


def case_pending_transfer_has_different_amount(ledger):
    request = Transfer(
        ledger.new_id(),
        amount=499,
        code=C.PURCHASE,
        flags=TF.VOID_PENDING,
        pending_id=funded_hold(ledger),
    )
    return one(ledger, request)


def case_pending_transfer_already_posted(ledger):
    hold_id = funded_hold(ledger)
    assert post(ledger, hold_id, 500)[1] is R.OK
    return post(ledger, hold_id, 500)[1]


def case_pending_transfer_already_voided(ledger):
    hold_id = funded_hold(ledger)
    assert void(ledger, hold_id)[1] is R.OK
    return void(ledger, hold_id)[1]


def case_pending_transfer_expired(ledger):
    hold_id = funded_hold(ledger, timeout=60)
    ledger.clock.advance(seconds=61)
    return post(ledger, hold_id, 500)[1]


def case_debit_account_not_found(ledger):
    return move(ledger, 9_999, MAIN, 100, C.DEPOSIT)[1]


def case_credit_account_not_found(ledger):
    return move(ledger, BANK_CASH, 9_999, 100, C.DEPOSIT)[1]


def case_debit_account_closed(ledger):
    ledger.set_status(OTHER_MAIN, AccountStatus.CLOSED)
    return move(ledger, OTHER_MAIN, OUTSIDE, 100, C.TRANSFER)[1]


def case_credit_account_closed(ledger):
    ledger.set_status(OTHER_MAIN, AccountStatus.CLOSED)
    return move(ledger, BANK_CASH, OTHER_MAIN, 100, C.DEPOSIT)[1]


def case_debit_account_frozen(ledger):
    deposit(ledger, 1000)
    ledger.set_status(MAIN, AccountStatus.FROZEN)
    return move(ledger, MAIN, OUTSIDE, 100, C.TRANSFER)[1]


def case_original_not_found(ledger):
    return move(ledger, SHOP, MAIN, 100, C.REFUND, original_id=999_999)[1]


def case_original_has_different_accounts(ledger):
    deposit(ledger, 1000)
    purchase = must(ledger, MAIN, SHOP, 300, C.PURCHASE)
    return move(ledger, PLAIN_SHOP, MAIN, 100, C.REFUND, original_id=purchase)[1]


def case_exceeds_original_amount(ledger):
    deposit(ledger, 1000)
    purchase = must(ledger, MAIN, SHOP, 300, C.PURCHASE)
    must(ledger, SHOP, MAIN, 200, C.REFUND, original_id=purchase)
    return move(ledger, SHOP, MAIN, 101, C.REFUND, original_id=purchase)[1]


def case_welfare_credit_forbidden(ledger):
    return move(ledger, BANK_CASH, WELFARE, 100, C.DEPOSIT)[1]


def case_welfare_debit_forbidden(ledger):
    fund_union(ledger, 1000)
    disburse(ledger, 1000)
    return move(ledger, WELFARE, BANK_CASH, 100, C.CASH_WITHDRAWAL)[1]


def case_interest_not_from_interest_account(ledger):
    return move(ledger, BANK_CASH, MAIN, 100, C.INTEREST)[1]


def case_limit_exceeded_daily(ledger):
    return move(ledger, BANK_CASH, MAIN, 1_000_001, C.DEPOSIT)[1]


def case_limit_exceeded_yearly(ledger):
    for _ in range(20):
        deposit(ledger, 1_000_000)
        ledger.clock.advance(days=1)
    return move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1]


def case_overflows_debits(ledger):
    return move(ledger, BANK_CASH, OUTSIDE, MAX_INTEGER + 1, C.FUNDING)[1]


def case_overflows_credits(ledger):
    must(ledger, SHOP, OUTSIDE, MAX_INTEGER - 10, C.FUNDING)
    return move(ledger, PLAIN_SHOP, OUTSIDE, 11, C.FUNDING)[1]


def case_overflows_timeout(ledger):
    deposit(ledger, 1000)
    return hold(ledger, MAIN, SHOP, 100, timeout=MAX_INTEGER // 1_000_000)[1]


def case_exceeds_credits(ledger):
    deposit(ledger, 100)
    return move(ledger, MAIN, SHOP, 101, C.PURCHASE)[1]


def case_exceeds_debits(ledger):
    ledger.create_accounts(
        [
            Account(
                ASSET,
                AccountCode.SUSPENSE,
                "bank",
                flags=AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS,
            )
        ]
    )
    return move(ledger, BANK_CASH, ASSET, 100, C.FUNDING)[1]


def case_code_not_allowed_for_accounts(ledger):
    # A deposit written as a card replacement would pass the class II limits uncounted.
    return move(ledger, BANK_CASH, MAIN, 100, C.REPLACEMENT)[1]


CASES = {
    R(name.removeprefix("case_")): function
    for name, function in dict(globals()).items()
    if name.startswith("case_")
}

#: A frozen account still takes money in (a stop on payments, as for a lost
#: card or a judicial freeze), so the ledger never returns this one.
UNREACHABLE = {R.CREDIT_ACCOUNT_FROZEN}


def test_every_reachable_result_has_a_case():
    assert set(CASES) == set(R) - UNREACHABLE


@pytest.mark.parametrize("expected", list(CASES), ids=str)
def test_result(expected, ledger):
    assert CASES[expected](ledger) is expected


def test_frozen_account_still_takes_money_in(ledger):
    ledger.set_status(MAIN, AccountStatus.FROZEN)
    assert move(ledger, BANK_CASH, MAIN, 100, C.DEPOSIT)[1] is R.OK


def test_failed_transfer_changes_nothing(ledger):
    deposit(ledger, 100)
    before = [
        (a.id, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending)
        for a in ledger.accounts()
    ]
    move(ledger, MAIN, SHOP, 101, C.PURCHASE)
    after = [
        (a.id, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending)
        for a in ledger.accounts()
    ]
    assert after == before


# Precedence: when several rules fail, the one listed first in TransferResult wins.


def first_of(*results):
    return min(results, key=ORDER.index)


def test_precedence_shape_before_exists(ledger):
    original = committed(ledger)
    assert one(ledger, retry(original, amount=0)) is first_of(
        R.AMOUNT_MUST_NOT_BE_ZERO, R.EXISTS_WITH_DIFFERENT_AMOUNT
    )


def test_precedence_zero_debit_before_negative_amount(ledger):
    request = Transfer(ledger.new_id(), 0, MAIN, -5, C.DEPOSIT)
    assert one(ledger, request) is first_of(
        R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO, R.AMOUNT_MUST_NOT_BE_NEGATIVE
    )


def test_precedence_different_flags_before_different_amount(ledger):
    original = committed(ledger)
    changed = retry(original, flags=TF.PENDING, amount=5)
    assert one(ledger, changed) is first_of(
        R.EXISTS_WITH_DIFFERENT_FLAGS, R.EXISTS_WITH_DIFFERENT_AMOUNT
    )


def test_precedence_different_amount_before_different_references(ledger):
    original = committed(ledger, batch_id="B1")
    changed = retry(original, amount=5, batch_id="B2")
    assert one(ledger, changed) is first_of(
        R.EXISTS_WITH_DIFFERENT_AMOUNT, R.EXISTS_WITH_DIFFERENT_REFERENCES
    )


def test_precedence_exists_before_closed_account(ledger):
    original = Transfer(ledger.new_id(), BANK_CASH, OTHER_MAIN, 100, C.DEPOSIT)
    assert one(ledger, original) is R.OK
    must(ledger, OTHER_MAIN, OUTSIDE, 100, C.TRANSFER)
    ledger.set_status(OTHER_MAIN, AccountStatus.CLOSED)
    assert one(ledger, retry(original)) is first_of(R.EXISTS, R.CREDIT_ACCOUNT_CLOSED)


def test_precedence_different_code_before_exceeds_pending_amount(ledger):
    hold_id = funded_hold(ledger)
    result = post(ledger, hold_id, 501, C.TRANSFER)[1]
    assert result is first_of(
        R.PENDING_TRANSFER_HAS_DIFFERENT_CODE, R.EXCEEDS_PENDING_TRANSFER_AMOUNT
    )


def test_precedence_exceeds_pending_amount_before_already_posted(ledger):
    hold_id = funded_hold(ledger)
    assert post(ledger, hold_id, 200)[1] is R.OK
    result = post(ledger, hold_id, 501)[1]
    assert result is first_of(R.EXCEEDS_PENDING_TRANSFER_AMOUNT, R.PENDING_TRANSFER_ALREADY_POSTED)


def test_precedence_already_voided_before_expired(ledger, clock):
    hold_id = funded_hold(ledger, timeout=60)
    assert void(ledger, hold_id)[1] is R.OK
    clock.advance(seconds=61)
    assert post(ledger, hold_id, 500)[1] is first_of(
        R.PENDING_TRANSFER_ALREADY_VOIDED, R.PENDING_TRANSFER_EXPIRED
    )


def test_precedence_debit_not_found_before_credit_not_found(ledger):
    result = move(ledger, 9_998, 9_999, 100, C.TRANSFER)[1]
    assert result is first_of(R.DEBIT_ACCOUNT_NOT_FOUND, R.CREDIT_ACCOUNT_NOT_FOUND)


def test_precedence_closed_before_insufficient_funds(ledger):
    ledger.set_status(OTHER_MAIN, AccountStatus.CLOSED)
    result = move(ledger, OTHER_MAIN, SHOP, 100, C.PURCHASE)[1]
    assert result is first_of(R.DEBIT_ACCOUNT_CLOSED, R.EXCEEDS_CREDITS)


def test_precedence_credit_closed_before_debit_frozen(ledger):
    deposit(ledger, 1000)
    ledger.set_status(MAIN, AccountStatus.FROZEN)
    ledger.set_status(OTHER_MAIN, AccountStatus.CLOSED)
    result = move(ledger, MAIN, OTHER_MAIN, 100, C.TRANSFER)[1]
    assert result is first_of(R.CREDIT_ACCOUNT_CLOSED, R.DEBIT_ACCOUNT_FROZEN)


def test_precedence_frozen_before_welfare_rule(ledger):
    fund_union(ledger, 1000)
    disburse(ledger, 1000)
    ledger.set_status(WELFARE, AccountStatus.FROZEN)
    result = move(ledger, WELFARE, BANK_CASH, 100, C.CASH_WITHDRAWAL)[1]
    assert result is first_of(R.DEBIT_ACCOUNT_FROZEN, R.WELFARE_DEBIT_FORBIDDEN)


def test_precedence_original_before_welfare_rule(ledger):
    result = move(ledger, SHOP, WELFARE, 100, C.REFUND, original_id=999_999)[1]
    assert result is first_of(R.ORIGINAL_NOT_FOUND, R.WELFARE_CREDIT_FORBIDDEN)


def test_precedence_welfare_credit_before_welfare_debit(ledger):
    fund_union(ledger, 1000)
    disburse(ledger, 1000)
    result = move(ledger, WELFARE, OTHER_WELFARE, 100, C.TRANSFER)[1]
    assert result is first_of(R.WELFARE_CREDIT_FORBIDDEN, R.WELFARE_DEBIT_FORBIDDEN)


def test_precedence_welfare_rule_before_limit(ledger):
    result = move(ledger, BANK_CASH, WELFARE, 2_000_000, C.DEPOSIT)[1]
    assert result is first_of(R.WELFARE_CREDIT_FORBIDDEN, R.LIMIT_EXCEEDED_DAILY)


def test_precedence_welfare_rule_before_funds(ledger):
    result = move(ledger, WELFARE, PLAIN_SHOP, 100, C.PURCHASE)[1]
    assert result is first_of(R.WELFARE_DEBIT_FORBIDDEN, R.EXCEEDS_CREDITS)


def test_precedence_welfare_rule_before_interest_payer(ledger):
    result = move(ledger, BANK_CASH, WELFARE, 100, C.INTEREST)[1]
    assert result is first_of(R.WELFARE_CREDIT_FORBIDDEN, R.INTEREST_NOT_FROM_INTEREST_ACCOUNT)


def test_interest_from_interest_account(ledger):
    assert move(ledger, INTEREST, MAIN, 100, C.INTEREST)[1] is R.OK


def test_precedence_limit_before_insufficient_funds(ledger):
    deposit(ledger, 1000)
    result = move(ledger, MAIN, SHOP, 1_000_001, C.PURCHASE)[1]
    assert result is first_of(R.LIMIT_EXCEEDED_DAILY, R.EXCEEDS_CREDITS)


def test_precedence_daily_before_yearly_same_side(db_path, clock):
    ledger = Ledger(
        SQLiteStore(db_path), clock, LedgerConfig(limits=Limits(daily_in=1000, yearly_in=1500))
    )
    ledger.create_accounts(chart())
    deposit(ledger, 1000)
    clock.advance(days=1)
    deposit(ledger, 400)
    result = move(ledger, BANK_CASH, MAIN, 700, C.DEPOSIT)[1]
    assert result is first_of(R.LIMIT_EXCEEDED_DAILY, R.LIMIT_EXCEEDED_YEARLY)


def test_precedence_daily_on_credit_before_yearly_on_debit(db_path, clock):
    limits = Limits(daily_in=1000, daily_out=1000, yearly_in=5000, yearly_out=1500)
    ledger = Ledger(SQLiteStore(db_path), clock, LedgerConfig(limits=limits))
    ledger.create_accounts(chart())
    deposit(ledger, 1000)
    clock.advance(days=1)
    deposit(ledger, 1000)
    must(ledger, MAIN, OUTSIDE, 1000, C.TRANSFER)
    clock.advance(days=1)
    must(ledger, MAIN, OUTSIDE, 400, C.TRANSFER)
    deposit(ledger, 1000, OTHER_MAIN)
    result = move(ledger, MAIN, OTHER_MAIN, 200, C.TRANSFER)[1]
    assert result is first_of(R.LIMIT_EXCEEDED_DAILY, R.LIMIT_EXCEEDED_YEARLY)


def test_negative_timeout_overflows(ledger):
    deposit(ledger, 1000)
    assert hold(ledger, MAIN, SHOP, 100, timeout=-1)[1] is R.OVERFLOWS_TIMEOUT


def test_precedence_limit_before_overflow(ledger):
    result = move(ledger, BANK_CASH, MAIN, MAX_INTEGER + 1, C.DEPOSIT)[1]
    assert result is first_of(R.LIMIT_EXCEEDED_DAILY, R.OVERFLOWS_CREDITS)


def test_precedence_overflow_before_insufficient_funds(ledger):
    result = move(ledger, MAIN, OUTSIDE, MAX_INTEGER + 1, C.CLOSURE_SETTLEMENT)[1]
    assert result is first_of(R.OVERFLOWS_DEBITS, R.EXCEEDS_CREDITS)


def test_precedence_exceeds_credits_before_exceeds_debits(ledger):
    ledger.create_accounts(
        [
            Account(
                ASSET,
                AccountCode.SUSPENSE,
                "bank",
                flags=AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS,
            )
        ]
    )
    result = move(ledger, UNION, ASSET, 100, C.FUNDING)[1]
    assert result is first_of(R.EXCEEDS_CREDITS, R.EXCEEDS_DEBITS)


def test_only_ok_and_exists_are_ok():
    assert {result for result in R if result.ok} == {R.OK, R.EXISTS}


def test_deposit_disguised_as_closure_settlement(ledger):
    assert move(ledger, BANK_CASH, MAIN, 100, C.CLOSURE_SETTLEMENT)[1] is R.CODE_NOT_ALLOWED_FOR_ACCOUNTS


def test_funding_into_member_account(ledger):
    assert move(ledger, BANK_CASH, MAIN, 100, C.FUNDING)[1] is R.CODE_NOT_ALLOWED_FOR_ACCOUNTS


def test_precedence_code_rule_before_funds(ledger):
    result = move(ledger, MAIN, OUTSIDE, 100, C.CLOSURE_SETTLEMENT)[1]
    assert result is R.EXCEEDS_CREDITS
    result = move(ledger, BANK_CASH, MAIN, 100, C.REPLACEMENT)[1]
    assert result is first_of(R.CODE_NOT_ALLOWED_FOR_ACCOUNTS, R.EXCEEDS_CREDITS)

"""Transfer ids are idempotency keys: a retry never moves money twice."""

import pytest

from twin.ledger import Transfer

from .book import (
    BANK_CASH,
    MAIN,
    OTHER_MAIN,
    OUTSIDE,
    SHOP,
    TF,
    C,
    R,
    deposit,
    hold,
    must,
    reopen,
    sums,
)

FIELD_RESULTS = [
    ("debit_account_id", OUTSIDE, R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID),
    ("credit_account_id", OTHER_MAIN, R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID),
    ("amount", 777, R.EXISTS_WITH_DIFFERENT_AMOUNT),
    ("code", C.TRANSFER, R.EXISTS_WITH_DIFFERENT_CODE),
    ("flags", TF.PENDING, R.EXISTS_WITH_DIFFERENT_FLAGS),
    ("authorization_id", "other", R.EXISTS_WITH_DIFFERENT_REFERENCES),
    ("batch_id", "other", R.EXISTS_WITH_DIFFERENT_REFERENCES),
    ("original_id", 42, R.EXISTS_WITH_DIFFERENT_REFERENCES),
]


def purchase(transfer_id, amount=500, **fields):
    return Transfer(
        transfer_id,
        MAIN,
        SHOP,
        amount,
        C.PURCHASE,
        authorization_id="auth-1",
        batch_id="b-1",
        **fields,
    )


def changed(transfer, name, value):
    copy = purchase(transfer.id, transfer.amount)
    setattr(copy, name, value)
    return copy


def test_retry_returns_exists(ledger):
    deposit(ledger, 1000)
    transfer_id = ledger.new_id()
    ledger.create_transfers([purchase(transfer_id)])
    assert ledger.create_transfers([purchase(transfer_id)]) == [R.EXISTS]


def test_retry_moves_no_money(ledger):
    deposit(ledger, 1000)
    transfer_id = ledger.new_id()
    ledger.create_transfers([purchase(transfer_id)])
    ledger.create_transfers([purchase(transfer_id)])
    assert ledger.account(MAIN).balance == 500


def test_same_id_twice_in_one_call(ledger):
    deposit(ledger, 1000)
    transfer_id = ledger.new_id()
    assert ledger.create_transfers([purchase(transfer_id), purchase(transfer_id)]) == [
        R.OK,
        R.EXISTS,
    ]


def test_same_id_other_amount_in_one_call(ledger):
    deposit(ledger, 1000)
    transfer_id = ledger.new_id()
    results = ledger.create_transfers([purchase(transfer_id), purchase(transfer_id, 400)])
    assert results == [R.OK, R.EXISTS_WITH_DIFFERENT_AMOUNT]


@pytest.mark.parametrize(
    ("name", "value", "expected"), FIELD_RESULTS, ids=[row[0] for row in FIELD_RESULTS]
)
def test_committed_id_with_other_content(ledger, name, value, expected):
    deposit(ledger, 1000)
    original = purchase(ledger.new_id())
    ledger.create_transfers([original])
    assert ledger.create_transfers([changed(original, name, value)]) == [expected]


@pytest.mark.parametrize(
    ("name", "value", "expected"), FIELD_RESULTS, ids=[row[0] for row in FIELD_RESULTS]
)
def test_failed_id_with_other_content(ledger, name, value, expected):
    original = purchase(ledger.new_id())
    assert ledger.create_transfers([original]) == [R.EXCEEDS_CREDITS]
    assert ledger.create_transfers([changed(original, name, value)]) == [expected]


def test_failed_id_retry_returns_original_failure(ledger):
    transfer_id = ledger.new_id()
    ledger.create_transfers([purchase(transfer_id)])
    assert ledger.create_transfers([purchase(transfer_id)]) == [R.EXCEEDS_CREDITS]


def test_failed_id_stays_failed_after_funds_arrive(ledger):
    transfer_id = ledger.new_id()
    ledger.create_transfers([purchase(transfer_id)])
    deposit(ledger, 1000)
    assert ledger.create_transfers([purchase(transfer_id)]) == [R.EXCEEDS_CREDITS]


def test_failed_id_moves_no_money_after_funds_arrive(ledger):
    transfer_id = ledger.new_id()
    ledger.create_transfers([purchase(transfer_id)])
    deposit(ledger, 1000)
    ledger.create_transfers([purchase(transfer_id)])
    assert ledger.account(MAIN).balance == 1000


def test_failed_id_stays_failed_after_reopen(ledger):
    transfer_id = ledger.new_id()
    ledger.create_transfers([purchase(transfer_id)])
    deposit(ledger, 1000)
    reopened = reopen(ledger)
    assert reopened.create_transfers([purchase(transfer_id)]) == [R.EXCEEDS_CREDITS]


def test_failed_id_other_content_after_reopen(ledger):
    transfer_id = ledger.new_id()
    ledger.create_transfers([purchase(transfer_id)])
    reopened = reopen(ledger)
    assert reopened.create_transfers([purchase(transfer_id, 400)]) == [
        R.EXISTS_WITH_DIFFERENT_AMOUNT
    ]


def test_committed_id_exists_after_reopen(ledger):
    deposit(ledger, 1000)
    transfer_id = ledger.new_id()
    ledger.create_transfers([purchase(transfer_id)])
    reopened = reopen(ledger)
    assert reopened.create_transfers([purchase(transfer_id)]) == [R.EXISTS]


def test_failed_id_inside_batch_stays_failed(ledger):
    transfer_id = ledger.new_id()
    with ledger.batch():
        ledger.create_transfers([purchase(transfer_id)])
        deposit(ledger, 1000)
        assert ledger.create_transfers([purchase(transfer_id)]) == [R.EXCEEDS_CREDITS]


def test_malformed_request_is_not_remembered(ledger):
    deposit(ledger, 1000)
    transfer_id = ledger.new_id()
    assert ledger.create_transfers([purchase(transfer_id, 0)]) == [R.AMOUNT_MUST_NOT_BE_ZERO]
    assert ledger.create_transfers([purchase(transfer_id)]) == [R.OK]


def test_different_content_is_not_remembered(ledger):
    deposit(ledger, 1000)
    original = purchase(ledger.new_id())
    ledger.create_transfers([original])
    ledger.create_transfers([purchase(original.id, 400)])
    assert ledger.create_transfers([purchase(original.id)]) == [R.EXISTS]


def test_rolled_back_member_commits_later(ledger):
    first = Transfer(ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT, flags=TF.LINKED)
    second = purchase(ledger.new_id(), 10_000)
    assert ledger.create_transfers([first, second]) == [R.LINKED_EVENT_FAILED, R.EXCEEDS_CREDITS]
    assert ledger.create_transfers([Transfer(first.id, BANK_CASH, MAIN, 100, C.DEPOSIT)]) == [R.OK]


def test_failed_member_keeps_chain_failing(ledger):
    first = Transfer(ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT, flags=TF.LINKED)
    second = purchase(ledger.new_id(), 10_000)
    ledger.create_transfers([first, second])
    deposit(ledger, 20_000)
    retry = [
        Transfer(first.id, BANK_CASH, MAIN, 100, C.DEPOSIT, flags=TF.LINKED),
        purchase(second.id, 10_000),
    ]
    assert ledger.create_transfers(retry) == [R.LINKED_EVENT_FAILED, R.EXCEEDS_CREDITS]


def test_whole_chain_retry_returns_exists(ledger):
    deposit(ledger, 1000)
    ids = [ledger.new_id(), ledger.new_id()]
    chain = [purchase(ids[0], 100, flags=TF.LINKED), purchase(ids[1], 200)]
    ledger.create_transfers(chain)
    again = [purchase(ids[0], 100, flags=TF.LINKED), purchase(ids[1], 200)]
    assert ledger.create_transfers(again) == [R.EXISTS, R.EXISTS]


def test_post_retry_without_accounts_returns_exists(ledger):
    deposit(ledger, 1000)
    hold_id, _ = hold(ledger, MAIN, SHOP, 500)
    post_id = ledger.new_id()
    request = Transfer(
        post_id, amount=300, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=hold_id
    )
    ledger.create_transfers([request])
    again = Transfer(
        post_id, amount=300, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=hold_id
    )
    assert ledger.create_transfers([again]) == [R.EXISTS]


def test_post_retry_with_other_amount(ledger):
    deposit(ledger, 1000)
    hold_id, _ = hold(ledger, MAIN, SHOP, 500)
    post_id = ledger.new_id()
    ledger.create_transfers(
        [Transfer(post_id, amount=300, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=hold_id)]
    )
    again = Transfer(
        post_id, amount=200, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=hold_id
    )
    assert ledger.create_transfers([again]) == [R.EXISTS_WITH_DIFFERENT_AMOUNT]


@pytest.mark.parametrize("amount", [0, 500], ids=["zero", "hold_amount"])
def test_void_retry_returns_exists(ledger, amount):
    deposit(ledger, 1000)
    hold_id, _ = hold(ledger, MAIN, SHOP, 500)
    void_id = ledger.new_id()
    ledger.create_transfers(
        [Transfer(void_id, code=C.PURCHASE, flags=TF.VOID_PENDING, pending_id=hold_id)]
    )
    again = Transfer(
        void_id, amount=amount, code=C.PURCHASE, flags=TF.VOID_PENDING, pending_id=hold_id
    )
    assert ledger.create_transfers([again]) == [R.EXISTS]


def test_void_retry_leaves_balances(ledger):
    deposit(ledger, 1000)
    hold_id, _ = hold(ledger, MAIN, SHOP, 500)
    void_id = ledger.new_id()
    for _ in range(2):
        ledger.create_transfers(
            [Transfer(void_id, code=C.PURCHASE, flags=TF.VOID_PENDING, pending_id=hold_id)]
        )
    assert sums(ledger, MAIN) == (0, 0, 0, 1000)


def test_failed_post_stays_failed_after_reopen(ledger, clock):
    deposit(ledger, 1000)
    hold_id, _ = hold(ledger, MAIN, SHOP, 500, timeout=60)
    clock.advance(seconds=61)
    post_id = ledger.new_id()
    request = Transfer(
        post_id, amount=500, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=hold_id
    )
    assert ledger.create_transfers([request]) == [R.PENDING_TRANSFER_EXPIRED]
    reopened = reopen(ledger)
    again = Transfer(
        post_id, amount=500, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=hold_id
    )
    assert reopened.create_transfers([again]) == [R.PENDING_TRANSFER_EXPIRED]


def test_new_id_skips_ids_chosen_by_caller(ledger):
    chosen = ledger.new_id() + 1
    must(ledger, BANK_CASH, MAIN, 100, C.DEPOSIT, id=chosen)
    assert ledger.new_id() > chosen


def test_new_id_skips_failed_ids_chosen_by_caller(ledger):
    chosen = ledger.new_id() + 1
    ledger.create_transfers([purchase(chosen)])
    assert ledger.new_id() > chosen


def test_new_id_after_reopen_skips_failed_ids(ledger):
    transfer_id = ledger.new_id() + 1_000
    ledger.create_transfers([purchase(transfer_id)])
    reopened = reopen(ledger)
    assert reopened.new_id() > transfer_id

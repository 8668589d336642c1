"""Holds: placed, posted in full or in part, voided, expired; resolved exactly once."""

import datetime as dt

import pytest

from twin.calendar import from_epoch_micros
from twin.ledger import AccountStatus, Transfer, verify

from .book import MAIN, SHOP, TF, C, R, deposit, hold, local, move, post, reopen, sums, void

MICROS = 1_000_000


@pytest.fixture
def placed(ledger):
    """A 400 fen hold on a main account holding 1,000 fen; returns the hold id."""
    deposit(ledger, 1000)
    hold_id, result = hold(ledger, MAIN, SHOP, 400)
    assert result is R.OK
    return hold_id


def timed_hold(ledger, seconds, amount=400):
    hold_id, result = hold(ledger, MAIN, SHOP, amount, timeout=seconds)
    assert result is R.OK
    return hold_id


def expires_at(ledger, hold_id):
    transfer = ledger.transfer(hold_id)
    return transfer.timestamp + transfer.timeout * MICROS


def set_micros(clock, micros):
    clock.set(from_epoch_micros(micros))


def resolutions(ledger, hold_id):
    ledger.flush()
    return [transfer for transfer in ledger.store.transfers() if transfer.pending_id == hold_id]


def test_hold_leaves_balance(ledger, placed):
    assert ledger.account(MAIN).balance == 1000


def test_hold_reduces_available(ledger, placed):
    assert ledger.account(MAIN).available == 600


def test_hold_blocks_overspending(ledger, placed):
    assert move(ledger, MAIN, SHOP, 601, C.PURCHASE)[1] is R.EXCEEDS_CREDITS


def test_hold_allows_rest(ledger, placed):
    assert move(ledger, MAIN, SHOP, 600, C.PURCHASE)[1] is R.OK


def test_second_hold_counts_first(ledger, placed):
    assert hold(ledger, MAIN, SHOP, 601)[1] is R.EXCEEDS_CREDITS


def test_hold_sums(ledger, placed):
    assert sums(ledger, MAIN) == (400, 0, 0, 1000)


def test_hold_credit_side_pending(ledger, placed):
    assert sums(ledger, SHOP) == (0, 0, 400, 0)


def test_hold_listed_open(ledger, placed):
    assert [transfer.id for transfer in ledger.open_holds(MAIN)] == [placed]


def test_hold_state_pending(ledger, placed):
    assert ledger.hold_state(placed) == "pending"


def test_post_full(ledger, placed):
    assert post(ledger, placed, 400)[1] is R.OK
    assert sums(ledger, MAIN) == (0, 400, 0, 1000)


def test_post_full_credits_merchant(ledger, placed):
    post(ledger, placed, 400)
    assert sums(ledger, SHOP) == (0, 0, 0, 400)


def test_post_partial_releases_rest(ledger, placed):
    assert post(ledger, placed, 250)[1] is R.OK
    assert ledger.account(MAIN).available == 750


def test_post_partial_sums(ledger, placed):
    post(ledger, placed, 250)
    assert sums(ledger, MAIN) == (0, 250, 0, 1000)


def test_post_partial_merchant_sums(ledger, placed):
    post(ledger, placed, 250)
    assert sums(ledger, SHOP) == (0, 0, 0, 250)


def test_post_record_filled_from_hold(ledger, placed):
    post_id, _ = post(ledger, placed, 250)
    record = ledger.transfer(post_id)
    assert (record.debit_account_id, record.credit_account_id, record.amount) == (MAIN, SHOP, 250)


def test_post_closes_hold(ledger, placed):
    post(ledger, placed, 400)
    assert ledger.open_holds(MAIN) == []


def test_post_sets_state(ledger, placed):
    post(ledger, placed, 400)
    assert ledger.hold_state(placed) == "posted"


def test_void_restores_available(ledger, placed):
    assert void(ledger, placed)[1] is R.OK
    assert sums(ledger, MAIN) == (0, 0, 0, 1000)


def test_void_record_amount_is_hold_amount(ledger, placed):
    void_id, _ = void(ledger, placed)
    assert ledger.transfer(void_id).amount == 400


def test_void_with_hold_amount(ledger, placed):
    request = Transfer(
        ledger.new_id(), amount=400, code=C.PURCHASE, flags=TF.VOID_PENDING, pending_id=placed
    )
    assert ledger.create_transfers([request]) == [R.OK]


def test_void_sets_state(ledger, placed):
    void(ledger, placed)
    assert ledger.hold_state(placed) == "voided"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("post", "post", R.PENDING_TRANSFER_ALREADY_POSTED),
        ("post", "void", R.PENDING_TRANSFER_ALREADY_POSTED),
        ("void", "post", R.PENDING_TRANSFER_ALREADY_VOIDED),
        ("void", "void", R.PENDING_TRANSFER_ALREADY_VOIDED),
    ],
)
def test_hold_resolves_once(ledger, placed, first, second, expected):
    resolve = {"post": lambda: post(ledger, placed, 300), "void": lambda: void(ledger, placed)}
    assert resolve[first]()[1] is R.OK
    assert resolve[second]()[1] is expected


@pytest.mark.parametrize("second", ["post", "void"])
def test_second_resolution_moves_nothing(ledger, placed, second):
    post(ledger, placed, 300)
    before = (sums(ledger, MAIN), sums(ledger, SHOP))
    if second == "post":
        post(ledger, placed, 100)
    else:
        void(ledger, placed)
    assert (sums(ledger, MAIN), sums(ledger, SHOP)) == before


def test_two_posts_in_one_call(ledger, placed):
    requests = [
        Transfer(
            ledger.new_id(), amount=100, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=placed
        ),
        Transfer(
            ledger.new_id(), amount=100, code=C.PURCHASE, flags=TF.POST_PENDING, pending_id=placed
        ),
    ]
    assert ledger.create_transfers(requests) == [R.OK, R.PENDING_TRANSFER_ALREADY_POSTED]


def test_second_resolution_after_reopen(ledger, placed):
    post(ledger, placed, 300)
    reopened = reopen(ledger)
    assert void(reopened, placed)[1] is R.PENDING_TRANSFER_ALREADY_POSTED


def test_one_resolution_record(ledger, placed):
    post(ledger, placed, 300)
    post(ledger, placed, 300)
    void(ledger, placed)
    assert len(resolutions(ledger, placed)) == 1


def test_hold_cannot_be_refunded(ledger, placed):
    assert move(ledger, SHOP, MAIN, 100, C.REFUND, original_id=placed)[1] is R.ORIGINAL_NOT_FOUND


def test_post_can_be_refunded(ledger, placed):
    post_id, _ = post(ledger, placed, 300)
    assert move(ledger, SHOP, MAIN, 300, C.REFUND, original_id=post_id)[1] is R.OK


def test_closing_account_with_open_hold_raises(ledger, placed):
    with pytest.raises(ValueError, match="has open holds"):
        ledger.set_status(MAIN, AccountStatus.CLOSED)


# Expiry on the ledger's clock.


def test_not_expired_before_timeout(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    set_micros(clock, expires_at(ledger, hold_id) - 1)
    assert ledger.expire_pending() == []


def test_expired_at_timeout(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    set_micros(clock, expires_at(ledger, hold_id))
    assert ledger.expire_pending() == [hold_id]


def test_post_just_before_timeout(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    set_micros(clock, expires_at(ledger, hold_id) - 10)
    assert post(ledger, hold_id, 400)[1] is R.OK


def test_post_at_timeout_rejected(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    set_micros(clock, expires_at(ledger, hold_id))
    assert post(ledger, hold_id, 400)[1] is R.PENDING_TRANSFER_EXPIRED


def test_expiry_restores_available(ledger, clock):
    deposit(ledger, 1000)
    timed_hold(ledger, 60)
    clock.advance(minutes=2)
    ledger.expire_pending()
    assert sums(ledger, MAIN) == (0, 0, 0, 1000)


def test_expiry_runs_before_next_transfer(ledger, clock):
    deposit(ledger, 1000)
    timed_hold(ledger, 60, amount=900)
    clock.advance(minutes=2)
    assert move(ledger, MAIN, SHOP, 1000, C.PURCHASE)[1] is R.OK


def test_expiry_record(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    clock.advance(minutes=2)
    ledger.expire_pending()
    [record] = resolutions(ledger, hold_id)
    assert (record.flags, record.amount) == (TF.VOID_PENDING | TF.EXPIRED, 400)


def test_expiry_record_after_timeout(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    clock.advance(minutes=2)
    ledger.expire_pending()
    [record] = resolutions(ledger, hold_id)
    assert record.timestamp >= expires_at(ledger, hold_id)


def test_expiry_sets_state(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    clock.advance(minutes=2)
    ledger.expire_pending()
    assert ledger.hold_state(hold_id) == "expired"


@pytest.mark.parametrize("action", ["post", "void"])
def test_resolution_after_expiry_rejected(ledger, clock, action):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    clock.advance(minutes=2)
    request_id, result = post(ledger, hold_id, 400) if action == "post" else void(ledger, hold_id)
    assert result is R.PENDING_TRANSFER_EXPIRED
    assert ledger.transfer(request_id) is None


@pytest.mark.parametrize("action", ["post", "void"])
def test_resolution_after_expiry_leaves_only_expiry(ledger, clock, action):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    clock.advance(minutes=2)
    post(ledger, hold_id, 400) if action == "post" else void(ledger, hold_id)
    assert [record.flags for record in resolutions(ledger, hold_id)] == [
        TF.VOID_PENDING | TF.EXPIRED
    ]


def test_resolution_after_expiry_moves_nothing(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    clock.advance(minutes=2)
    post(ledger, hold_id, 400)
    assert sums(ledger, SHOP) == (0, 0, 0, 0)


def test_posted_hold_does_not_expire(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    post(ledger, hold_id, 400)
    clock.advance(minutes=2)
    assert ledger.expire_pending() == []


def test_voided_hold_does_not_expire(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    void(ledger, hold_id)
    clock.advance(minutes=2)
    ledger.expire_pending()
    assert [record.flags for record in resolutions(ledger, hold_id)] == [TF.VOID_PENDING]


def test_hold_without_timeout_never_expires(ledger, clock, placed):
    clock.advance(days=400)
    ledger.expire_pending()
    assert ledger.hold_state(placed) == "pending"


def test_expiry_after_reopen(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    reopened = reopen(ledger)
    clock.advance(minutes=2)
    assert reopened.expire_pending() == [hold_id]


def test_resolved_hold_does_not_expire_after_reopen(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    post(ledger, hold_id, 100)
    reopened = reopen(ledger)
    clock.advance(minutes=2)
    assert reopened.expire_pending() == []


def test_expiries_in_timeout_order(ledger, clock):
    deposit(ledger, 1000)
    late = timed_hold(ledger, 300, amount=100)
    early = timed_hold(ledger, 60, amount=100)
    clock.advance(minutes=10)
    assert ledger.expire_pending() == [early, late]


def test_only_due_holds_expire(ledger, clock):
    deposit(ledger, 1000)
    timed_hold(ledger, 300, amount=100)
    early = timed_hold(ledger, 60, amount=100)
    clock.advance(minutes=2)
    assert ledger.expire_pending() == [early]


@pytest.mark.parametrize(
    ("placed_at", "label"),
    [
        (local(2020, 1, 6, 23, 59, 30), "local midnight"),
        (local(2020, 1, 7, 7, 59, 30), "UTC midnight"),
        (local(2020, 12, 31, 23, 59, 30), "new year"),
        (local(2020, 2, 28, 23, 59, 30), "leap day"),
    ],
)
def test_timeout_across_midnight(ledger, clock, placed_at, label):
    clock.set(placed_at)
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    clock.set(placed_at + dt.timedelta(seconds=59))
    assert ledger.expire_pending() == []
    clock.set(placed_at + dt.timedelta(seconds=61))
    assert ledger.expire_pending() == [hold_id]


def test_timeout_reads_absolute_time(ledger, clock):
    clock.set(local(2020, 1, 6, 23, 59, 30))
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    clock.set(dt.datetime(2020, 1, 6, 16, 0, 31, tzinfo=dt.UTC))
    assert ledger.expire_pending() == [hold_id]


def test_seven_day_preauthorization(ledger, clock):
    clock.set(local(2020, 2, 25, 12))
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 7 * 86_400)
    clock.set(local(2020, 3, 3, 11, 59))
    assert post(ledger, hold_id, 400)[1] is R.OK


def test_timeout_passing_inside_one_call(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    # The call starts one microsecond before the timeout; the post inside it
    # gets a later timestamp, at or after the timeout.
    set_micros(clock, expires_at(ledger, hold_id) - 1)
    assert post(ledger, hold_id, 400)[1] is R.PENDING_TRANSFER_EXPIRED


def test_timeout_passing_inside_one_call_expires_later(ledger, clock):
    deposit(ledger, 1000)
    hold_id = timed_hold(ledger, 60)
    set_micros(clock, expires_at(ledger, hold_id) - 1)
    post(ledger, hold_id, 400)
    ledger.expire_pending()
    assert ledger.hold_state(hold_id) == "expired"


# A pending refund reserves part of the original until it is resolved.


@pytest.fixture
def refund_hold(ledger):
    """A 500 fen purchase and a pending refund of 300 fen of it; returns both ids."""
    deposit(ledger, 1000)
    purchase = move(ledger, MAIN, SHOP, 500, C.PURCHASE)[0]
    refund_id, result = move(
        ledger, SHOP, MAIN, 300, C.REFUND, flags=TF.PENDING, original_id=purchase
    )
    assert result is R.OK
    return purchase, refund_id


def test_pending_refund_reserves(ledger, refund_hold):
    purchase, _ = refund_hold
    assert (
        move(ledger, SHOP, MAIN, 201, C.REFUND, original_id=purchase)[1]
        is R.EXCEEDS_ORIGINAL_AMOUNT
    )


def test_void_of_pending_refund_gives_back(ledger, refund_hold):
    purchase, refund_id = refund_hold
    void(ledger, refund_id, C.REFUND)
    assert ledger.returned_amount(purchase) == 0


def test_partial_post_of_pending_refund(ledger, refund_hold):
    purchase, refund_id = refund_hold
    post(ledger, refund_id, 100, C.REFUND)
    assert ledger.returned_amount(purchase) == 100


def test_post_naming_original_counts_once(ledger, refund_hold):
    purchase, refund_id = refund_hold
    request = Transfer(
        ledger.new_id(),
        amount=300,
        code=C.REFUND,
        flags=TF.POST_PENDING,
        pending_id=refund_id,
        original_id=purchase,
    )
    ledger.create_transfers([request])
    assert ledger.returned_amount(purchase) == 300


def test_expired_pending_refund_gives_back(ledger, clock):
    deposit(ledger, 1000)
    purchase = move(ledger, MAIN, SHOP, 500, C.PURCHASE)[0]
    move(ledger, SHOP, MAIN, 300, C.REFUND, flags=TF.PENDING, timeout=60, original_id=purchase)
    clock.advance(minutes=2)
    assert move(ledger, SHOP, MAIN, 500, C.REFUND, original_id=purchase)[1] is R.OK


def test_rolled_back_void_keeps_reservation(ledger, refund_hold):
    purchase, refund_id = refund_hold
    chain = [
        Transfer(
            ledger.new_id(), code=C.REFUND, flags=TF.VOID_PENDING | TF.LINKED, pending_id=refund_id
        ),
        Transfer(ledger.new_id(), MAIN, SHOP, 900_000, C.PURCHASE),
    ]
    ledger.create_transfers(chain)
    assert ledger.returned_amount(purchase) == 300


def test_pending_refund_counts_after_reopen(ledger, refund_hold):
    purchase, refund_id = refund_hold
    post(ledger, refund_id, 100, C.REFUND)
    assert reopen(ledger).returned_amount(purchase) == 100


def test_refund_after_voided_refund_audit_clean(ledger, refund_hold, db_path):
    purchase, refund_id = refund_hold
    void(ledger, refund_id, C.REFUND)
    move(ledger, SHOP, MAIN, 500, C.REFUND, original_id=purchase)
    assert verify(db_path).problems == []

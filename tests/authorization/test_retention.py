"""How long the core keeps authorizations: refund and reversal windows, refund-only records, bounded memory."""

import dataclasses
import datetime as dt

import pytest

from twin.authorization import AccountType, Channel, CoreSettings
from twin.authorization import Kind as K
from twin.authorization import ResponseCode as C
from twin.authorization.records import AuthorizationRecord
from twin.authorization.retention import RefundRecords
from twin.devices.bank import Bank

from .conftest import START, Programme


def decision(response):
    return response.code, response.reason


def at_noon(world, days):
    """Move the clock to noon ``days`` local days after the start day."""
    world.clock.set(dt.datetime.combine(START.date() + dt.timedelta(days=days), dt.time(12), START.tzinfo))


def inquire(world, chip):
    """Send a balance inquiry: the core prunes on the first request of a new day."""
    assert world.authorize(world.plain(K.BALANCE, Channel.COUNTER, chip.pan)).approved


def open_world(**settings):
    bank = Bank.open(START, seed=7, core_settings=CoreSettings(**settings) if settings else None)
    return bank, Programme(bank)


# Refund window


@pytest.mark.parametrize(("days", "expected"), [
    (2, (C.APPROVED, "approved")),
    (30, (C.APPROVED, "approved")),
    (31, (C.ORIGINAL_NOT_FOUND, "original_not_found")),
])
def test_refund_window(world, days, expected):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    at_noon(world, days)
    refund = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 4_000))
    assert decision(refund) == expected


def test_refund_on_day_30_returns_money(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    at_noon(world, 30)
    world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 4_000))
    assert world.balance(record.accounts.main) == 44_000


def test_refund_of_completion_on_day_30(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    at_noon(world, 1)
    completion = world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 15_000))
    at_noon(world, 31)
    refund = world.authorize(world.follow_up(K.REFUND, chip, completion.authorization_id, 5_000))
    assert refund.approved
    at_noon(world, 32)
    late = world.authorize(world.follow_up(K.REFUND, chip, completion.authorization_id, 5_000))
    assert decision(late) == (C.ORIGINAL_NOT_FOUND, "original_not_found")


@pytest.mark.parametrize(("days", "approved"), [(5, True), (6, False)])
def test_refund_window_follows_setting(days, approved):
    bank, world = open_world(refund_days=5)
    try:
        record, chip = world.card(main=50_000)
        purchase = world.authorize(world.purchase(chip, 10_000))
        at_noon(world, days)
        refund = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 1_000))
        assert refund.approved is approved
    finally:
        bank.close()


@pytest.mark.parametrize("value", [-1, 1.5, True, "30"])
def test_invalid_refund_days_rejected(value):
    with pytest.raises(ValueError, match="refund_days"):
        CoreSettings(refund_days=value)


# Reversal window


@pytest.mark.parametrize(("days", "expected"), [
    (1, (C.APPROVED, "approved")),
    (2, (C.ORIGINAL_NOT_FOUND, "original_not_found")),
])
def test_reversal_by_id_window(world, days, expected):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    at_noon(world, days)
    reversal = world.authorize(world.follow_up(K.REVERSAL, chip, purchase.authorization_id))
    assert decision(reversal) == expected


def test_reversal_next_day_returns_money(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    at_noon(world, 1)
    world.authorize(world.follow_up(K.REVERSAL, chip, purchase.authorization_id))
    assert world.balance(record.accounts.main) == 50_000


def test_reversal_of_open_preauthorization_window(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    at_noon(world, 2)
    reversal = world.authorize(world.follow_up(K.REVERSAL, chip, hold.authorization_id))
    assert decision(reversal) == (C.ORIGINAL_NOT_FOUND, "original_not_found")


def test_void_of_old_purchase_stays_declined(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    at_noon(world, 3)
    void = world.authorize(world.follow_up(K.VOID, chip, purchase.authorization_id))
    assert decision(void) == (C.INVALID_TRANSACTION, "void_not_same_day")


# What is kept


def test_open_preauthorization_kept_whole(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    at_noon(world, 5)
    completion = world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 10_000))
    assert completion.approved


def test_closed_preauthorization_dropped(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    world.authorize(world.follow_up(K.CANCELLATION, chip, hold.authorization_id))
    at_noon(world, 2)
    inquire(world, chip)
    assert world.core.record(hold.authorization_id) is None


def test_old_purchase_kept_in_refund_form(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    at_noon(world, 2)
    inquire(world, chip)
    assert purchase.authorization_id not in world.core.records
    assert purchase.authorization_id in world.core.refundable


def run_refunds(world, card_chip, *, prune):
    """Buy on day 0, then refund on days 2 to 30, and return every response."""
    record, chip = card_chip
    if not prune:
        world.core._pruned_on = dt.date.max
    responses = []
    campaign = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    plain = world.authorize(world.purchase(chip, 7_000))
    responses += [campaign, plain]
    at_noon(world, 1)
    world.authorize(world.follow_up(K.REFUND, chip, plain.authorization_id, 1_000))
    for day in (2, 3, 10, 29, 30):
        at_noon(world, day)
        responses += [
            world.authorize(world.follow_up(K.REFUND, chip, campaign.authorization_id, 3_001, merchant="shop1")),
            world.authorize(world.follow_up(K.REFUND, chip, plain.authorization_id, 2_000)),
            world.authorize(world.follow_up(K.REFUND, chip, plain.authorization_id, 2_000, merchant="shop2")),
            world.authorize(world.follow_up(K.VOID, chip, plain.authorization_id)),
            world.authorize(world.follow_up(K.REVERSAL, chip, campaign.authorization_id)),
        ]
    responses.append(world.ledger.account(record.accounts.main).balance)
    return responses


def test_pruned_records_give_same_responses():
    answers = []
    for prune in (True, False):
        bank, world = open_world()
        try:
            answers.append(run_refunds(world, world.card(main=50_000), prune=prune))
        finally:
            bank.close()
    pruned, kept = answers
    assert len(pruned) == len(kept)
    for index, (left, right) in enumerate(zip(pruned, kept, strict=True)):
        assert (index, left) == (index, right)


def test_memory_stays_bounded_over_days(world):
    record, chip = world.card(main=50_000)
    sizes = []
    for day in range(60):
        at_noon(world, day)
        for _ in range(5):
            assert world.authorize(world.purchase(chip, 100)).approved
        sizes.append((len(world.core.records), len(world.core.refundable)))
    full, refund_only = zip(*sizes, strict=True)
    assert max(full) <= 2 * 5
    assert max(refund_only) <= 31 * 5
    assert sizes[-1] == sizes[40]


# RefundRecords


def purchase_record(number=1, **fields):
    values = dict(id=f"{number:012d}", kind=K.PURCHASE, pan="6217990000000012340", member="m1",
                  local_date=dt.date(2020, 1, 6), account=AccountType.WELFARE, merchant_id="shop1",
                  amount=10_000, paid=9_000, discount=1_000, transfer_id=11, discount_transfer_id=12,
                  returned=3_001, returned_paid=2_701, returned_discount=300)
    values.update(fields)
    return AuthorizationRecord(**values)


def refund_fields(record):
    values = dataclasses.asdict(record)
    for name in ("member", "hold_id", "completions"):
        values.pop(name)
    return values


@pytest.mark.parametrize("fields", [{}, {"kind": K.COMPLETION, "discount": 0, "paid": 10_000, "returned_paid": 3_001,
                                         "returned_discount": 0, "discount_transfer_id": 0},
                                    {"reversed": True}, {"voided": True}, {"account": None},
                                    {"pan": "0217990000000012340"}])
def test_refund_form_keeps_refund_fields(fields):
    original = purchase_record(**fields)
    kept = RefundRecords()
    kept.add(original.local_date, [original])
    assert refund_fields(kept.get(original.id)) == refund_fields(original)


def test_refund_form_stores_returned():
    kept = RefundRecords()
    kept.add(dt.date(2020, 1, 6), [purchase_record(1), purchase_record(2)])
    record = kept.get(f"{2:012d}")
    record.returned, record.returned_paid = 5_000, 4_500
    kept.write_returned(record)
    assert (kept.get(f"{2:012d}").returned, kept.get(f"{2:012d}").returned_paid) == (5_000, 4_500)
    assert kept.get(f"{1:012d}").returned == 3_001


def test_refund_form_unknown_id():
    kept = RefundRecords()
    kept.add(dt.date(2020, 1, 6), [purchase_record(5)])
    for unknown in (f"{4:012d}", "5", "abc", ""):
        assert kept.get(unknown) is None


def test_refund_form_drops_old_days():
    kept = RefundRecords()
    kept.add(dt.date(2020, 1, 6), [purchase_record(1)])
    kept.add(dt.date(2020, 1, 7), [purchase_record(2, local_date=dt.date(2020, 1, 7))])
    kept.drop_before(dt.date(2020, 1, 7))
    assert len(kept) == 1
    assert kept.get(f"{1:012d}") is None


def test_refund_form_rejects_preauthorization():
    with pytest.raises(ValueError, match="only purchases and completions"):
        RefundRecords().add(dt.date(2020, 1, 6), [purchase_record(kind=K.PREAUTHORIZATION)])


@pytest.mark.parametrize("fields", [{"discount_transfer_id": 0}, {"amount": 2**31, "paid": 2**31 - 1_000},
                                    {"transfer_id": 2**40}, {"discount_transfer_id": 3},
                                    {"id": f"{2**40:012d}", "transfer_id": 2**40 - 2, "discount_transfer_id": 2**40 - 1}])
def test_refund_form_keeps_values_past_narrow_columns(fields):
    original = purchase_record(**fields)
    kept = RefundRecords()
    kept.add(original.local_date, [purchase_record(7), original])
    assert refund_fields(kept.get(original.id)) == refund_fields(original)


def test_refund_form_finds_ids_far_apart_on_one_day():
    near, far = purchase_record(20), purchase_record(2**33, transfer_id=2**33 - 2, discount_transfer_id=2**33 - 1)
    kept = RefundRecords()
    kept.add(near.local_date, [far, near])
    assert kept.get(far.id).transfer_id == far.transfer_id
    assert kept.get(near.id).discount_transfer_id == near.discount_transfer_id
    assert kept.get(f"{2**32 + 20:012d}") is None


def test_refund_form_row_is_narrow():
    kept = RefundRecords()
    kept.add(dt.date(2020, 1, 6), [purchase_record(number) for number in range(1, 101)])
    assert sum(day.rows.nbytes + day.ids.nbytes for day in kept._days) == 100 * 42

"""Refunds, voids and reversals of one purchase racing on several threads."""

import threading

import pytest

from twin.authorization import Channel, Kind, Request

START_BALANCE = 100_000


def hammer(world, chip, original_id, kinds, rounds=20):
    """Send ``kinds`` (one thread each) ``rounds`` times against one original."""
    barrier = threading.Barrier(len(kinds))
    responses = []
    lock = threading.Lock()

    def run(index, kind, amount):
        barrier.wait()
        for number in range(1, rounds + 1):
            request = Request(
                kind, Channel.POS_CHIP, chip.pan, amount=amount, terminal_id=f"R{index:07d}", merchant_id="shop1",
                stan=f"{number:06d}", local_time=world.now(), original_authorization_id=original_id,
            )
            response = world.authorize(request)
            with lock:
                responses.append((kind, amount, response))

    threads = [threading.Thread(target=run, args=(index, kind, amount)) for index, (kind, amount) in enumerate(kinds)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


MIXES = {
    "refunds": [(Kind.REFUND, 700)] * 4,
    "refund_void": [(Kind.REFUND, 1_300), (Kind.VOID, 10_000), (Kind.REFUND, 2_900)],
    "refund_reversal": [(Kind.REFUND, 3_000), (Kind.REVERSAL, 0), (Kind.REFUND, 500)],
    "all": [(Kind.REFUND, 1_000), (Kind.VOID, 10_000), (Kind.REVERSAL, 0), (Kind.REFUND, 333)],
}


@pytest.mark.parametrize("mix", sorted(MIXES))
def test_race_returns_at_most_original(world, mix):
    record, chip = world.card(main=START_BALANCE, welfare=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    assert purchase.approved

    hammer(world, chip, purchase.authorization_id, MIXES[mix])

    original = world.core.record(purchase.authorization_id)
    assert original.returned <= original.amount
    assert world.ledger.returned_amount(original.transfer_id) <= original.paid
    assert world.ledger.returned_amount(original.discount_transfer_id) <= original.discount
    assert world.balance(record.accounts.welfare) <= 50_000
    assert world.balance(world.campaign_shop.settlement_account_id) >= 0
    assert world.audit().ok


def test_race_card_gets_back_what_records_say(world):
    record, chip = world.card(main=START_BALANCE)
    purchase = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    hammer(world, chip, purchase.authorization_id, MIXES["all"])
    original = world.core.record(purchase.authorization_id)
    assert world.balance(record.accounts.main) == START_BALANCE - original.paid + original.returned_paid


def test_race_approvals_sum_to_returned(world):
    record, chip = world.card(main=START_BALANCE)
    purchase = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    responses = hammer(world, chip, purchase.authorization_id, MIXES["refunds"])
    refunded = sum(amount for kind, amount, response in responses if response.approved)
    assert refunded == world.core.record(purchase.authorization_id).returned
    assert refunded == 9_800

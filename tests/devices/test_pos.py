"""The POS terminal: purchases, follow-ups and day-end totals."""

import datetime as dt

from twin.authorization import AccountType, ResponseCode
from twin.calendar import TZ
from twin.devices.pos import Original

from .conftest import PIN

C = ResponseCode


def test_purchase_welfare_first(branch):
    record, chip = branch.card(main=50_000, welfare=20_000)
    outcome = branch.pos().purchase(chip, 10_000, PIN)
    assert outcome.approved
    assert outcome.card_accepted
    assert outcome.response.account is AccountType.WELFARE


def test_purchase_raises_atc(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    pos.purchase(chip, 100, PIN)
    pos.purchase(chip, 100, PIN)
    assert chip.atc == 2
    assert record.last_atc == 2


def test_purchase_wrong_pin(branch):
    record, chip = branch.card(main=50_000)
    outcome = branch.pos().purchase(chip, 100, "246810")
    assert outcome.code == "55"
    assert outcome.card_accepted


def test_stans_increase(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    first = pos.purchase(chip, 100, PIN)
    second = pos.purchase(chip, 100, PIN)
    assert (first.request.stan, second.request.stan) == ("000001", "000002")


def test_unpredictable_numbers_replay_with_seed(bank):
    from .conftest import START, Branch

    numbers = []
    for _ in range(2):
        from twin.devices.bank import Bank

        other = Branch(Bank.open(START, seed=11))
        record, chip = other.card(main=50_000)
        outcome = other.pos().purchase(chip, 100, PIN)
        numbers.append(outcome.request.chip.data.unpredictable_number)
    assert numbers[0] == numbers[1]


def test_void(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    purchase = pos.purchase(chip, 10_000, PIN)
    assert pos.void(purchase).approved
    assert branch.balance(record.accounts.main) == 50_000


def test_void_next_day(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    purchase = pos.purchase(chip, 10_000, PIN)
    branch.clock.set(dt.datetime(2020, 1, 7, 9, 0, tzinfo=TZ))
    assert pos.void(purchase).code == "12"


def test_refund_by_original(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    purchase = pos.purchase(chip, 10_000, PIN)
    original = Original(chip.pan, purchase.response.authorization_id, 10_000)
    assert pos.refund(original, 2_500).approved
    assert pos.refund(original, 7_500).approved
    assert pos.refund(original, 1).code == "64"


def test_preauthorization_completion(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    hold = pos.preauthorize(chip, 30_000, PIN)
    assert hold.approved
    assert pos.complete(hold, 21_000).approved
    account = branch.ledger.account(record.accounts.main)
    assert (account.balance, account.available) == (29_000, 29_000)


def test_preauthorization_cancellation(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    hold = pos.preauthorize(chip, 30_000, PIN)
    assert pos.cancel(hold).approved
    assert branch.ledger.account(record.accounts.main).available == 50_000


def test_original_of_declined_outcome(branch):
    import pytest

    record, chip = branch.card(main=100)
    outcome = branch.pos().purchase(chip, 10_000, PIN)
    with pytest.raises(ValueError, match="no authorization id"):
        Original.of(outcome)


def test_settlement_totals(branch):
    record, chip = branch.card(main=500_000)
    pos = branch.pos()
    first = pos.purchase(chip, 10_000, PIN)
    second = pos.purchase(chip, 20_000, PIN)
    pos.purchase(chip, 30_000, "246810")
    pos.void(second)
    pos.refund(first, 1_500)
    hold = pos.preauthorize(chip, 8_000, PIN)
    pos.complete(hold, 6_000)
    totals = pos.settle()
    assert totals.to_dict() == {
        "terminal_id": "T0000001", "merchant_id": "shop3", "batch_number": 1,
        "purchases": 2, "purchase_amount": 30_000, "voids": 1, "void_amount": 20_000,
        "refunds": 1, "refund_amount": 1_500, "completions": 1, "completion_amount": 6_000,
        "reversals": 0, "timeouts": 0, "net_amount": 14_500,
    }
    assert totals.net_amount == branch.balance(branch.ledger.account(
        branch.issuer.merchant("shop3").settlement_account_id).id)


def test_settle_starts_new_batch(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    pos.purchase(chip, 100, PIN)
    pos.settle()
    assert pos.totals.batch_number == 2
    assert pos.totals.purchases == 0


def test_audit_after_terminal_day(branch):
    record, chip = branch.card(main=500_000, welfare=30_000)
    pos = branch.pos("shop1")
    for amount in (1_000, 25_000, 7_000):
        outcome = pos.purchase(chip, amount, PIN)
        pos.refund(outcome, amount // 2)
    assert branch.audit().ok


def test_purchases_of_many_terminals_in_one_batch(branch):
    cards = [branch.card(f"m{index}", main=50_000) for index in range(3)]
    terminals = [branch.pos(terminal_id=f"T000000{index}") for index in range(3)]
    requests = [pos.build_purchase(chip, 1_000 * (index + 1), PIN)
                for index, (pos, (record, chip)) in enumerate(zip(terminals, cards, strict=True))]
    responses = branch.core.authorize_batch(requests)
    outcomes = [pos.finish_purchase(request, response, chip)
                for pos, request, response, (record, chip) in zip(terminals, requests, responses, cards, strict=True)]
    assert [outcome.approved for outcome in outcomes] == [True, True, True]
    assert [pos.totals.purchase_amount for pos in terminals] == [1_000, 2_000, 3_000]
    assert branch.audit().ok


def test_batched_purchase_whose_answer_was_lost(branch):
    from twin.devices.terminal import Delivery

    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    request = pos.build_purchase(chip, 1_000, PIN)
    branch.core.authorize_batch([request])
    outcome = pos.finish_purchase(request, None, chip, Delivery.RESPONSE_LOST)
    assert outcome.reversal.approved
    assert (pos.totals.purchases, pos.totals.timeouts, pos.totals.reversals) == (0, 1, 1)
    assert branch.balance(record.accounts.main) == 50_000

"""ATM, smart teller, branch counter, mobile channels and QR payment."""

import pytest

from twin.authorization import AccountType, CardStatus, Channel
from twin.devices.atm import Atm
from twin.devices.mobile import BalanceChannel, QrPayment
from twin.devices.teller import SmartTeller

from .conftest import PIN


@pytest.fixture
def atm(branch):
    return Atm(branch.core, "ATM00001", branch.bank.pin_pad("atm"), branch.bank.rng("atm"))


@pytest.fixture
def teller(branch):
    return SmartTeller(branch.core, "ST000001", branch.bank.pin_pad("teller"), branch.bank.rng("teller"))


# ATM


def test_atm_withdrawal(branch, atm):
    record, chip = branch.card(main=50_000)
    outcome = atm.withdraw(chip, 20_000, PIN)
    assert outcome.approved
    assert atm.cash_dispensed == 20_000
    assert branch.balance(record.accounts.main) == 30_000


def test_atm_welfare_withdrawal(branch, atm):
    record, chip = branch.card(main=50_000, welfare=50_000)
    outcome = atm.withdraw(chip, 20_000, PIN, AccountType.WELFARE)
    assert (outcome.code, outcome.response.reason) == ("57", "welfare_cash_forbidden")
    assert atm.cash_dispensed == 0


def test_atm_main_balance(branch, atm):
    record, chip = branch.card(main=50_000)
    assert atm.balance(chip, PIN).response.balance == 50_000


def test_atm_welfare_balance(branch, atm):
    record, chip = branch.card(main=50_000, welfare=10_000)
    outcome = atm.balance(chip, PIN, AccountType.WELFARE)
    assert (outcome.code, outcome.response.reason) == ("57", "welfare_inquiry_channel")


def test_atm_pin_change(branch, atm):
    record, chip = branch.card(main=50_000)
    assert atm.change_pin(chip, PIN, "258147").approved
    assert atm.withdraw(chip, 100, "258147").approved
    assert atm.withdraw(chip, 100, PIN).code == "55"


# Smart teller


def test_teller_activation(branch, teller):
    record, chip = branch.bank.issue_card("b1")
    outcome = teller.activate(chip, "258147")
    assert outcome.approved
    assert record.status is CardStatus.ACTIVE


def test_teller_activation_with_wrong_initial_pin(branch, teller):
    record, chip = branch.bank.issue_card("b1")
    assert teller.activate(chip, "258147", initial_pin="000000").code == "55"
    assert record.status is CardStatus.INACTIVE


def test_teller_balance(branch, teller):
    record, chip = branch.card(main=50_000, welfare=10_000)
    assert teller.balance(chip, PIN).response.balance == 50_000
    assert teller.balance(chip, PIN, AccountType.WELFARE).code == "57"


def test_teller_pin_change(branch, teller):
    record, chip = branch.card()
    assert teller.change_pin(chip, PIN, "258147").approved
    assert teller.change_pin(chip, "258147", "123456").code == "12"


# Counter


def test_counter_deposit_and_withdrawal(branch):
    record, chip = branch.card()
    assert branch.counter.deposit(chip, 30_000).approved
    assert branch.counter.withdraw(chip, 10_000, PIN).approved
    assert branch.balance(record.accounts.main) == 20_000


def test_counter_welfare_deposit(branch):
    record, chip = branch.card(welfare=0)
    assert branch.counter.deposit(chip, 30_000, AccountType.WELFARE).code == "57"


def test_counter_balances(branch):
    record, chip = branch.card(main=30_000, welfare=12_000)
    assert branch.counter.balance(chip).response.balance == 30_000
    assert branch.counter.balance(chip, AccountType.WELFARE).response.balance == 12_000


def test_counter_activation(branch):
    record, chip = branch.bank.issue_card("b1")
    assert branch.counter.activate(chip, "258147").approved


def test_onsite_activation(branch):
    from twin.devices.counter import BranchCounter

    onsite = BranchCounter(branch.core, "OS000001", branch.bank.pin_pad("onsite"), branch.bank.rng("onsite"),
                           channel=Channel.ONSITE)
    record, chip = branch.bank.issue_card("b1")
    assert onsite.activate(chip, "258147").approved


def test_counter_rejects_other_channel(branch):
    from twin.devices.counter import BranchCounter

    with pytest.raises(ValueError, match="counter or onsite"):
        BranchCounter(branch.core, "OS000001", branch.bank.pin_pad("x"), branch.bank.rng("x"), channel=Channel.ATM)


def test_counter_loss_and_replacement(branch):
    record, chip = branch.card(main=30_000, welfare=12_000)
    assert branch.counter.report_loss("m1") == "ok"
    assert branch.counter.card_status("m1") is CardStatus.LOST
    new_chip, reason = branch.counter.replace_card("m1", "258147")
    assert reason == "ok"
    new = branch.issuer.card_of("m1")
    assert new_chip.pan == new.pan != record.pan
    assert branch.balance(new.accounts.main) == 30_000
    assert branch.balance(new.accounts.welfare) == 12_000
    assert branch.pos().purchase(new_chip, 1_000, "258147").approved


def test_replacement_refuses_weak_pin_first(branch):
    record, chip = branch.card(main=30_000)
    branch.counter.report_loss("m1")
    assert branch.counter.replace_card("m1", "955330") == (None, "new_pin_is_initial")
    assert branch.counter.replace_card("m1", "111111") == (None, "new_pin_simple")
    assert branch.issuer.card_of("m1") is record


def test_counter_reset_pin(branch):
    record, chip = branch.card(main=30_000)
    pos = branch.pos()
    for _ in range(3):
        pos.purchase(chip, 100, "246810")
    assert pos.purchase(chip, 100, PIN).code == "75"
    assert branch.counter.reset_pin("m1", "258147") == "ok"
    assert pos.purchase(chip, 100, "258147").approved


def test_counter_closure(branch):
    record, chip = branch.card(main=30_000, welfare=12_000)
    results, reason = branch.counter.close_card("m1", chip)
    assert reason == "ok"
    assert branch.counter.card_status("m1") is CardStatus.CLOSED
    assert branch.audit().ok


# Mobile, WeChat, SMS and QR


@pytest.mark.parametrize("channel", [Channel.MOBILE, Channel.WECHAT, Channel.SMS])
def test_remote_balances(branch, channel):
    record, chip = branch.card(main=30_000, welfare=12_000)
    device = BalanceChannel(branch.core, channel, "MB000001", branch.bank.rng("mobile"))
    assert device.balance(chip.pan).response.balance == 30_000
    assert device.balance(chip.pan, AccountType.WELFARE).response.balance == 12_000


def test_balance_channel_must_be_remote(branch):
    with pytest.raises(ValueError, match="mobile, wechat or sms"):
        BalanceChannel(branch.core, Channel.ATM, "MB000001", branch.bank.rng("mobile"))


def test_qr_payment_welfare_first(branch):
    record, chip = branch.card(main=30_000, welfare=12_000)
    qr = QrPayment(branch.core, "QR000001", branch.bank.rng("qr"))
    outcome = qr.pay(chip.pan, "shop3", 10_000)
    assert outcome.approved
    assert outcome.response.account is AccountType.WELFARE
    assert outcome.request.chip is None
    assert outcome.request.pin_block is None


def test_qr_payment_at_plain_merchant(branch):
    record, chip = branch.card(main=30_000, welfare=12_000)
    qr = QrPayment(branch.core, "QR000001", branch.bank.rng("qr"))
    assert qr.pay(chip.pan, "shop2", 10_000).response.account is AccountType.MAIN


def test_qr_payments_in_one_batch(branch):
    record, chip = branch.card(main=30_000, welfare=12_000)
    qr = QrPayment(branch.core, "QR000001", branch.bank.rng("qr"))
    requests = [qr.build_payment(chip.pan, "shop3", 5_000) for _ in range(3)]
    outcomes = [qr.terminal.receive(request, response)
                for request, response in zip(requests, branch.core.authorize_batch(requests), strict=True)]
    assert [outcome.response.account for outcome in outcomes] == [AccountType.WELFARE, AccountType.WELFARE,
                                                                  AccountType.MAIN]

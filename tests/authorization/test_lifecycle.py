"""One member's card from batch issuance to closure, audited after every step."""

import datetime as dt
from decimal import Decimal

import pytest

from twin.authorization import AccountType, Campaign, CardStatus
from twin.calendar import TZ
from twin.devices.bank import Bank
from twin.devices.banking import DisbursementRow, EnterpriseBanking
from twin.devices.clearing import TransitClearing
from twin.devices.counter import BranchCounter
from twin.devices.etc import EtcCentre, EtcLane
from twin.devices.fares import Mode
from twin.devices.pos import PosTerminal
from twin.devices.teller import SmartTeller
from twin.devices.transit import TopupKiosk, TransitGate
from twin.ledger import verify

PIN = "135790"


class Journey:
    """The devices one member meets, on a ledger database file that is audited after each step."""

    def __init__(self, path):
        self.path = path
        self.bank = Bank.open(dt.datetime(2020, 1, 6, 9, 0, tzinfo=TZ), seed=3, path=path)
        self.issuer = self.bank.issuer
        self.ledger = self.bank.ledger
        core, bank = self.bank.core, self.bank
        self.union = self.issuer.open_union_account("u1", 10_000_000)
        subsidy = self.issuer.open_campaign_account("c1")
        self.issuer.add_merchant("shop1", "职工超市", "5411", True, Campaign("c1", Decimal("0.10"), subsidy))
        self.issuer.add_merchant("shop2", "街边便利店", "5499", False)
        self.teller = SmartTeller(core, "ST000001", bank.pin_pad("teller"), bank.rng("teller"))
        self.counter = BranchCounter(core, "CT000001", bank.pin_pad("counter"), bank.rng("counter"))
        self.designated = PosTerminal(core, "T0000001", "shop1", "5411", True, bank.pin_pad("pos1"), bank.rng("pos1"))
        self.plain = PosTerminal(core, "T0000002", "shop2", "5499", False, bank.pin_pad("pos2"), bank.rng("pos2"))
        self.kiosk = TopupKiosk(core, "KS000001", bank.pin_pad("kiosk"), bank.rng("kiosk"))
        self.gate = TransitGate("G0000001", Mode.METRO, "南昌市", "东湖区", bank.clock)
        self.bus = TransitGate("G0000002", Mode.BUS, "南昌市", "进贤县", bank.clock)
        self.clearing = TransitClearing(self.issuer)
        self.etc = EtcCentre(core, "ETC00001", bank.rng("etc"))
        self.banking = EnterpriseBanking(self.issuer, {"m1": "张三"})
        self.steps = []

    def audited(self, step):
        self.ledger.flush()
        report = verify(self.path)
        self.steps.append(step)
        assert report.problems == [], f"after {step}: {report.problems}"

    def balances(self, record):
        return tuple(self.ledger.account(account_id).balance for account_id in
                     (record.accounts.main, record.accounts.welfare, record.accounts.transit_wallet))


@pytest.fixture
def journey(tmp_path):
    journey = Journey(tmp_path / "ledger.db")
    yield journey
    journey.bank.close()


def test_card_lifecycle(journey):
    j = journey

    record, chip = j.bank.issue_card("m1")
    assert record.status is CardStatus.INACTIVE
    j.audited("batch issuance")

    assert j.designated.purchase(chip, 100, "955330").code == "62"
    assert j.teller.activate(chip, PIN).approved
    j.audited("activation")

    assert j.issuer.open_welfare_account("m1")[1] == "ok"
    j.audited("welfare account")

    assert j.counter.deposit(chip, 100_000).approved
    j.audited("deposit")

    result = j.banking.upload("u1", "F2020-SF", [DisbursementRow("张三", chip.pan, 50_000)])
    assert result.summary()["paid_amount"] == 50_000
    assert j.balances(record) == (100_000, 50_000, 0)
    j.audited("disbursement")

    welfare_buy = j.designated.purchase(chip, 30_000, PIN)
    assert welfare_buy.response.account is AccountType.WELFARE
    assert j.balances(record) == (100_000, 23_000, 0)
    j.audited("welfare purchase")

    main_buy = j.plain.purchase(chip, 8_000, PIN)
    assert main_buy.response.account is AccountType.MAIN
    j.audited("plain purchase")

    too_big = j.designated.purchase(chip, 40_000, PIN)
    assert too_big.response.account is AccountType.MAIN
    assert j.balances(record) == (56_000, 23_000, 0)
    j.audited("designated purchase paid by main")

    assert j.designated.refund(welfare_buy, 10_000).approved
    assert j.balances(record) == (56_000, 32_000, 0)
    j.audited("refund")

    assert j.kiosk.topup(chip, 5_000, PIN).approved
    assert j.balances(record) == (51_000, 32_000, 5_000)
    j.audited("transit top-up")

    assert j.gate.tap(chip, 15).fare == 360
    assert j.bus.tap(chip).fare == 200
    report = j.clearing.clear(j.gate.upload())
    report_bus = j.clearing.clear(j.bus.upload())
    assert (report.exceptions, report_bus.exceptions) == ([], [])
    assert j.balances(record)[2] == chip.purse_balance == 4_440
    j.audited("rides and clearing")

    obu, reason = j.etc.sign_up("m1", has_car=True)
    assert reason == "ok"
    toll = EtcLane(j.etc, "L0001", "G60-01").read(obu.obu_id, 4_000)
    assert toll.charged == 3_800
    assert j.balances(record) == (47_200, 32_000, 4_440)
    j.audited("ETC toll")

    j.bank.clock.advance(days=2)
    assert j.counter.report_loss("m1") == "ok"
    assert j.designated.purchase(chip, 100, PIN).code == "41"
    j.audited("loss")

    new_chip, reason = j.counter.replace_card("m1", "258147")
    assert reason == "ok"
    new = j.issuer.card_of("m1")
    assert j.balances(new) == (47_200, 32_000, 4_440)
    assert j.balances(record) == (0, 0, 0)
    assert new_chip.purse_balance == 4_440
    j.etc.rebind("m1")
    j.audited("replacement")

    assert j.designated.purchase(new_chip, 2_000, "258147").response.account is AccountType.WELFARE
    j.audited("purchase with the new card")

    unions = (j.union, j.issuer.system.province_union)
    unions_before = sum(j.ledger.account(account_id).balance for account_id in unions)
    results, reason = j.counter.close_card("m1", new_chip)
    assert reason == "ok"
    assert j.balances(new) == (0, 0, 0)
    # The welfare money and its interest go back to the unions; which union is
    # the subject of the test below.
    j.ledger.flush()
    interest = sum(t.amount for t in j.ledger.store.transfers()
                   if t.code.value == "interest" and t.credit_account_id == new.accounts.welfare)
    assert interest > 0
    assert sum(j.ledger.account(account_id).balance for account_id in unions) == unions_before + 30_200 + interest
    assert j.issuer.card_of("m1").status is CardStatus.CLOSED
    j.audited("closure")

    assert len(j.steps) == 16


def test_closure_after_replacement_returns_welfare_to_paying_union(journey):
    j = journey
    record, chip = j.bank.issue_card("m1", batch=False, pin=PIN, welfare=True)
    j.banking.upload("u1", "F1", [DisbursementRow("张三", chip.pan, 50_000)])
    j.counter.report_loss("m1")
    new_chip, _ = j.counter.replace_card("m1", "258147")
    union_before = j.ledger.account(j.union).balance
    j.counter.close_card("m1", new_chip)
    assert j.ledger.account(j.union).balance == union_before + 50_000


def test_replacement_history_survives_reopen(journey, tmp_path):
    from twin.ledger import Ledger, SQLiteStore

    j = journey
    record, chip = j.bank.issue_card("m1", batch=False, pin=PIN, welfare=True)
    j.banking.upload("u1", "F1", [DisbursementRow("张三", chip.pan, 50_000)])
    j.counter.report_loss("m1")
    j.counter.replace_card("m1", PIN)
    new_welfare = j.issuer.card_of("m1").accounts.welfare
    j.ledger.flush()
    reopened = Ledger(SQLiteStore(j.ledger.store.path), j.ledger.clock)
    assert reopened.disbursements(new_welfare) == [(j.issuer.union_account("u1"), 50_000)]

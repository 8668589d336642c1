"""A bank with a union, merchants and device builders for the device tests."""

import datetime as dt
from decimal import Decimal

import pytest

from twin.authorization import Campaign
from twin.calendar import TZ
from twin.devices.bank import Bank
from twin.devices.counter import BranchCounter
from twin.devices.pos import PosTerminal
from twin.devices.terminal import Delivery
from twin.ledger import Transfer, TransferCode, verify_store

PIN = "135790"
START = dt.datetime(2020, 1, 6, 9, 0, tzinfo=TZ)


class Scripted:
    """A link that plays a list of deliveries, then delivers everything."""

    def __init__(self, *fates: Delivery) -> None:
        self.fates = list(fates)
        self.seen = []

    def __call__(self, request):
        self.seen.append(request)
        return self.fates.pop(0) if self.fates else Delivery.DELIVERED


class Branch:
    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.core = bank.core
        self.issuer = bank.issuer
        self.ledger = bank.ledger
        self.clock = bank.clock
        self.union = self.issuer.open_union_account("u1", 100_000_000)
        self.subsidy = self.issuer.open_campaign_account("c1")
        self.issuer.add_merchant("shop1", "职工超市", "5411", True, Campaign("c1", Decimal("0.10"), self.subsidy))
        self.issuer.add_merchant("shop2", "街边便利店", "5499", False)
        self.issuer.add_merchant("shop3", "职工书店", "5942", True)
        self.counter = BranchCounter(bank.core, "CT000001", bank.pin_pad("counter"), bank.rng("counter"))

    def card(self, member="m1", *, main=0, welfare=None):
        record, chip = self.bank.issue_card(member, batch=False, pin=PIN, welfare=welfare is not None)
        if main:
            self.ledger.create_transfers([Transfer(self.ledger.new_id(), self.issuer.system.bank_cash,
                                                   record.accounts.main, main, TransferCode.DEPOSIT)])
        if welfare:
            self.ledger.create_transfers([Transfer(self.ledger.new_id(), self.union, record.accounts.welfare,
                                                   welfare, TransferCode.DISBURSEMENT)])
        return record, chip

    def pos(self, merchant="shop3", terminal_id="T0000001", link=None, designated=True):
        extra = {"link": link} if link is not None else {}
        return PosTerminal(self.core, terminal_id, merchant, "5411", designated, self.bank.pin_pad(terminal_id),
                           self.bank.rng(terminal_id), **extra)

    def balance(self, account_id):
        return self.ledger.account(account_id).balance

    def audit(self):
        self.ledger.flush()
        return verify_store(self.ledger.store)


@pytest.fixture
def bank():
    bank = Bank.open(START, seed=11)
    yield bank
    bank.close()


@pytest.fixture
def branch(bank):
    return Branch(bank)

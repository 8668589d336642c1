"""A small programme for the core's tests: one union, merchants, cards and request builders."""

import datetime as dt
from decimal import Decimal

import pytest

from twin.authorization import AccountType, Campaign, Channel, Kind, Request
from twin.calendar import TZ
from twin.devices.bank import Bank
from twin.ledger import Transfer, TransferCode, verify_store

PIN = "135790"
START = dt.datetime(2020, 1, 6, 9, 0, tzinfo=TZ)
UN = b"\x01\x02\x03\x04"


class Programme:
    """A bank with union u1, designated shop1 (10% campaign), designated shop3, plain shop2."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.core = bank.core
        self.issuer = bank.issuer
        self.ledger = bank.ledger
        self.clock = bank.clock
        self.pad = bank.pin_pad("tests")
        self.union = self.issuer.open_union_account("u1", 100_000_000)
        self.subsidy = self.issuer.open_campaign_account("c1")
        self.campaign_shop = self.issuer.add_merchant(
            "shop1", "职工超市", "5411", True, Campaign("c1", Decimal("0.10"), self.subsidy)
        )
        self.plain_shop = self.issuer.add_merchant("shop2", "街边便利店", "5499", False)
        self.shop = self.issuer.add_merchant("shop3", "职工书店", "5942", True)
        self._stan = 0

    # Cards

    def card(self, member="m1", *, main=0, welfare=None, account_class=None):
        """Issue an active card with PIN 135790, ``main`` fen deposited and ``welfare`` fen disbursed."""
        extra = {"account_class": account_class} if account_class is not None else {}
        record, chip = self.bank.issue_card(member, batch=False, pin=PIN, welfare=welfare is not None, **extra)
        if main:
            self.deposit(record, main)
        if welfare:
            self.disburse(record, welfare)
        return record, chip

    def batch_card(self, member="b1"):
        return self.bank.issue_card(member)

    def deposit(self, record, amount):
        transfer = Transfer(self.ledger.new_id(), self.issuer.system.bank_cash, record.accounts.main, amount,
                            TransferCode.DEPOSIT)
        assert self.ledger.create_transfers([transfer])[0].ok

    def fund(self, record, amount):
        """Give the main account an opening balance that no class II limit counts (as interest)."""
        transfer = Transfer(self.ledger.new_id(), self.ledger.config.interest_account_id, record.accounts.main,
                            amount, TransferCode.INTEREST)
        assert self.ledger.create_transfers([transfer])[0].ok

    def disburse(self, record, amount):
        transfer = Transfer(self.ledger.new_id(), self.union, record.accounts.welfare, amount,
                            TransferCode.DISBURSEMENT)
        assert self.ledger.create_transfers([transfer])[0].ok

    def balance(self, account_id):
        return self.ledger.account(account_id).balance

    # Requests

    def stan(self):
        self._stan += 1
        return f"{self._stan:06d}"

    def now(self):
        return self.clock.now()

    def pin(self, pan, pin=PIN):
        return self.pad.encrypt(pin, pan)

    def purchase(self, chip, amount, merchant="shop3", *, pin=PIN, channel=Channel.POS_CHIP, **fields):
        """Build a chip purchase (or a QR one with ``channel=Channel.QR``)."""
        values = dict(amount=amount, terminal_id="T0000001", merchant_id=merchant, stan=self.stan(),
                      local_time=self.now())
        if channel is Channel.POS_CHIP:
            values["chip"] = chip.generate_arqc(amount, self.now().date(), UN)
            values["pin_block"] = self.pin(chip.pan, pin) if pin else None
        values.update(fields)
        return Request(Kind.PURCHASE, channel, chip.pan, **values)

    def follow_up(self, kind, chip, original_id, amount=0, merchant="shop3", **fields):
        values = dict(amount=amount, terminal_id="T0000001", merchant_id=merchant, stan=self.stan(),
                      local_time=self.now(), original_authorization_id=original_id)
        values.update(fields)
        return Request(kind, Channel.POS_CHIP, chip.pan, **values)

    def preauthorize(self, chip, amount, merchant="shop3"):
        return Request(Kind.PREAUTHORIZATION, Channel.POS_CHIP, chip.pan, amount=amount, terminal_id="T0000001",
                       merchant_id=merchant, stan=self.stan(), local_time=self.now(),
                       chip=chip.generate_arqc(amount, self.now().date(), UN, 3), pin_block=self.pin(chip.pan))

    def atm(self, kind, chip, amount=0, *, pin=PIN, account=AccountType.MAIN):
        return Request(kind, Channel.ATM, chip.pan, amount=amount, terminal_id="ATM00001", stan=self.stan(),
                       local_time=self.now(), chip=chip.generate_arqc(amount, self.now().date(), UN),
                       pin_block=self.pin(chip.pan, pin), account=account)

    def plain(self, kind, channel, pan, amount=0, **fields):
        """Build a request without chip data (counter, teller, mobile, kiosk, ETC)."""
        values = dict(amount=amount, terminal_id="C0000001", stan=self.stan(), local_time=self.now())
        values.update(fields)
        return Request(kind, channel, pan, **values)

    def authorize(self, request):
        return self.core.authorize(request)

    def transfers(self):
        """Return the number of transfers in the ledger's store."""
        self.ledger.flush()
        return sum(1 for _ in self.ledger.store.transfers())

    def audit(self):
        self.ledger.flush()
        return verify_store(self.ledger.store)


@pytest.fixture
def bank():
    bank = Bank.open(START, seed=7)
    yield bank
    bank.close()


@pytest.fixture
def world(bank):
    return Programme(bank)

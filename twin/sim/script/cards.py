"""Script actions that send a request through the authorization core.

Each builds the request as the device on that channel would: the member's
chip computes an ARQC at a POS or ATM, the PIN pad encrypts the PIN the member
types, the terminal numbers its messages with a STAN. The response is what the
core returned; nothing here decides anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from twin.authorization import AccountType, Channel, Kind, Response
from twin.ledger import Transfer, TransferCode
from twin.sim.fares import bus_fare, metro_fare
from twin.sim.requests import build_card_request
from twin.sim.script.outcome import StepOutcome

if TYPE_CHECKING:
    from twin.sim.script.runner import ScriptRunner

__all__ = ["CardActions"]

_CHANNELS = {
    "chip": Channel.POS_CHIP,
    "qr": Channel.QR,
    "atm": Channel.ATM,
    "teller": Channel.SMART_TELLER,
    "counter": Channel.COUNTER,
    "onsite": Channel.ONSITE,
    "mobile": Channel.MOBILE,
    "wechat": Channel.WECHAT,
    "sms": Channel.SMS,
}


class CardActions:
    """Card requests of the script, sent on behalf of named members."""

    def __init__(self, runner: ScriptRunner) -> None:
        self.runner = runner
        self.world = runner.world
        self._stans: dict[str, int] = {}

    # Requests

    def send(self, index, step, kind: Kind, channel: Channel, member_id: str, *, amount: int = 0,
             merchant_id: str = "", pin: str | None = None, new_pin: str | None = None,
             account: AccountType = AccountType.MAIN, to_account: AccountType | None = None,
             original: str = "", default_terminal: str = "") -> tuple[StepOutcome, Response | None]:
        world = self.world
        member = world.member(member_id)
        card = world.issuer.card_of(member_id)
        if card is None:
            return self.runner.outcome(index, step, False, "no_card"), None
        terminal = getattr(step, "terminal", None) or default_terminal
        stan = getattr(step, "stan", None)
        if isinstance(stan, int):
            stan = f"{stan:06d}"
        stan = stan or (self._next_stan(terminal) if terminal else "")
        now = world.now()
        typed = pin if pin is not None else member.pin
        request = build_card_request(
            card, kind, channel, now,
            chip=lambda: world.chip_of(member),
            unpredictable_number=world.unpredictable_number,
            pin_pad=world.pin_pad,
            amount=amount, terminal=terminal, stan=stan, merchant=merchant_id, pin=typed, new_pin=new_pin,
            account=account, to_account=to_account, original=original,
        )
        designated = None
        if merchant_id:
            merchant = world.issuer.merchant(merchant_id)
            designated = merchant.designated if merchant else None
        response = world.authorize(request, member.city, designated)
        outcome = self.runner.outcome(
            index,
            step,
            response.approved,
            response.reason,
            response=response.code.value,
            amount=response.amount or amount,
            authorization_id=response.authorization_id,
            transfer_ids=response.transfer_ids,
        )
        outcome.detail.update({"member": member_id, "terminal": terminal, "stan": stan, "merchant": merchant_id})
        return outcome, response

    def _next_stan(self, terminal: str) -> str:
        value = self._stans.get(terminal, 0) % 999_999 + 1
        self._stans[terminal] = value
        return f"{value:06d}"

    # Actions

    def activate(self, index, step):
        member = self.world.member(step.member)
        initial = step.initial_pin or self.world.scenario.programme.initial_pin
        channel = _CHANNELS[step.channel]
        outcome, response = self.send(index, step, Kind.ACTIVATION, channel, step.member, pin=initial,
                                      new_pin=step.pin, default_terminal=self._branch_terminal(step, channel))
        if response is not None and response.approved:
            member.pin = step.pin
        return outcome

    def change_pin(self, index, step):
        member = self.world.member(step.member)
        channel = _CHANNELS[step.channel]
        outcome, response = self.send(index, step, Kind.PIN_CHANGE, channel, step.member, pin=step.old,
                                      new_pin=step.new, default_terminal=self._branch_terminal(step, channel))
        if response is not None and response.approved:
            member.pin = step.new
        return outcome

    def deposit(self, index, step):
        channel = _CHANNELS[step.channel]
        outcome, _ = self.send(index, step, Kind.DEPOSIT, channel, step.member, amount=step.amount,
                               account=AccountType(step.account), default_terminal=self._branch_terminal(step, channel))
        outcome.paid_to = step.account if outcome.approved else None
        return outcome

    def purchase(self, index, step, kind: Kind = Kind.PURCHASE):
        channel = _CHANNELS[step.channel]
        outcome, response = self.send(index, step, kind, channel, step.member, amount=step.amount,
                                      merchant_id=step.merchant, pin=step.pin,
                                      default_terminal=self._merchant_terminal(step.merchant))
        if response is not None and response.approved:
            outcome.paid_from = response.account.value
            outcome.detail["discount"] = response.discount
        return outcome

    def preauthorize(self, index, step):
        return self.purchase(index, step, Kind.PREAUTHORIZATION)

    def follow_up(self, index, step, kind: Kind, amount: int | None = None):
        original = self.runner.earlier(step.of)
        # An original that never reached the core (the member had no card yet) names its
        # member and merchant only in its step. The core then finds no original and declines.
        first = self.runner.steps[original.index]
        member_id = original.detail.get("member") or first.member
        merchant = original.detail.get("merchant") or getattr(first, "merchant", "")
        terminal = original.detail.get("terminal") or self._merchant_terminal(merchant)
        auth = self.world.core.record(original.authorization_id)
        if amount is None:
            amount = auth.amount - auth.returned if auth is not None else 0
        channel = Channel.QR if original.detail.get("channel") == "qr" else Channel.POS_CHIP
        outcome, response = self.send(index, step, kind, channel, member_id, amount=amount,
                                      merchant_id=merchant, original=original.authorization_id,
                                      default_terminal=terminal)
        if response is not None and response.approved and response.account is not None:
            # A completion pays the merchant; every other follow-up gives money back.
            if kind is Kind.COMPLETION:
                outcome.paid_from = response.account.value
            else:
                outcome.paid_to = response.account.value
        return outcome

    def withdraw(self, index, step):
        channel = _CHANNELS[step.channel]
        outcome, response = self.send(index, step, Kind.WITHDRAWAL, channel, step.member, amount=step.amount,
                                      pin=step.pin, account=AccountType(step.account),
                                      default_terminal=self._branch_terminal(step, channel))
        if response is not None and response.approved:
            outcome.paid_from = response.account.value
        return outcome

    def transfer(self, index, step):
        target = AccountType(step.to) if step.to in ("main", "welfare") else AccountType.OUTSIDE
        outcome, response = self.send(index, step, Kind.TRANSFER, Channel.COUNTER, step.member,
                                      amount=step.amount, pin=step.pin, account=AccountType(step.from_),
                                      to_account=target, default_terminal="CTR00001")
        if response is not None and response.approved:
            outcome.paid_from = response.account.value
        return outcome

    def balance(self, index, step):
        channel = _CHANNELS[step.channel]
        outcome, response = self.send(index, step, Kind.BALANCE, channel, step.member, pin=step.pin,
                                      account=AccountType(step.account),
                                      default_terminal=self._branch_terminal(step, channel))
        if response is not None and response.approved:
            outcome.detail["balance"] = response.balance
        return outcome

    def transit_topup(self, index, step):
        outcome, response = self.send(index, step, Kind.TRANSIT_TOPUP, Channel.TRANSIT_KIOSK, step.member,
                                      amount=step.amount, pin=step.pin, default_terminal="KSK00001")
        if response is not None and response.approved:
            outcome.paid_from = "main"
            outcome.paid_to = "transit_wallet"
            chip = self.world.chip_of(self.world.member(step.member))
            chip.purse_balance += step.amount
        return outcome

    def toll(self, index, step):
        member = self.world.member(step.member)
        if not member.etc_signed:
            return self.runner.outcome(index, step, False, "etc_not_signed")
        discount = Decimal(self.world.scenario.programme.etc.discount)
        charged = int((step.amount * discount).to_integral_value())
        outcome, response = self.send(index, step, Kind.ETC_TOLL, Channel.ETC_CLEARING, step.member,
                                      amount=charged, default_terminal="ETC00001")
        outcome.detail["section"] = step.section
        if response is not None and response.approved:
            outcome.paid_from = "main"
        return outcome

    def ride(self, index, step):
        """Pay a fare from the chip's e-purse offline, then clear it against the wallet account."""
        world = self.world
        member = world.member(step.member)
        card = world.issuer.card_of(step.member)
        if card is None:
            return self.runner.outcome(index, step, False, "no_card")
        transit = world.scenario.programme.transit
        if step.mode == "bus":
            fare = bus_fare(transit, step.county)
        else:
            fare = metro_fare(transit, step.distance_km)
        chip = world.chip_of(member)
        if chip.purse_balance < fare:
            return self.runner.outcome(index, step, False, "purse_insufficient", amount=fare)
        chip.purse_balance -= fare
        chip.purse_counter += 1
        transfer = Transfer(world.ledger.new_id(), card.accounts.transit_wallet,
                            world.issuer.system.transit_clearing, fare, TransferCode.TRANSIT_FARE,
                            batch_id=f"transit:{chip.purse_counter}")
        result = world.ledger.create_transfers([transfer])[0]
        if result.ok:
            world.recorder.ride(member.city, fare)
        outcome = self.runner.outcome(index, step, result.ok, "approved" if result.ok else result.value,
                                      amount=fare, transfer_ids=(transfer.id,))
        outcome.paid_from = "transit_wallet"
        return outcome

    # Terminals

    def _merchant_terminal(self, merchant_id: str) -> str:
        return ("P" + merchant_id.upper().replace("_", ""))[:8].ljust(8, "0")

    def _branch_terminal(self, step, channel: Channel) -> str:
        prefix = {Channel.ATM: "ATM", Channel.SMART_TELLER: "STM", Channel.COUNTER: "CTR"}.get(channel, "")
        return f"{prefix}00001" if prefix else ""

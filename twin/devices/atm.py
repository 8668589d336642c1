"""An ATM: cash withdrawal, main account balance and PIN change, by chip and PIN.

Requests name the main account unless the holder picks the welfare account.
The core declines those with 57, because the welfare account pays no cash and
its balance is not shown at ATMs.
"""

from __future__ import annotations

import numpy as np

from twin.authorization import AccountType, AuthorizationCore, Channel, Kind
from twin.devices.card import EmulatedCard, PinPad
from twin.devices.terminal import Link, Outcome, Terminal, always_delivered

__all__ = ["Atm"]

# EMV transaction types (tag 9C): cash and balance inquiry.
_CASH_TYPE = 0x01
_INQUIRY_TYPE = 0x31


class Atm:
    """One ATM of a branch."""

    def __init__(
        self,
        core: AuthorizationCore,
        terminal_id: str,
        pin_pad: PinPad,
        rng: np.random.Generator,
        link: Link = always_delivered,
    ) -> None:
        self.terminal = Terminal(core, terminal_id, rng, link)
        self.pin_pad = pin_pad
        self.cash_dispensed = 0

    def withdraw(self, card: EmulatedCard, amount: int, pin: str, account: AccountType = AccountType.MAIN) -> Outcome:
        """Dispense ``amount`` fen when the issuer approves and the chip accepts the response."""
        outcome = self.terminal.send_chip(
            Kind.WITHDRAWAL, Channel.ATM, card, amount, self.pin_pad.encrypt(pin, card.pan), _CASH_TYPE, account=account
        )
        if outcome.approved:
            self.cash_dispensed += amount
        return outcome

    def balance(self, card: EmulatedCard, pin: str, account: AccountType = AccountType.MAIN) -> Outcome:
        """Show an account's balance; the welfare account gets 57."""
        return self.terminal.send_chip(
            Kind.BALANCE, Channel.ATM, card, 0, self.pin_pad.encrypt(pin, card.pan), _INQUIRY_TYPE, account=account
        )

    def change_pin(self, card: EmulatedCard, old_pin: str, new_pin: str) -> Outcome:
        return self.terminal.send_new(
            Kind.PIN_CHANGE, Channel.ATM, card.pan, psn=card.psn, expiry=card.expiry,
            pin_block=self.pin_pad.encrypt(old_pin, card.pan), new_pin_block=self.pin_pad.encrypt(new_pin, card.pan),
        )

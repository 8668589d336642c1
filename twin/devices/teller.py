"""The smart teller machine (智慧柜员机): activation, PIN change and main account balance.

A batch-issued card arrives with the initial PIN 955330 and works for nothing
until it is activated. To activate it, the holder enters the initial PIN and a
new PIN of their own, which must not be the initial one or a simple run.
"""

from __future__ import annotations

import numpy as np

from twin.authorization import AccountType, AuthorizationCore, Channel, Kind
from twin.authorization.pin import INITIAL_PIN
from twin.devices.card import EmulatedCard, PinPad
from twin.devices.terminal import Link, Outcome, Terminal, always_delivered

__all__ = ["SmartTeller"]


class SmartTeller:
    """One smart teller machine of a branch."""

    channel = Channel.SMART_TELLER

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

    def activate(self, card: EmulatedCard, new_pin: str, initial_pin: str = INITIAL_PIN) -> Outcome:
        """Activate a batch card: the initial PIN proves the card, the new PIN replaces it."""
        return self.terminal.send_new(
            Kind.ACTIVATION, self.channel, card.pan, psn=card.psn, expiry=card.expiry,
            pin_block=self.pin_pad.encrypt(initial_pin, card.pan),
            new_pin_block=self.pin_pad.encrypt(new_pin, card.pan),
        )

    def change_pin(self, card: EmulatedCard, old_pin: str, new_pin: str) -> Outcome:
        return self.terminal.send_new(
            Kind.PIN_CHANGE, self.channel, card.pan, psn=card.psn, expiry=card.expiry,
            pin_block=self.pin_pad.encrypt(old_pin, card.pan), new_pin_block=self.pin_pad.encrypt(new_pin, card.pan),
        )

    def balance(self, card: EmulatedCard, pin: str, account: AccountType = AccountType.MAIN) -> Outcome:
        """Show an account's balance; the welfare account gets 57 here."""
        return self.terminal.send_new(
            Kind.BALANCE, self.channel, card.pan, psn=card.psn, expiry=card.expiry,
            pin_block=self.pin_pad.encrypt(pin, card.pan), account=account,
        )

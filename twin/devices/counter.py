"""A branch counter: the teller serves the card holder in person, with ID.

Besides cash and balances of both accounts, the counter is where card
management happens: activation of batch cards, loss reports, replacement of a
lost card, closure and the reset of a forgotten PIN (密码挂失). These go to the
issuer's card management, not through the authorization pipeline, because the
teller has checked the holder's ID.

A replacement card is made before its number is known, so it cannot take a PIN
block for that number. It is issued with the initial PIN 955330 and the holder
sets their own PIN on the counter's PIN pad at once, before the card leaves the
counter. The new chip's transit e-purse is loaded with the balance of the new
transit wallet, which the replacement moved from the old one.
"""

from __future__ import annotations

import numpy as np

from twin.authorization import AccountType, AuthorizationCore, CardStatus, Channel, Kind
from twin.authorization.pin import INITIAL_PIN, pin_policy_problem
from twin.devices.card import EmulatedCard, PinPad
from twin.devices.terminal import Link, Outcome, Terminal, always_delivered
from twin.ledger import TransferResult

__all__ = ["BranchCounter"]


class BranchCounter:
    """One teller's counter at a branch."""

    def __init__(
        self,
        core: AuthorizationCore,
        terminal_id: str,
        pin_pad: PinPad,
        rng: np.random.Generator,
        link: Link = always_delivered,
        channel: Channel = Channel.COUNTER,
    ) -> None:
        if channel not in (Channel.COUNTER, Channel.ONSITE):
            raise ValueError(f"a counter serves the counter or onsite channel, not {channel.value}")
        self.terminal = Terminal(core, terminal_id, rng, link)
        self.issuer = core.issuer
        self.pin_pad = pin_pad
        self.channel = channel

    # Cash and balances

    def deposit(self, card: EmulatedCard, amount: int, account: AccountType = AccountType.MAIN) -> Outcome:
        """Take ``amount`` fen of cash into an account; the welfare account refuses it (57)."""
        return self.terminal.send_new(
            Kind.DEPOSIT, self.channel, card.pan, amount=amount, psn=card.psn, expiry=card.expiry, account=account
        )

    def withdraw(self, card: EmulatedCard, amount: int, pin: str, account: AccountType = AccountType.MAIN) -> Outcome:
        return self.terminal.send_new(
            Kind.WITHDRAWAL, self.channel, card.pan, amount=amount, psn=card.psn, expiry=card.expiry,
            pin_block=self.pin_pad.encrypt(pin, card.pan), account=account,
        )

    def balance(self, card: EmulatedCard, account: AccountType = AccountType.MAIN) -> Outcome:
        """Show either account's balance: the counter may show the welfare account."""
        return self.terminal.send_new(
            Kind.BALANCE, self.channel, card.pan, psn=card.psn, expiry=card.expiry, account=account
        )

    # Card management

    def activate(self, card: EmulatedCard, new_pin: str, initial_pin: str = INITIAL_PIN) -> Outcome:
        return self.terminal.send_new(
            Kind.ACTIVATION, self.channel, card.pan, psn=card.psn, expiry=card.expiry,
            pin_block=self.pin_pad.encrypt(initial_pin, card.pan),
            new_pin_block=self.pin_pad.encrypt(new_pin, card.pan),
        )

    def report_loss(self, member: str) -> str:
        """Block the member's card at once; returns ``"ok"`` or why not."""
        return self.issuer.report_loss(member)

    def replace_card(self, member: str, new_pin: str) -> tuple[EmulatedCard | None, str]:
        """Issue the replacement of a lost card with the holder's new PIN and its own chip."""
        # The PIN pad checks the new PIN first, so no card leaves with the initial PIN.
        problem = pin_policy_problem(new_pin)
        if problem is not None:
            return None, f"new_pin_{problem.value}"
        if new_pin == INITIAL_PIN:
            return None, "new_pin_is_initial"
        record, reason = self.issuer.replace_card(member, pin=INITIAL_PIN)
        if record is None:
            return None, reason
        chip = EmulatedCard.personalise(self.issuer, record)
        reason = self.issuer.reset_pin(member, self.pin_pad.encrypt(new_pin, record.pan))
        if reason != "ok":
            raise RuntimeError(f"replacement card for {member} could not take a PIN that passed the policy: {reason}")
        chip.purse_balance = self.issuer.ledger.account(record.accounts.transit_wallet).balance
        return chip, "ok"

    def reset_pin(self, member: str, new_pin: str) -> str:
        """Set a forgotten PIN anew; this also lifts the day's lock after too many wrong tries."""
        card = self.issuer.card_of(member)
        if card is None:
            return "no_card"
        return self.issuer.reset_pin(member, self.pin_pad.encrypt(new_pin, card.pan))

    def close_card(self, member: str, chip: EmulatedCard | None = None) -> tuple[list[TransferResult], str]:
        """Close the card: main account paid out in cash, welfare settled back to the unions.

        The teller keeps the card, so its e-purse is emptied: the purse's money
        is already in the transit wallet, which the closure pays out.
        """
        results, reason = self.issuer.close_card(member)
        if reason == "ok" and chip is not None:
            chip.purse_balance = 0
        return results, reason

    def card_status(self, member: str) -> CardStatus | None:
        card = self.issuer.card_of(member)
        return card.status if card is not None else None

"""A merchant's POS terminal with a chip reader and an encrypting PIN pad.

The terminal reads the card's chip for an ARQC over the amount, the date and
its own unpredictable number, takes the PIN on its PIN pad, and sends the
request with its terminal id, merchant id and the next STAN. When an approved
response comes back, the terminal hands the ARPC to the chip. A chip that
rejects the ARPC declines the purchase at the counter, and the terminal
reverses the approval by its authorization id.

Follow-ups name the approved request by an :class:`Original` (card number,
authorization id and amount): void (撤销, same local day, whole amount),
refund (退货, part or all, any day), completion (预授权完成, up to the
pre-authorized amount) and cancellation (预授权撤销).

At day end :meth:`PosTerminal.settle` closes the batch and returns its totals
for the merchant's reports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from twin.authorization import AuthorizationCore, Channel, Kind, Request, Response
from twin.devices.card import EmulatedCard, PinPad
from twin.devices.terminal import Delivery, Link, Outcome, Terminal, always_delivered

__all__ = ["BatchTotals", "Original", "PosTerminal"]

# EMV transaction type (tag 9C) of a purchase and of a pre-authorization.
_PURCHASE_TYPE = 0x00
_PREAUTHORIZATION_TYPE = 0x03


@dataclass(frozen=True)
class Original:
    """The approved request a follow-up names."""

    pan: str = field(repr=False)  # card numbers stay out of logs
    authorization_id: str
    amount: int

    @classmethod
    def of(cls, outcome: Outcome) -> Original:
        if outcome.response is None or not outcome.response.authorization_id:
            raise ValueError(f"{outcome.request.kind.value} has no authorization id to refer to (response {outcome.code})")
        return cls(outcome.request.pan, outcome.response.authorization_id, outcome.request.amount)


@dataclass
class BatchTotals:
    """Counts and gross amounts (fen) of one terminal's approved requests in one batch."""

    terminal_id: str
    merchant_id: str
    batch_number: int
    purchases: int = 0
    purchase_amount: int = 0
    voids: int = 0
    void_amount: int = 0
    refunds: int = 0
    refund_amount: int = 0
    completions: int = 0
    completion_amount: int = 0
    reversals: int = 0
    timeouts: int = 0

    @property
    def net_amount(self) -> int:
        """What the merchant is owed for the batch: sales less voids and refunds."""
        return self.purchase_amount + self.completion_amount - self.void_amount - self.refund_amount

    def to_dict(self) -> dict:
        return {**asdict(self), "net_amount": self.net_amount}


class PosTerminal:
    """One POS terminal of one merchant."""

    def __init__(
        self,
        core: AuthorizationCore,
        terminal_id: str,
        merchant_id: str,
        mcc: str,
        designated: bool,
        pin_pad: PinPad,
        rng: np.random.Generator,
        link: Link = always_delivered,
    ) -> None:
        self.terminal = Terminal(core, terminal_id, rng, link)
        self.merchant_id = merchant_id
        self.mcc = mcc
        self.designated = designated
        self.pin_pad = pin_pad
        self.batch_number = 1
        self._totals = BatchTotals(terminal_id, merchant_id, self.batch_number)

    @property
    def terminal_id(self) -> str:
        return self.terminal.terminal_id

    # Payments

    def purchase(self, card: EmulatedCard, amount: int, pin: str | None) -> Outcome:
        """Sell for ``amount`` fen by chip and PIN (消费)."""
        outcome = self._chip_request(Kind.PURCHASE, card, amount, pin, _PURCHASE_TYPE)
        if outcome.approved:
            self._totals.purchases += 1
            self._totals.purchase_amount += amount
        return outcome

    def build_purchase(self, card: EmulatedCard, amount: int, pin: str | None) -> Request:
        """Read the chip and build a purchase without sending it, for ``core.authorize_batch``."""
        pin_block = self.pin_pad.encrypt(pin, card.pan) if pin is not None else None
        return self.terminal.build_chip(
            Kind.PURCHASE, Channel.POS_CHIP, card, amount, pin_block, _PURCHASE_TYPE, merchant_id=self.merchant_id
        )

    def finish_purchase(self, request: Request, response: Response | None, card: EmulatedCard,
                        delivery: Delivery = Delivery.DELIVERED) -> Outcome:
        """Handle the core's response to a purchase from :meth:`build_purchase` (``None``: timed out)."""
        outcome = self.terminal.receive(request, response, delivery, card)
        self._count(outcome)
        if outcome.approved:
            self._totals.purchases += 1
            self._totals.purchase_amount += request.amount
        return outcome

    def preauthorize(self, card: EmulatedCard, amount: int, pin: str | None) -> Outcome:
        """Place a hold of ``amount`` fen on the card (预授权), as a hotel does at check-in."""
        return self._chip_request(Kind.PREAUTHORIZATION, card, amount, pin, _PREAUTHORIZATION_TYPE)

    # Follow-ups

    def void(self, original: Original | Outcome) -> Outcome:
        """Cancel a purchase of today in full (消费撤销)."""
        original = _original(original)
        outcome = self._follow_up(Kind.VOID, original, original.amount)
        if outcome.approved:
            self._totals.voids += 1
            self._totals.void_amount += original.amount
        return outcome

    def refund(self, original: Original | Outcome, amount: int) -> Outcome:
        """Give back ``amount`` fen of a purchase (退货); partial and repeated refunds are allowed."""
        outcome = self._follow_up(Kind.REFUND, _original(original), amount)
        if outcome.approved:
            self._totals.refunds += 1
            self._totals.refund_amount += amount
        return outcome

    def complete(self, original: Original | Outcome, amount: int) -> Outcome:
        """Charge ``amount`` fen of a pre-authorization and release the rest (预授权完成)."""
        outcome = self._follow_up(Kind.COMPLETION, _original(original), amount)
        if outcome.approved:
            self._totals.completions += 1
            self._totals.completion_amount += amount
        return outcome

    def cancel(self, original: Original | Outcome) -> Outcome:
        """Release a pre-authorization in full (预授权撤销)."""
        original = _original(original)
        return self._follow_up(Kind.CANCELLATION, original, original.amount)

    # Day end

    def settle(self) -> BatchTotals:
        """Close the batch: return its totals and start the next one."""
        self.terminal.flush_reversals()
        totals = self._totals
        self.batch_number += 1
        self._totals = BatchTotals(self.terminal_id, self.merchant_id, self.batch_number)
        return totals

    @property
    def totals(self) -> BatchTotals:
        """The totals of the open batch so far."""
        return self._totals

    # Private interface

    def _chip_request(self, kind: Kind, card: EmulatedCard, amount: int, pin: str | None, transaction_type: int) -> Outcome:
        pin_block = self.pin_pad.encrypt(pin, card.pan) if pin is not None else None
        outcome = self.terminal.send_chip(
            kind, Channel.POS_CHIP, card, amount, pin_block, transaction_type, merchant_id=self.merchant_id
        )
        self._count(outcome)
        return outcome

    def _follow_up(self, kind: Kind, original: Original, amount: int) -> Outcome:
        outcome = self.terminal.send_new(
            kind, Channel.POS_CHIP, original.pan, amount=amount, merchant_id=self.merchant_id,
            original_authorization_id=original.authorization_id,
        )
        self._count(outcome)
        return outcome

    def _count(self, outcome: Outcome) -> None:
        if outcome.timed_out:
            self._totals.timeouts += 1
        if outcome.reversal is not None and outcome.reversal.approved:
            self._totals.reversals += 1


def _original(value: Original | Outcome) -> Original:
    return value if isinstance(value, Original) else Original.of(value)

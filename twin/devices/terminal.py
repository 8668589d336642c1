"""What every device that talks to the authorization core shares.

A device builds a :class:`~twin.authorization.Request`, hands it to the core
through a :class:`Link`, and handles the response. The link is where the
simulation makes the network fail: it decides for each request whether it
arrives and whether its response comes back::

    DELIVERED       the core decides the request and the device gets the response
    REQUEST_LOST    the request never reaches the core
    RESPONSE_LOST   the core decides the request, but the response is lost

Either loss looks the same to the device: a timeout. A device that sent a
request which moves money then sends a reversal (冲正) naming the original's
STAN, because it never learnt the authorization id. When the request was lost
the core has no original and returns 25. When it was declined the core returns
12 (``original_declined``). Both settle the matter. A
reversal that is itself lost waits in the device's queue and goes out again
before the next request, as POS terminals do.

Follow-ups that return money (void, refund, cancellation of a pre-authorization)
are not reversed: a timed-out one is sent again with the same STAN, and the
core's duplicate detection returns the first response if there was one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from twin.authorization import (
    AccountType,
    AuthorizationCore,
    Channel,
    Kind,
    Request,
    Response,
    ResponseCode,
)
from twin.calendar import from_epoch_micros
from twin.devices.card import EmulatedCard

__all__ = [
    "Delivery",
    "Link",
    "Outcome",
    "StanCounter",
    "Terminal",
    "REVERSIBLE_KINDS",
    "always_delivered",
]

log = logging.getLogger(__name__)


class Delivery(StrEnum):
    """Fate of one request on its way to the core and back."""

    DELIVERED = "delivered"
    REQUEST_LOST = "request_lost"
    RESPONSE_LOST = "response_lost"


#: Decides the fate of each request; the simulation passes its own.
Link = Callable[[Request], Delivery]


def always_delivered(request: Request) -> Delivery:
    """Deliver every request and response: the default link."""
    return Delivery.DELIVERED


#: Kinds that a timed-out device undoes with a reversal.
REVERSIBLE_KINDS = frozenset(
    {
        Kind.PURCHASE,
        Kind.PREAUTHORIZATION,
        Kind.COMPLETION,
        Kind.WITHDRAWAL,
        Kind.DEPOSIT,
        Kind.TRANSFER,
        Kind.TRANSIT_TOPUP,
        Kind.ETC_TOLL,
    }
)

#: Kinds that a timed-out device sends again with the same STAN.
_RESENT_KINDS = frozenset({Kind.VOID, Kind.REFUND, Kind.CANCELLATION})

#: Responses to a reversal after which there is nothing left to undo: reversed,
#: never arrived (25), or declined in the first place (12 original_declined).
_REVERSAL_SETTLED = frozenset({ResponseCode.APPROVED, ResponseCode.ORIGINAL_NOT_FOUND})
_REVERSAL_SETTLED_REASONS = frozenset({"original_declined"})


@dataclass
class Outcome:
    """A device's record of one request and what came back.

    ``response`` is ``None`` when the request timed out. ``reversal`` is the
    response to the reversal the device sent after a timeout or a failed ARPC
    check, ``None`` if none was sent or it is still queued. ``card_accepted``
    is ``False`` when the chip rejected the issuer's ARPC.
    """

    request: Request
    response: Response | None
    delivery: Delivery = Delivery.DELIVERED
    reversal: Response | None = None
    card_accepted: bool | None = None
    attempts: int = 1

    @property
    def approved(self) -> bool:
        """True when the core approved, the device got the response and the card accepted it."""
        return self.response is not None and self.response.approved and self.card_accepted is not False

    @property
    def timed_out(self) -> bool:
        return self.response is None

    @property
    def code(self) -> str:
        """The response code, or ``"timeout"`` when no response arrived."""
        return self.response.code.value if self.response is not None else "timeout"


class StanCounter:
    """A terminal's system trace audit number: six digits, 000001 to 999999, then again from 000001."""

    __slots__ = ("value",)

    def __init__(self, last: int = 0) -> None:
        if not 0 <= last <= 999_999:
            raise ValueError(f"STAN {last} is out of range; it must be from 0 to 999999")
        self.value = last

    def next(self) -> str:
        self.value = self.value % 999_999 + 1
        return f"{self.value:06d}"


@dataclass
class Terminal:
    """The link to the core, the STAN counter and the reversal queue of one device.

    ``terminal_id`` is the 8-character ISO 8583 field 41. ``rng`` is the
    device's seeded stream for unpredictable numbers and PIN block fill.
    ``retries`` bounds how often a timed-out follow-up is sent again at once.
    """

    core: AuthorizationCore
    terminal_id: str
    rng: np.random.Generator
    link: Link = always_delivered
    stan: StanCounter = field(default_factory=StanCounter)
    retries: int = 3
    pending_reversals: list[Request] = field(default_factory=list)
    timeouts: int = 0

    def __post_init__(self) -> None:
        if len(self.terminal_id) != 8 or not self.terminal_id.isascii() or not self.terminal_id.isprintable():
            raise ValueError(f"terminal id {self.terminal_id!r} is invalid; it must be 8 printable ASCII characters")

    def now(self) -> dt.datetime:
        return from_epoch_micros(self.core.clock.now_micros())

    def unpredictable_number(self) -> bytes:
        return self.rng.bytes(4)

    def send(self, request: Request, card: EmulatedCard | None = None) -> Outcome:
        """Send ``request``, first clearing queued reversals, and handle the response.

        ``card`` is the chip that made the request's ARQC, which checks the ARPC.
        """
        self.flush_reversals()
        response, delivery = self._exchange(request)
        return self.receive(request, response, delivery, card)

    def receive(
        self,
        request: Request,
        response: Response | None,
        delivery: Delivery = Delivery.DELIVERED,
        card: EmulatedCard | None = None,
    ) -> Outcome:
        """Handle the response to a request this device sent, or its absence (``None``).

        A simulation that sends many devices' requests in one
        ``core.authorize_batch`` passes each response back here. A reversal or
        a second send of a follow-up recovers a timeout. An approval whose ARPC
        the chip rejects is declined at the device and reversed by its
        authorization id.
        """
        outcome = Outcome(request, response, delivery)
        if response is None:
            self.timeouts += 1
            if request.kind in _RESENT_KINDS:
                return self._resend(outcome)
            if request.kind in REVERSIBLE_KINDS:
                outcome.reversal = self.reverse(self._reversal_by_stan(request))
            return outcome
        if card is not None and request.chip is not None:
            outcome.card_accepted = response.arpc is not None and card.check_arpc(
                request.chip, response.code.value, response.arpc
            )
            if response.approved and not outcome.card_accepted and response.authorization_id:
                outcome.reversal = self.reverse(self.reversal_of(request, response.authorization_id))
        return outcome

    def build_chip(
        self,
        kind: Kind,
        channel: Channel,
        card: EmulatedCard,
        amount: int,
        pin_block: bytes | None,
        transaction_type: int,
        *,
        merchant_id: str = "",
        account: AccountType = AccountType.MAIN,
    ) -> Request:
        """Read an ARQC from ``card`` and build the request with the next STAN."""
        now = self.now()
        chip = card.generate_arqc(amount, now.date(), self.unpredictable_number(), transaction_type)
        return Request(
            kind, channel, card.pan, amount=amount, psn=card.psn, expiry=card.expiry,
            terminal_id=self.terminal_id, merchant_id=merchant_id, stan=self.stan.next(),
            local_time=now, pin_block=pin_block, chip=chip, account=account,
        )

    def send_chip(
        self,
        kind: Kind,
        channel: Channel,
        card: EmulatedCard,
        amount: int,
        pin_block: bytes | None,
        transaction_type: int,
        *,
        merchant_id: str = "",
        account: AccountType = AccountType.MAIN,
    ) -> Outcome:
        """Build a chip request, send it and let the chip check the ARPC."""
        request = self.build_chip(kind, channel, card, amount, pin_block, transaction_type,
                                  merchant_id=merchant_id, account=account)
        return self.send(request, card)

    def build_new(self, kind: Kind, channel: Channel, pan: str, **fields) -> Request:
        """Build a request without chip data, with this device's id, the next STAN and the time."""
        return Request(
            kind, channel, pan, terminal_id=self.terminal_id, stan=self.stan.next(), local_time=self.now(), **fields
        )

    def send_new(self, kind: Kind, channel: Channel, pan: str, **fields) -> Outcome:
        """Build a request without chip data and send it."""
        return self.send(self.build_new(kind, channel, pan, **fields))

    def reverse(self, reversal: Request) -> Response | None:
        """Send a reversal now; if it times out, queue it and return ``None``."""
        response, _ = self._exchange(reversal)
        if response is None:
            self.pending_reversals.append(reversal)
        elif response.code not in _REVERSAL_SETTLED and response.reason not in _REVERSAL_SETTLED_REASONS:
            log.warning("terminal %s: reversal returned %s (%s)", self.terminal_id, response.code.value, response.reason)
        return response

    def reversal_of(self, original: Request, authorization_id: str) -> Request:
        """Build the reversal of an approved request whose authorization id the device received."""
        return Request(
            Kind.REVERSAL, original.channel, original.pan, amount=original.amount, psn=original.psn,
            expiry=original.expiry, terminal_id=self.terminal_id, merchant_id=original.merchant_id,
            stan=self.stan.next(), local_time=self.now(), original_authorization_id=authorization_id,
        )

    def flush_reversals(self) -> list[Response]:
        """Send every queued reversal once; the ones that time out again stay queued."""
        queued, self.pending_reversals = self.pending_reversals, []
        responses = []
        for reversal in queued:
            response = self.reverse(reversal)
            if response is not None:
                responses.append(response)
        return responses

    # Private interface

    def _exchange(self, request: Request) -> tuple[Response | None, Delivery]:
        delivery = self.link(request)
        if delivery is Delivery.REQUEST_LOST:
            return None, delivery
        response = self.core.authorize(request)
        if delivery is Delivery.RESPONSE_LOST:
            return None, delivery
        return response, delivery

    def _reversal_by_stan(self, original: Request) -> Request:
        return Request(
            Kind.REVERSAL, original.channel, original.pan, amount=original.amount, psn=original.psn,
            expiry=original.expiry, terminal_id=self.terminal_id, merchant_id=original.merchant_id,
            stan=self.stan.next(), local_time=self.now(), original_stan=original.stan,
        )

    def _resend(self, outcome: Outcome) -> Outcome:
        request = outcome.request
        for _ in range(self.retries):
            outcome.attempts += 1
            response, delivery = self._exchange(request)
            if response is not None:
                outcome.response = response
                outcome.delivery = delivery
                return outcome
        log.warning("terminal %s: %s with STAN %s timed out %d times; giving up",
                    self.terminal_id, request.kind.value, request.stan, outcome.attempts)
        return outcome

"""The crowd's devices: they build each request as the terminal would and send it to the core.

A POS or ATM reads the member's chip for an ARQC and takes the PIN on its PIN
pad. Every terminal numbers its messages with its own STAN. A chip is
personalised on the member's first use of the card. What a chip remembers
between uses (the card it was written for, its ATC, its e-purse balance and
counter) lives in per-member arrays. :meth:`Terminals.chip` builds the chip
object from them for one use, and the ATC and purse are written back after it.

The link to the core may be slow or down (see :mod:`twin.sim.crowd.faults`).
When the simulated latency of a request passes :data:`RESPONSE_TIMEOUT_SECONDS`,
the core has decided the request but the terminal never receives the response.
The terminal treats the request as failed and, for a request that moves money,
sends a reversal (冲正) naming the original's STAN. A reversal that gets 91
(issuer unavailable) waits and goes out again until the core decides it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from twin.authorization import (
    AccountType,
    CardRecord,
    Channel,
    Kind,
    Request,
    Response,
    ResponseCode,
)
from twin.devices.card import EmulatedCard, PinPad
from twin.sim.requests import build_card_request, reversal_of

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["Terminals", "RESPONSE_TIMEOUT_SECONDS", "REVERSAL_RETRY_SECONDS"]


#: Seconds a terminal waits for the core's response before it gives up.
#: NOTE: a modelling estimate. Card switches act for a silent issuer after a
#: few seconds and terminals wait longer, so one short value covers both.
RESPONSE_TIMEOUT_SECONDS = 5.0

#: Seconds between two sends of a reversal that the core did not decide.
REVERSAL_RETRY_SECONDS = 60.0

#: Bytes of unpredictable numbers drawn at a time (1,024 numbers).
_UNPREDICTABLE_BLOCK = 4_096

#: Requests that a terminal undoes with a reversal when their response is lost.
_REVERSIBLE = frozenset(
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


class Terminals:
    """Sends the crowd's card requests through the real authorization core."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        keys = self.world.keys
        self.pin_pad = PinPad(keys.zone_pin_key, keys.algorithm, crowd.streams.stream("pin_pad"))
        self._unpredictable = crowd.streams.stream("unpredictable_number")
        self._unpredictable_block = b""
        self._unpredictable_at = 0
        count = crowd.state.count
        #: The PAN each member's chip was written for (0: no chip yet), and what the chip remembers.
        self._chip_pan = np.zeros(count, dtype=np.uint64)
        self._chip_atc = np.zeros(count, dtype=np.uint16)
        self._purse = np.zeros(count, dtype=np.int64)
        self._purse_counter = np.zeros(count, dtype=np.int32)
        self._stans: dict[str, int] = {}
        self._second = -1
        self._second_count = 0
        self._minute = -1
        self._minute_count = 0
        self.peak_per_second = 0
        self.peak_per_minute = 0

    # Chips

    def chip(self, member: int) -> EmulatedCard | None:
        """Return the chip of the member's current card, personalised on first use.

        The object is built for one use: what it changes is kept only once
        :meth:`keep_chip` writes it back.
        """
        card = self.world.issuer.card_of(self.crowd.state.member_id(member))
        if card is None:
            return None
        return self._chip(member, card)

    def _chip(self, member: int, card: CardRecord) -> EmulatedCard:
        """Return the chip of ``card``, the member's current card (see :meth:`chip`)."""
        pan = int(card.pan)
        # ndarray.item reads a Python number without building a numpy scalar first.
        written_for = self._chip_pan.item(member)
        if written_for != pan:
            if not written_for:
                # A new chip's purse starts at the wallet account's balance, since no fare is uncleared yet.
                self._purse[member] = self.world.ledger.account(card.accounts.transit_wallet).balance
            # A replacement card takes over the e-purse, as the wallet account moved with it.
            self._chip_pan[member] = pan
            self._chip_atc[member] = 0
            self._purse_counter[member] = 0
        keys = self.world.keys
        return EmulatedCard(card.pan, card.psn, card.expiry, self.world.issuer.card_key(card), keys.algorithm,
                            atc=self._chip_atc.item(member), purse_balance=self._purse.item(member),
                            purse_counter=self._purse_counter.item(member))

    def keep_chip(self, member: int, chip: EmulatedCard) -> None:
        """Write back what one use changed on the member's chip: its ATC and e-purse."""
        self._chip_atc[member] = chip.atc
        self._purse[member] = chip.purse_balance
        self._purse_counter[member] = chip.purse_counter

    def purse_balance(self, member: int) -> int:
        """Return the e-purse balance on the member's chip, personalising the chip if need be."""
        self.chip(member)
        return int(self._purse[member])

    def debit_purse(self, member: int, fare: int) -> None:
        """Take a fare from the member's e-purse offline (the caller has checked the balance)."""
        self._purse[member] -= fare
        self._purse_counter[member] += 1

    def load_purse(self, member: int, amount: int) -> None:
        """Add a top-up the issuer approved to the member's e-purse."""
        self._purse[member] += amount

    @property
    def chips(self) -> int:
        """Count the members whose chip has been personalised."""
        return int(np.count_nonzero(self._chip_pan))

    # Requests

    def send(self, member: int, kind: Kind, channel: Channel, terminal: str, *, amount: int = 0,
             merchant: str = "", pin: str | None = None, new_pin: str | None = None,
             account: AccountType = AccountType.MAIN, to_account: AccountType | None = None,
             original: str = "", designated: bool | None = None,
             card: CardRecord | None = None) -> Response | None:
        """Send one request for ``member`` and return the response, or None if it was lost.

        ``card`` is the member's current card, when the caller has just looked it up.
        """
        world = self.world
        if card is None:
            card = world.issuer.card_of(self.crowd.state.member_id(member))
            if card is None:
                return None
        now = world.now()
        # Mobile, WeChat and SMS requests come from the bank's own channels, with no terminal or STAN.
        stan = self._next_stan(terminal) if terminal else ""
        used: list[EmulatedCard] = []

        def read_chip() -> EmulatedCard:
            chip = self._chip(member, card)
            used.append(chip)
            return chip

        request = build_card_request(
            card, kind, channel, now,
            chip=read_chip,
            unpredictable_number=self._unpredictable_number,
            pin_pad=self.pin_pad,
            amount=amount, terminal=terminal, stan=stan, merchant=merchant, pin=pin, new_pin=new_pin,
            account=account, to_account=to_account, original=original,
        )
        for chip in used:
            self.keep_chip(member, chip)
        return self._deliver(request, self.crowd.city_name(member), designated)

    # Private interface

    def _deliver(self, request: Request, city: str, designated: bool | None) -> Response | None:
        self._count_load()
        latency = self.crowd.faults.latency_seconds(request)
        response = self.world.authorize(request, city, designated)
        if latency <= RESPONSE_TIMEOUT_SECONDS:
            return response

        # The core decided, but the response never reached the terminal.
        self.crowd.world.recorder.count("core_timeouts")
        if request.kind in _REVERSIBLE:
            self.world.env.process(self._reverse(request, city))
        return None

    def _reverse(self, original: Request, city: str):
        """Send a reversal for ``original`` once the terminal has timed out, again until the core decides it."""
        env = self.world.env
        recorder = self.world.recorder
        yield env.timeout(RESPONSE_TIMEOUT_SECONDS)
        reversal = reversal_of(original, self._next_stan(original.terminal_id), self.world.now())
        recorder.count("reversals_sent")
        while True:
            self._count_load()
            response = self.world.authorize(reversal, city, None)
            if response.code is not ResponseCode.ISSUER_UNAVAILABLE:
                return
            recorder.count("reversal_retries")
            yield env.timeout(REVERSAL_RETRY_SECONDS)
            reversal = _resent(reversal, self.world.now())

    def _unpredictable_number(self) -> bytes:
        """Return the next four bytes of the stream, drawn a block at a time.

        A block of n bytes contains the same bytes as n/4 draws of four, so the
        numbers do not depend on the block size.
        """
        if self._unpredictable_at >= len(self._unpredictable_block):
            self._unpredictable_block = self._unpredictable.bytes(_UNPREDICTABLE_BLOCK)
            self._unpredictable_at = 0
        at = self._unpredictable_at
        self._unpredictable_at = at + 4
        return self._unpredictable_block[at : at + 4]

    def _next_stan(self, terminal: str) -> str:
        value = self._stans.get(terminal, 0) % 999_999 + 1
        self._stans[terminal] = value
        return f"{value:06d}"

    def _count_load(self) -> None:
        now = self.world.env.now
        second = int(now)
        if second != self._second:
            self._second, self._second_count = second, 0
        self._second_count += 1
        self.peak_per_second = max(self.peak_per_second, self._second_count)
        minute = second // 60
        if minute != self._minute:
            self._minute, self._minute_count = minute, 0
        self._minute_count += 1
        self.peak_per_minute = max(self.peak_per_minute, self._minute_count)


def _resent(request: Request, now: dt.datetime) -> Request:
    """Return ``request`` as sent again: the same STAN, the terminal's time of the new send."""
    return replace(request, local_time=now)


# Terminal ids: eight characters, "C" for the crowd, a letter for the device, six digits.


def pos_terminal(merchant: int) -> str:
    return f"CP{merchant % 1_000_000:06d}"


def qr_terminal(merchant: int) -> str:
    return f"CQ{merchant % 1_000_000:06d}"


def atm_terminal(branch: int) -> str:
    return f"CA{branch:06d}"


def teller_terminal(branch: int) -> str:
    return f"CT{branch:06d}"


def counter_terminal(branch: int) -> str:
    return f"CC{branch:06d}"


def onsite_terminal(city: int) -> str:
    return f"CO{city:06d}"


def kiosk_terminal(county: int) -> str:
    return f"CK{county:06d}"


ETC_TERMINAL = "CE000001"

"""Nanchang transit: top-up kiosks, fare gates and the e-purse on the chip.

The money model: the card's transit wallet, an account in the ledger, contains the
money. The chip's e-purse mirrors it so that gates can take fares offline,
without asking the bank::

    top-up kiosk ──online──► core: main account → transit wallet (PIN)
                 └─────────► chip: purse_balance += amount
    gate         ──offline─► chip: purse_balance -= fare, purse_counter += 1
                 └─────────► fare record kept at the gate
    clearing     ──batch───► ledger: transit wallet → transit clearing (transit_fare)

So for each card the wallet's balance in the ledger equals the purse balance
plus the fares taken but not yet cleared. The purse is loaded only after the
core approved the top-up; a top-up whose response timed out is reversed and
never reaches the purse. Both the wallet (checked by the core) and the purse
stay within the cap, 1,000 yuan by default.

A gate refuses a card on its hotlist (lost, replaced or closed cards) and a
purse that does not cover the fare. A lost card's purse may still hold fares
that were not cleared when its wallet moved to the replacement; the clearing
then finds the old wallet closed and books the fare as an exception (see
:mod:`twin.devices.clearing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from twin.authorization import AuthorizationCore, Channel, Kind
from twin.calendar import from_epoch_micros
from twin.clock import Clock
from twin.devices.card import EmulatedCard, PinPad
from twin.devices.fares import FareRules, Mode, bus_fare, metro_fare, metro_full_fare
from twin.devices.terminal import Link, Outcome, Terminal, always_delivered

__all__ = ["ClearingBatch", "FareRecord", "TapResult", "TopupKiosk", "TransitGate"]


#: Every reason a gate gives for a tap.
TAP_REASONS = frozenset({"ok", "card_blocked", "purse_insufficient"})


class TopupKiosk:
    """A self-service kiosk that moves money from the main account to the transit wallet."""

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
        self.cap = core.issuer.settings.transit_wallet_cap

    def topup(self, card: EmulatedCard, amount: int, pin: str) -> Outcome:
        """Top up ``amount`` fen online, then load the same amount into the chip's purse."""
        outcome = self.terminal.send_new(
            Kind.TRANSIT_TOPUP, Channel.TRANSIT_KIOSK, card.pan, amount=amount, psn=card.psn,
            expiry=card.expiry, pin_block=self.pin_pad.encrypt(pin, card.pan),
        )
        if outcome.approved:
            card.load_purse(amount, self.cap)
        return outcome


@dataclass(frozen=True)
class FareRecord:
    """One offline fare taken by a gate, as uploaded for clearing."""

    gate_id: str
    pan: str = field(repr=False)  # card numbers stay out of logs
    purse_counter: int
    amount: int
    full_fare: int
    mode: Mode
    local_time: dt.datetime


@dataclass(frozen=True)
class TapResult:
    """Result of one tap: ``accepted`` with the fare charged, or the reason the gate rejected the card."""

    accepted: bool
    fare: int
    reason: str
    record: FareRecord | None = None


@dataclass(frozen=True)
class ClearingBatch:
    """Fare records uploaded together by one gate."""

    batch_id: str
    gate_id: str
    records: tuple[FareRecord, ...]

    @property
    def amount(self) -> int:
        return sum(record.amount for record in self.records)


@dataclass
class TransitGate:
    """A bus card reader or a metro exit gate, working offline.

    ``hotlist`` is the set of card numbers the gate refuses; the transit
    operator refreshes it from the bank's list of lost, replaced and closed cards.
    """

    gate_id: str
    mode: Mode
    city: str
    county: str
    clock: Clock
    rules: FareRules = field(default_factory=FareRules)
    hotlist: Collection[str] = frozenset()
    _records: list[FareRecord] = field(default_factory=list, init=False, repr=False)
    _batches: int = field(default=0, init=False, repr=False)

    def tap(self, card: EmulatedCard, distance_km: float | str | None = None) -> TapResult:
        """Take the fare from the card's purse; a metro ride needs its distance."""
        if self.mode is Mode.METRO:
            if distance_km is None:
                raise ValueError(f"gate {self.gate_id}: a metro fare needs the distance travelled in km")
            fare = metro_fare(distance_km, self.city, self.rules)
            full = metro_full_fare(distance_km, self.rules)
        else:
            fare = bus_fare(self.city, self.county, self.rules)
            full = self.rules.bus_base_fare
        if card.pan in self.hotlist:
            return TapResult(False, fare, "card_blocked")
        if card.purse_balance < fare:
            return TapResult(False, fare, "purse_insufficient")
        counter = card.debit_purse(fare)
        record = FareRecord(
            self.gate_id, card.pan, counter, fare, full, self.mode, from_epoch_micros(self.clock.now_micros())
        )
        self._records.append(record)
        return TapResult(True, fare, "ok", record)

    @property
    def pending(self) -> int:
        """Number of fare records not yet uploaded."""
        return len(self._records)

    @property
    def pending_amount(self) -> int:
        """Fen taken by the fare records not yet uploaded."""
        return sum(record.amount for record in self._records)

    def upload(self) -> ClearingBatch:
        """Hand over every record taken since the last upload as one clearing batch."""
        self._batches += 1
        batch = ClearingBatch(f"{self.gate_id}-{self._batches:06d}", self.gate_id, tuple(self._records))
        self._records = []
        return batch

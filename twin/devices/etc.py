"""ETC on the union card: OBU issuance at sign-up and tolls charged through ETC clearing.

A member with a family car can sign the Jiangxi expressway ETC (赣通卡) through
the card and gets an on-board unit (OBU) free of charge. The OBU is worth 300
yuan. The twin records that value as the programme's cost and charges no one.
Each member gets at most one OBU.

A lane reads the OBU's tag and reports the passage to the ETC centre, which
charges 95% of the toll to the card's main account (channel ``etc_clearing``,
no PIN, no chip). Lanes may read the same tag more than once as a car passes;
a read of the same tag on the same section within a short window (10 minutes
by default) is charged once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from twin.authorization import AuthorizationCore, CardStatus, Channel, Kind
from twin.devices.terminal import Link, Outcome, Terminal, always_delivered

__all__ = ["EtcCentre", "EtcLane", "Obu", "TollResult", "etc_toll"]

#: Value of one OBU in fen (300 yuan), given free at sign-up.
OBU_VALUE = 30_000


#: Every reason of a sign-up, and of a toll besides the core's own reasons.
SIGN_UP_REASONS = frozenset({"ok", "no_car", "obu_already_issued", "card_not_active"})
TOLL_REASONS = frozenset({"obu_unknown", "duplicate_read", "timeout"})


def etc_toll(toll: int, discount: Decimal = Decimal("0.95")) -> int:
    """Return what the card pays for a toll of ``toll`` fen: 95% by default, halves up."""
    return int((toll * discount).to_integral_value(ROUND_HALF_UP))


@dataclass(frozen=True)
class Obu:
    """An on-board unit bound to a member's card."""

    obu_id: str
    member: str
    pan: str = field(repr=False)  # card numbers stay out of logs
    issued_at: dt.datetime
    value: int = OBU_VALUE


@dataclass(frozen=True)
class TollResult:
    """One passage: the toll before and after the discount and what happened to it.

    ``duplicate`` is True for a repeated read that was not charged. ``outcome``
    is the core's response to a charge that was sent.
    """

    obu_id: str
    section: str
    toll: int
    charged: int
    duplicate: bool = False
    outcome: Outcome | None = None
    reason: str = "ok"

    @property
    def approved(self) -> bool:
        return self.duplicate or (self.outcome is not None and self.outcome.approved)


class EtcCentre:
    """The ETC centre's side of the card: sign-ups, OBUs and toll charges."""

    def __init__(
        self,
        core: AuthorizationCore,
        terminal_id: str,
        rng: np.random.Generator,
        link: Link = always_delivered,
        *,
        discount: Decimal = Decimal("0.95"),
        duplicate_window: dt.timedelta = dt.timedelta(minutes=10),
    ) -> None:
        self.terminal = Terminal(core, terminal_id, rng, link)
        self.issuer = core.issuer
        self.discount = discount
        self.duplicate_window = duplicate_window
        self._obus: dict[str, Obu] = {}
        self._obu_of_member: dict[str, str] = {}
        self._last_charge: dict[tuple[str, str], dt.datetime] = {}
        self.unpaid: list[TollResult] = []

    def sign_up(self, member: str, has_car: bool) -> tuple[Obu | None, str]:
        """Issue a free OBU to a member with a car and an active card; one per member."""
        if not has_car:
            return None, "no_car"
        if member in self._obu_of_member:
            return None, "obu_already_issued"
        card = self.issuer.card_of(member)
        if card is None or card.status is not CardStatus.ACTIVE:
            return None, "card_not_active"
        obu = Obu(f"3601{len(self._obus) + 1:012d}", member, card.pan, self.terminal.now())
        self._obus[obu.obu_id] = obu
        self._obu_of_member[member] = obu.obu_id
        return obu, "ok"

    def obu_of(self, member: str) -> Obu | None:
        obu_id = self._obu_of_member.get(member)
        return self._obus.get(obu_id) if obu_id else None

    def rebind(self, member: str) -> None:
        """Point the member's OBU at their current card, after a replacement."""
        obu = self.obu_of(member)
        card = self.issuer.card_of(member)
        if obu is not None and card is not None:
            self._obus[obu.obu_id] = Obu(obu.obu_id, obu.member, card.pan, obu.issued_at, obu.value)

    @property
    def obus_issued(self) -> int:
        return len(self._obus)

    @property
    def obu_value_issued(self) -> int:
        """Value of every OBU given away, in fen."""
        return sum(obu.value for obu in self._obus.values())

    def charge(self, obu_id: str, section: str, toll: int) -> TollResult:
        """Charge one passage of ``obu_id`` on ``section`` with a toll of ``toll`` fen."""
        obu = self._obus.get(obu_id)
        if obu is None:
            return TollResult(obu_id, section, toll, 0, reason="obu_unknown")
        now = self.terminal.now()
        last = self._last_charge.get((obu_id, section))
        if last is not None and now - last < self.duplicate_window:
            return TollResult(obu_id, section, toll, 0, duplicate=True, reason="duplicate_read")

        amount = etc_toll(toll, self.discount)
        outcome = self.terminal.send_new(Kind.ETC_TOLL, Channel.ETC_CLEARING, obu.pan, amount=amount)
        result = TollResult(obu_id, section, toll, amount if outcome.approved else 0, outcome=outcome,
                            reason=outcome.response.reason if outcome.response is not None else "timeout")
        # Any read that reached the centre opens the window, so a declined
        # toll is listed as unpaid once, not once per read.
        self._last_charge[(obu_id, section)] = now
        if not outcome.approved:
            self.unpaid.append(result)
        return result


class EtcLane:
    """One toll lane: reads OBU tags and reports passages to the centre."""

    def __init__(self, centre: EtcCentre, lane_id: str, section: str) -> None:
        self.centre = centre
        self.lane_id = lane_id
        self.section = section
        self.reads = 0

    def read(self, obu_id: str, toll: int) -> TollResult:
        self.reads += 1
        return self.centre.charge(obu_id, self.section, toll)

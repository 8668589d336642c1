"""Lost, replaced and closed cards.

Each day an active card is reported lost with :data:`LOSS_RATE_PER_YEAR` / 365
and its holder leaves the union (closing the card) with
:data:`CLOSURE_RATE_PER_YEAR` / 365. A member who lost the card goes to their
home branch 1 to :data:`REPLACEMENT_DELAY_DAYS` days later: with
:data:`REPLACED_SHARE` to collect a replacement card, which takes over every
balance and keeps the PIN, otherwise to close the card. Closing pays the main
account out and settles the welfare balance by the programme's
``closure_policy``.

NOTE: the three rates are modelling estimates; the programme publishes none.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from twin.sim.crowd.plan import Planned
from twin.sim.crowd.state import CardState

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["Lifecycle", "LOSS_RATE_PER_YEAR", "CLOSURE_RATE_PER_YEAR", "REPLACED_SHARE"]

LOSS_RATE_PER_YEAR = 0.02
CLOSURE_RATE_PER_YEAR = 0.005
REPLACED_SHARE = 0.9
REPLACEMENT_DELAY_DAYS = 5

_DAYTIME = (8 * 3600.0, 22 * 3600.0)


class Lifecycle:
    """Loss, replacement and closure of the crowd's cards."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        self.state = crowd.state
        self._rng = crowd.streams.stream("lifecycle")
        crowd.branches.on("replace", self._replace)
        crowd.branches.on("close", self._close)

    def plan_day(self, day: dt.date, first_second: float) -> list[Planned]:
        active = self.state.with_card(CardState.ACTIVE)
        draws = self._rng.random(len(active))
        lost = active[draws < LOSS_RATE_PER_YEAR / 365.0]
        leaving = active[(draws >= LOSS_RATE_PER_YEAR / 365.0)
                         & (draws < (LOSS_RATE_PER_YEAR + CLOSURE_RATE_PER_YEAR) / 365.0)]
        plans = []
        start, end = _DAYTIME
        if len(lost):
            times = np.maximum(start + self._rng.random(len(lost)) * (end - start), first_second)
            plans.append(Planned(times, lambda row: self.report_loss(int(lost[row]))))
        for member in leaving:
            self.crowd.branches.schedule(int(member), day, "close")
        return plans

    def report_loss(self, member: int) -> None:
        """Report the member's card lost (by phone or app) and plan their branch visit."""
        if self.state.card.item(member) != CardState.ACTIVE:
            return
        if self.world.issuer.report_loss(self.state.member_id(member)) != "ok":
            return
        self.state.card[member] = CardState.LOST
        self.world.recorder.count("cards_lost")
        delay = int(self._rng.integers(1, REPLACEMENT_DELAY_DAYS + 1))
        purpose = "replace" if self._rng.random() < REPLACED_SHARE else "close"
        self.crowd.branches.schedule(member, self.world.now().date() + dt.timedelta(days=delay), purpose)

    # Branch visits

    def _replace(self, member: int, branch: int, desk: str) -> None:
        if self.state.card.item(member) != CardState.LOST:
            return
        card, reason = self.world.issuer.replace_card(self.state.member_id(member), pin=self.state.pin(member))
        if card is None:
            self.world.recorder.count(f"replacements_failed_{reason}")
            return
        self.state.card[member] = CardState.ACTIVE
        self.world.recorder.count("cards_replaced")

    def _close(self, member: int, branch: int, desk: str) -> None:
        if self.state.card.item(member) not in (CardState.ACTIVE, CardState.LOST):
            return
        reason = self.world.close_card(self.state.member_id(member), self.crowd.city_name(member))
        if reason != "ok":
            self.world.recorder.count(f"closures_failed_{reason}")
            return
        # A lost card was active before it was lost, so the city's count of active cards drops too.
        self.state.card[member] = CardState.CLOSED
        self.world.recorder.card_closed(self.crowd.city_name(member), was_active=True)
        self.crowd.registry.close_card(np.array([member]))
        self.world.recorder.count("cards_closed")

"""ETC (赣通卡) through the card: sign-up with a free OBU, then expressway tolls at 95%.

Only members whose household owns a car sign up, with the scenario's
``etc.uptake``. A member signs on a day drawn from an exponential delay of
mean :data:`SIGNUP_DELAY_DAYS` after the card became active, and gets an OBU. A signed member with an active card pays
Poisson ``tolls_per_month`` tolls (spread evenly over the year), each a
log-normal toll times the programme's ETC discount, cleared from the main
account through the ETC clearing channel (no PIN, no chip).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import numpy as np

from twin.authorization import Channel, Kind
from twin.sim.crowd.plan import DAY_SECONDS, Planned
from twin.sim.crowd.state import CardState
from twin.sim.crowd.terminals import ETC_TERMINAL

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["Etc", "SIGNUP_DELAY_DAYS"]

#: Mean days between a card becoming active and its holder signing ETC.
#: NOTE: a modelling estimate.
SIGNUP_DELAY_DAYS = 30.0

_DAYS_PER_MONTH = 365.0 / 12.0


class Etc:
    """ETC sign-ups and tolls of the crowd."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        self.state = crowd.state
        self.behaviour = crowd.scenario.behaviour.etc
        self.discount = Decimal(crowd.scenario.programme.etc.discount)
        self._rng = crowd.streams.stream("etc")
        self._signups: dict[dt.date, list[int]] = defaultdict(list)

    def card_activated(self, member: int, before_run: bool) -> None:
        """Decide whether a member who just activated signs ETC, and when."""
        if not self.crowd.province.members.car_owner[member] or self._rng.random() >= self.behaviour.uptake:
            return
        # At least a day later: today's sign-ups are already planned.
        delay = max(1, int(self._rng.exponential(SIGNUP_DELAY_DAYS)))
        if before_run:
            self.state.etc[member] = True
        else:
            self._signups[self.world.now().date() + dt.timedelta(days=delay)].append(member)

    def sign_up(self, member: int) -> None:
        if self.state.etc[member] or not self.crowd.province.members.car_owner[member]:
            return
        self.state.etc[member] = True
        self.world.recorder.count("etc_signups")
        self.world.recorder.count("obu_issued")

    # The day

    def plan_day(self, day: dt.date, first_second: float) -> list[Planned]:
        plans = []
        signups = self._signups.pop(day, [])
        if signups:
            times = np.maximum(9 * 3600.0 + self._rng.random(len(signups)) * 8 * 3600.0, first_second)
            plans.append(Planned(times, lambda row: self.sign_up(signups[row])))

        drivers = np.flatnonzero(self.state.etc & (self.state.card == CardState.ACTIVE))
        counts = self._rng.poisson(self.behaviour.tolls_per_month / _DAYS_PER_MONTH, len(drivers))
        payers = np.repeat(drivers, counts)
        if len(payers):
            times = self._rng.random(len(payers)) * DAY_SECONDS
            spec = self.behaviour.toll
            tolls = np.maximum(1, np.rint(spec.median * np.exp(spec.sigma * self._rng.standard_normal(len(payers)))))
            keep = times >= first_second
            payers, times, tolls = payers[keep], times[keep], tolls[keep].astype(np.int64)
            plans.append(Planned(times, lambda row: self.toll(int(payers[row]), int(tolls[row]))))
        return plans

    def toll(self, member: int, toll: int) -> None:
        """Clear one toll: the toll before the discount in fen, charged at the programme's ETC rate."""
        if self.state.card.item(member) != CardState.ACTIVE:
            return
        charged = int((Decimal(toll) * self.discount).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        response = self.crowd.terminals.send(member, Kind.ETC_TOLL, Channel.ETC_CLEARING, ETC_TERMINAL,
                                             amount=max(1, charged))
        if response is not None and not response.approved:
            self.world.recorder.count("etc_tolls_unpaid")

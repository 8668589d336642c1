"""The member app (赣工惠): registrations, daily use and flash sales.

Members who use a smartphone (the population's ``app_user``) register over
the run with the scenario's ``app.registration``, each on a day drawn
uniformly from the run. The app checks the real-name registry: a recorded
member gets the member zone, anyone else the public zone only. Each day
``daily_active`` of the registered members open the app.

A flash sale opens at its moment. Then ``participation`` of the members in
the member zone try to buy within the first minute, most of them in the
first seconds (exponential, mean :data:`FLASH_SALE_MEAN_SECONDS`). The sale's
``items`` are a full-scale count, so a sampled run offers ``items`` times the
scale (at least one), and the first that many tries get an order. A buyer
with an active card pays by QR code at a cinema, through the core, and others
pay another way. The peak of tries in one second is kept.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np

from twin.authorization import Channel, Kind
from twin.calendar import to_local
from twin.sim.crowd.plan import Planned
from twin.sim.crowd.state import CardState
from twin.sim.crowd.terminals import qr_terminal

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["App", "FLASH_SALE_MEAN_SECONDS"]

#: Mean seconds after a flash sale opens at which a member tries to buy.
#: NOTE: a modelling estimate; flash sales sell out in seconds.
FLASH_SALE_MEAN_SECONDS = 8.0

_REGISTRATION_HOURS = (8 * 3600.0, 22 * 3600.0)


class App:
    """Registrations, sessions and flash sales of the member app."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        self.state = crowd.state
        self.behaviour = crowd.scenario.behaviour.app
        self._rng = crowd.streams.stream("app")
        self.peak_tries_per_second = 0

        # Who registers, and on which day of the run.
        start = crowd.scenario.start.date()
        days = max(1, (crowd.scenario.end.date() - start).days + 1)
        users = np.flatnonzero(crowd.province.members.app_user)
        registering = users[self._rng.random(len(users)) < self.behaviour.registration]
        offsets = self._rng.integers(0, days, len(registering))
        order = np.argsort(offsets, kind="stable")
        self._first_day = start
        self._registering = registering[order]
        self._offsets = offsets[order]

    # The day

    def plan_day(self, day: dt.date, first_second: float) -> list[Planned]:
        plans = []
        offset = (day - self._first_day).days
        low, high = np.searchsorted(self._offsets, [offset, offset + 1])
        if high > low:
            todays = self._registering[low:high]
            start, end = _REGISTRATION_HOURS
            times = np.maximum(start + self._rng.random(len(todays)) * (end - start), first_second)
            plans.append(Planned(times, lambda row: self.register(int(todays[row]))))

        registered = int(self.state.app.sum())
        if registered:
            self.world.recorder.count("app_sessions", int(self._rng.binomial(registered, self.behaviour.daily_active)))

        for sale in self.crowd.scenario.behaviour.flash_sales:
            if to_local(sale.at).date() == day:
                plan = self._plan_sale(sale, first_second)
                if plan is not None:
                    plans.append(plan)
        return plans

    def register(self, member: int) -> None:
        if self.state.app[member]:
            return
        self.state.app[member] = True
        if self.crowd.registry.is_enrolled(member):
            self.world.recorder.count("app_registrations")
        else:
            self.world.recorder.count("app_public_registrations")

    # Private interface

    def _plan_sale(self, sale, first_second: float) -> Planned | None:
        """Draw the tries of a flash sale; return the QR payments of the orders that card holders make."""
        recorder = self.world.recorder
        moment = to_local(sale.at)
        opens = moment.hour * 3600.0 + moment.minute * 60.0 + moment.second
        if opens < first_second:
            return None
        member_zone = np.flatnonzero(self.state.app & self.crowd.registry.is_enrolled(np.arange(self.state.count)))
        trying = member_zone[self._rng.random(len(member_zone)) < sale.participation]
        if not len(trying):
            return None
        delays = np.minimum(self._rng.exponential(FLASH_SALE_MEAN_SECONDS, len(trying)), 59.999)
        order = np.argsort(delays, kind="stable")
        trying, delays = trying[order], delays[order]
        per_second = np.bincount(delays.astype(np.int64))
        self.peak_tries_per_second = max(self.peak_tries_per_second, int(per_second.max()))
        recorder.count("flash_sale_tries", len(trying))

        items = max(1, math.ceil(sale.items * self.crowd.scale))
        buyers, moments = trying[:items], opens + delays[:items]
        recorder.count("flash_sale_orders", len(buyers))
        if len(trying) > items:
            recorder.count("flash_sales_sold_out")
        sellers = self.crowd.merchants.ticket_sellers
        picks = self._rng.integers(0, len(sellers), len(buyers))

        def pay(row: int) -> None:
            member = int(buyers[row])
            if self.state.card.item(member) != CardState.ACTIVE:
                recorder.count("flash_sale_orders_paid_otherwise")
                return
            merchant = int(sellers[picks[row]])
            self.crowd.terminals.send(member, Kind.PURCHASE, Channel.QR, qr_terminal(merchant), amount=sale.price,
                                      merchant=self.crowd.merchants.ids[merchant],
                                      designated=bool(self.crowd.merchants.designated[merchant]))

        return Planned(moments, pay)

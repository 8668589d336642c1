"""The synthetic crowd: the whole province's behaviour, driving the real issuer, core and ledger.

:class:`Crowd` draws the province (members, unions, branches, merchants) at the
run's scale, opens the unions and merchants at the bank, and replays what
waves that started before the run have done. Then it plays each local day.
Every activity draws its day's events in numpy, and the events run in time
order as SimPy processes (see :mod:`twin.sim.crowd.plan`). Only what contends for a
resource is a process of its own: a branch visit queues for a desk, a union
waits for an on-site team. Every card request goes through ``world.authorize``.

Members live in numpy arrays (:class:`CrowdState`); no per-member Python object
exists except the issuer's records and ledger accounts of members who hold a
card, and the chips of members who used one.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from twin.authorization import CardRecord
from twin.calendar import to_local
from twin.population import build_province
from twin.sim.crowd.app import App
from twin.sim.crowd.branches import BranchNetwork
from twin.sim.crowd.etc import Etc
from twin.sim.crowd.faults import Faults
from twin.sim.crowd.history import load_history
from twin.sim.crowd.lifecycle import Lifecycle
from twin.sim.crowd.params import population_params
from twin.sim.crowd.plan import play_day
from twin.sim.crowd.rollout import Rollout
from twin.sim.crowd.setup import MerchantDirectory, add_merchants, fund_unions_yearly, open_unions
from twin.sim.crowd.spending import Spending
from twin.sim.crowd.state import CardState, CrowdState
from twin.sim.crowd.terminals import Terminals
from twin.sim.crowd.transit import Transit
from twin.sim.crowd.welfare import Welfare
from twin.sim.world import World

__all__ = ["Crowd"]

log = logging.getLogger(__name__)


class Crowd:
    """The province's members, unions, branches and merchants at ``scale``, acting on ``world``."""

    def __init__(self, world: World, scale: float) -> None:
        started = time.perf_counter()
        self.world = world
        self.scenario = world.scenario
        self.scale = scale
        self.streams = world.streams.child("crowd")
        params = population_params(self.scenario.province, scale, self.scenario.start.date())
        self.province = build_province(params, world.seed)
        self.registry = self.province.registry()
        self.state = CrowdState(self.province, self.streams.key64("pins"))
        self._city_names = [city.name for city in self.province.division.cities]
        self._enrolments: dict[dt.date, list[np.ndarray]] = defaultdict(list)
        # A script's steps are traced one by one, so only runs with a crowd add a sample of requests.
        world.recorder.sample_authorizations = True

        self.faults = Faults(self)
        self.terminals = Terminals(self)
        self.branches = BranchNetwork(self)
        self.merchants = MerchantDirectory(self)
        self.welfare = Welfare(self)
        self.rollout = Rollout(self)
        self.spending = Spending(self)
        self.transit = Transit(self)
        self.etc = Etc(self)
        self.app = App(self)
        self.lifecycle = Lifecycle(self)
        # In this order each day: applications and files before visits and card use.
        self._activities = (self.rollout, self.welfare, self.branches, self.spending, self.transit, self.etc,
                            self.app, self.lifecycle)
        log.info("crowd of %d members drawn in %.2f s", self.state.count, time.perf_counter() - started)

    def start(self) -> None:
        """Open the province at the bank, replay the rollout before the run, and start the days."""
        started = time.perf_counter()
        world = self.world
        with world.ledger.batch():
            self._add_members()
            open_unions(self)
            add_merchants(self, self.merchants)
            load_history(self)
        self.faults.start()
        world.env.process(fund_unions_yearly(self))
        world.env.process(self._run_days())
        log.info("crowd opened at the bank in %.2f s", time.perf_counter() - started)

    def summary(self) -> dict:
        """Return the crowd's figures for ``metrics.json``: sizes, waves and simulated peaks."""
        province = self.province
        state = self.state
        waves = {}
        for index, wave in enumerate(self.rollout.waves):
            members = state.wave == index
            holding = members & np.isin(state.card, (CardState.INACTIVE, CardState.ACTIVE, CardState.LOST))
            active = members & (state.card == CardState.ACTIVE)
            count = int(members.sum())
            waves[wave.name] = {
                "unions": int((self.rollout.union_wave == index).sum()),
                "members": count,
                "cards": int(holding.sum()),
                "active": int(active.sum()),
                "coverage": round(int(holding.sum()) / count, 6) if count else 0.0,
            }
        return {
            "scale": self.scale,
            "members": state.count,
            "enrolled": self.registry.enrolled_count,
            "unions": len(province.unions.grassroots),
            "branches": len(province.branches),
            "merchants": len(province.merchants),
            "designated_merchants": int(province.merchants.designated.sum()),
            "waves": waves,
            "cards_active": int((state.card == CardState.ACTIVE).sum()),
            "welfare_accounts": int(state.welfare.sum()),
            "transit_riders": int(state.transit.sum()),
            "etc_signed": int(state.etc.sum()),
            "app_registered": int(state.app.sum()),
            "chips_personalised": self.terminals.chips,
            "peak_requests_per_second": self.terminals.peak_per_second,
            "peak_requests_per_minute": self.terminals.peak_per_minute,
            "flash_sale_peak_tries_per_second": self.app.peak_tries_per_second,
            "slow_latency_ms": self.faults.latency_summary(),
            "branch_visits_pending": self.branches.pending(),
        }

    # Lookups for the activities

    def card(self, member: int) -> CardRecord | None:
        return self.world.issuer.card_of(self.state.member_id(member))

    def city_name(self, member: int) -> str:
        return self._city_names[int(self.province.members.city[member])]

    def city_of_branch(self, branch: int) -> str:
        return self._city_names[int(self.province.branches.city[branch])]

    def union_city(self, union: int) -> int:
        """Return the city of a union: its own, or where most of its members live for a province-wide unit."""
        city = int(self.province.unions.grassroots.city[union])
        if city >= 0:
            return city
        members = self.province.members_of_union(union)
        return int(np.bincount(self.province.members.city[members]).argmax())

    def count_per_city(self, members: np.ndarray, record: Callable[[str, int], None]) -> None:
        """Call ``record(city, count)`` for each city of ``members``."""
        if not len(members):
            return
        counts = np.bincount(self.province.members.city[members], minlength=len(self._city_names))
        for city in np.flatnonzero(counts):
            record(self._city_names[city], int(counts[city]))

    # Events that several activities share

    def card_activated(self, member: int, branch: int | None, before_run: bool = False) -> None:
        """Act on a card that has just become active: the first deposit, transit and ETC decisions."""
        self.spending.first_deposit(member, branch, before_run)
        self.transit.card_activated(member, before_run)
        self.etc.card_activated(member, before_run)

    def enrol_later(self, members: np.ndarray, day: dt.date) -> None:
        """Record ``members`` in the real-name registry on ``day``, as their union does."""
        if day < self.world.now().date():
            self._enrol(members)
        else:
            self._enrolments[day].append(members)

    # Private interface

    def _add_members(self) -> None:
        members = self.province.members
        counts = np.bincount(members.city, minlength=len(self._city_names))
        enrolled = np.bincount(members.city[members.enrolled], minlength=len(self._city_names))
        for city, name in enumerate(self._city_names):
            self.world.recorder.add_members(name, int(counts[city]), enrolled=int(enrolled[city]))

    def _enrol(self, members: np.ndarray) -> None:
        members = members[~self.registry.is_enrolled(members)]
        self.registry.enrol(members)
        self.count_per_city(members, lambda city, count: self.world.recorder.enrolled(city, count))

    def _run_days(self):
        """SimPy process: plan and play each local day, from the run's first moment on."""
        world = self.world
        env = world.env
        while True:
            day = world.now().date()
            day_start = world.clock.at(to_local(dt.datetime.combine(day, dt.time())))
            first_second = env.now - day_start
            for members in self._enrolments.pop(day, []):
                self._enrol(members)
            batches = []
            for activity in self._activities:
                batches.extend(activity.plan_day(day, first_second))
            yield from play_day(env, day_start, batches)
            next_day = world.clock.at(to_local(dt.datetime.combine(day + dt.timedelta(days=1), dt.time())))
            yield env.timeout(next_day - env.now)

"""Rollout waves: applications, card production, hand-out and activation.

Each grassroots union belongs to the first wave, in file order, whose selectors
name it (see :mod:`twin.sim.crowd.selectors`). In a wave each member wants a
card with the wave's ``target_coverage``. Of those, ``individual_share`` go to
a branch counter on their own (individual issuance: the card is active at
once). A share :data:`OLD_CARD_SHARE` already hold an older union card
(普惠龙卡), which the bank upgrades to the programme's functions in the back
office. The rest come in their union's batch application.

A batch application goes in on a working day drawn uniformly from the wave's
start to :data:`APPLICATION_MARGIN_DAYS` before its end. The real-name registry
checks the roster: a member not recorded there is rejected, and the union
records them and applies for them again :data:`ENROLMENT_WORKING_DAYS` later.
The bank makes the cards in 5 to 7 Chinese working days (the programme's
``card_production_working_days``), opens the welfare accounts from the same
roster, and the union's agent collects the cards 0 to 2 working days after.

Of the cards handed out, ``activation.share`` are ever activated. In a union of
at least ``onsite_min_members`` members, ``activation.onsite_share`` of those
are activated by the city's on-site team (a SimPy resource: the union waits
for a free team, which then activates ``onsite_activations_per_day`` members a
working day). Everyone else goes to their home branch after an exponential
delay around ``activation.mean_delay_days`` and activates at a counter or a
smart teller. An upgraded card is active at once: its holder keeps the PIN
they had.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
import simpy

from twin.authorization import CardStatus, Channel, Kind
from twin.calendar import add_working_days, is_working_day, next_working_day, to_local
from twin.ledger import AccountClass
from twin.population import CardRequestResult
from twin.sim.crowd.branches import TELLER
from twin.sim.crowd.plan import Planned
from twin.sim.crowd.selectors import select_any
from twin.sim.crowd.state import CardState
from twin.sim.crowd.terminals import counter_terminal, onsite_terminal, teller_terminal

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["Rollout", "Route", "OLD_CARD_SHARE", "APPLICATION_MARGIN_DAYS", "ENROLMENT_WORKING_DAYS"]

log = logging.getLogger(__name__)

#: Share of the members who want a card that already hold an older union card.
#: NOTE: a modelling estimate; no published figure for the 普惠龙卡 base was found.
OLD_CARD_SHARE = 0.05

#: Unions apply no later than this many days before their wave's end, so that
#: production and collection fit inside the wave.
APPLICATION_MARGIN_DAYS = 21

#: Working days a union takes to record rejected members in the real-name registry.
ENROLMENT_WORKING_DAYS = 10

#: Working days between a batch being ready and the union's agent collecting it.
COLLECTION_WORKING_DAYS = (0, 2)

#: Local time batch cards come out of production, and the time the agent hands them out.
READY_AT = dt.time(8, 30)
HANDED_OUT_AT = dt.time(16, 0)

#: On-site teams work from 09:00 for eight hours.
_ONSITE_START = dt.time(9, 0)
_ONSITE_HOURS = 8.0


class Route(IntEnum):
    """The way a member of a wave gets their card."""

    NONE = 0
    BATCH = 1
    INDIVIDUAL = 2
    UPGRADE = 3


class Rollout:
    """The waves of the scenario, run against the issuer."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        self.state = crowd.state
        self.waves = crowd.scenario.rollout
        province = crowd.province
        grassroots = province.unions.grassroots
        self.production_rng = crowd.streams.stream("rollout/production")
        self._activation = crowd.streams.stream("rollout/activation")

        # Waves of unions and members.
        self.union_wave = np.full(len(grassroots), -1, dtype=np.int16)
        for index, wave in enumerate(self.waves):
            chosen = select_any(province, wave.units) & (self.union_wave < 0)
            self.union_wave[chosen] = index
        self.state.wave[:] = self.union_wave[province.members.union]
        self.route = self._draw_routes()

        # When each union applies, and when each individual goes to the branch.
        self.applications: dict[dt.date, list[tuple[int, np.ndarray | None]]] = defaultdict(list)
        self._draw_application_days()
        self._teams = {
            city: simpy.Resource(self.world.env, capacity=crowd.scenario.province.branches.onsite_teams_per_city)
            for city in range(len(province.division.cities))
        } if crowd.scenario.province.branches.onsite_teams_per_city > 0 else {}
        crowd.branches.on("activate", self._activate_at_branch)
        crowd.branches.on("issue", self._issue_at_branch)

    # The day's applications

    def plan_day(self, day: dt.date, first_second: float) -> list[Planned]:
        applications = self.applications.pop(day, [])
        if not applications:
            return []
        hours = self.crowd.scenario.province.branches
        opens = hours.opens.hour * 3600 + hours.opens.minute * 60
        closes = hours.closes.hour * 3600 + hours.closes.minute * 60
        times = opens + self.production_rng.random(len(applications)) * (closes - opens)
        times = np.maximum(times, first_second)

        def apply(row: int) -> None:
            union, members = applications[row]
            self.apply_batch(union, members)

        return [Planned(times, apply)]

    def apply_batch(self, union: int, members: np.ndarray | None = None) -> None:
        """Submit a union's batch application; ``members`` defaults to those who want a batch card."""
        state = self.state
        if members is None:
            members = self.roster(union)
        members = members[state.card[members] == CardState.NONE]
        if not len(members):
            return
        recorder = self.world.recorder
        recorder.count("batch_applications")

        # Real-name check: members not in the registry are rejected and applied for again later.
        results = self.crowd.registry.issue_card(members)
        accepted = members[results == CardRequestResult.ok]
        rejected = members[results == CardRequestResult.not_enrolled]
        if len(rejected):
            recorder.count("realname_rejected", len(rejected))
            later = add_working_days(self.world.now().date(), ENROLMENT_WORKING_DAYS)
            self.applications[later].append((union, rejected))
            self.crowd.enrol_later(rejected, later)
        if not len(accepted):
            return
        state.card[accepted] = CardState.APPLIED
        ready = self.ready_day(self.world.now().date())
        self.world.env.process(self.produce(union, accepted, ready))

    def ready_day(self, applied: dt.date) -> dt.date:
        """Return the working day a batch applied for on ``applied`` comes out of production."""
        days = self.crowd.scenario.programme.card_production_working_days
        return add_working_days(applied, int(self.production_rng.integers(days.min, days.max + 1)))

    def handed_out_day(self, ready: dt.date) -> dt.date:
        low, high = COLLECTION_WORKING_DAYS
        return add_working_days(ready, int(self.production_rng.integers(low, high + 1)))

    # Production and hand-out

    def produce(self, union: int, members: np.ndarray, ready: dt.date):
        """SimPy process: make the batch's cards, open its welfare accounts, hand the cards out."""
        world = self.world
        yield world.env.timeout(world.clock.seconds_until(to_local(dt.datetime.combine(ready, READY_AT))))
        upgrades = members[self.route[members] == Route.UPGRADE]
        batch = members[self.route[members] != Route.UPGRADE]
        self.issue_batch_cards(batch)
        for member in upgrades:
            self.issue_active_card(int(member))
            world.recorder.count("cards_upgraded")
            self.crowd.card_activated(int(member), branch=None)
        self.crowd.welfare.open_accounts(members)
        yield from self.hand_out(union, batch, self.handed_out_day(ready))

    def hand_out(self, union: int, batch: np.ndarray, handed_out: dt.date):
        """SimPy process: the union's agent hands the cards out, and their holders plan activation."""
        world = self.world
        yield world.env.timeout(world.clock.seconds_until(to_local(dt.datetime.combine(handed_out, HANDED_OUT_AT))))
        self.state.card[batch] = CardState.INACTIVE
        self.plan_activations(union, batch, handed_out)

    def issue_batch_cards(self, members: np.ndarray) -> None:
        """Issue batch cards (inactive, initial PIN) and count them per city."""
        issuer = self.world.issuer
        classes = self.crowd.province.members.account_class
        for member in members:
            member = int(member)
            issuer.issue_card(self.state.member_id(member), _account_class(classes[member]), batch=True)
        self.crowd.count_per_city(members, lambda city, count: self.world.recorder.card_issued(city, count))

    def issue_active_card(self, member: int) -> None:
        """Issue a card that is active at once with the member's PIN (individual issuance, upgrade)."""
        account_class = _account_class(self.crowd.province.members.account_class[member])
        card, reason = self.world.issuer.issue_card(self.state.member_id(member), account_class, batch=False,
                                                    pin=self.state.pin(member))
        if card is None:
            log.warning("member %d got no card: %s", member, reason)
            return
        self.state.card[member] = CardState.ACTIVE
        self.world.recorder.card_issued(self.crowd.city_name(member), active=True)

    def draw_activations(self, union: int, members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return who of ``members`` activates, whether on site (bool each), and their delay in days."""
        behaviour = self.crowd.scenario.behaviour.activation
        rng = self._activation
        activating = members[rng.random(len(members)) < behaviour.share]
        onsite = np.zeros(len(activating), dtype=bool)
        if self._onsite_union(union) and self.crowd.union_city(union) in self._teams:
            onsite = rng.random(len(activating)) < behaviour.onsite_share
        delays = np.rint(rng.exponential(behaviour.mean_delay_days, len(activating))).astype(np.int64)
        return activating, onsite, delays

    def plan_activations(self, union: int, members: np.ndarray, handed_out: dt.date) -> None:
        """Decide who activates, where and when, for cards handed out on ``handed_out``."""
        activating, onsite, delays = self.draw_activations(union, members)
        if onsite.any():
            self.world.env.process(self.visit_onsite(activating[onsite], self.crowd.union_city(union)))
        branches = self.crowd.branches
        for member, delay in zip(activating[~onsite], delays[~onsite], strict=True):
            branches.schedule(int(member), handed_out + dt.timedelta(days=int(delay)), "activate")

    # Activation

    def visit_onsite(self, members: np.ndarray, city: int, not_before: dt.datetime | None = None):
        """SimPy process: the union waits for a team of its city, which activates members on site."""
        world = self.world
        if not_before is not None:
            yield world.env.timeout(world.clock.seconds_until(not_before))
        per_day = self.crowd.scenario.province.branches.onsite_activations_per_day
        with self._teams[city].request() as request:
            yield request
            world.recorder.count("onsite_visits")
            day = next_working_day(world.now().date())
            for first in range(0, len(members), per_day):
                todays = members[first:first + per_day]
                start = to_local(dt.datetime.combine(day, _ONSITE_START))
                yield world.env.timeout(world.clock.seconds_until(start))
                spacing = _ONSITE_HOURS * 3600.0 / len(todays)
                for member in todays:
                    yield world.env.timeout(spacing)
                    self.activate(int(member), Channel.ONSITE, onsite_terminal(city), branch=None)
                day = next_working_day(day)

    def _activate_at_branch(self, member: int, branch: int, desk: str) -> None:
        if desk == TELLER:
            self.activate(member, Channel.SMART_TELLER, teller_terminal(branch), branch)
        else:
            self.activate(member, Channel.COUNTER, counter_terminal(branch), branch)

    def activate(self, member: int, channel: Channel, terminal: str, branch: int | None) -> None:
        """Activate the member's batch card: the initial PIN, then the member's own."""
        if self.state.card.item(member) != CardState.INACTIVE:
            return
        initial = self.crowd.scenario.programme.initial_pin
        self.crowd.terminals.send(member, Kind.ACTIVATION, channel, terminal, pin=initial,
                                  new_pin=self.state.pin(member))
        card = self.world.issuer.card_of(self.state.member_id(member))
        if card is not None and card.status is CardStatus.ACTIVE:
            self.state.card[member] = CardState.ACTIVE
            self.crowd.card_activated(member, branch)

    def _issue_at_branch(self, member: int, branch: int, desk: str) -> None:
        """Individual issuance at the counter: real-name check, then a card active at once."""
        if self.state.card.item(member) != CardState.NONE:
            return
        result = self.crowd.registry.issue_card(np.array([member]))[0]
        if result != CardRequestResult.ok:
            self.world.recorder.count("realname_rejected")
            return
        self.issue_active_card(member)
        self.world.recorder.count("cards_issued_individually")
        self.crowd.card_activated(member, branch)

    # Private interface

    def roster(self, union: int) -> np.ndarray:
        """Return the members of ``union`` who want a card through its batch application."""
        members = self.crowd.province.members_of_union(union)
        route = self.route[members]
        return members[(route == Route.BATCH) | (route == Route.UPGRADE)]

    def _onsite_union(self, union: int) -> bool:
        size = int(self.crowd.province.unions.grassroots.size[union])
        return size >= self.crowd.scenario.province.branches.onsite_min_members

    def _draw_routes(self) -> np.ndarray:
        rng = self.crowd.streams.stream("rollout/routes")
        count = self.state.count
        route = np.zeros(count, dtype=np.int8)
        in_wave = np.flatnonzero(self.state.wave >= 0)
        targets = np.array([wave.target_coverage for wave in self.waves] or [0.0])
        individual = np.array([wave.individual_share for wave in self.waves] or [0.0])
        wave = self.state.wave[in_wave]
        wants = rng.random(len(in_wave)) < targets[wave]
        alone = rng.random(len(in_wave)) < individual[wave]
        upgrade = rng.random(len(in_wave)) < OLD_CARD_SHARE
        route[in_wave[wants]] = Route.BATCH
        route[in_wave[wants & upgrade]] = Route.UPGRADE
        route[in_wave[wants & alone]] = Route.INDIVIDUAL
        return route

    def _draw_application_days(self) -> None:
        """Give each union of a wave its application day, and each individual their branch day."""
        rng = self.crowd.streams.stream("rollout/days")
        for index, wave in enumerate(self.waves):
            last = max(wave.start, wave.end - dt.timedelta(days=APPLICATION_MARGIN_DAYS))
            working = _working_days(wave.start, last)
            unions = np.flatnonzero(self.union_wave == index)
            picks = rng.integers(0, len(working), len(unions))
            for union, pick in zip(unions, picks, strict=True):
                self.applications[working[int(pick)]].append((int(union), None))

            individuals = np.flatnonzero((self.route == Route.INDIVIDUAL) & (self.state.wave == index))
            span = (wave.end - wave.start).days + 1
            offsets = rng.integers(0, span, len(individuals))
            for member, offset in zip(individuals, offsets, strict=True):
                self.crowd.branches.schedule(int(member), wave.start + dt.timedelta(days=int(offset)), "issue")


def _working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    day = first
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days or [next_working_day(first - dt.timedelta(days=1))]


def _account_class(value: int) -> AccountClass:
    return AccountClass.I if int(value) == 1 else AccountClass.II

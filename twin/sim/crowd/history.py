"""The rollout before the run: what waves that started earlier have done by its first moment.

A wave may start before the run. Its unions that applied before the run's
first day are played forward here with the same draws as in the run, but
without simulated time. Cards whose production ended are issued. Those
activated by then are issued active with the member's PIN, because their
activation is not replayed through the core. The rest wait, inactive, for
their activation in the run. Batches still in production, hand-outs, on-site visits and branch
visits that fall on or after the first day are left to the run. Members who
went to a branch for an individual card before the run hold it, active.

Counts of events (applications, rejections, sign-ups) cover the run only;
the stocks of cards the history leaves are recorded as the run's first figures.
Members active at the start hold what they put on the card (see
:meth:`Spending.first_deposit`), use the services they chose at activation,
and have no spending history: the ledger starts with their opening balances.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from twin.calendar import add_working_days, to_local
from twin.population import CardRequestResult
from twin.sim.crowd.rollout import ENROLMENT_WORKING_DAYS, HANDED_OUT_AT, Route
from twin.sim.crowd.state import CardState

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["load_history", "ONSITE_LAG_WORKING_DAYS"]

#: Working days between a hand-out and the on-site team's visit, before the run.
#: NOTE: a modelling estimate used in place of the teams' queue, which is not replayed.
ONSITE_LAG_WORKING_DAYS = (1, 10)


def load_history(crowd: Crowd) -> None:
    """Bring the crowd to the state the waves reached before the run's first day."""
    rollout = crowd.rollout
    first_day = crowd.world.now().date()
    while True:
        past = sorted(day for day in rollout.applications if day < first_day)
        if not past:
            break
        day = past[0]
        for union, members in rollout.applications.pop(day):
            _apply(crowd, day, union, members, first_day)
    for member, purpose in crowd.branches.take_due_before(first_day):
        if purpose == "issue":
            _issue_individually(crowd, member)
        else:
            crowd.branches.schedule(member, first_day, purpose)


def _apply(crowd: Crowd, day: dt.date, union: int, members: np.ndarray | None, first_day: dt.date) -> None:
    rollout = crowd.rollout
    state = crowd.state
    if members is None:
        members = rollout.roster(union)
    members = members[state.card[members] == CardState.NONE]
    if not len(members):
        return
    results = crowd.registry.issue_card(members)
    accepted = members[results == CardRequestResult.ok]
    rejected = members[results == CardRequestResult.not_enrolled]
    if len(rejected):
        later = add_working_days(day, ENROLMENT_WORKING_DAYS)
        rollout.applications[later].append((union, rejected))
        crowd.enrol_later(rejected, later)
    if not len(accepted):
        return

    state.card[accepted] = CardState.APPLIED
    ready = rollout.ready_day(day)
    if ready >= first_day:
        crowd.world.env.process(rollout.produce(union, accepted, ready))
        return
    upgrades = accepted[rollout.route[accepted] == Route.UPGRADE]
    batch = accepted[rollout.route[accepted] != Route.UPGRADE]
    for member in upgrades:
        member = int(member)
        rollout.issue_active_card(member)
        crowd.card_activated(member, branch=None, before_run=True)
    handed_out = rollout.handed_out_day(ready)
    if handed_out >= first_day:
        rollout.issue_batch_cards(batch)
        crowd.welfare.open_accounts(accepted, count=False)
        crowd.world.env.process(rollout.hand_out(union, batch, handed_out))
        return
    _activate_before(crowd, union, batch, handed_out, first_day)
    crowd.welfare.open_accounts(accepted, count=False)


def _activate_before(crowd: Crowd, union: int, batch: np.ndarray, handed_out: dt.date, first_day: dt.date) -> None:
    """Issue a handed-out batch: active if its holder activated before the run, else inactive and planned."""
    rollout = crowd.rollout
    activating, onsite, delays = rollout.draw_activations(union, batch)
    low, high = ONSITE_LAG_WORKING_DAYS
    activation_day = {}
    for member, on_site, delay in zip(activating, onsite, delays, strict=True):
        if on_site:
            lag = int(rollout.production_rng.integers(low, high + 1))
            activation_day[int(member)] = (add_working_days(handed_out, lag), True)
        else:
            activation_day[int(member)] = (handed_out + dt.timedelta(days=int(delay)), False)

    before = {member for member, (day, _) in activation_day.items() if day < first_day}
    active = [int(member) for member in batch if int(member) in before]
    waiting = np.array([int(member) for member in batch if int(member) not in before], dtype=np.int64)
    for member in active:
        rollout.issue_active_card(member)
        crowd.card_activated(member, branch=None, before_run=True)
    rollout.issue_batch_cards(waiting)
    crowd.state.card[waiting] = CardState.INACTIVE

    onsite_later = []
    for member in waiting:
        planned = activation_day.get(int(member))
        if planned is None:
            continue
        day, on_site = planned
        if on_site:
            onsite_later.append(int(member))
        else:
            crowd.branches.schedule(int(member), day, "activate")
    if onsite_later:
        start = to_local(dt.datetime.combine(first_day, HANDED_OUT_AT))
        crowd.world.env.process(rollout.visit_onsite(np.array(onsite_later), crowd.union_city(union), start))


def _issue_individually(crowd: Crowd, member: int) -> None:
    if crowd.state.card.item(member) != CardState.NONE:
        return
    if crowd.registry.issue_card(np.array([member]))[0] != CardRequestResult.ok:
        return
    crowd.rollout.issue_active_card(member)
    crowd.card_activated(member, branch=None, before_run=True)

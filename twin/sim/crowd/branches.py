"""Branch counters and smart tellers, where members queue to be served.

Each province branch has its counters and smart tellers as SimPy resources,
made when a member first comes. A member goes to their home branch, a branch
of their county picked by a keyed hash so that it stays the same all run.
Branches open on Chinese working days (make-up weekend days included), and the
branches marked ``open_rest_days`` on every day, within their opening hours.

Activities hand the network a visit for a day and a purpose (``activate``,
``issue``, ``replace``, ``close``). On that day the member arrives at a time
drawn within the opening hours and waits for a free desk. Service takes an
exponential time around the scenario's ``service_minutes``. The purpose's
handler runs when service ends, and the wait is recorded. A visit due on a day
the branch does not open moves to its next open day; a visit that finds the
branch shut by a fault is postponed the same way and counted.

NOTE: the branch network is physical and not scaled with the members, so in a
sampled run desks are seldom busy and waits stay near zero. Queue figures
mean something only near full scale.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import simpy

from twin.calendar import is_working_day
from twin.population import counter_hash
from twin.sim.crowd.plan import Planned

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["BranchNetwork", "COUNTER", "TELLER"]

COUNTER = "counter"
TELLER = "teller"

#: Smart tellers per branch, and the share of activations members do at one
#: when the branch has them. NOTE: modelling estimates; the population model
#: does not count tellers.
TELLERS_PER_BRANCH = 2
TELLER_SHARE = 0.4
#: A smart teller serves in this fraction of the counter's mean time.
TELLER_TIME_FACTOR = 0.5

#: Handler of a visit: called with the member, the branch and the desk when service ends.
Handler = Callable[[int, int, str], None]


class BranchNetwork:
    """The province's branches as queues."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        self.branches = crowd.province.branches
        self.service_minutes = crowd.scenario.province.branches.service_minutes
        self._arrivals = crowd.streams.stream("branches/arrivals")
        self._service = crowd.streams.stream("branches/service")
        self._home_key = crowd.streams.key64("branches/home")
        self._counters: dict[int, simpy.Resource] = {}
        self._tellers: dict[int, simpy.Resource] = {}
        self._handlers: dict[str, Handler] = {}
        self._due: dict[dt.date, list[tuple[int, str]]] = defaultdict(list)
        self._planned_through: dt.date | None = None
        county_count = len(crowd.province.division.counties)
        self._in_county = [np.flatnonzero(self.branches.county == county) for county in range(county_count)]
        self.visits = 0

    def on(self, purpose: str, handler: Handler) -> None:
        """Register what happens when a visit for ``purpose`` is served."""
        self._handlers[purpose] = handler

    def schedule(self, member: int, day: dt.date, purpose: str) -> None:
        """Plan a visit of ``member`` to their home branch on ``day`` (or its next open day).

        A visit for a day whose arrivals are already planned moves to the day after.
        """
        if self._planned_through is not None and day <= self._planned_through:
            day = self._planned_through + dt.timedelta(days=1)
        self._due[day].append((member, purpose))

    def take_due_before(self, day: dt.date) -> list[tuple[int, str]]:
        """Remove and return the visits due before ``day`` (for the history before the run)."""
        taken = []
        for due in sorted(d for d in self._due if d < day):
            taken.extend(self._due.pop(due))
        return taken

    def pending(self) -> int:
        """Return the number of visits planned and not yet made."""
        return sum(len(visits) for visits in self._due.values())

    def overdue(self, day: dt.date) -> int:
        """Return the number of visits still planned for a day before ``day`` (0 while the days run)."""
        return sum(len(visits) for due, visits in self._due.items() if due < day)

    # Branch facts

    def home_branch(self, member: int) -> int:
        county = int(self.crowd.province.members.county[member])
        branches = self._in_county[county]
        return int(branches[int(counter_hash(self._home_key, member)) % len(branches)])

    def opens_on(self, branch: int, day: dt.date) -> bool:
        """Tell whether ``branch`` opens on ``day`` by its calendar (faults aside)."""
        return bool(self.branches.open_rest_days[branch]) or is_working_day(day)

    def next_open_day(self, branch: int, day: dt.date) -> dt.date:
        """Return the first day after ``day`` that ``branch`` opens."""
        day += dt.timedelta(days=1)
        while not self.opens_on(branch, day):
            day += dt.timedelta(days=1)
        return day

    # The day's visits

    def plan_day(self, day: dt.date, first_second: float) -> list[Planned]:
        """Return the arrivals of the visits due today at branches that open today."""
        due = self._due.pop(day, [])
        self._planned_through = day
        members, purposes, branches, times = [], [], [], []
        for member, purpose in due:
            branch = self.home_branch(member)
            opens = int(self.branches.opens_minute[branch]) * 60
            closes = int(self.branches.closes_minute[branch]) * 60
            if not self.opens_on(branch, day) or first_second >= closes:
                self.schedule(member, self.next_open_day(branch, day), purpose)
                continue
            start = max(opens, first_second)
            members.append(member)
            purposes.append(purpose)
            branches.append(branch)
            times.append(start + self._arrivals.random() * (closes - start))
        if not members:
            return []

        def arrive(row: int) -> None:
            self.world.env.process(self._visit(members[row], branches[row], purposes[row]))

        return [Planned(np.array(times), arrive)]

    # Private interface

    def _visit(self, member: int, branch: int, purpose: str):
        """A member at the branch: queue, service, then the purpose's handler."""
        env = self.world.env
        recorder = self.world.recorder
        today = self.world.now().date()
        if self.crowd.faults.branch_closed(branch, self.world.now()):
            recorder.count("branch_visits_postponed")
            self.schedule(member, self.next_open_day(branch, today), purpose)
            return

        desk = TELLER if purpose == "activate" and self._service.random() < TELLER_SHARE else COUNTER
        resource = self._desk(branch, desk)
        mean = self.service_minutes * (TELLER_TIME_FACTOR if desk == TELLER else 1.0)
        service = float(self._service.exponential(mean * 60.0))
        arrived = env.now
        with resource.request() as request:
            yield request
            waited = env.now - arrived
            yield env.timeout(service)
            self._handlers[purpose](member, branch, desk)
        self.visits += 1
        recorder.branch_visit(self.crowd.city_of_branch(branch), waited / 60.0)

    def _desk(self, branch: int, desk: str) -> simpy.Resource:
        pool = self._tellers if desk == TELLER else self._counters
        resource = pool.get(branch)
        if resource is None:
            capacity = TELLERS_PER_BRANCH if desk == TELLER else int(self.branches.counters[branch])
            resource = simpy.Resource(self.world.env, capacity=capacity)
            pool[branch] = resource
        return resource

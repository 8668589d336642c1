"""Faults of the scenario as the crowd meets them.

The world's :class:`~twin.sim.faults.FaultSchedule` switches the core off for
``core_unavailable`` windows (the switch returns 91 and reverses the requests
afterwards) and reports which branches ``branch_closed`` shuts. On top of it:

``core_slow``         each crowd request in the window gets a simulated latency,
                      log-normal around the window's median; one past the
                      terminal's timeout loses its response (see
                      :mod:`twin.sim.crowd.terminals`).
``branch_closed``     visits due at a shut branch wait for its next open day; the
                      branch-days lost are counted once at the start.
``duplicate_file``    the rules :mod:`twin.sim.crowd.welfare` reads, by union.

Latencies are simulated figures drawn from a named stream, never measured,
so they are the same in every run of a scenario and seed.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np

from twin.authorization import Request
from twin.calendar import is_working_day, to_local
from twin.scenario.faults import DuplicateFile
from twin.sim.crowd.selectors import select_unions

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["Faults", "SLOW_LATENCY_SIGMA"]


#: Spread (sigma of the underlying normal) of latencies in a slow window.
#: NOTE: a modelling estimate; a congested system has a long tail.
SLOW_LATENCY_SIGMA = 1.0


class Faults:
    """The scenario's faults, looked up by the crowd's activities."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        self.spec = crowd.scenario.faults
        self._latency = crowd.streams.stream("faults/latency")
        #: Simulated latencies of requests in slow windows, in milliseconds.
        self.latencies_ms: list[float] = []
        province = crowd.province
        county_names = [county.name for county in province.division.counties]
        self._closed_counties = [
            (window, county_names.index(window.county))
            for window in self.spec.branch_closed
            if window.county is not None and window.county in county_names
        ]
        self._duplicates = [(rule, select_unions(province, rule.union)) for rule in self.spec.duplicate_file]
        self._county_names = county_names

    def start(self) -> None:
        """Count the branch-days that closures take away."""
        self.world.recorder.count("branch_closed_days", self._closed_branch_days())

    # Lookups

    def latency_seconds(self, request: Request) -> float:
        """Return the simulated extra latency of ``request`` sent now (0 outside slow windows)."""
        median = self.world.faults.core_latency_ms(self.world.now())
        if median <= 0:
            return 0.0
        latency = float(median * math.exp(SLOW_LATENCY_SIGMA * self._latency.standard_normal()))
        self.latencies_ms.append(latency)
        return latency / 1000.0

    def branch_closed(self, branch: int, moment: dt.datetime) -> bool:
        """Tell whether province branch ``branch`` is shut by a fault at ``moment``."""
        county = self._county_names[int(self.crowd.province.branches.county[branch])]
        return self.world.faults.branch_closed(None, county, moment)

    def duplicate_rule(self, union: int, festival: str) -> DuplicateFile | None:
        """Return the duplicate-file fault that applies to ``union`` at ``festival``, if any."""
        for rule, mask in self._duplicates:
            if rule.festival == festival and mask[union]:
                return rule
        return None

    def latency_summary(self) -> dict[str, float | int]:
        values = np.array(self.latencies_ms)
        if not len(values):
            return {"requests": 0, "p50": 0.0, "p99": 0.0, "max": 0.0}
        return {
            "requests": len(values),
            "p50": round(float(np.percentile(values, 50)), 3),
            "p99": round(float(np.percentile(values, 99)), 3),
            "max": round(float(values.max()), 3),
        }

    # Private interface

    def _closed_branch_days(self) -> int:
        """Count branch-days lost to closures: days a closed branch would otherwise have opened."""
        branches = self.crowd.province.branches
        total = 0
        for window, county in self._closed_counties:
            for branch in np.flatnonzero(branches.county == county):
                total += _open_days_in(window.from_, window.to, bool(branches.open_rest_days[branch]))
        for window in self.spec.branch_closed:
            if window.branch is not None:
                total += _open_days_in(window.from_, window.to, open_rest_days=False)
        return total


def _open_days_in(start: dt.datetime, end: dt.datetime, open_rest_days: bool) -> int:
    day = to_local(start).date()
    last = (to_local(end) - dt.timedelta(microseconds=1)).date()
    days = 0
    while day <= last:
        if open_rest_days or is_working_day(day):
            days += 1
        day += dt.timedelta(days=1)
    return days

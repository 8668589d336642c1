"""Faults injected into a run: branch closures, a slow core, a core that does not answer.

:class:`FaultSchedule` turns the scenario's ``faults`` section into SimPy
processes and lookups that the script and the crowd both use:

- while a ``core_unavailable`` window is open the core is switched off and the
  switch answers 91 (issuer unavailable) on its behalf; terminals keep a
  reversal for each request that timed out and send it when the core is back;
- ``core_slow`` windows add simulated latency to each request, recorded as data;
- ``branch_closed`` windows close one branch or every branch of a county.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twin.sim.world import World

__all__ = ["FaultSchedule"]

log = logging.getLogger(__name__)


class FaultSchedule:
    """The scenario's faults, for the run's processes to ask about and to act on."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.faults = world.scenario.faults
        self._waiting_reversals: list[Callable[[], None]] = []

    def start(self) -> None:
        for window in self.faults.core_unavailable:
            self.world.env.process(self._core_outage(window.from_, window.to))

    # Lookups

    def branch_closed(self, branch_id: str | None, county: str | None, moment: dt.datetime) -> bool:
        """Tell whether the branch (by id, or any branch of ``county``) is closed at ``moment``."""
        for window in self.faults.branch_closed:
            if not window.covers(moment):
                continue
            if window.branch is not None and window.branch == branch_id:
                return True
            if window.county is not None and window.county == county:
                return True
        return False

    def core_latency_ms(self, moment: dt.datetime) -> float:
        """Return the extra latency of the core at ``moment``, in simulated milliseconds."""
        return sum(window.latency_ms for window in self.faults.core_slow if window.covers(moment))

    def core_available(self) -> bool:
        return self.world.core.available

    @property
    def waiting_reversals(self) -> int:
        """Reversals kept until the core answers again."""
        return len(self._waiting_reversals)

    def queue_reversal(self, send: Callable[[], None]) -> None:
        """Keep a terminal's reversal until the core answers again (store and forward)."""
        self._waiting_reversals.append(send)

    # Processes

    def _core_outage(self, start: dt.datetime, end: dt.datetime):
        world = self.world
        yield world.env.timeout(world.clock.seconds_until(start))
        world.core.available = False
        world.recorder.event(world.now(), "fault", fault="core_unavailable", state="start")
        log.info("core unavailable from %s", world.now().isoformat())
        yield world.env.timeout(world.clock.seconds_until(end))
        world.core.available = True
        world.recorder.event(world.now(), "fault", fault="core_unavailable", state="end")
        waiting, self._waiting_reversals = self._waiting_reversals, []
        for send in waiting:
            send()
        log.info("core available again at %s; %d reversals sent", world.now().isoformat(), len(waiting))

"""The simulation's clock: ``env.now`` in seconds since the scenario's start."""

from __future__ import annotations

import datetime as dt

import simpy

from twin.calendar import epoch_micros, from_epoch_micros

__all__ = ["SimClock"]


class SimClock:
    """Reads simulated time for the ledger and the core (they never see simpy)."""

    def __init__(self, env: simpy.Environment, start: dt.datetime) -> None:
        self.env = env
        self.start = start
        self._start_micros = epoch_micros(start)

    def now_micros(self) -> int:
        return self._start_micros + round(self.env.now * 1_000_000)

    def now(self) -> dt.datetime:
        return from_epoch_micros(self.now_micros())

    def seconds_until(self, moment: dt.datetime) -> float:
        """Return simulated seconds from now until ``moment`` (zero if it has passed)."""
        return max(0.0, (epoch_micros(moment) - self.now_micros()) / 1_000_000)

    def at(self, moment: dt.datetime) -> float:
        """Return the ``env.now`` value of ``moment``."""
        return (epoch_micros(moment) - self._start_micros) / 1_000_000

"""The simulation's clock: ``env.now`` in seconds since the scenario's start."""

from __future__ import annotations

import datetime as dt

import simpy

from twin.calendar import epoch_micros, from_epoch_micros

__all__ = ["SimClock"]


class SimClock:
    """Reads simulated time for the ledger and the core (they never see simpy).

    Many requests are decided at one simulated moment, and each reads the clock
    several times, so the last moment read is kept with its microseconds and
    its datetime.
    """

    def __init__(self, env: simpy.Environment, start: dt.datetime) -> None:
        self.env = env
        self.start = start
        self._start_micros = epoch_micros(start)
        self._seconds = 0.0
        self._micros = self._start_micros
        self._moment: dt.datetime | None = None

    def now_micros(self) -> int:
        seconds = self.env.now
        if seconds != self._seconds:
            self._seconds = seconds
            self._micros = self._start_micros + round(seconds * 1_000_000)
            self._moment = None
        return self._micros

    def now(self) -> dt.datetime:
        micros = self.now_micros()
        moment = self._moment
        if moment is None:
            moment = self._moment = from_epoch_micros(micros)
        return moment

    def seconds_until(self, moment: dt.datetime) -> float:
        """Return simulated seconds from now until ``moment`` (zero if it has passed)."""
        return max(0.0, (epoch_micros(moment) - self.now_micros()) / 1_000_000)

    def at(self, moment: dt.datetime) -> float:
        """Return the ``env.now`` value of ``moment``."""
        return (epoch_micros(moment) - self._start_micros) / 1_000_000

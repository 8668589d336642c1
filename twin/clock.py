"""Clocks that tell the ledger and the authorization core what time it is.

The core never reads the wall clock or the simulation directly: it asks a clock
object. In the simulation the clock reads ``env.now``; in a server it reads the
wall clock; tests move a :class:`ManualClock` by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from twin.calendar import epoch_micros, from_epoch_micros, local_now, to_local

__all__ = ["Clock", "WallClock", "ManualClock"]


class Clock(Protocol):
    """Anything that returns the current time as epoch microseconds."""

    def now_micros(self) -> int: ...


class WallClock:
    """The real time of day, for a core that serves real requests."""

    def now_micros(self) -> int:
        return epoch_micros(local_now())


class ManualClock:
    """A clock that moves only when told to, for tests and scripted runs."""

    def __init__(self, start: dt.datetime) -> None:
        self._micros = epoch_micros(to_local(start))

    def now_micros(self) -> int:
        return self._micros

    def now(self) -> dt.datetime:
        return from_epoch_micros(self._micros)

    def set(self, moment: dt.datetime) -> None:
        self._micros = epoch_micros(to_local(moment))

    def advance(self, **delta: float) -> None:
        """Move forward by a :class:`datetime.timedelta` given as keywords."""
        step = dt.timedelta(**delta)
        if step < dt.timedelta(0):
            raise ValueError(f"cannot move a clock backwards by {step}")
        self._micros += int(step.total_seconds() * 1_000_000)

"""Play, pause, single step and speed for a run that goes on in another thread.

A live run calls :meth:`RunGate.pass_day` from its worker thread at the end of
every simulated day (from the engine's progress callback). The UI thread sets
the gate: paused, one more day, a speed in days per second, or stopped. The
gate paces with the wall clock, which only decides how fast the run is shown;
nothing simulated reads it.
"""

from __future__ import annotations

import threading
import time

from twin.sim.interrupts import RunStopped

__all__ = ["RunCancelled", "RunGate", "SPEEDS", "speed_label"]

#: Speeds offered, in simulated days per second of wall time; None runs as fast as possible.
SPEEDS: tuple[int | None, ...] = (1, 2, 5, 10, 30, None)


def speed_label(speed: int | None) -> str:
    return "max" if speed is None else f"{speed}x"


class RunCancelled(RunStopped):
    """Raised in the run's thread to stop it at a day boundary.

    It is a :class:`~twin.sim.interrupts.RunStopped` because the engine treats
    one as an interruption: it audits the ledger and writes the run folder
    marked ``interrupted``.
    """


class RunGate:
    """Holds a worker thread at day boundaries according to what the UI asks."""

    def __init__(self, speed: int | None = None, *, paused: bool = False) -> None:
        self._condition = threading.Condition()
        self._paused = paused
        self._allowance = 0
        self._cancelled = False
        self._speed = speed
        self._last_pass: float | None = None
        self.days_passed = 0

    # Set from the UI thread

    def pause(self) -> None:
        with self._condition:
            self._paused = True

    def resume(self) -> None:
        with self._condition:
            self._paused = False
            self._condition.notify_all()

    def step(self) -> None:
        """Let one more day pass while paused."""
        with self._condition:
            self._paused = True
            self._allowance += 1
            self._condition.notify_all()

    def cancel(self) -> None:
        with self._condition:
            self._cancelled = True
            self._condition.notify_all()

    def set_speed(self, speed: int | None) -> None:
        with self._condition:
            self._speed = speed
            self._condition.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def speed(self) -> int | None:
        return self._speed

    # Called in the worker thread

    def pass_day(self) -> None:
        """Return when the next day may run; raise :class:`RunCancelled` once stopped."""
        with self._condition:
            self._wait_for_pace()
            while self._paused and self._allowance == 0 and not self._cancelled:
                self._condition.wait()
            if self._cancelled:
                raise RunCancelled
            if self._paused:
                self._allowance -= 1
            self.days_passed += 1
            self._last_pass = time.monotonic()

    def _wait_for_pace(self) -> None:
        while not self._cancelled and self._speed is not None and self._last_pass is not None:
            remaining = self._last_pass + 1.0 / self._speed - time.monotonic()
            if remaining <= 0 or self._paused:
                return
            self._condition.wait(remaining)

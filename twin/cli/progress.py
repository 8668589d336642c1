"""The progress bar of ``twin run``, on standard error.

On a terminal one line is redrawn in place (with ``\\r``) at most ten times a
second. Elsewhere (CI logs, a pipe) a line is written each time the run passes
another tenth of its simulated time, or after a minute without one, so that
logs stay short. Each line shows the simulated date, the share of simulated time
done, the authorizations so far with their rate per wall-clock second, the
authorizations of the last simulated day (the load on the core in the
model), and the speed in simulated days per wall-clock second.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from typing import TextIO

from twin.cli.console import display_width
from twin.i18n import t
from twin.sim.engine import Progress

__all__ = ["ProgressBar"]

_BAR_WIDTH = 20
_REDRAW_SECONDS = 0.1
_LOG_SECONDS = 60.0


class ProgressBar:
    """A callback for :func:`twin.sim.engine.run_scenario` that draws the run's progress."""

    def __init__(
        self,
        stream: TextIO,
        lang: str,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.lang = lang
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock
        self.started = clock()
        self._last_drawn = float("-inf")
        self._last_tenth = -1
        self._previous: Progress | None = None
        self._last_day = 0
        self._drawn_width = 0
        self._latest: Progress | None = None

    def __call__(self, progress: Progress) -> None:
        self._update_rate(progress)
        self._latest = progress
        now = self.clock()
        if self.tty:
            if now - self._last_drawn >= _REDRAW_SECONDS or progress.fraction >= 1.0:
                self._redraw(self.describe(progress, now))
                self._last_drawn = now
            return
        tenth = int(progress.fraction * 10)
        if tenth > self._last_tenth or now - self._last_drawn >= _LOG_SECONDS:
            self.stream.write(self.describe(progress, now) + "\n")
            self.stream.flush()
            self._last_tenth = tenth
            self._last_drawn = now

    def finish(self) -> None:
        """End the progress line (on a terminal, after drawing the final state)."""
        if self.tty and self._latest is not None:
            self._redraw(self.describe(self._latest, self.clock()))
            self.stream.write("\n")
            self.stream.flush()

    def describe(self, progress: Progress, now: float) -> str:
        """Return one progress line for ``progress`` at wall-clock time ``now``."""
        wall = max(now - self.started, 1e-9)
        simulated_days = (progress.now - progress.start).total_seconds() / 86_400
        done = progress.fraction
        text = t(
            "cli.progress.line",
            self.lang,
            date=progress.now.strftime("%Y-%m-%d %H:%M"),
            percent=f"{done * 100:5.1f}",
            authorizations=f"{progress.authorizations:,}",
            last_day=f"{self._last_day:,}",
            wall_rate=f"{progress.authorizations / wall:,.0f}",
            days_per_second=f"{simulated_days / wall:,.1f}",
        )
        if self.tty:
            filled = int(done * _BAR_WIDTH)
            text = f"[{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] {text}"
        return text

    # Private interface

    def _update_rate(self, progress: Progress) -> None:
        # The engine reports once per simulated day, so the difference is one day's load.
        previous = self._previous
        self._last_day = progress.authorizations - (previous.authorizations if previous else 0)
        self._previous = progress

    def _redraw(self, text: str) -> None:
        columns = shutil.get_terminal_size((100, 20)).columns
        shown = _fit(text, max(10, columns - 1))
        width = display_width(shown)
        padding = " " * max(0, self._drawn_width - width)
        self.stream.write("\r" + shown + padding)
        self.stream.flush()
        self._drawn_width = width


def _fit(text: str, columns: int) -> str:
    """Cut ``text`` to at most ``columns`` terminal columns, so a redrawn line never wraps."""
    while display_width(text) > columns:
        text = text[:-1]
    return text

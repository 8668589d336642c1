"""The script's clock: when each step happens.

A step with ``at`` happens then; a step without one happens at the clock's
current time, right after the step before it. ``advance`` moves the clock by
days, hours, minutes or working days, or to a moment (``until``). The step
itself is recorded at the moment the clock reaches. The engine and the loader
use these same times, so a file that loads has steps in order inside the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from twin.calendar import add_working_days
from twin.scenario.steps import Advance, StepBase

__all__ = ["step_times", "advanced"]


def advanced(clock: dt.datetime, step: Advance) -> dt.datetime:
    """Return the clock after ``step``; ``working_days`` keeps the time of day."""
    if step.until is not None:
        return step.until
    if step.working_days is not None:
        day = add_working_days(clock.date(), step.working_days)
        return clock.replace(year=day.year, month=day.month, day=day.day)
    return clock + dt.timedelta(
        days=step.days or 0, hours=step.hours or 0, minutes=step.minutes or 0
    )


def step_times(start: dt.datetime, script: Iterable[StepBase]) -> list[dt.datetime]:
    """Return the moment of each step, starting the clock at ``start``.

    This does not check the order; :mod:`twin.scenario.checks` reports an ``at``
    or ``until`` that goes back in time.
    """
    clock = start
    times: list[dt.datetime] = []
    for step in script:
        if step.at is not None:
            clock = step.at
        if isinstance(step, Advance):
            clock = advanced(clock, step)
        times.append(clock)
    return times

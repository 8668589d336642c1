"""Chinese working days for the crowd, remembered per date.

The crowd looks up the same few hundred dates millions of times (every
production run, hand-out and visit), so these wrap the functions of
:mod:`twin.calendar` with a cache. A date's answer never changes within a
process, because the holiday data is fixed when the package is installed.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from twin import calendar

__all__ = ["add_working_days", "is_working_day", "next_working_day"]


@cache
def is_working_day(day: dt.date) -> bool:
    """Tell whether branches and card production work on ``day`` (see :func:`twin.calendar.is_working_day`)."""
    return calendar.is_working_day(day)


@cache
def next_working_day(day: dt.date) -> dt.date:
    """Return the first working day strictly after ``day``."""
    following = day + dt.timedelta(days=1)
    while not is_working_day(following):
        following += dt.timedelta(days=1)
    return following


@cache
def add_working_days(day: dt.date, count: int) -> dt.date:
    """Return the date ``count`` working days after ``day`` (``day`` itself not counted)."""
    if count < 0:
        raise ValueError(f"count is {count}; expected zero or more working days")
    return day if count == 0 else next_working_day(add_working_days(day, count - 1))

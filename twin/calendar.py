"""Local time, working days and settlement days in Asia/Shanghai.

The programme runs on China Standard Time. China has kept UTC+08:00 with no
daylight saving since 1991, so a local day is a fixed 86,400-second slice that
starts at 16:00 UTC the day before; the helpers here still go through
:mod:`zoneinfo` where a reader would expect it.

Working days and official holidays come from the ``chinese-calendar`` package
(answers are cached per date: the data is fixed once the package is installed),
including make-up working days (调休上班) that fall on a weekend. Such a day is a
working day for branches and card production, but it is not a settlement day:
interbank settlement runs Monday to Friday outside official holidays.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = [
    "TZ",
    "UTC_OFFSET_SECONDS",
    "CalendarRangeError",
    "calendar_range",
    "check_in_range",
    "local_date",
    "local_day_index",
    "local_now",
    "to_local",
    "parse_local",
    "is_working_day",
    "is_settlement_day",
    "is_holiday",
    "holiday_name",
    "add_working_days",
    "next_working_day",
    "days_in_year",
    "epoch_micros",
    "from_epoch_micros",
]

TZ = ZoneInfo("Asia/Shanghai")
UTC_OFFSET_SECONDS = 8 * 3600
_MICROS = 1_000_000
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_DAY_MICROS = 86_400 * _MICROS


class CalendarRangeError(ValueError):
    """A date outside the years the holiday data covers."""

    def __init__(self, date: dt.date, first: dt.date, last: dt.date) -> None:
        super().__init__(
            f"{date.isoformat()} is outside the holiday calendar's data "
            f"({first.isoformat()} to {last.isoformat()}); choose dates in that range "
            f"or upgrade the chinesecalendar package"
        )
        self.date = date
        self.first = first
        self.last = last


@cache
def calendar_range() -> tuple[dt.date, dt.date]:
    """Return the first and last date that the holiday data covers."""
    years = sorted({day.year for day in chinese_calendar.constants.holidays})
    return dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)


def check_in_range(date: dt.date) -> None:
    """Raise :class:`CalendarRangeError` when ``date`` has no holiday data."""
    first, last = calendar_range()
    if not first <= date <= last:
        raise CalendarRangeError(date, first, last)


def to_local(moment: dt.datetime) -> dt.datetime:
    """Convert an aware datetime to Asia/Shanghai; a naive one is taken as local."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ)


def local_now() -> dt.datetime:
    """Return the wall-clock time in Asia/Shanghai."""
    return dt.datetime.now(TZ)


def parse_local(text: str) -> dt.datetime:
    """Parse ISO 8601 with an offset, or ``YYYY-MM-DD HH:MM`` as local time."""
    moment = dt.datetime.fromisoformat(text.strip())
    return to_local(moment)


def epoch_micros(moment: dt.datetime) -> int:
    """Return microseconds since the Unix epoch for an aware or local datetime."""
    moment = to_local(moment)
    delta = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * _MICROS + delta.microseconds


def from_epoch_micros(micros: int) -> dt.datetime:
    """Return the Asia/Shanghai datetime for microseconds since the Unix epoch."""
    # Add in UTC, then convert: adding to a local time would be an hour off in
    # the 1986-1991 summer-time periods.
    return (_EPOCH_UTC + dt.timedelta(microseconds=micros)).astimezone(TZ)


def local_day_index(micros: int) -> int:
    """Return the local day number (days since 1970-01-01 local) of an epoch time.

    The ledger uses this on its hot path, so it avoids datetime objects.
    """
    return (micros + UTC_OFFSET_SECONDS * _MICROS) // _DAY_MICROS


def local_date(value: dt.datetime | int) -> dt.date:
    """Return the Asia/Shanghai calendar date of a datetime or epoch microseconds."""
    if isinstance(value, int):
        return dt.date(1970, 1, 1) + dt.timedelta(days=local_day_index(value))
    return to_local(value).date()


@cache
def is_working_day(date: dt.date) -> bool:
    """Tell whether branches work on ``date`` (make-up weekend days included)."""
    check_in_range(date)
    return chinese_calendar.is_workday(date)


def is_holiday(date: dt.date) -> bool:
    """Tell whether ``date`` is a weekend day off or an official holiday."""
    return not is_working_day(date)


def holiday_name(date: dt.date) -> str | None:
    """Return the English name of the official holiday on ``date``, if any."""
    check_in_range(date)
    on_holiday, name = chinese_calendar.get_holiday_detail(date)
    return name if on_holiday and name else None


def is_settlement_day(date: dt.date) -> bool:
    """Tell whether interbank settlement runs on ``date``.

    A settlement day is a working day that is also Monday to Friday, so a
    make-up working Saturday or Sunday is not one.
    """
    return is_working_day(date) and date.weekday() < 5


@cache
def next_working_day(date: dt.date) -> dt.date:
    """Return the first working day strictly after ``date``."""
    day = date + dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@cache
def add_working_days(date: dt.date, count: int) -> dt.date:
    """Return the date ``count`` working days after ``date`` (``date`` itself not counted)."""
    if count < 0:
        raise ValueError(f"count is {count}; expected zero or more working days")
    day = date
    for _ in range(count):
        day = next_working_day(day)
    return day


def days_in_year(year: int) -> int:
    """Return 366 for a leap year and 365 otherwise."""
    return 366 if _stdlib_calendar.isleap(year) else 365

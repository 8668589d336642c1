"""The dashboard's view of one moment, from a finished run or from a run still going.

A :class:`Snapshot` is the same for both: the simulated clock, the day out of
the run's days, the key figures (those known so far), the series drawn as
charts and the events up to then. :class:`ReplaySource` makes one for any day
of a :class:`~tui.replay.RunRecord`. :class:`LiveSource` builds them from the
engine's progress reports and the trace the run is writing. It has fewer
figures, because the engine reports only the clock and the authorizations per
day and the trace only the card counts per day. Once the run is finished, the
dashboard reads it back and has all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tui.replay import Figures, RunRecord, TraceEvent
from twin.sim.engine import Progress

__all__ = ["Snapshot", "ReplaySource", "LiveSource", "LIVE_FIGURES", "ALL_FIGURES"]

#: Every key figure of :class:`~tui.replay.Figures` the dashboard shows, in order.
ALL_FIGURES = (
    "members",
    "cards_issued",
    "cards_activated",
    "coverage",
    "activation_rate",
    "welfare_disbursed",
    "welfare_spent",
    "authorizations",
    "approval_rate",
    "declined",
    "branch_visits",
    "branch_wait_minutes",
)

#: The figures a live run reports while it goes on: authorizations from the engine's
#: progress, the card counts once the trace has delivered a day's summary.
LIVE_FIGURES = frozenset({"members", "cards_issued", "cards_activated", "coverage", "activation_rate", "authorizations"})


@dataclass
class Snapshot:
    """The run at the end of one simulated day (or at the clock of a live run)."""

    clock: str
    day: int
    days: int
    figures: Figures
    known: frozenset[str]
    authorizations_per_day: list[float]
    coverage_by_city: dict[str, list[float]] = field(default_factory=dict)
    activation_by_city: dict[str, float] = field(default_factory=dict)
    branch_waits: dict[str, tuple[int, float]] = field(default_factory=dict)
    events: list[TraceEvent] = field(default_factory=list)
    declines: dict[str, int] | None = None
    first_date: str = ""
    fraction: float = 0.0
    """Share of the run's time that has passed, from 0 to 1."""


class ReplaySource:
    """Snapshots of a finished run, one per simulated day."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record

    @property
    def days(self) -> int:
        return self.record.days

    def snapshot(self, day: int) -> Snapshot:
        record = self.record
        day = max(0, min(day, record.days - 1)) if record.days else 0
        cities = record.city_series("activation_rate", day)
        declines = {code: count for code, count in sorted(record.responses.items()) if code != "00"}
        return Snapshot(
            clock=record.dates[day] if record.dates else "",
            day=day,
            days=record.days,
            figures=record.figures(day),
            known=frozenset(ALL_FIGURES),
            authorizations_per_day=record.province_series("authorizations", day),
            coverage_by_city=record.city_series("coverage", day),
            activation_by_city={city: values[-1] if values else 0.0 for city, values in cities.items()},
            branch_waits=record.branch_waits(day),
            events=record.events_until(day),
            declines=declines,
            first_date=record.dates[0] if record.dates else "",
            fraction=(day + 1) / record.days if record.days else 0.0,
        )


class LiveSource:
    """Snapshots of a run that is still going, from its progress reports and trace."""

    def __init__(self, start: dt.datetime, end: dt.datetime) -> None:
        self.start = start
        self.end = end
        self.clock = start
        self.fraction = 0.0
        self.days = max(1, (end.date() - start.date()).days + (1 if end.time() > dt.time() else 0))
        self.authorizations_per_day: list[float] = []
        self.events: list[TraceEvent] = []
        self._authorizations = 0
        # Card counts arrive with each day's summary in the trace, which the
        # recorder flushes when it closes a day.
        self._stock: dict[str, int] = {}

    def progress(self, report: Progress) -> None:
        """Take one progress report of the engine (sent at the end of each simulated day)."""
        self.authorizations_per_day.append(report.authorizations - self._authorizations)
        self._authorizations = report.authorizations
        self.clock = report.now
        self.fraction = report.fraction

    def trace(self, events: list[TraceEvent]) -> None:
        """Take the trace lines the run wrote since the last call."""
        self.events.extend(events)
        for event in events:
            if event.type == "day":
                self._stock = dict(event.data.get("summary", {}))

    def snapshot(self) -> Snapshot:
        stock = self._stock
        members = int(stock.get("members", 0))
        issued = int(stock.get("cards_issued", 0))
        activated = int(stock.get("cards_activated", 0))
        figures = Figures(
            members=members,
            cards_issued=issued,
            cards_activated=activated,
            coverage=issued / members if members else 0.0,
            activation_rate=activated / issued if issued else 0.0,
            authorizations=self._authorizations,
        )
        day = max(0, len(self.authorizations_per_day) - 1)
        return Snapshot(
            clock=self.clock.strftime("%Y-%m-%d %H:%M"),
            day=day,
            days=self.days,
            figures=figures,
            known=LIVE_FIGURES if stock else frozenset({"authorizations"}),
            authorizations_per_day=list(self.authorizations_per_day),
            events=list(self.events),
            first_date=self.start.date().isoformat(),
            fraction=self.fraction,
        )

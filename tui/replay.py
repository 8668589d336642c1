"""A finished run read back for the dashboard: daily figures, the event trace and the totals.

:class:`RunRecord` reads a run folder (``metrics.json`` and ``trace.jsonl``) and
returns what the dashboard shows at the end of any simulated day: the key
figures so far (:class:`Figures`), the series up to that day and the events
up to it. :class:`TraceTail` reads a trace that a live run is still writing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Figures", "TraceEvent", "RunRecord", "RunFolderError", "TraceTail", "parse_event"]

log = logging.getLogger(__name__)


class RunFolderError(Exception):
    """A run folder whose ``metrics.json`` or ``trace.jsonl`` cannot be read."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {detail}")


@dataclass
class Figures:
    """The key figures of a run at the end of one day; sums count from the first day."""

    members: int = 0
    cards_issued: int = 0
    cards_activated: int = 0
    coverage: float = 0.0
    activation_rate: float = 0.0
    welfare_disbursed: int = 0
    welfare_spent: int = 0
    authorizations: int = 0
    approved: int = 0
    declined: int = 0
    branch_visits: int = 0
    branch_wait_minutes: float = 0.0

    @property
    def approval_rate(self) -> float | None:
        return self.approved / self.authorizations if self.authorizations else None


@dataclass(frozen=True)
class TraceEvent:
    """One line of ``trace.jsonl``: its moment (as written), type and data."""

    moment: str
    type: str
    data: dict = field(default_factory=dict)

    @property
    def date(self) -> str:
        return self.moment[:10]


def parse_event(line: str) -> TraceEvent | None:
    """Read one trace line; a line that is not a JSON object gives None."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    moment = str(record.pop("t", ""))
    kind = str(record.pop("type", ""))
    return TraceEvent(moment, kind, record)


class RunRecord:
    """A finished run folder, ready to replay day by day."""

    def __init__(self, folder: Path, metrics: dict, events: list[TraceEvent]) -> None:
        self.folder = folder
        self.metrics = metrics
        self.events = events
        series = metrics.get("series", {})
        self.dates: list[str] = list(series.get("dates", []))
        self.province: dict[str, list] = series.get("province", {})
        self.cities: dict[str, dict[str, list]] = series.get("cities", {})
        # Events of each day end at this position of ``events``.
        self._event_end: list[int] = []
        position = 0
        for date in self.dates:
            while position < len(events) and events[position].date <= date:
                position += 1
            self._event_end.append(position)

    @classmethod
    def load(cls, folder: Path) -> RunRecord:
        """Read ``folder``; raise :class:`RunFolderError` if its files are missing or damaged."""
        try:
            metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        except OSError as error:
            raise RunFolderError(folder / "metrics.json", error.strerror or type(error).__name__) from None
        except ValueError as error:
            raise RunFolderError(folder / "metrics.json", str(error)) from None
        if not isinstance(metrics, dict) or "series" not in metrics:
            raise RunFolderError(folder / "metrics.json", "no series")
        events: list[TraceEvent] = []
        trace = folder / "trace.jsonl"
        if trace.is_file():
            with trace.open(encoding="utf-8") as handle:
                events = [event for event in map(parse_event, handle) if event is not None]
        else:
            log.warning("run folder %s has no trace.jsonl; replaying figures only", folder)
        return cls(folder, metrics, events)

    # What the run is

    @property
    def name(self) -> str:
        return str(self.metrics.get("scenario", {}).get("name", self.folder.name))

    @property
    def days(self) -> int:
        return len(self.dates)

    @property
    def responses(self) -> dict[str, int]:
        """Count of each response code over the whole run."""
        return dict(self.metrics.get("responses", {}))

    @property
    def reasons(self) -> dict[str, int]:
        return dict(self.metrics.get("reasons", {}))

    @property
    def summary(self) -> dict:
        return dict(self.metrics.get("summary", {}))

    # The run at the end of day ``day`` (0 is the first day)

    def figures(self, day: int) -> Figures:
        if not self.dates:
            return Figures()
        day = max(0, min(day, self.days - 1))
        province = self.province

        def stock(key: str) -> float:
            return province.get(key, [0] * self.days)[day]

        def total(key: str) -> int:
            return int(sum(province.get(key, [])[: day + 1]))

        visits = province.get("branch_visits", [])[: day + 1]
        means = province.get("branch_wait_minutes_mean", [])[: day + 1]
        visit_count = int(sum(visits))
        waited = sum(mean * count for mean, count in zip(means, visits, strict=False))
        return Figures(
            members=int(stock("members")),
            cards_issued=int(stock("cards_issued")),
            cards_activated=int(stock("cards_activated")),
            coverage=float(stock("coverage")),
            activation_rate=float(stock("activation_rate")),
            welfare_disbursed=total("welfare_disbursed"),
            welfare_spent=total("welfare_spent"),
            authorizations=total("authorizations"),
            approved=total("approved"),
            declined=total("declined"),
            branch_visits=visit_count,
            branch_wait_minutes=waited / visit_count if visit_count else 0.0,
        )

    def province_series(self, key: str, day: int) -> list[float]:
        return list(self.province.get(key, []))[: day + 1]

    def city_series(self, key: str, day: int) -> dict[str, list[float]]:
        return {city: list(values.get(key, []))[: day + 1] for city, values in self.cities.items()}

    def branch_waits(self, day: int) -> dict[str, tuple[int, float]]:
        """Return branch visits and their mean wait in minutes per city, up to ``day``."""
        waits = {}
        for city, values in self.cities.items():
            visits = values.get("branch_visits", [])[: day + 1]
            means = values.get("branch_wait_minutes_mean", [])[: day + 1]
            count = int(sum(visits))
            waited = sum(mean * number for mean, number in zip(means, visits, strict=False))
            waits[city] = (count, waited / count if count else 0.0)
        return waits

    def events_until(self, day: int) -> list[TraceEvent]:
        if not self.dates:
            return list(self.events)
        day = max(0, min(day, self.days - 1))
        return self.events[: self._event_end[day]]

    def event_count_until(self, day: int) -> int:
        if not self.dates:
            return len(self.events)
        return self._event_end[max(0, min(day, self.days - 1))]


class TraceTail:
    """Reads the lines a live run has added to its ``trace.jsonl`` since the last read.

    The recorder writes through a buffer, so lines arrive in chunks; a line
    cut off at the end of a chunk waits for the next read.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""

    def read(self) -> list[TraceEvent]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read()
        except FileNotFoundError:
            return []
        self._offset += len(chunk)
        data = self._partial + chunk
        lines = data.split(b"\n")
        self._partial = lines.pop()
        events = []
        for line in lines:
            event = parse_event(line.decode("utf-8", errors="replace"))
            if event is not None:
                events.append(event)
        return events

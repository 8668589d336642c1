"""Reading a finished run back: figures per day, events per day, and a trace still being written."""

import datetime as dt
import json

import pytest

from tui.replay import RunFolderError, RunRecord, TraceEvent, TraceTail, parse_event
from tui.timeline import LiveSource, ReplaySource
from twin.calendar import to_local
from twin.sim.engine import Progress


@pytest.fixture(scope="module")
def record(finished_run):
    return RunRecord.load(finished_run)


def test_days_match_series(record):
    assert record.days == len(record.metrics["series"]["dates"])
    assert record.dates[0] == "2020-01-06"


def test_last_day_figures_match_summary(record):
    figures = record.figures(record.days - 1)
    summary = record.summary
    assert figures.authorizations == summary["authorizations"]
    assert figures.approved == summary["approved"]
    assert figures.welfare_disbursed == summary["welfare_disbursed"]
    assert figures.welfare_spent == summary["welfare_spent"]
    assert figures.cards_issued == summary["cards_issued"]


def test_first_day_has_no_card(record):
    figures = record.figures(0)
    assert figures.cards_issued == 0
    assert figures.members == 2


def test_figures_day_is_clamped(record):
    assert record.figures(10_000) == record.figures(record.days - 1)


def test_events_until_day(record):
    events = record.events_until(0)
    assert {event.date for event in events} == {"2020-01-06"}
    assert [event.type for event in events] == ["step", "day"]


def test_all_events_by_last_day(record):
    assert len(record.events_until(record.days - 1)) == len(record.events)


def test_snapshot_declines_leave_out_approved(record):
    snapshot = ReplaySource(record).snapshot(record.days - 1)
    assert "00" not in snapshot.declines
    assert snapshot.declines["57"] == 5


def test_missing_folder(tmp_path):
    with pytest.raises(RunFolderError) as error:
        RunRecord.load(tmp_path)
    assert error.value.path == tmp_path / "metrics.json"


def test_damaged_metrics(tmp_path):
    (tmp_path / "metrics.json").write_text("{", encoding="utf-8")
    with pytest.raises(RunFolderError):
        RunRecord.load(tmp_path)


def test_parse_event_rejects_non_object():
    assert parse_event("[1, 2]") is None
    assert parse_event("not json") is None


def test_trace_tail_waits_for_whole_line(tmp_path):
    path = tmp_path / "trace.jsonl"
    tail = TraceTail(path)
    assert tail.read() == []
    first = json.dumps({"t": "2020-01-06", "type": "day", "summary": {}})
    path.write_text(first + "\n" + first[:10], encoding="utf-8")
    assert [event.type for event in tail.read()] == ["day"]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(first[10:] + "\n")
    assert [event.moment for event in tail.read()] == ["2020-01-06"]


def test_live_source_knows_cards_after_day_summary():
    start, end = to_local(dt.datetime(2020, 1, 6, 9)), to_local(dt.datetime(2020, 1, 9))
    live = LiveSource(start, end)
    live.progress(Progress(to_local(dt.datetime(2020, 1, 7)), start, end, 5))
    before = live.snapshot()
    live.trace([TraceEvent("2020-01-06", "day", {"summary": {"members": 4, "cards_issued": 2, "cards_activated": 1}})])
    after = live.snapshot()
    assert before.known == frozenset({"authorizations"})
    assert "coverage" in after.known
    assert after.figures.coverage == 0.5
    assert after.authorizations_per_day == [5]

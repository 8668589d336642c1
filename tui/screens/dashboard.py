"""The dashboard: a live run or the replay of a finished one, day by day.

A live run goes on in a worker thread (:func:`twin.sim.engine.run_scenario`).
Its progress callback hands each finished day to the UI thread with
``call_from_thread`` and then waits at a :class:`~tui.pacing.RunGate`. The
gate is how play, pause, single step and speed reach the run, and the UI
thread never runs the simulation. When the run ends the dashboard reads its folder back
and goes on as a replay at the last day.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from tui.pacing import SPEEDS, RunGate, speed_label
from tui.replay import RunFolderError, RunRecord, TraceTail
from tui.runfolder import discard_staging, finish_run_folder, start_run_folder
from tui.text import localize_bindings
from tui.timeline import LiveSource, ReplaySource, Snapshot
from tui.widgets.chart import TimeChart
from tui.widgets.events import EventLog
from tui.widgets.figures import CitiesPanel, DeclinesPanel, FiguresPanel
from twin.scenario import Scenario
from twin.sim.engine import Progress, RunResult, run_scenario

__all__ = ["DashboardScreen"]

log = logging.getLogger(__name__)

#: Seconds between two frames of a replay that plays.
FRAME_SECONDS = 0.05
#: Days per second of a replay at the speed "max".
MAX_REPLAY_SPEED = 100


class DashboardScreen(Screen):
    """Key figures, charts, branch waits and events of one run, at a simulated day.

    A live run writes into ``out_dir`` the files ``twin run`` writes, with a
    copy of the scenario file ``source`` when it is given.
    """

    BINDINGS = [
        Binding("space", "toggle_play", "key.play"),
        Binding("n", "next_day", "key.next_day"),
        Binding("b", "previous_day", "key.previous_day", show=False),
        Binding("plus,equals_sign", "faster", "key.faster"),
        Binding("minus", "slower", "key.slower", show=False),
        Binding("home", "first_day", "key.first_day", show=False),
        Binding("end", "last_day", "key.last_day", show=False),
        Binding("1", "show_tab('overview')", "key.tab_overview", show=False),
        Binding("2", "show_tab('cities')", "key.tab_cities", show=False),
        Binding("3", "show_tab('events')", "key.tab_events", show=False),
        Binding("l", "ledger", "key.ledger"),
        Binding("escape", "back", "key.back"),
    ]

    def __init__(
        self,
        *,
        record: RunRecord | None = None,
        scenario: Scenario | None = None,
        out_dir: Path | None = None,
        source: Path | None = None,
        paused: bool = False,
    ) -> None:
        super().__init__()
        if (record is None) == (scenario is None):
            raise ValueError("give either a finished run's record or a scenario to run")
        self.scenario = scenario
        if out_dir is None and record is not None:
            out_dir = record.folder
        self.out_dir = out_dir
        self.source = source
        self.replay = ReplaySource(record) if record is not None else None
        self.live = LiveSource(scenario.start, scenario.end) if scenario is not None else None
        self.gate = RunGate(speed=None, paused=paused) if scenario is not None else None
        self.tail = TraceTail(self.out_dir / "trace.jsonl") if scenario is not None else None
        self.day = self.replay.days - 1 if self.replay is not None else 0
        self.playing = self.replay is None and not paused
        self.speed_index = len(SPEEDS) - 1 if scenario is not None else 0
        self.state = "replay" if record is not None else "running"
        self.result: RunResult | None = None
        self._accumulated = 0.0
        self._timer: Timer | None = None
        localize_bindings(self, self.app.lang)

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield Header()
        yield Static(id="status")
        with TabbedContent(id="tabs"):
            with TabPane(tr("dashboard.tab_overview"), id="overview"):
                with Horizontal():
                    yield FiguresPanel(id="figures")
                    with Vertical(id="overview-charts"):
                        yield TimeChart(tr("dashboard.authorizations_per_day"), id="auth-chart")
                        yield DeclinesPanel(id="declines")
            with TabPane(tr("dashboard.tab_cities"), id="cities"):
                with VerticalScroll():
                    yield CitiesPanel(id="cities-panel")
            with TabPane(tr("dashboard.tab_events"), id="events"):
                yield EventLog(self.app.lang, id="event-log")
        yield Footer()

    def on_mount(self) -> None:
        name = self.replay.record.name if self.replay is not None else self.scenario.name
        self.sub_title = self.app.tr("dashboard.title", name=name)
        self._timer = self.set_interval(FRAME_SECONDS, self._frame, pause=True)
        if self.live is not None:
            self._run()
        self.refresh_view()

    def on_unmount(self) -> None:
        if self.gate is not None:
            self.gate.cancel()

    # What is shown

    @property
    def speed(self) -> int | None:
        return SPEEDS[self.speed_index]

    def snapshot(self) -> Snapshot:
        if self.replay is not None:
            return self.replay.snapshot(self.day)
        return self.live.snapshot()

    def refresh_view(self) -> None:
        """Draw the status line and the panels for the current day."""
        lang = self.app.lang
        snapshot = self.snapshot()
        self.query_one("#status", Static).update(self._status_text(snapshot))
        self.query_one(FiguresPanel).show(snapshot, lang)
        self.query_one(DeclinesPanel).show(snapshot, lang)
        self.query_one(TimeChart).show(
            snapshot.authorizations_per_day, days=snapshot.days, first_label=snapshot.first_date, last_label=snapshot.clock[:10]
        )
        active = self.query_one(TabbedContent).active
        if active == "cities":
            self.query_one(CitiesPanel).show(snapshot, lang, self.size.width)
        elif active == "events":
            self.query_one(EventLog).show(snapshot.events)

    def _status_text(self, snapshot: Snapshot) -> Text:
        tr = self.app.tr
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(("▶ " if self.playing else "‖ ") + tr(f"dashboard.state.{self.state}"), style="bold")
        text.append(f" · {speed_label(self.speed)} · {snapshot.clock}")
        text.append(" · " + tr("dashboard.day", day=snapshot.day + 1, days=snapshot.days))
        filled = round(snapshot.fraction * 12)
        text.append(f" {'█' * filled}{'░' * (12 - filled)} {snapshot.fraction * 100:.0f}%", style="green")
        return text

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_view()

    # Play, pause, step, speed

    def action_toggle_play(self) -> None:
        self.playing = not self.playing
        if self.gate is not None and self.state == "running":
            self.gate.resume() if self.playing else self.gate.pause()
        elif self.playing:
            if self.day >= self.replay.days - 1:
                self.day = 0
            self._timer.resume()
        else:
            self._timer.pause()
        self.refresh_view()

    def action_next_day(self) -> None:
        self.playing = False
        if self.gate is not None and self.state == "running":
            self.gate.step()
        else:
            self._timer.pause()
            self._move_to(self.day + 1)
        self.refresh_view()

    def action_previous_day(self) -> None:
        if self.replay is not None:
            self.playing = False
            self._timer.pause()
            self._move_to(self.day - 1)

    def action_first_day(self) -> None:
        if self.replay is not None:
            self._move_to(0)

    def action_last_day(self) -> None:
        if self.replay is not None:
            self._move_to(self.replay.days - 1)

    def action_faster(self) -> None:
        self._set_speed(min(len(SPEEDS) - 1, self.speed_index + 1))

    def action_slower(self) -> None:
        self._set_speed(max(0, self.speed_index - 1))

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def _set_speed(self, index: int) -> None:
        self.speed_index = index
        if self.gate is not None:
            self.gate.set_speed(self.speed)
        self.refresh_view()

    def _move_to(self, day: int) -> None:
        self.day = max(0, min(day, self.replay.days - 1))
        self.refresh_view()

    def _frame(self) -> None:
        """Advance a playing replay by the days its speed gives one frame."""
        if self.replay is None or not self.playing:
            return
        self._accumulated += (self.speed or MAX_REPLAY_SPEED) * FRAME_SECONDS
        days, self._accumulated = int(self._accumulated), self._accumulated % 1
        if days:
            self._move_to(self.day + days)
        if self.day >= self.replay.days - 1:
            self.playing = False
            self._timer.pause()
            self.refresh_view()

    # The live run

    @work(thread=True, exclusive=True, group="run")
    def _run(self) -> None:
        """Run the scenario in this worker thread, handing each day to the UI thread."""
        gate = self.gate

        def progress(report: Progress) -> None:
            if not gate.cancelled:
                self.app.call_from_thread(self._live_day, report)
            gate.pass_day()

        # Read now: once Esc has closed the screen, it has no app to ask.
        lang = self.app.lang
        staging = None
        try:
            staging = start_run_folder(self.out_dir, self.source)
            # The first day reaches the UI thread only after this, so it reads the staged trace.
            self.tail = TraceTail(staging / "trace.jsonl")
            result = run_scenario(self.scenario, staging, progress=progress)
            # Also a run left with Esc (interrupted) gets its report and is moved, as with twin run.
            finish_run_folder(staging, self.out_dir, lang, self.scenario)
        except Exception as error:  # the UI edge: show it, keep the app running
            log.exception("live run of %s failed", self.scenario.name)
            if staging is not None:
                discard_staging(staging)
            if not gate.cancelled:
                self.app.call_from_thread(self._live_failed, error)
            return
        if not gate.cancelled:
            self.app.call_from_thread(self._live_finished, result)

    def _live_day(self, report: Progress) -> None:
        if not self.is_mounted:
            return
        self.live.progress(report)
        self.live.trace(self.tail.read())
        self.refresh_view()

    def _live_failed(self, error: Exception) -> None:
        self.state = "failed"
        self.playing = False
        self.notify(self.app.tr("error.run_failed", detail=str(error)), severity="error", timeout=10)
        if self.is_mounted:
            self.refresh_view()

    def _live_finished(self, result: RunResult) -> None:
        self.result = result
        self.state = "interrupted" if result.interrupted else "finished"
        self.playing = False
        failed = len(result.failures)
        if failed:
            self.notify(self.app.tr("dashboard.expectations_failed", count=failed), severity="warning", timeout=10)
        else:
            self.notify(self.app.tr("dashboard.run_finished", path=str(self.out_dir)))
        try:
            self.replay = ReplaySource(RunRecord.load(self.out_dir))
        except RunFolderError as error:
            log.warning("cannot read back %s: %s", self.out_dir, error)
            self.notify(self.app.tr("error.run_folder", path=str(error.path), detail=error.detail), severity="error")
            return
        self.day = self.replay.days - 1
        # The run went at its own speed; its replay starts again from the slowest.
        self.speed_index = 0
        if self.is_mounted:
            self.refresh_view()

    # Leaving and other screens

    def action_ledger(self) -> None:
        if self.state == "running":
            self.notify(self.app.tr("dashboard.ledger_after_run"), severity="warning")
            return
        self.app.open_ledger(self.out_dir / "ledger.db", self.out_dir.name)

    def action_back(self) -> None:
        if self.gate is not None:
            self.gate.cancel()
        self.app.pop_screen()

    def palette_commands(self) -> Iterable[SystemCommand]:
        tr = self.app.tr
        yield SystemCommand(tr("command.play"), tr("command.play_help"), self.action_toggle_play)
        yield SystemCommand(tr("command.next_day"), tr("command.next_day_help"), self.action_next_day)
        yield SystemCommand(tr("command.faster"), tr("command.faster_help"), self.action_faster)
        yield SystemCommand(tr("command.slower"), tr("command.slower_help"), self.action_slower)
        yield SystemCommand(tr("command.ledger"), tr("command.ledger_help"), self.action_ledger)

"""The scenario picker: scenario files with their descriptions or problems, and finished runs.

From here a user starts a live run of the highlighted scenario, opens the card
lifecycle trainer on it, replays a finished run or browses a run's ledger. A
scenario file that does not load shows its problems in place, each with its
line, field, what is wrong and how to fix it.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.catalog import RunEntry, ScenarioEntry, is_run_folder, list_runs, list_scenarios
from tui.text import localize_bindings, moment_text

__all__ = ["PickerScreen"]


class PickerScreen(Screen):
    """Lists scenarios and run folders, and opens the other screens on them."""

    BINDINGS = [
        Binding("r", "run", "key.run"),
        Binding("t", "trainer", "key.trainer"),
        Binding("o", "replay", "key.replay"),
        Binding("l", "ledger", "key.ledger"),
        Binding("f5", "reload", "key.reload", show=False),
    ]

    def __init__(self, selected: Path | None = None) -> None:
        super().__init__()
        self.selected = selected
        self.scenarios: list[ScenarioEntry] = []
        self.runs: list[RunEntry] = []
        localize_bindings(self, self.app.lang)

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield Header()
        with Horizontal(id="picker"):
            with Vertical(id="picker-lists"):
                yield Label(tr("picker.scenarios"), classes="section-title")
                yield OptionList(id="scenarios")
                yield Label(tr("picker.runs"), classes="section-title")
                yield OptionList(id="runs")
            with Vertical(id="picker-side"):
                with VerticalScroll(id="picker-details"):
                    yield Static(id="details")
                with Horizontal(classes="button-row"):
                    yield Button(tr("button.run"), id="run", compact=True)
                    yield Button(tr("button.trainer"), id="trainer", compact=True)
                    yield Button(tr("button.replay"), id="replay", compact=True)
                    yield Button(tr("button.ledger"), id="ledger", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.app.tr("picker.title")
        self.action_reload()

    def on_screen_resume(self) -> None:
        # A live run may have written a new run folder meanwhile.
        self._load_runs()

    # Lists

    def action_reload(self) -> None:
        app = self.app
        extra = self.selected if self.selected is not None else None
        self.scenarios = list_scenarios(app.scenarios_dir, app.lang, extra)
        options = self.query_one("#scenarios", OptionList)
        options.clear_options()
        options.add_options([self._scenario_option(entry) for entry in self.scenarios])
        if self.scenarios:
            index = 0
            if self.selected is not None:
                for position, entry in enumerate(self.scenarios):
                    if entry.path.resolve() == self.selected.resolve():
                        index = position
            options.highlighted = index
        self._load_runs()
        options.focus()
        self._show_details()

    def _load_runs(self) -> None:
        self.runs = list_runs(self.app.reports_dir)
        options = self.query_one("#runs", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(f"{run.name}  {run.finished_at[:10]}") for run in self.runs])
        if self.runs:
            options.highlighted = min(highlighted or 0, len(self.runs) - 1)

    def _scenario_option(self, entry: ScenarioEntry) -> Option:
        mark = ("✓ ", "green") if entry.ok else ("✗ ", "bold red")
        return Option(Text.assemble(mark, entry.title, no_wrap=True, overflow="ellipsis"))

    @property
    def _focus_runs(self) -> bool:
        """Tell whether the user is in the list of runs (else the scenarios are meant)."""
        return self.query_one("#runs", OptionList).has_focus

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_details()

    def on_descendant_focus(self) -> None:
        self._show_details()

    @on(OptionList.OptionSelected, "#runs")
    def _run_selected(self) -> None:
        self.action_replay()

    @on(OptionList.OptionSelected, "#scenarios")
    def _scenario_selected(self) -> None:
        entry = self.current_scenario
        if entry is not None and entry.ok:
            self.action_trainer() if entry.scenario.actors.members else self.action_run()

    @property
    def current_scenario(self) -> ScenarioEntry | None:
        index = self.query_one("#scenarios", OptionList).highlighted
        return self.scenarios[index] if index is not None and index < len(self.scenarios) else None

    @property
    def current_run(self) -> RunEntry | None:
        index = self.query_one("#runs", OptionList).highlighted
        return self.runs[index] if index is not None and index < len(self.runs) else None

    # Details

    def _show_details(self) -> None:
        details = self.query_one("#details", Static)
        if self._focus_runs and self.current_run is not None:
            details.update(self._run_text(self.current_run))
        elif self.current_scenario is not None:
            details.update(self._scenario_text(self.current_scenario))
        else:
            details.update(self.app.tr("picker.empty", path=str(self.app.scenarios_dir)))

    def _scenario_text(self, entry: ScenarioEntry) -> Text:
        tr, lang = self.app.tr, self.app.lang
        text = Text()
        text.append(entry.title + "\n", style="bold")
        text.append(tr("picker.file", name=entry.path.name) + "\n", style="dim")
        if not entry.ok:
            text.append(tr("picker.invalid", count=len(entry.problems)) + "\n", style="bold red")
            for problem in entry.problems:
                where = tr("picker.line", line=problem.line) if problem.line is not None else ""
                field = f"{problem.path}: " if problem.path else ""
                text.append(f"{where} ", style="red")
                text.append(f"{field}{problem.message}\n")
                text.append(f"  → {problem.fix}\n", style="dim")
            return text
        scenario = entry.scenario
        actors = scenario.actors
        text.append(scenario.description + "\n\n")
        text.append(tr("picker.period", start=moment_text(lang, scenario.start), end=moment_text(lang, scenario.end)) + "\n")
        scale = scenario.province.scale
        text.append(tr("picker.scale", scale=f"{scale:g}") + ("  " + tr("picker.no_crowd") if scale == 0 else "") + "\n")
        text.append(
            tr(
                "picker.actors",
                unions=len(actors.unions),
                members=len(actors.members),
                merchants=len(actors.merchants),
                branches=len(actors.branches),
            )
            + "\n"
        )
        text.append(tr("picker.steps", count=len(scenario.script)) + "\n")
        folder = self.app.reports_dir / entry.path.stem
        if is_run_folder(folder):
            text.append(tr("picker.last_run", path=_shown_folder(folder)) + "\n", style="green")
        return text

    def _run_text(self, run: RunEntry) -> Text:
        tr = self.app.tr
        text = Text()
        text.append(run.name + "\n", style="bold")
        text.append(tr("picker.folder", path=_shown_folder(run.path)) + "\n", style="dim")
        text.append(run.description + "\n\n")
        text.append(tr("picker.finished_at", moment=run.finished_at[:16].replace("T", " ")) + "\n")
        if run.interrupted:
            text.append(tr("picker.interrupted") + "\n", style="yellow")
        return text

    # Actions

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        await self.run_action(event.button.id or "")

    def action_run(self) -> None:
        from tui.screens.dashboard import DashboardScreen

        entry = self._valid_scenario()
        if entry is None:
            return
        out_dir = self.app.reports_dir / entry.path.stem
        self.app.push_screen(DashboardScreen(scenario=entry.scenario, out_dir=out_dir, source=entry.path))

    def action_trainer(self) -> None:
        from tui.screens.trainer import TrainerScreen

        entry = self._valid_scenario()
        if entry is None:
            return
        if not entry.scenario.actors.members and entry.scenario.province.scale <= 0:
            self.notify(self.app.tr("error.no_members", name=entry.title), severity="warning")
            return
        self.app.push_screen(TrainerScreen(entry.scenario))

    def action_replay(self) -> None:
        folder = self._run_folder()
        if folder is not None:
            self.app.open_replay(folder)

    def action_ledger(self) -> None:
        folder = self._run_folder()
        if folder is not None:
            self.app.open_ledger(folder / "ledger.db", folder.name)

    def _valid_scenario(self) -> ScenarioEntry | None:
        entry = self.current_scenario
        if entry is None:
            return None
        if not entry.ok:
            self.notify(self.app.tr("error.invalid_scenario", name=entry.title), severity="error")
            return None
        return entry

    def _run_folder(self) -> Path | None:
        """Return the highlighted run folder, or the highlighted scenario's last run folder."""
        if self._focus_runs and self.current_run is not None:
            return self.current_run.path
        entry = self.current_scenario
        if entry is not None and entry.ok:
            folder = self.app.reports_dir / entry.path.stem
            if is_run_folder(folder):
                return folder
            self.notify(self.app.tr("error.no_run", name=entry.title, path=str(folder)), severity="warning")
            return None
        if self.current_run is not None:
            return self.current_run.path
        return None


def _shown_folder(folder: Path) -> str:
    """Show a run folder as ``reports/<name>``: where the reports folder is does not matter here."""
    return f"{folder.parent.name}/{folder.name}"

"""The terminal UI of the twin: ``twin tui [SCENARIO | RUN_DIR]``.

:func:`run_app` is the entry the command line calls. The app opens on the
scenario picker. Given a scenario file, the picker selects that file. Given a
run folder, the dashboard's replay of that run opens over the picker. From the
picker a user starts a live run, the card lifecycle trainer or a replay, and
from a run the ledger browser. Every text comes from the message catalogue
in the language chosen at start (Chinese unless ``lang`` is ``en``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from tui.catalog import is_run_folder
from tui.text import localize_bindings, tr
from twin.i18n import normalize_language

__all__ = ["TwinApp", "run_app"]

log = logging.getLogger(__name__)

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class TwinApp(App[int]):
    """Scenario picker, dashboard, card lifecycle trainer and ledger browser of one twin."""

    CSS_PATH = "app.tcss"

    BINDINGS = [
        Binding("ctrl+q", "quit", "key.quit", show=False, priority=True),
        Binding("f1", "help", "key.help"),
        Binding("question_mark", "help", "key.help", show=False),
        Binding("ctrl+t", "toggle_theme", "key.theme", show=False),
        Binding("ctrl+p", "command_palette", "key.palette", show=False, priority=True),
    ]

    def __init__(
        self,
        target: str | Path | None = None,
        lang: str = "zh",
        *,
        scenarios_dir: Path | None = None,
        reports_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.lang = normalize_language(lang) or "zh"
        self.target = Path(target) if target is not None else None
        self.reports_dir = reports_dir if reports_dir is not None else Path("reports")
        if scenarios_dir is not None:
            self.scenarios_dir = scenarios_dir
        elif self.target is not None and self.target.is_file():
            self.scenarios_dir = self.target.parent
        elif self.target is not None and self.target.is_dir() and not is_run_folder(self.target):
            self.scenarios_dir = self.target
        else:
            self.scenarios_dir = Path("scenarios")
        self.theme = DARK_THEME
        localize_bindings(self, self.lang)

    def tr(self, key: str, **values: object) -> str:
        """Return the TUI message ``key`` in the app's language."""
        return tr(self.lang, key, **values)

    def on_mount(self) -> None:
        from tui.screens.picker import PickerScreen

        self.title = self.tr("app.title")
        selected = self.target if self.target is not None and self.target.is_file() else None
        self.push_screen(PickerScreen(selected))
        if self.target is not None and is_run_folder(self.target):
            self.open_replay(self.target)

    # Opening screens (the picker and the palette both use these)

    def open_replay(self, folder: Path) -> None:
        from tui.replay import RunFolderError, RunRecord
        from tui.screens.dashboard import DashboardScreen

        try:
            record = RunRecord.load(folder)
        except RunFolderError as error:
            log.warning("cannot replay %s: %s", folder, error)
            self.notify(self.tr("error.run_folder", path=str(error.path), detail=error.detail), severity="error")
            return
        self.push_screen(DashboardScreen(record=record))

    def open_ledger(self, db_path: Path, title: str) -> None:
        from tui.screens.ledger import LedgerScreen

        if not db_path.is_file():
            self.notify(self.tr("error.no_ledger", path=str(db_path)), severity="error")
            return
        self.push_screen(LedgerScreen(db_path, title))

    # Actions

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_help_quit(self) -> None:
        """Tell, in the user's language, how to quit when Ctrl+C is pressed (Textual binds it to copy)."""
        self.notify(self.tr("help_quit.body"), title=self.tr("help_quit.title"))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=self.tr("palette.placeholder"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Offer the app's commands and those of the screen in front, in the app's language."""
        yield SystemCommand(self.tr("command.help"), self.tr("command.help_help"), self.action_help)
        yield SystemCommand(self.tr("command.theme"), self.tr("command.theme_help"), self.action_toggle_theme)
        yield SystemCommand(self.tr("command.quit"), self.tr("command.quit_help"), self.exit)
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()


def run_app(target: str | None, lang: str) -> int:
    """Run the terminal UI on a scenario file, a run folder, a folder of scenarios, or nothing.

    Returns the exit status: 0 after a normal quit, 2 when ``target`` does not
    exist (the message goes to standard error, in ``lang``).
    """
    language = normalize_language(lang) or "zh"
    if target is not None and not Path(target).exists():
        print(tr(language, "error.target_missing", path=target), file=sys.stderr)
        return 2
    app = TwinApp(target, language)
    app.run()
    return app.return_code or 0

"""The help screen: what the screen underneath does and every key that works there.

The keys are read from the bindings that screen and the app declare, so the
list is never out of date; their descriptions are the same catalogue texts the
footer shows.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from tui.text import has_text, localize_bindings, tr

__all__ = ["HelpScreen"]


class HelpScreen(ModalScreen[None]):
    """Key bindings and a short guide for the screen it was opened on."""

    BINDINGS = [Binding("escape,f1,q", "close", "key.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under
        localize_bindings(self, self.app.lang)

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        screen_name = type(self.under).__name__
        guide_key = f"help.guide.{screen_name}"
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label(tr(lang, "help.title"), classes="dialog-title")
            with VerticalScroll():
                if has_text(guide_key):
                    yield Static(tr(lang, guide_key), classes="help-guide")
                yield Static(self._keys_table(), id="help-keys")
            yield Label(tr(lang, "help.close"), classes="dim")

    def _keys_table(self) -> Table:
        lang = self.app.lang
        keys: dict[str, list[str]] = {}
        for binding in self._bindings_under():
            if binding.description:
                shown = keys.setdefault(binding.description, [])
                display = self.app.get_key_display(binding)
                if display not in shown:
                    shown.append(display)
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        for description, displays in keys.items():
            text = tr(lang, description) if has_text(description) else description
            table.add_row(Text(" ".join(displays)), Text(text))
        return table

    def _bindings_under(self) -> list[Binding]:
        """Return the bindings the screen underneath and the app declare, the screen's first."""
        declared = [*type(self.under).BINDINGS, *type(self.app).BINDINGS]
        return list(Binding.make_bindings(declared))

    def action_close(self) -> None:
        self.dismiss(None)

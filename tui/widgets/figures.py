"""The dashboard's key figures and its tables per city, drawn as Rich tables."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.text import has_text, percent, tr, yuan
from tui.timeline import ALL_FIGURES, Snapshot
from tui.widgets.chart import sparkline

__all__ = ["FiguresPanel", "CitiesPanel", "DeclinesPanel"]

_UNKNOWN = "…"


class FiguresPanel(Static):
    """Members, cards, coverage, welfare money and authorizations at the dashboard's clock."""

    def show(self, snapshot: Snapshot, lang: str) -> None:
        figures = snapshot.figures
        values = {
            "members": f"{figures.members:,}",
            "cards_issued": f"{figures.cards_issued:,}",
            "cards_activated": f"{figures.cards_activated:,}",
            "coverage": percent(figures.coverage),
            "activation_rate": percent(figures.activation_rate),
            "welfare_disbursed": yuan(figures.welfare_disbursed),
            "welfare_spent": yuan(figures.welfare_spent),
            "authorizations": f"{figures.authorizations:,}",
            "approval_rate": percent(figures.approval_rate),
            "declined": f"{figures.declined:,}",
            "branch_visits": f"{figures.branch_visits:,}",
            "branch_wait_minutes": f"{figures.branch_wait_minutes:.1f}",
        }
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=3, no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right", ratio=2, no_wrap=True)
        for key in ALL_FIGURES:
            value = values[key] if key in snapshot.known else _UNKNOWN
            table.add_row(Text(tr(lang, f"figure.{key}"), style="dim"), Text(value, style="bold"))
        self.update(table)


class DeclinesPanel(Static):
    """Declines by response code over the whole run, with what each code means."""

    def show(self, snapshot: Snapshot, lang: str) -> None:
        if snapshot.declines is None:
            self.update(Text(tr(lang, "dashboard.declines_pending"), style="dim"))
            return
        text = Text()
        text.append(tr(lang, "dashboard.declines") + "\n", style="bold")
        if not snapshot.declines:
            text.append(tr(lang, "dashboard.no_declines"), style="dim")
        for position, (code, count) in enumerate(snapshot.declines.items()):
            if position:
                text.append(" · ", style="dim")
            meaning = tr(lang, f"response.{code}") if has_text(f"response.{code}") else ""
            text.append(code, style="bold red")
            text.append(f" {meaning} ")
            text.append(f"{count:,}", style="bold")
        self.update(text)


class CitiesPanel(Static):
    """Card coverage per city over time, activation and branch queue waits."""

    def show(self, snapshot: Snapshot, lang: str, width: int) -> None:
        if not snapshot.coverage_by_city:
            self.update(Text(tr(lang, "dashboard.cities_pending"), style="dim"))
            return
        # One column per day when there is room; the other columns take about 44 cells.
        chart_width = max(8, min(width - 44, snapshot.days))
        table = Table(box=None, padding=(0, 1), expand=False, show_edge=False)
        table.add_column(tr(lang, "dashboard.city"), no_wrap=True)
        table.add_column(tr(lang, "dashboard.coverage_chart"), no_wrap=True, style="green")
        table.add_column(tr(lang, "figure.coverage"), justify="right", no_wrap=True)
        table.add_column(tr(lang, "dashboard.activated"), justify="right", no_wrap=True)
        table.add_column(tr(lang, "dashboard.wait"), justify="right", no_wrap=True)
        for city, values in snapshot.coverage_by_city.items():
            visits, wait = snapshot.branch_waits.get(city, (0, 0.0))
            table.add_row(
                city,
                sparkline(values, chart_width, snapshot.days, top=1.0),
                percent(values[-1] if values else 0.0),
                percent(snapshot.activation_by_city.get(city, 0.0)),
                f"{wait:.1f}" if visits else "—",
            )
        self.update(table)


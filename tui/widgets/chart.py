"""Charts drawn with block characters: a one-line sparkline and a bar chart over days.

Both place day ``i`` of ``n`` at column ``i * width // n``. A chart of a
replay so fills from the left as the days pass, and charts of the same run
line up. Where a column covers several days it shows their largest value.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

__all__ = ["sparkline", "TimeChart", "column_values"]

#: Eighths of a cell, from empty to full.
_BLOCKS = " ▁▂▃▄▅▆▇█"


def column_values(values: Sequence[float], width: int, days: int | None = None) -> list[float | None]:
    """Spread ``values`` (one per day, of ``days`` in all) over ``width`` columns; None where no day falls."""
    days = max(days or len(values), len(values), 1)
    columns: list[float | None] = [None] * max(width, 0)
    for day, value in enumerate(values):
        column = day * width // days
        if 0 <= column < width:
            current = columns[column]
            columns[column] = value if current is None else max(current, value)
    return columns


def sparkline(values: Sequence[float], width: int, days: int | None = None, top: float | None = None) -> str:
    """Return one line of ``width`` block characters for ``values`` scaled to ``top`` (default: their maximum)."""
    columns = column_values(values, width, days)
    peak = top if top is not None else max((value for value in columns if value is not None), default=0)
    cells = []
    for value in columns:
        if value is None:
            cells.append(" ")
        elif peak <= 0 or value <= 0:
            cells.append("▁" if value is not None and peak > 0 else " ")
        else:
            cells.append(_BLOCKS[max(1, min(8, round(value / peak * 8)))])
    return "".join(cells)


class TimeChart(Widget):
    """A bar chart of one daily series: its title and peak on top, the first and last date below."""

    COMPONENT_CLASSES = {"timechart--bar", "timechart--axis"}

    DEFAULT_CSS = """
    TimeChart {
        height: 8;
    }
    TimeChart > .timechart--bar {
        color: $primary;
    }
    TimeChart > .timechart--axis {
        color: $text-muted;
    }
    """

    values: reactive[tuple[float, ...]] = reactive(tuple)
    """The series shown, one value per day from the first."""

    def __init__(self, title: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.days: int | None = None
        self.first_label = ""
        self.last_label = ""
        self.value_format = "{:,.0f}"

    def show(self, values: Sequence[float], *, days: int | None, first_label: str, last_label: str) -> None:
        """Show ``values`` of a run of ``days`` days, labelled with its first and current dates."""
        self.days = days
        self.first_label = first_label
        self.last_label = last_label
        self.values = tuple(values)
        self.refresh()

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        bar_style = self.get_component_rich_style("timechart--bar")
        axis_style = self.get_component_rich_style("timechart--axis")
        columns = _widened(column_values(self.values, width, self.days), width, self.days)
        peak = max((value for value in columns if value is not None), default=0)
        rows = max(1, height - 2)

        text = Text(no_wrap=True, overflow="crop")
        head = f"{self.title}  ▲ {self.value_format.format(peak)}"
        text.append(head[:width] + "\n", style=axis_style)

        # Each column is a bar of ``rows`` cells, filled in eighths from the bottom.
        for row in range(rows):
            floor = (rows - row - 1) * 8
            line = []
            for value in columns:
                eighths = 0 if value is None or peak <= 0 else round(value / peak * rows * 8)
                if value is not None and value > 0 and eighths == 0:
                    eighths = 1
                fill = max(0, min(8, eighths - floor))
                line.append(_BLOCKS[fill])
            text.append("".join(line) + "\n", style=bar_style)

        gap = max(1, width - len(self.first_label) - len(self.last_label))
        text.append((self.first_label + " " * gap + self.last_label)[:width], style=axis_style)
        return text


def _widened(columns: list[float | None], width: int, days: int | None) -> list[float | None]:
    """Draw each day as a bar several columns wide when the days leave room, with one column of gap."""
    days = max(days or 0, 1)
    span = width // days
    if span < 3:
        return columns
    widened = list(columns)
    for column, value in enumerate(columns):
        if value is None or column % span:
            continue
        for offset in range(1, span - 1):
            if column + offset < width:
                widened[column + offset] = value
    return widened

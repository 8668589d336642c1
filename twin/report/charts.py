"""Charts drawn as inline SVG: line charts over dates, bar charts and split bars.

The report must open from a file with no network and no script, and print on
paper, so the charts are plain SVG elements built here. Each function returns
one ``<figure>`` with the chart, an HTML legend (legends with Chinese labels lay
out better in HTML than in SVG text) and a caption.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Series", "Bar", "PALETTE", "line_chart", "bar_chart", "split_bar"]

#: Colours that stay apart from each other on screen and in print (Tableau 10 and two more).
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f3b73",
    "#8c564b",
)

_EMPHASIS = "#222222"

#: Dash patterns that tell lines apart once the palette has been used up.
_DASHES = ("", "6 3", "2 3", "8 3 2 3")

# Sizes in the drawing's own units. A chart fills its column and scales with it,
# and 560 units fit two charts side by side on a laptop screen at natural size.
_WIDTH = 560
_HEIGHT = 240
_LEFT = 64
_RIGHT = 16
_TOP = 12
_BOTTOM = 36


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a label and one value per date (None where there is none).

    An ``emphasis`` line (a total drawn among its parts) is dark and wide.
    """

    label: str
    values: Sequence[float | None]
    emphasis: bool = False


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart, or one part of a split bar."""

    label: str
    value: float
    color: str | None = None


def line_chart(
    dates: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    format_tick: Callable[[float], str],
    y_max: float | None = None,
    integer: bool = False,
    empty_text: str = "",
) -> str:
    """Draw ``series`` over ``dates`` (ISO dates, one per day) as a line chart.

    ``y_max`` fixes the top of the axis (1.0 for shares); otherwise it is the
    largest value, rounded up to a tick. ``integer`` keeps ticks on whole numbers.
    """
    if not dates or not series:
        return _empty_figure(title, empty_text)
    top = max((value for line in series for value in line.values if value is not None), default=0)
    ticks = _fixed_ticks(y_max) if y_max is not None else _nice_ticks(top, integer=integer)
    axis_top = ticks[-1] or 1
    plot_width = _WIDTH - _LEFT - _RIGHT
    plot_height = _HEIGHT - _TOP - _BOTTOM
    count = len(dates)

    def x_of(position: int) -> float:
        return _LEFT + (plot_width * position / (count - 1) if count > 1 else plot_width / 2)

    def y_of(value: float) -> float:
        return _TOP + plot_height * (1 - min(value, axis_top) / axis_top)

    parts = [_svg_open(title, _HEIGHT)]

    # Grid lines and the value axis.
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<line class="grid" x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(format_tick(tick))}</text>')

    # The date axis.
    baseline = _TOP + plot_height
    parts.append(f'<line class="axis" x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{baseline}" y2="{baseline}"/>')
    for position, label in _date_ticks(dates):
        x = x_of(position)
        parts.append(f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{baseline}" y2="{baseline + 4}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{baseline + 18}" text-anchor="middle">{escape(label)}</text>')

    # One line per series, its name shown on hover; a gap (None) breaks the line.
    styles = _line_styles(series)
    for line, (color, dash, width) in zip(series, styles, strict=True):
        for run in _runs(line.values):
            parts.append(_polyline([(x_of(i), y_of(value)) for i, value in run], line.label, color, dash, width))
    parts.append("</svg>")
    legend = [(line.label, color, dash) for line, (color, dash, _) in zip(series, styles, strict=True)]
    return _figure("".join(parts), title, legend)


def bar_chart(bars: Sequence[Bar], *, title: str, format_value: Callable[[float], str], empty_text: str = "") -> str:
    """Draw one horizontal bar per item, its label above the bar and its value after it.

    Labels sit above the bars so that long English and Chinese labels both fit
    without being cut.
    """
    if not bars:
        return _empty_figure(title, empty_text)
    row = 36
    value_width = 130
    height = row * len(bars) + 4
    longest = max((bar.value for bar in bars), default=0) or 1
    room = _WIDTH - value_width
    parts = [_svg_open(title, height)]
    for number, bar in enumerate(bars):
        y = number * row
        width = max(1.0, room * bar.value / longest) if bar.value else 0.0
        color = bar.color or PALETTE[0]
        shown = escape(format_value(bar.value))
        parts.append(f'<text class="label" x="0" y="{y + 13}">{escape(bar.label)}</text>')
        parts.append(
            f'<rect x="0" y="{y + 18}" width="{width:.1f}" height="14" fill="{color}">'
            f"<title>{escape(bar.label)}: {shown}</title></rect>"
        )
        parts.append(f'<text class="value" x="{width + 6:.1f}" y="{y + 30}">{shown}</text>')
    parts.append("</svg>")
    return _figure("".join(parts), title, [])


def split_bar(parts: Sequence[Bar], *, title: str, format_value: Callable[[float], str], empty_text: str = "") -> str:
    """Draw one bar split into ``parts`` by their share of the whole, with a legend of values and shares."""
    total = sum(part.value for part in parts)
    if total <= 0:
        return _empty_figure(title, empty_text)
    height = 40
    room = _WIDTH - _RIGHT
    svg = [_svg_open(title, height)]
    x = 0.0
    legend = []
    for number, part in enumerate(parts):
        color = part.color or PALETTE[number % len(PALETTE)]
        width = room * part.value / total
        share = part.value / total
        svg.append(
            f'<rect x="{x:.1f}" y="6" width="{width:.1f}" height="28" fill="{color}">'
            f"<title>{escape(part.label)}: {escape(format_value(part.value))}</title></rect>"
        )
        if width > 48:
            svg.append(f'<text class="inside" x="{x + width / 2:.1f}" y="25" text-anchor="middle">{share * 100:.1f}%</text>')
        legend.append((f"{part.label}: {format_value(part.value)} ({share * 100:.1f}%)", color, ""))
        x += width
    svg.append("</svg>")
    return _figure("".join(svg), title, legend)


# Private interface


def _svg_open(title: str, height: int) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    )


def _figure(svg: str, title: str, legend: list[tuple[str, str, str]]) -> str:
    items = "".join(f"<li>{_swatch(color, dash)}{escape(label)}</li>" for label, color, dash in legend)
    legend_html = f'<ul class="legend">{items}</ul>' if items else ""
    return f'<figure class="chart"><figcaption>{escape(title)}</figcaption>{svg}{legend_html}</figure>'


def _swatch(color: str, dash: str) -> str:
    dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        '<svg class="swatch" viewBox="0 0 24 10" width="24" height="10" aria-hidden="true">'
        f'<line x1="0" x2="24" y1="5" y2="5" stroke="{color}" stroke-width="4"{dash_attribute}/></svg>'
    )


def _empty_figure(title: str, text: str) -> str:
    return f'<figure class="chart empty"><figcaption>{escape(title)}</figcaption><p class="note">{escape(text)}</p></figure>'


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Split values into runs of consecutive positions that have a value."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for position, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((position, value))
    if current:
        runs.append(current)
    return runs


def _polyline(points: list[tuple[float, float]], label: str, color: str, dash: str, width: float) -> str:
    if len(points) == 1:
        x, y = points[0]
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{escape(label)}</title></circle>'
    dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
    coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (
        f'<polyline class="line" points="{coordinates}" stroke="{color}" stroke-width="{width:g}"{dash_attribute}>'
        f"<title>{escape(label)}</title></polyline>"
    )


def _line_styles(series: Sequence[Series]) -> list[tuple[str, str, float]]:
    """Return colour, dash and width per line.

    With few lines, earlier ones are drawn wider, so that a later line on the
    same values leaves them visible. An emphasised line is near-black and wide.
    """
    styles = []
    count = len(series)
    number = 0
    for line in series:
        if line.emphasis:
            styles.append((_EMPHASIS, "", 3.5))
            continue
        color, dash = _style(number)
        width = 2 + 1.5 * (count - 1 - number) / (count - 1) if 1 < count <= 4 else 2.0
        styles.append((color, dash, width))
        number += 1
    return styles


def _style(number: int) -> tuple[str, str]:
    color = PALETTE[number % len(PALETTE)]
    dash = _DASHES[(number // len(PALETTE)) % len(_DASHES)]
    return color, dash


def _nice_ticks(top: float, *, integer: bool, count: int = 5) -> list[float]:
    """Return evenly spaced ticks from 0 past ``top``, spaced 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if step >= raw:
            break
    if integer:
        step = max(1, math.ceil(step))
    steps = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def _fixed_ticks(top: float, count: int = 5) -> list[float]:
    return [round(top * i / count, 10) for i in range(count + 1)]


def _date_ticks(dates: Sequence[str], most: int = 8) -> list[tuple[int, str]]:
    """Pick the dates to label: month starts on a long axis, evenly spaced days on a short one."""
    if len(dates) > 62:
        months = [(i, date[:7]) for i, date in enumerate(dates) if date.endswith("-01")]
        stride = max(1, math.ceil(len(months) / most))
        return months[::stride]
    if len(dates) == 1:
        return [(0, dates[0])]
    shown = min(most, len(dates))
    positions = sorted({round(i * (len(dates) - 1) / (shown - 1)) for i in range(shown)})
    return [(position, dates[position][5:] if position else dates[position]) for position in positions]

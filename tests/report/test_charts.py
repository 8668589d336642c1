"""SVG charts: lines with gaps, axes, bars and split bars."""

import re

from twin.report.charts import Bar, Series, bar_chart, line_chart, split_bar

DATES = ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"]


def _chart(series, **options):
    return line_chart(DATES, series, title="t", format_tick=str, **options)


def test_line_per_series():
    svg = _chart([Series("a", [1, 2, 3, 4]), Series("b", [4, 3, 2, 1])])
    assert svg.count("<polyline") == 2


def test_gap_splits_line():
    svg = _chart([Series("a", [1, 2, None, 4, ])])
    assert (svg.count("<polyline"), svg.count("<circle")) == (1, 1)


def test_legend_names_series():
    svg = _chart([Series("南昌市", [1, 2, 3, 4]), Series("九江市", [1, 1, 1, 1])])
    assert re.findall(r"</svg>([^<]+)</li>", svg) == ["南昌市", "九江市"]


def test_ticks_reach_past_maximum():
    svg = _chart([Series("a", [0, 3, 7, 9])], integer=True)
    ticks = re.findall(r'<text class="tick" x="\d+(?:\.\d)?" y="[\d.]+" text-anchor="end">([^<]+)</text>', svg)
    assert ticks == ["0", "2", "4", "6", "8", "10"]


def test_fixed_axis_for_shares():
    svg = _chart([Series("a", [0.1, 0.2, 0.3, 0.4])], y_max=1.0)
    ticks = re.findall(r'text-anchor="end">([^<]+)</text>', svg)
    assert ticks == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]


def test_emphasis_line_is_dark():
    svg = _chart([Series("total", [1, 2, 3, 4], emphasis=True), Series("a", [1, 1, 1, 1])])
    assert 'stroke="#222222" stroke-width="3.5"' in svg


def test_empty_chart_says_so():
    assert "nothing here" in line_chart([], [], title="t", format_tick=str, empty_text="nothing here")


def test_bar_width_follows_value():
    svg = bar_chart([Bar("a", 10), Bar("b", 5)], title="t", format_value=str)
    widths = [float(width) for width in re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]


def test_bar_label_kept_whole():
    label = "Purchases paid by the welfare account"
    assert f">{label}</text>" in bar_chart([Bar(label, 1)], title="t", format_value=str)


def test_split_bar_shares():
    svg = split_bar([Bar("welfare", 1), Bar("main", 3)], title="t", format_value=str)
    assert re.findall(r"\(([\d.]+%)\)</li>", svg) == ["25.0%", "75.0%"]


def test_split_bar_without_total_is_empty():
    assert "none" in split_bar([Bar("welfare", 0)], title="t", format_value=str, empty_text="none")

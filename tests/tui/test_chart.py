"""Block-character charts: days spread over columns, scaled to a top, bars widened with room."""

from tui.widgets.chart import _widened, column_values, sparkline


def test_sparkline_scales_to_top():
    assert sparkline([0, 0.5, 1.0], 3, top=1.0) == "▁▄█"
    assert sparkline([2, 4], 4, days=4) == "▄█  "


def test_chart_bars_widen_with_room():
    assert _widened(column_values([1, 2], 8, 2), 8, 2) == [1, 1, 1, None, 2, 2, 2, None]

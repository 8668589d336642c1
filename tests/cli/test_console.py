"""Plain-text tables line up Chinese and Latin text by display width."""

from twin.cli.console import display_width, render_table


def test_display_width_counts_wide_characters_twice():
    assert display_width("南昌市 ab") == 9


def test_table_pads_chinese_cells():
    lines = render_table(["城市", "n"], [["南昌市", "1"], ["Ji'an", "22"]], right=(1,))
    assert lines == ["城市     n", "------  --", "南昌市   1", "Ji'an   22"]

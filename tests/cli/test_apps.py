"""twin tui and twin bench: the lazy doors to the terminal UI and the benchmarks."""

import sys

from twin.cli.apps import BENCHMARKS


def test_tui_missing_target_exits_two(twin, tmp_path):
    assert twin("tui", tmp_path / "nowhere").code == 2


def test_tui_missing_target_message(twin, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert twin("tui", "nowhere", "--lang", "en").err == "nowhere not found; give a scenario file or a run folder\n"


def test_tui_without_package_exits_two(twin, monkeypatch):
    # A None entry in sys.modules makes the import fail as if tui were not installed.
    monkeypatch.setitem(sys.modules, "tui.app", None)
    monkeypatch.setitem(sys.modules, "tui", None)
    assert twin("tui").code == 2


def test_tui_without_package_message(twin, monkeypatch):
    monkeypatch.setitem(sys.modules, "tui.app", None)
    monkeypatch.setitem(sys.modules, "tui", None)
    assert "The terminal UI (tui.app) is not installed" in twin("tui", "--lang", "en").err


def test_bench_rejects_unknown_target(twin):
    assert twin("bench", "disk").code == 2


def test_bench_help_names_targets(twin):
    out = twin("bench", "--help", "--lang", "en").out
    assert all(name in out for name in BENCHMARKS)

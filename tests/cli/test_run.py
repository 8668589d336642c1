"""twin run: outputs, exit statuses, failures in yuan, both languages."""

import json

from .samples import LIFECYCLE

RUN_FILES = ("metrics.json", "report.html", "series_city.csv", "series_province.csv", "trace.jsonl",
             "ledger.db", "performance.json", "scenario.yaml")


def test_run_writes_every_file(twin, tmp_path):
    out = tmp_path / "run"
    twin("run", LIFECYCLE, "--out", out)
    missing = [name for name in RUN_FILES if not (out / name).is_file()]
    assert missing == []


def test_run_exits_zero_when_expectations_hold(twin, tmp_path):
    assert twin("run", LIFECYCLE, "--out", tmp_path / "run").code == 0


def test_run_summary_in_chinese_by_default(twin, tmp_path):
    result = twin("run", LIFECYCLE, "--out", tmp_path / "run")
    assert "118 项预期全部满足。" in result.out


def test_run_summary_in_english_with_lang(twin, tmp_path):
    result = twin("run", LIFECYCLE, "--out", tmp_path / "run", "--lang", "en")
    assert "All 118 expectations hold." in result.out


def test_run_summary_in_english_with_twin_lang(twin, tmp_path, monkeypatch):
    monkeypatch.setenv("TWIN_LANG", "en")
    result = twin("run", LIFECYCLE, "--out", tmp_path / "run")
    assert "Ledger audit passed: 19 accounts, 38 transfers." in result.out


def test_run_report_in_chosen_language(twin, tmp_path):
    out = tmp_path / "run"
    twin("run", LIFECYCLE, "--out", out, "--lang", "en")
    assert '<html lang="en">' in (out / "report.html").read_text(encoding="utf-8")


def test_run_default_folder_is_file_stem(twin, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    twin("run", LIFECYCLE)
    assert (tmp_path / "reports" / "lifecycle_demo" / "metrics.json").is_file()


def test_run_failed_expectation_exits_one(twin, small, tmp_path):
    assert twin("run", small, "--out", tmp_path / "run").code == 1


def test_run_prints_failure_in_yuan(twin, small, tmp_path):
    result = twin("run", small, "--out", tmp_path / "run", "--lang", "en")
    assert "  script[3] (p1): balances.m1.welfare: expected 400.00 yuan, got 380.00 yuan" in result.out.splitlines()


def test_run_prints_failure_in_chinese(twin, small, tmp_path):
    result = twin("run", small, "--out", tmp_path / "run")
    assert "  script[3] (p1)：balances.m1.welfare：预期 400.00 元，实际 380.00 元" in result.out.splitlines()


def test_run_counts_failures(twin, small, tmp_path):
    result = twin("run", small, "--out", tmp_path / "run", "--lang", "en")
    assert "1 of 6 expectations failed:" in result.out


def test_run_seed_replaces_scenario_seed(twin, small, tmp_path):
    out = tmp_path / "run"
    twin("run", small, "--out", out, "--seed", "99")
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["scenario"]["seed"] == 99


def test_run_until_stops_early(twin, small, tmp_path):
    out = tmp_path / "run"
    twin("run", small, "--out", out, "--until", "2020-01-08 12:00")
    finished = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["scenario"]["finished_at"]
    assert finished == "2020-01-08T12:00:00+08:00"


def test_run_until_before_start_exits_two(twin, small, tmp_path):
    result = twin("run", small, "--out", tmp_path / "run", "--until", "2019-12-31", "--lang", "en")
    assert result.code == 2


def test_run_progress_on_stderr(twin, small, tmp_path):
    result = twin("run", small, "--out", tmp_path / "run", "--lang", "en")
    assert "100.0%" in result.err


def test_run_out_is_a_file_exits_two(twin, small, tmp_path):
    target = tmp_path / "taken"
    target.write_text("", encoding="utf-8")
    assert twin("run", small, "--out", target).code == 2


def test_run_clears_previous_report(twin, small, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "report.html").write_text("old", encoding="utf-8")
    twin("run", small, "--out", out)
    assert (out / "report.html").read_text(encoding="utf-8") != "old"

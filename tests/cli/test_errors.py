"""Invalid input: every problem with its line, a clear message, exit status 2 and no traceback."""

import pytest


def test_bad_scenario_exits_two(twin, bad, tmp_path):
    assert twin("run", bad, "--out", tmp_path / "run").code == 2


@pytest.mark.parametrize(
    "line",
    [
        ":2: seed: -1 is less than 0; use a value of at least 0",
        ":8: actors.members[0].union: there is no union with the id u9",
        ":10: script[0].amount: 12.345 has more than two decimal places",
    ],
)
def test_bad_scenario_lists_each_problem(twin, bad, tmp_path, line):
    result = twin("run", bad, "--out", tmp_path / "run", "--lang", "en")
    assert f"{bad}{line}" in result.err


def test_bad_scenario_problems_in_chinese(twin, bad, tmp_path):
    result = twin("run", bad, "--out", tmp_path / "run")
    assert f"{bad}:2: seed: -1 小于 0；写一个不小于 0 的值" in result.err


def test_bad_scenario_has_no_traceback(twin, bad, tmp_path):
    result = twin("run", bad, "--out", tmp_path / "run")
    assert "Traceback" not in result.err


def test_bad_scenario_writes_nothing(twin, bad, tmp_path):
    twin("run", bad, "--out", tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_missing_file_exits_two(twin, tmp_path):
    assert twin("run", tmp_path / "nope.yaml").code == 2


def test_missing_file_message(twin, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = twin("run", "nope.yaml", "--lang", "en")
    assert result.err.startswith("nope.yaml: the file nope.yaml does not exist; check the path")


@pytest.mark.parametrize("value", ["abc", "-0.1", "2", "nan", "٠.٥"])
def test_bad_scale_exits_two(twin, small, value):
    assert twin("run", small, f"--scale={value}").code == 2


def test_bad_scale_message(twin, small):
    result = twin("run", small, "--scale", "abc", "--lang", "en")
    assert "argument --scale: abc is not a valid scale; write a number from 0 to 1" in result.err


def test_bad_scale_message_in_chinese(twin, small):
    result = twin("run", small, "--scale", "abc")
    assert "参数 --scale：abc 不是有效的规模" in result.err


@pytest.mark.parametrize("value", ["-3", "٧", "1_000"])
def test_bad_seed_exits_two(twin, small, value):
    assert twin("run", small, "--seed", value).code == 2


def test_bad_until_exits_two(twin, small):
    assert twin("run", small, "--until", "soon").code == 2


def test_unknown_command_exits_two(twin):
    assert twin("frobnicate").code == 2


def test_usage_in_chinese(twin):
    assert twin("run").err.startswith("用法：twin run")


def test_usage_in_english(twin):
    assert twin("run", "--lang", "en").err.startswith("usage: twin run")


def test_missing_argument_in_chinese(twin):
    assert "缺少以下参数：SCENARIO" in twin("run").err


def test_help_exits_zero(twin):
    assert twin("--help").code == 0


def test_help_lists_exit_codes_in_english(twin):
    assert "Exit status: 0 success" in twin("--help", "--lang", "en").out


def test_run_help_in_chinese(twin):
    assert "模拟全省会员的比例" in twin("run", "--help").out

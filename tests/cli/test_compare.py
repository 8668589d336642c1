"""twin compare: identical runs, a changed figure, and missing runs."""

import json

import pytest

from twin.cli.compare import differences, flatten


@pytest.fixture
def runs(twin, small, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    twin("run", small, "--out", first)
    twin("run", small, "--out", second)
    return first, second


def _edit(run_dir, change):
    path = run_dir / "metrics.json"
    metrics = json.loads(path.read_text(encoding="utf-8"))
    change(metrics)
    path.write_text(json.dumps(metrics), encoding="utf-8")


def test_compare_same_runs(twin, runs):
    result = twin("compare", *runs, "--lang", "en")
    assert "metrics of the two runs are the same." in result.out


def test_compare_exits_zero(twin, runs):
    assert twin("compare", *runs).code == 0


def test_compare_shows_changed_amount_in_yuan(twin, runs):
    _edit(runs[1], lambda metrics: metrics["flows"].update(disbursed=60000))
    lines = twin("compare", *runs, "--lang", "en").out.splitlines()
    row = next(line for line in lines if line.startswith("flows.disbursed"))
    assert row.split() == ["flows.disbursed", "500.00", "yuan", "600.00", "yuan", "+100.00", "yuan", "+20.0%"]


def test_compare_shows_share_change_in_points(twin, runs):
    _edit(runs[1], lambda metrics: metrics["summary"].update(approval_rate=0.5))
    lines = twin("compare", *runs, "--lang", "en").out.splitlines()
    row = next(line for line in lines if line.startswith("summary.approval_rate"))
    assert row.split() == ["summary.approval_rate", "100.0%", "50.0%", "-50.00", "pp", "-50.0%"]


def test_compare_counts_differences(twin, runs):
    _edit(runs[1], lambda metrics: metrics["flows"].update(disbursed=60000))
    assert "1 of " in twin("compare", *runs, "--lang", "en").out


def test_compare_accepts_metrics_file(twin, runs):
    assert twin("compare", runs[0] / "metrics.json", runs[1]).code == 0


def test_compare_missing_run_exits_two(twin, runs, tmp_path):
    assert twin("compare", runs[0], tmp_path / "nowhere").code == 2


def test_flatten_skips_series_and_script():
    metrics = {"summary": {"members": 2}, "series": {"dates": ["2020-01-01"]}, "script": [{"index": 0}]}
    assert flatten(metrics) == {"summary.members": 2}


def test_differences_include_one_sided_keys():
    assert differences({"flows.deposit": 1}, {"flows.deposit": 1, "reasons.card_lost": 1}) == ["reasons.card_lost"]


def test_differences_put_summary_first():
    left = {"flows.deposit": 1, "summary.members": 1}
    right = {"flows.deposit": 2, "summary.members": 2}
    assert differences(left, right) == ["summary.members", "flows.deposit"]


def test_compare_absent_count_reads_zero(twin, runs):
    _edit(runs[1], lambda metrics: metrics["summary"].update(etc_tolls_unpaid=1))
    lines = twin("compare", *runs, "--lang", "en").out.splitlines()
    row = next(line for line in lines if line.startswith("summary.etc_tolls_unpaid"))
    assert row.split() == ["summary.etc_tolls_unpaid", "0", "1", "+1", "—"]


def test_compare_absent_count_equal_to_zero(twin, runs):
    _edit(runs[1], lambda metrics: metrics["summary"].update(etc_tolls_unpaid=0))
    assert "metrics of the two runs are the same." in twin("compare", *runs, "--lang", "en").out


def test_compare_absent_other_figure_still_dash(twin, runs):
    _edit(runs[1], lambda metrics: metrics["summary"].update(some_new_figure=3))
    lines = twin("compare", *runs, "--lang", "en").out.splitlines()
    row = next(line for line in lines if line.startswith("summary.some_new_figure"))
    assert row.split()[1] == "—"


def test_compare_binary_file_says_not_utf8(twin, runs, tmp_path):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xb0\xff\x00")
    result = twin("compare", runs[0], path)
    assert "文件不是 UTF-8 编码；请把它另存为 UTF-8" in result.err


def test_compare_binary_file_hides_codec_text(twin, runs, tmp_path):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xb0\xff\x00")
    assert "codec" not in twin("compare", runs[0], path).err

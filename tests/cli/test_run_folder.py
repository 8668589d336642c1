"""``twin run`` replaces an earlier run only when the new one finishes."""

import pytest

TOO_SMALL = "0.00000001"  # 8 million members times this is less than one member


@pytest.fixture
def earlier(twin, small, tmp_path):
    """An earlier run folder with an unrelated file, and its files' bytes."""
    out = tmp_path / "run"
    assert twin("run", small, "--out", out).code == 1
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    return out, {path.name: path.read_bytes() for path in out.iterdir()}


def test_run_tiny_scale_exits_two(twin, small, tmp_path):
    result = twin("run", small, "--out", tmp_path / "run", "--scale", TOO_SMALL, "--lang", "en")
    assert result.code == 2
    assert "Traceback" not in result.err + result.out


def test_run_tiny_scale_names_smallest(twin, small, tmp_path):
    result = twin("run", small, "--out", tmp_path / "run", "--scale", TOO_SMALL, "--lang", "en")
    assert "1.3e-07" in result.err


def test_run_tiny_scale_in_chinese(twin, small, tmp_path):
    result = twin("run", small, "--out", tmp_path / "run", "--scale", TOO_SMALL)
    assert "最小可用规模" in result.err


def test_run_tiny_scale_touches_no_folder(twin, small, tmp_path):
    twin("run", small, "--out", tmp_path / "run", "--scale", TOO_SMALL)
    assert not (tmp_path / "run").exists()


def test_failed_run_keeps_earlier_run(twin, small, earlier):
    out, files = earlier
    twin("run", small, "--out", out, "--scale", TOO_SMALL)
    assert {path.name: path.read_bytes() for path in out.iterdir()} == files


def test_run_replaces_earlier_outputs(twin, small, earlier):
    out, files = earlier
    twin("run", small, "--out", out, "--seed", "2")
    assert (out / "metrics.json").read_bytes() != files["metrics.json"]


def test_run_keeps_unrelated_file(twin, small, earlier):
    out, _ = earlier
    twin("run", small, "--out", out, "--seed", "2")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_run_leaves_no_staging_folder(twin, small, earlier, tmp_path):
    out, _ = earlier
    twin("run", small, "--out", out, "--seed", "2")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["run", "small.yaml"]


def test_run_removes_stale_output(twin, small, earlier):
    out, _ = earlier
    (out / "ledger.db-wal").write_bytes(b"old")
    twin("run", small, "--out", out, "--seed", "2")
    assert not (out / "ledger.db-wal").exists()


def test_run_copy_masks_pins(twin, small, tmp_path):
    twin("run", small, "--out", tmp_path / "run")
    assert "135790" not in (tmp_path / "run" / "scenario.yaml").read_text(encoding="utf-8")

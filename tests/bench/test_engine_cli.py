"""twin bench engine: the options that pick scales, shards and workers."""

import argparse
from pathlib import Path

import pytest

from twin.cli.apps import _engine_settings, _figure
from twin.cli.main import main


@pytest.fixture
def bench(capsys, monkeypatch):
    """Run ``twin bench`` in this process, in English; return its exit status and error output."""
    monkeypatch.delenv("TWIN_LANG", raising=False)

    def run(*args: str) -> tuple[int, str]:
        code = main(["bench", *args, "--lang", "en"])
        return code, capsys.readouterr().err

    return run


@pytest.mark.parametrize("value", ("0", "12", "-1", "two", "1.5", "٣", "1_0"))
def test_shards_rejected(bench, value):
    code, err = bench("engine", "--shards", value)
    assert code == 2
    assert f"{value} is not a valid number of shards; write a whole number from 1 to 11" in err


@pytest.mark.parametrize("value", ("0", "-2", "many", "٢"))
def test_workers_rejected(bench, value):
    code, err = bench("engine", "--workers", value)
    assert code == 2
    assert f"{value} is not a valid number of workers" in err


@pytest.mark.parametrize("value", ("0", "1.5", "0.01,abc", "0.01,,0.1", "nan", "", "٠.١", "0.0_1"))
def test_scales_rejected(bench, value):
    code, err = bench("engine", "--scales", value)
    assert code == 2
    assert f"{value} is not a valid list of scales" in err


@pytest.mark.parametrize("which", ("ledger", "authorization"))
def test_engine_options_only_for_engine(bench, which):
    code, err = bench(which, "--shards", "2")
    assert code == 2
    assert err == "--scales, --shards, --workers, --keep and --smallest-first apply to the engine benchmark only; " \
                  "use them with twin bench engine or twin bench all\n"


def test_shards_message_in_chinese(capsys, monkeypatch):
    monkeypatch.delenv("TWIN_LANG", raising=False)
    assert main(["bench", "engine", "--shards", "0"]) == 2
    assert "0 不是有效的分片数" in capsys.readouterr().err


def settings(**given) -> dict:
    values = {"scales": None, "shards": None, "workers": None, "full": False, "keep": None, "smallest_first": False,
              **given}
    return _engine_settings(argparse.Namespace(**values))


def test_default_runs_unsharded():
    assert settings() == {}


def test_full_runs_large_scales_sharded():
    assert settings(full=True) == {"scales": (0.01, 0.1, 1.0), "shards": 0, "timeout": None}


def test_scales_and_shards_passed():
    expected = {"scales": (0.002,), "shards": 2, "workers": 2, "timeout": None}
    assert settings(scales=(0.002,), shards=2, workers=2) == expected


def test_workers_alone_shards_automatically():
    assert settings(workers=2) == {"shards": 0, "workers": 2}


def test_keep_runs_sharded():
    assert settings(keep="kept") == {"keep": "kept", "shards": 0}


def test_keep_rejected_for_ledger(bench):
    code, err = bench("ledger", "--keep", "kept")
    assert code == 2
    assert "--smallest-first apply to the engine benchmark only" in err


def write_plan(folder: Path, scale: str, text: str) -> None:
    """Write ``text`` as the kept plan of ``scale`` in the --keep folder ``folder``."""
    (folder / f"scale-{scale}").mkdir()
    (folder / f"scale-{scale}" / "plan.json").write_text(text, encoding="utf-8")


def test_keep_folder_of_other_run_rejected(bench, tmp_path):
    write_plan(tmp_path, "0.0002", '{"scale": 0.5}')
    code, err = bench("engine", "--scales", "0.0002", "--shards", "2", "--keep", str(tmp_path))
    assert code == 2
    assert "keeps shards of another run" in err


def test_smallest_first_runs_sharded():
    assert settings(smallest_first=True) == {"smallest_first": True, "shards": 0}


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.0002, "0.0002"), (0.0044, "0.0044"), (0.1, "0.100"), (5.663, "5.663"), (0.0, "0.000"), (1673.4, "1,673")],
)
def test_figures_keep_small_values(value, shown):
    assert _figure(value) == shown


@pytest.mark.parametrize("extra", ((), ("--shards", "2")))
def test_scale_without_members_rejected(bench, extra):
    # The first scale is fine: the check must come before anything runs.
    code, err = bench("engine", "--scales", "0.0005,1e-300", *extra)
    assert code == 2
    assert "scale 1e-300 is too small: it draws no one of the province's 8,000,000 members" in err
    assert "the smallest usable scale is 1.3e-07" in err
    assert "Traceback" not in err


def test_keep_empty_rejected(bench):
    code, err = bench("engine", "--keep", "")
    assert code == 2
    assert "'' is not a valid folder" in err


def test_keep_checked_for_every_scale_first(bench, tmp_path):
    # The second scale's folder is broken: nothing may run, not even the first scale.
    write_plan(tmp_path, "0.0005", "{broken")
    code, err = bench("engine", "--scales", "0.0002,0.0005", "--shards", "2", "--keep", str(tmp_path))
    assert code == 2
    assert "scale-0.0005/plan.json cannot be read" in err
    assert not list((tmp_path / "scale-0.0002").glob("shard-*.json"))


def test_missing_scenario_rejected(tmp_path):
    from twin.bench.engine import bench_engine
    from twin.bench.stopping import BenchmarkInputError

    with pytest.raises(BenchmarkInputError) as raised:
        bench_engine(str(tmp_path / "none.yaml"), scales=(0.0002,))
    assert raised.value.key == "scenario_missing"


def test_default_scenario_found_from_any_folder(monkeypatch, tmp_path):
    from twin.bench.engine import DEFAULT_SCENARIO

    monkeypatch.chdir(tmp_path)
    assert Path(DEFAULT_SCENARIO).is_file()


def test_figures_show_lists_of_shards():
    assert _figure([2, 0, 1]) == "2, 0, 1"

"""twin bench's printed tables: every figure has a label in both languages."""

import io
import shutil
from pathlib import Path

import pytest

from twin.bench.authorization import chip_purchases, dict_floor, holiday_peak, profile_purchases
from twin.bench.engine import DEFAULT_SCENARIO, simpy_floor
from twin.bench.ledger import bench_ledger
from twin.bench.shards import run_sharded
from twin.cli.apps import _label, _print_figures
from twin.cli.console import Console
from twin.i18n import catalogue

KEPT = Path(__file__).resolve().parents[2] / "docs" / "benchmark-runs" / "scale-0.1"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Small runs of the three benchmarks, with the keys of the full ones."""
    folder = tmp_path_factory.mktemp("bench")
    ledger = bench_ledger(rows=2_000, single=50, batched=400, repeats=1, directory=folder, purchase_count=100)
    authorization = {
        "chip_purchases_single": chip_purchases(100, cards=20, repeats=1),
        "chip_purchases_batched": chip_purchases(100, batch_size=50, cards=20, repeats=1),
        "holiday_peak_batched": holiday_peak(200, batch_size=50, cards=20, repeats=1),
        "dict_floor": dict_floor(1_000, cards=20, repeats=1),
        "profile": profile_purchases(100, batch_size=50, cards=20),
    }
    # Every shard of scale 0.1 is kept in the docs, so this assembles the whole without running one.
    keep = folder / "scale-0.1"
    shutil.copytree(KEPT, keep)
    sharded = run_sharded(DEFAULT_SCENARIO, 0.1, 8, 2, keep=keep)
    engine = {"scenario": DEFAULT_SCENARIO, "floor": simpy_floor(1_000, 1), "runs": [sharded]}
    return {"ledger": ledger, "authorization": authorization, "engine": engine}


def _keys(value, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            _keys(inner, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


def test_every_figure_has_a_label(results):
    # Pipeline step names and request kinds are data, not keys, so they have no label.
    data = set(results["authorization"]["profile"]["step_mean_us"])
    data |= set(results["authorization"]["holiday_peak_batched"].get("mix", {}))
    missing = sorted(key for key in _keys(results, set()) - data if f"figures.{key}" not in catalogue())
    assert missing == []


def test_english_labels_are_the_json_keys():
    for key, texts in catalogue().items():
        if key.startswith("figures."):
            assert texts["en"] == key.removeprefix("figures.")


def test_nested_key_labelled_part_by_part():
    assert _label("runs[0].shard_runs", "zh") == "各规模[0].各分片"
    assert _label("step_mean_us.chip", "zh") == "各步骤平均（微秒）.chip"


@pytest.mark.parametrize(("lang", "header"), [("zh", "每 CPU 秒授权"), ("en", "authorizations_per_cpu_second")])
def test_table_headers_in_the_language(results, lang, header):
    out = io.StringIO()
    _print_figures("engine", results["engine"], Console(lang, out=out, err=io.StringIO()))
    assert header in out.getvalue()


def test_chinese_tables_keep_no_english_keys(results):
    out = io.StringIO()
    console = Console("zh", out=out, err=io.StringIO())
    for name, figures in results.items():
        _print_figures(name, figures, console)
    assert "authorizations_per_cpu_second" not in out.getvalue()
    assert "transfers_per_second" not in out.getvalue()
    assert "p99_us" not in out.getvalue()

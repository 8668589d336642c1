"""The engine benchmark split by city over processes."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from twin.bench.shards import (
    DEFAULT_BYTES_PER_MEMBER,
    FIXED_BYTES,
    ShardPlan,
    _bytes_per_member,
    city_members,
    default_shards,
    machine_memory_bytes,
    next_shard,
    plan_shards,
    run_sharded,
    shard_scenario,
    split_cities,
)
from twin.bench.stopping import BenchmarkInputError
from twin.scenario import load_scenario
from twin.scenario.province import CENSUS_2020_RESIDENTS
from twin.sim.crowd.params import population_params

ROOT = Path(__file__).resolve().parents[2]
PEAK = ROOT / "scenarios" / "spring_festival_peak.yaml"


@pytest.fixture(scope="module")
def peak():
    return load_scenario(PEAK)


@pytest.fixture(scope="module")
def province_members(peak):
    return city_members(peak, 1.0)


@pytest.mark.parametrize("shards", range(1, 12))
def test_split_puts_every_city_once(province_members, shards):
    groups = split_cities(province_members, shards)
    cities = [city for group in groups for city in group]
    assert len(groups) == shards
    assert sorted(cities) == sorted(CENSUS_2020_RESIDENTS)
    assert all(groups)


@pytest.mark.parametrize("shards", (2, 3, 4))
def test_split_balances_members(province_members, shards):
    totals = [sum(province_members[city] for city in group) for group in split_cities(province_members, shards)]
    assert max(totals) - min(totals) < 0.05 * sum(totals)


def test_split_largest_city_alone(province_members):
    # 赣州市 has about a fifth of the members, more than an even eighth.
    groups = split_cities(province_members, 8)
    assert ("赣州市",) in groups


def test_split_cities_without_members():
    groups = split_cities({"南昌市": 5, "九江市": 0, "赣州市": 0}, 3)
    assert sorted(groups) == [("九江市",), ("南昌市",), ("赣州市",)]


@pytest.mark.parametrize("shards", (0, 12))
def test_split_rejects_shard_count(province_members, shards):
    with pytest.raises(ValueError, match="shards must be from 1 to 11"):
        split_cities(province_members, shards)


def test_city_members_sum_to_province(peak):
    assert sum(city_members(peak, 0.01).values()) == 80_000


def test_plan_is_deterministic(peak):
    assert plan_shards(peak, 0.01, 3) == plan_shards(peak, 0.01, 3)


def test_plan_seeds_differ(peak):
    seeds = {plan.seed for plan in plan_shards(peak, 0.01, 4)}
    assert len(seeds) == 4
    assert peak.seed not in seeds


def test_one_shard_is_whole_run(peak):
    [plan] = plan_shards(peak, 0.01, 1)
    assert plan.seed == peak.seed
    assert shard_scenario(peak, plan, plan.members) is peak


def test_shard_draws_its_cities(peak):
    plans = plan_shards(peak, 0.01, 2)
    scenario = shard_scenario(peak, plans[1], 80_000)
    params = population_params(scenario.province, 0.01, scenario.start.date())
    assert params.cities == plans[1].cities
    assert scenario.seed == plans[1].seed


def test_shard_offers_part_of_flash_sale(peak):
    plans = plan_shards(peak, 0.01, 2)
    items = [shard_scenario(peak, plan, 80_000).behaviour.flash_sales[0].items for plan in plans]
    assert items == [round(2000 * plan.members / 80_000) for plan in plans]


def test_script_runs_in_first_shard_only():
    demo = load_scenario(ROOT / "scenarios" / "lifecycle_demo.yaml")
    plans = plan_shards(demo, 0.001, 2)
    assert shard_scenario(demo, plans[0], 8_000).script == demo.script
    assert shard_scenario(demo, plans[1], 8_000).script == []


@pytest.mark.parametrize(("scale", "workers", "expected"), [(0.002, 2, 2), (0.002, 1, 1), (0.1, 2, 8), (1.0, 2, 11)])
def test_default_shards(peak, scale, workers, expected):
    assert default_shards(peak, scale, workers) == expected


@pytest.fixture(scope="module")
def kept_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("kept")


@pytest.fixture(scope="module")
def tiny_run(kept_folder):
    return run_sharded(str(PEAK), 0.0002, shards=2, workers=2, keep=kept_folder)


def test_sharded_run_finishes(tiny_run):
    assert "error" not in tiny_run
    assert tiny_run["shards"] == 2
    assert tiny_run["workers"] == 2


def test_sharded_run_has_whole_province(tiny_run, peak):
    assert tiny_run["members"] == sum(city_members(peak, 0.0002).values())


@pytest.mark.parametrize("key", ("members", "authorizations", "ledger_transfers"))
def test_sharded_totals_are_sums(tiny_run, key):
    assert tiny_run[key] == sum(shard[key] for shard in tiny_run["shard_runs"])


def test_sharded_cpu_is_sum(tiny_run):
    assert tiny_run["cpu_seconds"] == pytest.approx(sum(shard["cpu_seconds"] for shard in tiny_run["shard_runs"]), abs=0.01)


def test_every_shard_audit_balanced(tiny_run):
    assert [shard["ledger_balanced"] for shard in tiny_run["shard_runs"]] == [True, True]
    assert tiny_run["ledger_balanced"] is True


def test_every_shard_did_work(tiny_run):
    assert all(shard["authorizations"] > 0 for shard in tiny_run["shard_runs"])


def test_sharded_peak_at_least_one_shard(tiny_run):
    assert tiny_run["peak_rss_bytes"] >= tiny_run["shard_peak_rss_bytes"]
    assert tiny_run["shard_peak_rss_bytes"] == max(shard["peak_rss_bytes"] for shard in tiny_run["shard_runs"])


def test_sharded_bytes_per_member(tiny_run):
    assert tiny_run["bytes_per_member"] == round(tiny_run["peak_rss_bytes"] / tiny_run["members"])


def test_sharded_run_rejects_no_workers():
    with pytest.raises(ValueError, match="workers must be 1 or more"):
        run_sharded(str(PEAK), 0.0002, shards=2, workers=0)


def test_kept_run_has_one_sitting(tiny_run):
    [sitting] = tiny_run["sittings"]
    assert sitting["finished"] is True
    assert sorted(sitting["shards_finished"]) == [0, 1]
    assert tiny_run["wall_seconds"] == sitting["wall_seconds"]


def test_kept_run_again_runs_nothing(tiny_run, kept_folder):
    again = run_sharded(str(PEAK), 0.0002, shards=2, workers=2, keep=kept_folder)
    assert again["authorizations"] == tiny_run["authorizations"]
    assert again["sittings"] == tiny_run["sittings"]


def test_kept_run_resumes_missing_shard(tiny_run, kept_folder, tmp_path):
    folder = tmp_path / "resumed"
    folder.mkdir()
    for name in ("plan.json", "shard-0.json", "sittings.json"):
        (folder / name).write_bytes((kept_folder / name).read_bytes())
    resumed = run_sharded(str(PEAK), 0.0002, shards=2, workers=2, keep=folder)
    assert resumed["authorizations"] == tiny_run["authorizations"]
    assert [sitting["shards_finished"] for sitting in resumed["sittings"]][1] == [1]
    assert resumed["wall_seconds"] == pytest.approx(sum(sitting["wall_seconds"] for sitting in resumed["sittings"]))


def test_kept_folder_of_other_scale_rejected(tiny_run, kept_folder):
    with pytest.raises(BenchmarkInputError) as raised:
        run_sharded(str(PEAK), 0.0003, shards=2, workers=2, keep=kept_folder)
    assert raised.value.key == "keep_mismatch"


def copied_kept(kept_folder, tmp_path) -> Path:
    """Return a copy of the finished tiny run's kept folder, to break."""
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in kept_folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.mark.parametrize(
    ("name", "content"),
    [("plan.json", "{broken"), ("sittings.json", '[{"x":'), ("shard-1.json", "garbage"), ("shard-1.json", "{}"),
     ("sittings.json", '[{"x": 1}]')],
)
def test_kept_file_broken_named(tiny_run, kept_folder, tmp_path, name, content):
    folder = copied_kept(kept_folder, tmp_path)
    (folder / name).write_text(content, encoding="utf-8")
    with pytest.raises(BenchmarkInputError) as raised:
        run_sharded(str(PEAK), 0.0002, shards=2, workers=2, keep=folder)
    assert raised.value.key == "keep_corrupt"
    assert raised.value.values["file"] == folder / name


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [("cpu_seconds", None, "cpu_seconds is null"), ("authorizations", "lots", 'authorizations is "lots"'),
     ("wall_seconds", -1, "wall_seconds is -1"), ("members", True, "members is true"),
     ("ledger_balanced", 1, "ledger_balanced is 1")],
)
def test_kept_figure_of_wrong_type_named(tiny_run, kept_folder, tmp_path, field, value, reason):
    folder = copied_kept(kept_folder, tmp_path)
    figures = json.loads((folder / "shard-1.json").read_text(encoding="utf-8"))
    figures[field] = value
    (folder / "shard-1.json").write_text(json.dumps(figures), encoding="utf-8")
    with pytest.raises(BenchmarkInputError) as raised:
        run_sharded(str(PEAK), 0.0002, shards=2, workers=2, keep=folder)
    assert raised.value.key == "keep_corrupt"
    assert raised.value.values["file"] == folder / "shard-1.json"
    assert reason in raised.value.values["reason"]


def test_kept_figures_of_other_shard_rejected(tiny_run, kept_folder, tmp_path):
    folder = copied_kept(kept_folder, tmp_path)
    (folder / "shard-1.json").write_bytes((folder / "shard-0.json").read_bytes())
    with pytest.raises(BenchmarkInputError, match="members, the plan has"):
        run_sharded(str(PEAK), 0.0002, shards=2, workers=2, keep=folder)


def test_kept_shards_without_sittings_rejected(tiny_run, kept_folder, tmp_path):
    folder = copied_kept(kept_folder, tmp_path)
    (folder / "sittings.json").unlink()
    with pytest.raises(BenchmarkInputError, match="missing or empty"):
        run_sharded(str(PEAK), 0.0002, shards=2, workers=2, keep=folder)


def test_keep_on_a_file_rejected(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(BenchmarkInputError) as raised:
        run_sharded(str(PEAK), 0.0002, shards=2, workers=2, keep=blocker / "scale")
    assert raised.value.key == "keep_unusable"


def test_shards_over_scenario_cities_rejected():
    demo = load_scenario(ROOT / "scenarios" / "lifecycle_demo.yaml")
    one_city = demo.model_copy(update={"province": demo.province.model_copy(update={
        "population": demo.province.population.model_copy(update={"cities": ["南昌市"]})})})
    with pytest.raises(BenchmarkInputError) as raised:
        plan_shards(one_city, 0.001, 3)
    assert raised.value.values == {"shards": 3, "cities": 1}


def test_workers_reported_as_ran(tiny_run):
    single = run_sharded(str(PEAK), 0.0002, shards=1, workers=3)
    assert single["workers"] == 1


def plan_of(index: int, members: int):
    return ShardPlan(index, 3, (f"city{index}",), members, index)


def test_next_shard_starts_first_when_idle():
    # Alone, a shard runs even when it is expected to need more than the budget.
    assert next_shard([plan_of(0, 10_000_000)], [], 9_000, budget=1_000) == 0


def test_next_shard_skips_one_too_large():
    waiting = [plan_of(1, 1_000_000), plan_of(2, 100_000)]
    running = [plan_of(0, 1_000_000)]
    # 2 x (100 MB + 9 GB) is over 12 GB, 100 MB + 9 GB + 100 MB + 0.9 GB is not.
    assert next_shard(waiting, running, 9_000, budget=12_000_000_000) == 1


def test_next_shard_waits_when_none_fits():
    assert next_shard([plan_of(1, 1_000_000)], [plan_of(0, 1_000_000)], 9_000, budget=10_000_000_000) is None


def test_next_shard_none_waiting():
    assert next_shard([], [plan_of(0, 10)], 9_000, budget=10**12) is None


def test_bytes_per_member_learned_from_finished():
    figures = {0: {"members": 1_000, "peak_rss_bytes": FIXED_BYTES + 5_000_000},
               1: {"members": 1_000, "peak_rss_bytes": FIXED_BYTES + 7_000_000}}
    assert _bytes_per_member(figures) == 7_000


def test_bytes_per_member_default_before_any():
    assert _bytes_per_member({}) == DEFAULT_BYTES_PER_MEMBER


def test_machine_memory_read():
    assert machine_memory_bytes() > 0


def test_smallest_first_finishes_smallest_first(peak, tmp_path):
    result = run_sharded(str(PEAK), 0.0002, shards=2, workers=1, keep=tmp_path, smallest_first=True)
    by_size = [plan.index for plan in sorted(plan_shards(peak, 0.0002, 2), key=lambda plan: plan.members)]
    assert result["sittings"][0]["shards_finished"] == by_size
    assert [shard["shard"] for shard in result["shard_runs"]] == [0, 1]


def test_sigterm_stops_and_records_sitting(tmp_path):
    command = [sys.executable, "-m", "twin.cli", "bench", "engine", "--scales", "0.0002", "--shards", "2",
               "--workers", "1", "--keep", str(tmp_path), "--lang", "en"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    sitting_started = time.monotonic()
    while not (tmp_path / "scale-0.0002" / "plan.json").exists() and time.monotonic() - sitting_started < 60:
        time.sleep(0.1)
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    [sitting] = json.loads((tmp_path / "scale-0.0002" / "sittings.json").read_text(encoding="utf-8"))
    assert process.returncode == 130
    assert "stopped by SIGTERM" in err
    assert "kept in" in err
    assert sitting["finished"] is False

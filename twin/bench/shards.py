"""The engine benchmark split by city over processes, with figures for the whole province.

One process runs one world: its core, its SQLite ledger, its crowd. A sharded
run cuts the province into groups of whole cities and runs each group as a
scenario of its own (``province.population.cities``) in its own process, at
most ``workers`` at a time. A city keeps what it has in the whole province:
its members per county, its named units, branches and merchants. Only the
draws differ, because each shard has its own seed.

Cities are grouped largest first, each into the group with the fewest members
so far. The group and the seed of a shard depend only on the scenario, the
scale and the number of shards, so a sharded run is as deterministic as a
whole one. One shard is the whole run: every city, the scenario's own seed.

Memory is sampled while the shards run: every 0.2 s the ``VmRSS`` of each
running shard is read from ``/proc/<pid>/status``, and the peak of the sum is
the memory the machine needed. Each shard also reports its own ``VmHWM``.

Shards start largest first, but only while the memory they are expected to
need together stays within a budget (85% of the machine's memory by default).
A shard is expected to need the fixed cost of a process plus its members
times the most memory per member that a finished shard of the run needed, or
a measured default before any has finished. A shard too large for the budget
on its own still runs, alone.

A run of the whole province takes hours. Given a folder (``keep``), a sharded
run writes each finished shard's figures there and records each sitting (its
wall time and its memory peak, finished or interrupted). Run again with the
same folder, it runs only the shards that have no figures yet. The whole's
wall time is then the sum of the sittings', the work lost to an interrupted
shard included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from twin.bench.stopping import BenchmarkInputError, stop_on_signals
from twin.population.allocation import county_member_counts
from twin.population.regions import divisions
from twin.population.streams import Streams
from twin.scenario import Scenario, load_scenario
from twin.sim.crowd.params import population_params

__all__ = [
    "MEMBERS_PER_SHARD",
    "ShardPlan",
    "city_members",
    "default_shards",
    "plan_shards",
    "run_sharded",
    "shard_scenario",
    "split_cities",
    "check_kept",
    "machine_memory_bytes",
    "next_shard",
]

#: Members a shard should have at most when the number of shards is chosen for
#: the run. At 0.01 of the province (80,000 members) one process peaked at
#: 2.5 to 2.7 GB, about 31 KB a member. So a shard of 100,000 members needs
#: about 3 GB, and one such shard per core stays within a few GB per core.
MEMBERS_PER_SHARD = 100_000

#: Seconds between two samples of the running shards' memory.
_SAMPLE_SECONDS = 0.2

#: Memory of a shard process before its members: imported code, the world,
#: SQLite. Measured at about 100 MB in runs of 0.0002 of the province.
FIXED_BYTES = 100_000_000

#: Memory per member expected before any shard of a run has finished. Shards of
#: scale 0.1 of the Spring Festival peak needed 7,000 to 7,700 bytes a member
#: beyond the fixed cost, so this leaves some room above that.
DEFAULT_BYTES_PER_MEMBER = 9_000

#: Share of the machine's memory that shards may be expected to use together.
MEMORY_SHARE = 0.85


@dataclass(frozen=True)
class ShardPlan:
    """Shard ``index`` of ``count``: its cities, its members and its seed."""

    index: int
    count: int
    cities: tuple[str, ...]
    members: int
    seed: int


def city_members(scenario: Scenario, scale: float) -> dict[str, int]:
    """Return the members each city of ``scenario`` has at ``scale``, as the whole run draws them.

    Cities the scenario leaves out (``province.population.cities``) are not listed.
    """
    params = population_params(scenario.province, scale, scenario.start.date())
    division = divisions()
    per_county = county_member_counts(params, division)
    per_city = np.bincount(division.county_city(), weights=per_county, minlength=len(division.cities))
    drawn = set(params.cities) or {city.name for city in division.cities}
    return {city.name: int(per_city[city.index]) for city in division.cities if city.name in drawn}


def split_cities(members: dict[str, int], shards: int) -> list[tuple[str, ...]]:
    """Split the cities of ``members`` into ``shards`` groups of about equal members.

    Largest city first, each goes to the group with the fewest members so far
    (then the fewest cities, then the lowest index). Raises ValueError when
    ``shards`` is not from 1 to the number of cities.
    """
    if not 1 <= shards <= len(members):
        raise ValueError(f"shards must be from 1 to {len(members)}, because a shard has at least one city; got {shards}")
    order = sorted(members, key=lambda city: -members[city])
    groups: list[list[str]] = [[] for _ in range(shards)]
    totals = [0] * shards
    for city in order:
        target = min(range(shards), key=lambda i: (totals[i], len(groups[i]), i))
        groups[target].append(city)
        totals[target] += members[city]
    return [tuple(group) for group in groups]


def shard_seed(seed: int, index: int, count: int) -> int:
    """Return the seed of shard ``index`` of ``count``, from the run's ``seed`` (a named stream)."""
    if count == 1:
        return seed
    words = Streams(seed).seed_sequence(f"shards/{count}/{index}").generate_state(1, dtype=np.uint32)
    return int(words[0])


def plan_shards(scenario: Scenario, scale: float, shards: int) -> list[ShardPlan]:
    """Return the shards of ``scenario`` at ``scale``: cities, members and seed of each.

    Raises :class:`BenchmarkInputError` when ``shards`` is more than the cities the scenario draws.
    """
    members = city_members(scenario, scale)
    if not 1 <= shards <= len(members):
        raise BenchmarkInputError("option.shards_over_cities", shards=shards, cities=len(members))
    groups = split_cities(members, shards)
    return [
        ShardPlan(index, shards, group, sum(members[city] for city in group), shard_seed(scenario.seed, index, shards))
        for index, group in enumerate(groups)
    ]


def shard_scenario(scenario: Scenario, plan: ShardPlan, total_members: int) -> Scenario:
    """Return ``scenario`` as shard ``plan`` runs it.

    The shard draws its cities only and has its own seed. A flash sale offers
    the shard's part of its items (by members), so that the shards together
    offer about what the whole run does. The script runs in shard 0 only; its
    named actors exist in every shard.
    """
    if plan.count == 1:
        return scenario
    population = scenario.province.population.model_copy(update={"cities": list(plan.cities)})
    province = scenario.province.model_copy(update={"population": population})
    share = plan.members / total_members if total_members else 1 / plan.count
    sales = [
        sale.model_copy(update={"items": max(1, round(sale.items * share))})
        for sale in scenario.behaviour.flash_sales
    ]
    behaviour = scenario.behaviour.model_copy(update={"flash_sales": sales})
    update = {"seed": plan.seed, "province": province, "behaviour": behaviour}
    if plan.index > 0:
        update["script"] = []
    return scenario.model_copy(update=update)


def load_shard(path: str, scale: float, index: int, count: int) -> Scenario:
    """Read the scenario at ``path`` and return shard ``index`` of ``count`` at ``scale``."""
    scenario = load_scenario(path)
    plans = plan_shards(scenario, scale, count)
    return shard_scenario(scenario, plans[index], sum(plan.members for plan in plans))


def default_shards(scenario: Scenario, scale: float, workers: int) -> int:
    """Return how many shards a run at ``scale`` should have by default.

    Enough that a shard has about :data:`MEMBERS_PER_SHARD` members or fewer,
    at least one per worker, and at most one per city.
    """
    members = city_members(scenario, scale)
    wanted = max(workers, math.ceil(sum(members.values()) / MEMBERS_PER_SHARD))
    return max(1, min(wanted, len(members)))


def run_sharded(
    scenario: str,
    scale: float,
    shards: int,
    workers: int,
    timeout: float | None = None,
    keep: Path | str | None = None,
    memory_budget: int | None = None,
    smallest_first: bool = False,
) -> dict:
    """Run ``scenario`` at ``scale`` as ``shards`` processes, ``workers`` at a time; return the whole's figures.

    The figures have the keys of :func:`twin.bench.engine.run_scale`, for the
    whole province, with ``peak_rss_bytes`` the peak of the shards' memory
    together, and ``shards``, ``workers``, ``shard_peak_rss_bytes`` and
    ``shard_runs`` (each shard's own figures) beside them. A shard that fails
    stops the run, which then returns ``scale`` and ``error``. Raises
    :class:`subprocess.TimeoutExpired` when the whole takes longer than
    ``timeout`` seconds, after stopping the shards still running.

    With ``keep``, finished shards' figures and each sitting are kept in that
    folder, so shards already kept there are not run again. The figures then
    have ``sittings`` too. Raises :class:`BenchmarkInputError` when the folder
    contains shards of another scenario file, scale or shard count, or cannot be
    read or written.

    ``memory_budget`` (bytes; default :data:`MEMORY_SHARE` of the machine's
    memory) bounds what the running shards are expected to need together.
    ``smallest_first`` starts the smallest shards first instead of the
    largest, so that a sitting of limited time finishes as many as it can.

    SIGTERM and SIGHUP stop the shards, record the sitting and raise
    :class:`twin.bench.stopping.BenchmarkStopped`; Ctrl-C does the same and
    raises KeyboardInterrupt.
    """
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, got {workers}")
    plans = plan_shards(load_scenario(scenario), scale, shards)
    kept = _KeptShards(Path(keep), scenario, scale, plans) if keep is not None else None
    order = sorted(plans, key=lambda plan: (plan.members, plan.index)) if smallest_first else plans
    budget = memory_budget if memory_budget is not None else round(machine_memory_bytes() * MEMORY_SHARE)
    with tempfile.TemporaryDirectory(prefix="twin-shards-") as folder:
        outcome = _run_shards(scenario, scale, order, workers, Path(folder), timeout, kept, budget)
    if "error" in outcome:
        return {"scale": scale, "error": outcome["error"]}
    return _whole_figures(scale, plans, workers, outcome)


def check_kept(scenario: str, scale: float, shards: int, keep: Path | str) -> None:
    """Check, before anything runs, that ``keep`` can hold this run's shards; raise BenchmarkInputError if not."""
    _KeptShards(Path(keep), scenario, scale, plan_shards(load_scenario(scenario), scale, shards))


def machine_memory_bytes() -> int:
    """Return the machine's memory (``MemTotal`` of ``/proc/meminfo``), or 16 GiB where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 16 * 1024**3


def next_shard(waiting: list[ShardPlan], running: list[ShardPlan], bytes_per_member: float, budget: int) -> int | None:
    """Return the position in ``waiting`` of the shard to start now, or None to wait for a running one.

    The shard is the first waiting one (in the order they wait) whose expected
    memory fits beside the running shards' within ``budget``. When no shard
    runs, it is the first waiting one, even if it is too large for the budget.
    """
    if not waiting:
        return None
    if not running:
        return 0
    in_use = sum(_expected_bytes(plan, bytes_per_member) for plan in running)
    for position, plan in enumerate(waiting):
        if in_use + _expected_bytes(plan, bytes_per_member) <= budget:
            return position
    return None


# Private interface


def _expected_bytes(plan: ShardPlan, bytes_per_member: float) -> float:
    return FIXED_BYTES + plan.members * bytes_per_member


def _bytes_per_member(figures: dict[int, dict]) -> float:
    """Return the most memory per member beyond the fixed cost among finished shards, or the default."""
    seen = [
        (run["peak_rss_bytes"] - FIXED_BYTES) / run["members"]
        for run in figures.values()
        if run.get("members")
    ]
    return max(seen, default=DEFAULT_BYTES_PER_MEMBER)


@dataclass
class _Running:
    plan: ShardPlan
    process: subprocess.Popen
    out: Path


class _KeptShards:
    """The folder of a sharded run that may take several sittings.

    ``plan.json`` names the run (the scenario file's SHA-256, the scale and the
    shards), ``shard-<i>.json`` contains a finished shard's figures and
    ``sittings.json`` lists each sitting's wall time and memory peak. A file
    that cannot be read, or figures that do not fit the plan, raise
    :class:`BenchmarkInputError` naming the file.
    """

    def __init__(self, folder: Path, scenario: str, scale: float, plans: list[ShardPlan]) -> None:
        self.folder = folder
        self.plans = {plan.index: plan for plan in plans}
        digest = hashlib.sha256(Path(scenario).read_bytes()).hexdigest()
        identity = {"scenario_sha256": digest, "scale": scale, "shards": [asdict(plan) for plan in plans]}
        identity = json.loads(json.dumps(identity))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise BenchmarkInputError("keep_unusable", folder=folder, reason=error.strerror or str(error)) from None
        plan_file = folder / "plan.json"
        if plan_file.exists():
            if self._read(plan_file) != identity:
                raise BenchmarkInputError("keep_mismatch", folder=folder)
        else:
            self._write(plan_file, identity)
        kept = [index for index in self.plans if self.figures(index) is not None]
        if kept and not self.sittings():
            raise BenchmarkInputError("keep_corrupt", file=folder / "sittings.json", reason="missing or empty")

    def figures(self, index: int) -> dict | None:
        """Return the kept figures of shard ``index``, or None when it has not finished."""
        path = self.folder / f"shard-{index}.json"
        if not path.exists():
            return None
        figures = self._read(path)
        if not isinstance(figures, dict) or not _REQUIRED_FIGURES <= set(figures):
            raise BenchmarkInputError("keep_corrupt", file=path, reason="not the figures of a finished shard")
        for name in sorted(_REQUIRED_FIGURES - {"ledger_balanced"}):
            value = figures[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                reason = f"{name} is {json.dumps(value)}, not a number of 0 or more"
                raise BenchmarkInputError("keep_corrupt", file=path, reason=reason)
        if not isinstance(figures["ledger_balanced"], bool):
            reason = f"ledger_balanced is {json.dumps(figures['ledger_balanced'])}, not true or false"
            raise BenchmarkInputError("keep_corrupt", file=path, reason=reason)
        if figures["members"] != self.plans[index].members:
            reason = f"{figures['members']} members, the plan has {self.plans[index].members}"
            raise BenchmarkInputError("keep_corrupt", file=path, reason=reason)
        return figures

    def keep(self, index: int, figures: dict) -> None:
        self._write(self.folder / f"shard-{index}.json", figures)

    def sittings(self) -> list[dict]:
        path = self.folder / "sittings.json"
        if not path.exists():
            return []
        sittings = self._read(path)
        if not isinstance(sittings, list) or not all(isinstance(item, dict) and _SITTING <= set(item) for item in sittings):
            raise BenchmarkInputError("keep_corrupt", file=path, reason="not a list of sittings")
        return sittings

    def add_sitting(self, started: dt.datetime, wall: float, peak: int, shards: list[int], finished: bool) -> None:
        sitting = {
            "started": started.isoformat(timespec="seconds"),
            "wall_seconds": round(wall, 3),
            "peak_rss_bytes": peak,
            "shards_finished": shards,
            "finished": finished,
        }
        self._write(self.folder / "sittings.json", [*self.sittings(), sitting])

    @staticmethod
    def _read(path: Path):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BenchmarkInputError("keep_corrupt", file=path, reason=str(error)) from None

    @staticmethod
    def _write(path: Path, value) -> None:
        try:
            _write_json(path, value)
        except OSError as error:
            raise BenchmarkInputError("keep_unusable", folder=path, reason=error.strerror or str(error)) from None


#: Keys a kept shard's figures and a sitting must have.
_REQUIRED_FIGURES = frozenset(
    {"members", "authorizations", "cpu_seconds", "wall_seconds", "peak_rss_bytes", "simulated_days",
     "simulated_events", "ledger_transfers", "ledger_balanced", "authorizations_per_cpu_second"}
)
_SITTING = frozenset({"wall_seconds", "peak_rss_bytes", "shards_finished", "finished"})


def _write_json(path: Path, value) -> None:
    """Write ``value`` to ``path`` whole or not at all (through a temporary file and a rename)."""
    staging = path.with_suffix(".tmp")
    staging.write_text(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    staging.replace(path)


def _run_shards(
    scenario: str,
    scale: float,
    plans: list[ShardPlan],
    workers: int,
    folder: Path,
    timeout: float | None,
    kept: _KeptShards | None = None,
    budget: int | None = None,
) -> dict:
    """Start the shards, at most ``workers`` at once, sample their memory and collect their figures."""
    from twin.bench.engine import child_command, read_child_figures

    figures: dict[int, dict] = {}
    if kept is not None:
        for plan in plans:
            found = kept.figures(plan.index)
            if found is not None:
                figures[plan.index] = found
    waiting = [plan for plan in plans if plan.index not in figures]
    running: list[_Running] = []
    finished_here: list[int] = []
    peak_together = 0
    started_at = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    with stop_on_signals():
        try:
            while waiting or running:
                while waiting and len(running) < workers:
                    if budget is None:
                        position = 0
                    else:
                        per_member = _bytes_per_member(figures)
                        position = next_shard(waiting, [shard.plan for shard in running], per_member, budget)
                    if position is None:
                        break
                    plan = waiting.pop(position)
                    out = folder / f"shard-{plan.index}"
                    out.mkdir()
                    command = child_command(scenario, out / "run", scale, (plan.index, plan.count))
                    with open(out / "stdout", "wb") as stdout, open(out / "stderr", "wb") as stderr:
                        process = subprocess.Popen(
                            command, stdout=stdout, stderr=stderr, env={**os.environ, "PYTHONHASHSEED": "0"}
                        )
                    running.append(_Running(plan, process, out))

                peak_together = max(peak_together, sum(_resident_bytes(shard.process.pid) for shard in running))
                for shard in [shard for shard in running if shard.process.poll() is not None]:
                    running.remove(shard)
                    result = read_child_figures(
                        shard.process.returncode,
                        (shard.out / "stdout").read_text(encoding="utf-8"),
                        (shard.out / "stderr").read_text(encoding="utf-8", errors="replace"),
                    )
                    if "error" in result:
                        return {"error": f"shard {shard.plan.index}: {result['error']}"}
                    figures[shard.plan.index] = result
                    if kept is not None:
                        kept.keep(shard.plan.index, result)
                    finished_here.append(shard.plan.index)
                if timeout is not None and time.perf_counter() - started > timeout:
                    raise subprocess.TimeoutExpired("twin bench shards", timeout)
                if running:
                    time.sleep(_SAMPLE_SECONDS)
        finally:
            for shard in running:
                shard.process.kill()
                shard.process.wait()
            wall = time.perf_counter() - started
            if kept is not None and (finished_here or running):
                kept.add_sitting(started_at, wall, peak_together, finished_here, finished=not running and not waiting)
    outcome = {"wall_seconds": wall, "peak_together": peak_together, "figures": figures}
    if kept is not None:
        sittings = kept.sittings()
        outcome["sittings"] = sittings
        outcome["wall_seconds"] = sum(sitting["wall_seconds"] for sitting in sittings)
        outcome["peak_together"] = max((sitting["peak_rss_bytes"] for sitting in sittings), default=peak_together)
    return outcome


def _resident_bytes(pid: int) -> int:
    """Return the resident memory of process ``pid`` (``VmRSS``), or 0 once it has ended."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _whole_figures(scale: float, plans: list[ShardPlan], workers: int, outcome: dict) -> dict:
    """Add up the shards' figures into the whole province's."""
    runs = [outcome["figures"][plan.index] for plan in plans]

    wall = outcome["wall_seconds"]
    cpu = sum(run["cpu_seconds"] for run in runs)
    members = sum(run["members"] for run in runs)
    authorizations = sum(run["authorizations"] for run in runs)
    shard_peak = max(run["peak_rss_bytes"] for run in runs)
    # Samples 0.2 s apart can miss a short peak, but never go below one shard's own peak.
    peak = max(outcome["peak_together"], shard_peak)
    days = max(run["simulated_days"] for run in runs)
    events = sum(run["simulated_events"] for run in runs)

    shard_runs = [
        {
            "shard": plan.index,
            "cities": list(plan.cities),
            "seed": plan.seed,
            "members": run["members"],
            "authorizations": run["authorizations"],
            "simulated_events": run["simulated_events"],
            "ledger_transfers": run["ledger_transfers"],
            "ledger_balanced": run["ledger_balanced"],
            "wall_seconds": round(run["wall_seconds"], 3),
            "cpu_seconds": round(run["cpu_seconds"], 3),
            "authorizations_per_cpu_second": run["authorizations_per_cpu_second"],
            "peak_rss_bytes": run["peak_rss_bytes"],
        }
        for plan, run in zip(plans, runs, strict=True)
    ]

    return {
        "scale": scale,
        "shards": len(plans),
        "workers": min(workers, len(plans)),
        "members": members,
        "authorizations": authorizations,
        "simulated_days": days,
        "ledger_transfers": sum(run["ledger_transfers"] for run in runs),
        "ledger_balanced": all(run["ledger_balanced"] for run in runs),
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "simulated_days_per_second": round(days / wall, 3) if wall else 0.0,
        "simulated_events": events,
        "simulated_events_per_second": round(events / wall, 1) if wall else 0.0,
        "simulated_events_per_cpu_second": round(events / cpu, 1) if cpu else 0.0,
        "authorizations_per_second": round(authorizations / wall, 1) if wall else 0.0,
        "authorizations_per_cpu_second": round(authorizations / cpu, 1) if cpu else 0.0,
        "peak_rss_bytes": peak,
        "shard_peak_rss_bytes": shard_peak,
        "bytes_per_member": round(peak / members) if members else None,
        "shard_runs": shard_runs,
        **({"sittings": outcome["sittings"]} if "sittings" in outcome else {}),
    }

"""Benchmark of the simulation engine: a scenario at several scales, beside a SimPy floor.

Each scale runs in a fresh subprocess, so no earlier run's caches help it. Its
peak memory is read from ``VmHWM`` in ``/proc/self/status``, the high-water mark
of the child's own address space. ``ru_maxrss`` would not do: Linux carries it
over an ``exec``, so a child started by a parent that had used 1.4 GB (after the
ledger benchmark, say) would report 1.4 GB however little it used itself. The figures per scale are wall time,
simulated days per second, authorizations per second (every one through the
real core), peak memory and memory per simulated member. The floor is a bare
SimPy loop of timeouts in the same run: the rate at which the event loop alone
can go on this machine. A scale may also run split by city over several
processes (:mod:`twin.bench.shards`), with figures for the whole province.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

import simpy

from twin.bench.stopping import BenchmarkInputError, stop_on_signals

if TYPE_CHECKING:
    from twin.scenario import Scenario

__all__ = [
    "AUTO_SHARDS",
    "DEFAULT_SCALES",
    "bench_engine",
    "child_command",
    "own_peak_rss_bytes",
    "read_child_figures",
    "run_scale",
    "simpy_floor",
]

#: Scales that finish in a few minutes on 2 cores; ``twin bench --full`` runs
#: 0.01, 0.1 and 1.0, which takes hours (see docs/benchmarks.md).
DEFAULT_SCALES = (0.0005, 0.002)
#: The Spring Festival peak scenario of this checkout, found from any working folder.
DEFAULT_SCENARIO = str(Path(__file__).resolve().parents[2] / "scenarios" / "spring_festival_peak.yaml")

#: ``shards`` value of :func:`bench_engine` that picks the number of shards for each scale.
AUTO_SHARDS = 0

_CHILD = r"""
import json, sys, time
from twin.bench.engine import own_peak_rss_bytes
from twin.scenario import load_scenario
from twin.sim.engine import run_scenario
if len(sys.argv) > 4:
    from twin.bench.shards import load_shard
    scenario = load_shard(sys.argv[1], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
else:
    scenario = load_scenario(sys.argv[1])
started = time.perf_counter()
cpu_started = time.process_time()
result = run_scenario(scenario, sys.argv[2], scale=float(sys.argv[3]))
wall = time.perf_counter() - started
cpu = time.process_time() - cpu_started
summary = result.metrics["summary"]
days = len(result.metrics["series"]["dates"])
print(json.dumps({
    "wall_seconds": wall,
    "cpu_seconds": cpu,
    "members": summary["members"],
    "authorizations": summary["authorizations"],
    "simulated_days": days,
    "simulated_events": result.simulated_events,
    "interrupted": result.interrupted,
    "ledger_transfers": summary["ledger_transfers"],
    "ledger_balanced": summary["ledger_balanced"],
    "peak_rss_bytes": own_peak_rss_bytes(),
}))
"""


def own_peak_rss_bytes() -> int:
    """Return the peak resident memory of this process's own address space, in bytes.

    Reads ``VmHWM`` from ``/proc/self/status``, which starts afresh at ``exec``,
    unlike ``ru_maxrss``. Where there is no ``/proc``, returns ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def simpy_floor(events: int = 200_000, repeats: int = 3) -> dict:
    """Return the median rate of a bare SimPy timeout loop, in events per second."""
    rates = []
    for _ in range(repeats):
        env = simpy.Environment()

        def ticker(env: simpy.Environment, count: int):
            for _ in range(count):
                yield env.timeout(1)

        env.process(ticker(env, events))
        started = time.perf_counter()
        env.run()
        rates.append(events / (time.perf_counter() - started))
    return {"events": events, "events_per_second": round(median(rates))}


def child_command(scenario: str, out: Path | str, scale: float, shard: tuple[int, int] | None = None) -> list[str]:
    """Return the command that runs ``scenario`` at ``scale`` into ``out`` and prints its figures as JSON.

    ``shard`` is ``(index, count)`` to run one shard of a sharded run
    (:mod:`twin.bench.shards`) instead of the whole province.
    """
    command = [sys.executable, "-c", _CHILD, str(scenario), str(out), str(scale)]
    if shard is not None:
        command += [str(shard[0]), str(shard[1])]
    return command


def read_child_figures(returncode: int, stdout: str, stderr: str) -> dict:
    """Return the figures a child printed, with its rates and memory per member, or ``error``."""
    if returncode < 0:
        # Killed from outside: by a user, or by the kernel when memory ran out (SIGKILL).
        return {"error": f"killed by {signal.Signals(-returncode).name}"}
    if returncode != 0:
        tail = stderr.strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0]}
    figures = json.loads(stdout.strip().splitlines()[-1])
    if figures.pop("interrupted", False):
        # Ctrl-C reaches the children too, and the engine then ends its run early.
        return {"error": "interrupted"}
    wall = figures["wall_seconds"]
    cpu = figures["cpu_seconds"]
    members = figures["members"]
    figures.update(
        {
            "wall_seconds": round(wall, 3),
            "cpu_seconds": round(cpu, 3),
            "simulated_days_per_second": round(figures["simulated_days"] / wall, 3) if wall else 0.0,
            "simulated_events_per_second": round(figures["simulated_events"] / wall, 1) if wall else 0.0,
            "simulated_events_per_cpu_second": round(figures["simulated_events"] / cpu, 1) if cpu else 0.0,
            "authorizations_per_second": round(figures["authorizations"] / wall, 1) if wall else 0.0,
            "authorizations_per_cpu_second": round(figures["authorizations"] / cpu, 1) if cpu else 0.0,
            "bytes_per_member": round(figures["peak_rss_bytes"] / members) if members else None,
        }
    )
    return figures


def run_scale(scenario: str, scale: float, timeout: float | None = None) -> dict:
    """Run ``scenario`` at ``scale`` in a subprocess and return its figures."""
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as out, stop_on_signals():
        process = subprocess.Popen(
            child_command(scenario, out, scale),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except BaseException:
            # A timeout, Ctrl-C or SIGTERM: the child must not run on alone.
            process.kill()
            process.wait()
            raise
    figures = read_child_figures(process.returncode, stdout, stderr)
    return {"scale": scale, **figures} if "error" in figures else {**figures, "scale": scale}


def bench_engine(
    scenario: str = DEFAULT_SCENARIO,
    scales: tuple[float, ...] = DEFAULT_SCALES,
    timeout: float | None = 900.0,
    shards: int | None = None,
    workers: int | None = None,
    keep: Path | str | None = None,
    smallest_first: bool = False,
) -> dict:
    """Run the engine at each scale beside the SimPy floor; return the figures.

    ``shards`` splits each scale's province by city over that many processes
    (:func:`twin.bench.shards.run_sharded`), ``workers`` of them at a time
    (default: the machine's CPUs). ``AUTO_SHARDS`` picks the number for each
    scale (:func:`twin.bench.shards.default_shards`); None runs each scale in
    one process. A scale that does not finish within ``timeout`` seconds is
    reported as timed out rather than waited for. Raises
    :class:`twin.bench.stopping.BenchmarkInputError`, before running anything,
    when the scenario file is missing, a scale draws no member, a scale has
    more shards than cities, or a kept folder cannot serve its scale. With
    ``keep``, a sharded scale keeps its finished shards in ``keep/scale-<scale>``
    and a later call with the same folder runs only the others. ``smallest_first`` starts a
    sharded scale's smallest shards first.
    """
    if not Path(scenario).is_file():
        raise BenchmarkInputError("scenario_missing", path=scenario)
    from twin.scenario import load_scenario

    loaded = load_scenario(scenario)
    for scale in scales:
        _check_scale(loaded, scale)
    workers = workers or os.cpu_count() or 1
    counts = {scale: _shard_count(loaded, scale, shards, workers) for scale in scales}
    if keep is not None:
        from twin.bench.shards import check_kept

        for scale in scales:
            if counts[scale] is not None:
                check_kept(scenario, scale, counts[scale], Path(keep) / f"scale-{scale}")
    floor = simpy_floor()
    runs = []
    for scale in scales:
        try:
            folder = Path(keep) / f"scale-{scale}" if keep is not None else None
            runs.append(_run_one(scenario, scale, timeout, counts[scale], workers, folder, smallest_first))
        except subprocess.TimeoutExpired:
            runs.append({"scale": scale, "error": f"timed out after {timeout:.0f} s"})
    for run in runs:
        if "authorizations_per_second" in run:
            run["floor_ratio"] = round(run["simulated_events_per_second"] / floor["events_per_second"], 6)
    return {"scenario": str(Path(scenario)), "floor": floor, "runs": runs}


# Private interface


def _check_scale(scenario: Scenario, scale: float) -> None:
    """Raise BenchmarkInputError when ``scale`` draws no member of the scenario's province.

    Scale 0 runs the scenario's script alone, without the crowd, and passes.
    """
    if scale == 0:
        return
    from twin.population import ParamsError
    from twin.scenario.province import smallest_scale
    from twin.sim.crowd.params import population_params

    try:
        population_params(scenario.province, scale, scenario.start.date())
    except ParamsError as error:
        if error.field != "scale":
            raise
        members = scenario.province.population.members
        raise BenchmarkInputError(
            "option.scale_too_small", scale=f"{scale:g}", members=f"{members:,}", smallest=f"{smallest_scale(members):g}"
        ) from None


def _shard_count(scenario: Scenario, scale: float, shards: int | None, workers: int) -> int | None:
    """Return the shards a scale runs in (None: one process), checked against the scenario's cities."""
    if shards is None:
        return None

    from twin.bench.shards import default_shards, plan_shards

    count = default_shards(scenario, scale, workers) if shards == AUTO_SHARDS else shards
    plan_shards(scenario, scale, count)
    return count


def _run_one(
    scenario: str,
    scale: float,
    timeout: float | None,
    shards: int | None,
    workers: int,
    keep: Path | None,
    smallest_first: bool,
) -> dict:
    if shards is None:
        return run_scale(scenario, scale, timeout)

    from twin.bench.shards import run_sharded

    return run_sharded(scenario, scale, shards, workers, timeout, keep, smallest_first=smallest_first)

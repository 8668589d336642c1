"""Run a scenario end to end and write its outputs.

:func:`run_scenario` builds the world, starts the script and the synthetic
crowd as SimPy processes, advances simulated time day by day to the end (or
``until``), then audits the ledger, checks the expectations and writes the
run folder:

``metrics.json``      every figure of the run, deterministic for a scenario and seed
``series_city.csv``   daily figures per city
``series_province.csv`` daily figures for the province
``trace.jsonl``       the event trace, for replay
``ledger.db``         the ledger (SQLite), for ``twin ledger verify``
``performance.json``  wall-clock speed of this run (not deterministic)

A run interrupted (Ctrl-C) stops at a whole simulated event, flushes the
ledger, audits it and writes the same files marked ``interrupted``.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from twin.calendar import to_local
from twin.ledger import verify_store
from twin.scenario import Scenario
from twin.scenario.metric_keys import is_count
from twin.scenario.metric_keys import normalize as normalize_metric_key
from twin.sim.interrupts import RunStopped, StopRequest, deferred_interrupts
from twin.sim.outputs import build_metrics, write_outputs
from twin.sim.recorder import Recorder
from twin.sim.script.expectations import check_balances
from twin.sim.script.outcome import ExpectationResult
from twin.sim.script.runner import ScriptRunner
from twin.sim.units import unit_of
from twin.sim.world import World

__all__ = ["RunResult", "run_scenario", "Progress"]

log = logging.getLogger(__name__)

#: Allocations between two young collections while a run goes on (Python's default is 700).
_GC_YOUNG_THRESHOLD = 50_000


@dataclass
class Progress:
    """Where a run is, for a progress bar."""

    now: dt.datetime
    start: dt.datetime
    end: dt.datetime
    authorizations: int

    @property
    def fraction(self) -> float:
        total = (self.end - self.start).total_seconds()
        return 1.0 if total <= 0 else min(1.0, (self.now - self.start).total_seconds() / total)


@dataclass
class RunResult:
    out_dir: Path
    metrics: dict
    expectations: list[ExpectationResult] = field(default_factory=list)
    interrupted: bool = False
    #: SimPy events the run processed (timeouts, process steps, requests).
    simulated_events: int = 0

    @property
    def failures(self) -> list[ExpectationResult]:
        return [result for result in self.expectations if not result.ok]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted


def run_scenario(
    scenario: Scenario,
    out_dir: Path | str,
    *,
    seed: int | None = None,
    scale: float | None = None,
    until: dt.datetime | None = None,
    progress: Callable[[Progress], None] | None = None,
    trace_core: bool = False,
) -> RunResult:
    """Run ``scenario`` and write its outputs to ``out_dir``; return the figures and expectations.

    A first Ctrl-C stops the run before its next simulated event (or once the
    world is built, during start-up), and the books are closed as at the end.
    A Ctrl-C while they are closed marks the run interrupted too. A second
    Ctrl-C raises KeyboardInterrupt at once. See :mod:`twin.sim.interrupts`.

    NOTE: at full scale a large city's world takes a few minutes to build, and
    a first Ctrl-C during that time waits for it.
    """
    with deferred_interrupts() as stop:
        return _run_scenario(
            scenario, Path(out_dir), seed=seed, scale=scale, until=until, progress=progress, trace_core=trace_core, stop=stop
        )


# Private interface


def _run_scenario(
    scenario: Scenario,
    out: Path,
    *,
    seed: int | None,
    scale: float | None,
    until: dt.datetime | None,
    progress: Callable[[Progress], None] | None,
    trace_core: bool,
    stop: StopRequest,
) -> RunResult:
    out.mkdir(parents=True, exist_ok=True)
    for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        (out / name).unlink(missing_ok=True)
    wall_started = time.perf_counter()

    with _long_lived_heap() as settle:
        recorder = Recorder(out / "trace.jsonl")
        world = World(scenario, out / "ledger.db", seed=seed, trace=trace_core, recorder=recorder)
        world.env.stop = stop
        effective_scale = scenario.province.scale if scale is None else scale
        runner = ScriptRunner(world, on_step=lambda outcome: _trace_step(recorder, outcome))
        world.env.process(runner.run())
        world.faults.start()
        crowd = None
        if effective_scale > 0:
            from twin.sim.crowd import Crowd

            crowd = Crowd(world, effective_scale)
            crowd.start()
        settle()

        end = scenario.end if until is None else min(scenario.end, to_local(until))
        interrupted = False
        try:
            _advance_by_days(world, end, progress)
        except RunStopped:
            interrupted = True
            log.warning("run interrupted at %s", world.now().isoformat())
        finished_at = world.now()

        # Close the books: expire what is due, write everything, audit.
        with world.ledger.batch():
            world.ledger.run_due()
        world.ledger.flush()
        recorder.close_day(finished_at.date())
        audit = verify_store(world.ledger.store)
    recorder.close()
    interrupted = interrupted or stop.requested

    expectations = [result for outcome in runner.outcomes for result in outcome.expectations]
    expectations += _check_run(world, scenario, audit, recorder, runner)
    metrics = build_metrics(
        scenario=scenario,
        world=world,
        recorder=recorder,
        runner=runner,
        audit=audit,
        expectations=expectations,
        seed=world.seed,
        scale=effective_scale,
        finished_at=finished_at,
        interrupted=interrupted,
        crowd=crowd,
    )
    expectations += _check_metrics(scenario, metrics)
    metrics["expectations"] = [result.to_dict() for result in expectations]
    metrics["summary"]["expectations_failed"] = sum(1 for result in expectations if not result.ok)
    performance = {
        "wall_seconds": round(time.perf_counter() - wall_started, 3),
        "simulated_events": world.env.events_processed,
        "authorizations": sum(recorder.responses.values()),
        "core_latency": world.core.metrics.snapshot()["latency"],
    }
    write_outputs(out, metrics, recorder, performance)
    world.ledger.store.close()
    return RunResult(out, metrics, expectations, interrupted, world.env.events_processed)


@contextmanager
def _long_lived_heap() -> Iterator[Callable[[], None]]:
    """Collect garbage less often during a run; the callable it gives freezes what exists.

    A run keeps millions of objects (accounts, cards, records, transfers). With
    Python's defaults the collector ran about every 700 allocations and its
    full collections walked them all: about 12% of a run's CPU time. Young
    collections now come every 50,000 allocations, and the world built before
    the first simulated day is frozen (left out of collections). Both are put
    back at the end.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(_GC_YOUNG_THRESHOLD, *thresholds[1:])

    def settle() -> None:
        gc.collect()
        gc.freeze()

    try:
        yield settle
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _advance_by_days(world: World, end: dt.datetime, progress) -> None:
    """Run the simulation one local day at a time, closing each day's figures."""
    env = world.env
    stop = world.clock.at(end)
    while env.now < stop:
        if env.stop.requested:
            raise RunStopped
        today = world.now().date()
        next_midnight = to_local(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
        target = min(stop, world.clock.at(next_midnight))
        with world.ledger.batch():
            env.run(until=target)
            world.ledger.run_due()
        if env.now >= world.clock.at(next_midnight):
            world.recorder.close_day(today)
        if progress is not None:
            progress(Progress(world.now(), world.clock.start, end, sum(world.recorder.responses.values())))


def _trace_step(recorder: Recorder, outcome) -> None:
    record = outcome.to_dict()
    recorder.event(outcome.at, "step", **{key: value for key, value in record.items() if key != "at"})


def _check_run(world, scenario: Scenario, audit, recorder, runner) -> list[ExpectationResult]:
    expect = scenario.expect
    results = check_balances(world, expect.balances, "run")
    if expect.ledger_balanced is not None:
        results.append(ExpectationResult("run", "ledger_balanced", expect.ledger_balanced, audit.ok, expect.ledger_balanced == audit.ok))
    return results


def _check_metrics(scenario: Scenario, metrics: dict) -> list[ExpectationResult]:
    """Check ``expect.metrics``; bounds of amounts are written in yuan, like every amount in a scenario."""
    results = []
    for key, bounds in scenario.expect.metrics.items():
        value = lookup_metric(metrics, key)
        low, high = bounds.min, bounds.max
        if unit_of(key) == "fen":
            low = None if low is None else _yuan_to_fen(low)
            high = None if high is None else _yuan_to_fen(high)
        ok = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and (low is None or value >= low)
            and (high is None or value <= high)
        )
        results.append(ExpectationResult("run", f"metrics.{key}", {"min": low, "max": high}, value, ok))
    return results


def _yuan_to_fen(yuan: float) -> int:
    return int((Decimal(repr(yuan)) * 100).to_integral_value())


def lookup_metric(metrics: dict, key: str):
    """Find a metric by dotted key, in ``summary`` first, then from the top (``flows.disbursed``).

    A count the run never incremented is absent from ``summary`` and reads as 0.
    """
    key = normalize_metric_key(key)
    for root in (metrics.get("summary", {}), metrics):
        node = root
        for part in key.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                node = None
                break
        if node is not None:
            return node
    return 0 if is_count(key) else None


def dump(metrics: dict) -> str:
    return json.dumps(metrics, ensure_ascii=False, sort_keys=True, indent=2)

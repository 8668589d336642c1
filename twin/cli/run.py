"""``twin run``: run a scenario, write its folder and report, and check its expectations.

Exit status: 0 when every expectation holds, 1 when one fails (each is
printed), 2 for an invalid scenario file or option, 130 when Ctrl-C stopped
the run (the partial run is still written, audited and reported).

The run writes into a staging folder beside the run folder and replaces the
earlier run's files only when it has finished, so a run that fails leaves
the earlier run as it was. Other files in the run folder are kept.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import shutil
import time
from pathlib import Path

import yaml

from twin.cli.console import Console
from twin.cli.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK
from twin.cli.problems import print_scenario_problems
from twin.cli.progress import ProgressBar
from twin.i18n import t
from twin.population import ParamsError
from twin.report import write_report
from twin.report.outcomes import step_place
from twin.report.units import format_expected, format_outcome
from twin.scenario import Scenario, ScenarioError, load_scenario
from twin.scenario.province import smallest_scale
from twin.sim.engine import RunResult, run_scenario
from twin.sim.interrupts import deferred_interrupts
from twin.sim.outputs import publish, staging_folder
from twin.sim.scenario_copy import write_scenario_copy

__all__ = ["run_command", "default_out_dir", "describe_failure"]

log = logging.getLogger(__name__)

_MOST_AUDIT_PROBLEMS = 20


def run_command(args: argparse.Namespace, console: Console) -> int:
    path = Path(args.scenario)
    try:
        scenario = load_scenario(path, console.lang)
    except ScenarioError as error:
        print_scenario_problems(console, error)
        return EXIT_INVALID

    invalid = _check_options(args, scenario, console)
    if invalid is not None:
        return invalid
    out = Path(args.out) if args.out else default_out_dir(path)
    if out.exists() and not out.is_dir():
        console.warn("cli.run.out_not_folder", out=str(out))
        return EXIT_INVALID
    try:
        staging = staging_folder(out)
    except OSError as error:
        console.warn("cli.run.out_unwritable", out=str(out), detail=error.strerror or str(error))
        return EXIT_INVALID
    try:
        return _run_in(staging, out, path, scenario, args, console)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def default_out_dir(scenario_path: Path) -> Path:
    """Return the default run folder of a scenario file: ``reports/<file name without .yaml>``."""
    return Path("reports") / scenario_path.stem


# Private interface


def _check_options(args: argparse.Namespace, scenario: Scenario, console: Console) -> int | None:
    if args.until is not None and args.until <= scenario.start:
        console.warn("cli.run.until_before_start", until=args.until.isoformat(), start=scenario.start.isoformat())
        return EXIT_INVALID
    scale = scenario.province.scale if args.scale is None else args.scale
    if scale > 0 and importlib.util.find_spec("twin.sim.crowd") is None:
        console.warn("cli.run.no_crowd", scale=f"{scale:g}")
        return EXIT_INVALID
    if scale > 0:
        return _check_population(scenario, scale, console)
    return None


def _check_population(scenario: Scenario, scale: float, console: Console) -> int | None:
    """Check the synthetic crowd's parameters at ``scale`` before any folder is touched."""
    from twin.sim.crowd.params import population_params

    try:
        population_params(scenario.province, scale, scenario.start.date())
    except ParamsError as error:
        return _population_invalid(error, scenario, console)
    return None


def _population_invalid(error: ParamsError, scenario: Scenario, console: Console) -> int:
    members = scenario.province.population.members
    if error.field == "scale" and members > 0:
        console.warn("cli.run.scale_too_small", scale=f"{error.value:g}", members=f"{members:,}",
                     smallest=f"{smallest_scale(members):g}")
    else:
        console.warn("cli.run.population_invalid", field=error.field, value=str(error.value),
                     expected=error.expected)
    return EXIT_INVALID


def _run_in(staging: Path, out: Path, scenario_path: Path, scenario: Scenario, args, console: Console) -> int:
    """Run the scenario into ``staging``, then move its files into ``out``."""
    try:
        write_scenario_copy(scenario_path, staging / "scenario.yaml")
    except OSError as error:
        console.warn("cli.run.out_unwritable", out=str(out), detail=error.strerror or str(error))
        return EXIT_INVALID
    except yaml.YAMLError as error:
        # The loader read the file, so this is unexpected: keep no copy rather than one with PINs.
        log.warning("scenario copy of %s left out: %s", scenario_path, error)

    console.warn("cli.run.starting", name=scenario.name, out=str(out))
    bar = ProgressBar(console.err, console.lang)
    started = time.monotonic()
    # A first Ctrl-C stops the engine between two events, and the run folder is
    # still written with its report. Only a second one gives up on the run.
    with deferred_interrupts() as stop:
        try:
            result = run_scenario(scenario, staging, seed=args.seed, scale=args.scale, until=args.until, progress=bar)
            bar.finish()
            write_report(staging, lang=console.lang, scenario=scenario)
        except KeyboardInterrupt:
            bar.finish()
            console.warn("cli.run.interrupted_closing", out=str(out))
            return EXIT_INTERRUPTED
        except ParamsError as error:
            bar.finish()
            return _population_invalid(error, scenario, console)
        try:
            publish(staging, out)
        except OSError as error:
            console.warn("cli.run.out_unwritable", out=str(out), detail=error.strerror or str(error))
            return EXIT_INVALID
    _print_summary(result, out, time.monotonic() - started, console)
    if result.interrupted or stop.requested:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


def _print_summary(result: RunResult, out: Path, seconds: float, console: Console) -> None:
    metrics = result.metrics
    scenario = metrics["scenario"]
    summary = metrics["summary"]
    key = "cli.run.interrupted" if result.interrupted else "cli.run.finished"
    console.say(
        key,
        name=scenario["name"],
        moment=scenario["finished_at"][:16].replace("T", " "),
        authorizations=f"{summary.get('authorizations', 0):,}",
        seconds=f"{seconds:.1f}",
    )
    console.say("cli.run.folder", out=str(out), report=str(out / "report.html"))

    ledger = metrics.get("ledger", {})
    if ledger.get("ok"):
        console.say("cli.run.ledger_ok", accounts=f"{ledger.get('accounts', 0):,}", transfers=f"{ledger.get('transfers', 0):,}")
    else:
        problems = ledger.get("problems", [])
        console.say("cli.run.ledger_problems", count=len(problems))
        for problem in problems[:_MOST_AUDIT_PROBLEMS]:
            console.line(f"  {problem.get('rule')}: {problem.get('detail')}")

    failures = result.failures
    total = len(result.expectations)
    if not total:
        console.say("cli.run.no_expectations")
    elif not failures:
        console.say("cli.run.expectations_held", total=total)
    else:
        console.say("cli.run.expectations_failed", failed=len(failures), total=total)
        for failure in failures:
            console.line("  " + describe_failure(failure.to_dict(), console.lang))
    if result.interrupted:
        console.say("cli.run.interrupted_note")


def describe_failure(result: dict, lang: str) -> str:
    """Return one line for a failed expectation: where, field, expected and actual (amounts in yuan)."""
    field = result.get("field", "")
    return t(
        "cli.run.failure",
        lang,
        where=step_place(result, lang),
        field=field,
        expected=format_expected(field, result.get("expected"), lang),
        actual=format_outcome(field, result.get("actual"), lang),
    )

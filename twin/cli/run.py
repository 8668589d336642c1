"""``twin run``: run a scenario, write its folder and report, and check its expectations.

Exit status: 0 when every expectation holds, 1 when one fails (each is
printed), 2 for an invalid scenario file or option, 130 when Ctrl-C stopped
the run (the partial run is still written, audited and reported).
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import time
from pathlib import Path

from twin.cli.console import Console
from twin.cli.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK
from twin.cli.problems import print_scenario_problems
from twin.cli.progress import ProgressBar
from twin.i18n import t
from twin.report import write_report
from twin.report.outcomes import step_place
from twin.report.units import format_expected, format_outcome
from twin.scenario import Scenario, ScenarioError, load_scenario
from twin.sim.engine import RunResult, run_scenario

__all__ = ["run_command", "default_out_dir", "describe_failure"]

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
    prepared = _prepare_folder(out, path, console)
    if prepared is not None:
        return prepared

    console.warn("cli.run.starting", name=scenario.name, out=str(out))
    bar = ProgressBar(console.err, console.lang)
    started = time.monotonic()
    try:
        result = run_scenario(scenario, out, seed=args.seed, scale=args.scale, until=args.until, progress=bar)
    except KeyboardInterrupt:
        # A second Ctrl-C while the engine closed the books: nothing consistent to report.
        bar.finish()
        console.warn("cli.run.interrupted_closing", out=str(out))
        return EXIT_INTERRUPTED
    bar.finish()
    report = write_report(out, lang=console.lang, scenario=scenario)
    _print_summary(result, report, time.monotonic() - started, console)
    if result.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


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
    return None


def _prepare_folder(out: Path, scenario_path: Path, console: Console) -> int | None:
    """Create the run folder, clear the last report, and keep a copy of the scenario in it."""
    if out.exists() and not out.is_dir():
        console.warn("cli.run.out_not_folder", out=str(out))
        return EXIT_INVALID
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.html").unlink(missing_ok=True)
        copy = out / "scenario.yaml"
        if not (copy.exists() and copy.samefile(scenario_path)):
            shutil.copyfile(scenario_path, copy)
    except OSError as error:
        console.warn("cli.run.out_unwritable", out=str(out), detail=error.strerror or str(error))
        return EXIT_INVALID
    return None


def _print_summary(result: RunResult, report: Path, seconds: float, console: Console) -> None:
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
    console.say("cli.run.folder", out=str(result.out_dir), report=str(report))

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

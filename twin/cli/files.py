"""Commands on files without running anything: ``twin validate``, ``twin schema`` and ``twin report``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from twin.cli.console import Console
from twin.cli.exits import EXIT_INVALID, EXIT_OK
from twin.cli.problems import print_scenario_problems, read_error_text
from twin.report import write_report
from twin.scenario import ScenarioError, load_scenario, scenario_json_schema

__all__ = ["validate_command", "schema_command", "report_command"]


def validate_command(args: argparse.Namespace, console: Console) -> int:
    """Check each scenario file; exit 0 when all are valid, 2 when any has a problem."""
    status = EXIT_OK
    for name in args.scenarios:
        try:
            scenario = load_scenario(name, console.lang)
        except ScenarioError as error:
            print_scenario_problems(console, error)
            status = EXIT_INVALID
            continue
        console.say("cli.validate.ok", file=name, name=scenario.name, steps=len(scenario.script))
    return status


def schema_command(args: argparse.Namespace, console: Console) -> int:
    """Write the JSON Schema of scenario files to standard output or ``--out``."""
    text = json.dumps(scenario_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.out is None:
        console.out.write(text)
        return EXIT_OK
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as error:
        console.warn("cli.schema.unwritable", file=args.out, detail=error.strerror or str(error))
        return EXIT_INVALID
    console.say("cli.schema.written", file=args.out)
    return EXIT_OK


def report_command(args: argparse.Namespace, console: Console) -> int:
    """Write ``report.html`` again for a finished run, for example in another language."""
    folder = Path(args.run_dir)
    if not (folder / "metrics.json").is_file():
        console.warn("cli.run_dir.missing", path=str(folder))
        return EXIT_INVALID
    try:
        path = write_report(folder, lang=console.lang)
    except (OSError, ValueError) as error:
        console.warn("cli.run_dir.invalid", path=str(folder), detail=read_error_text(error, console.lang))
        return EXIT_INVALID
    console.say("cli.report.written", file=str(path))
    return EXIT_OK

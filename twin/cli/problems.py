"""Printing a scenario file's problems, one line each, as ``twin run`` and ``twin validate`` show them."""

from __future__ import annotations

from twin.cli.console import Console
from twin.scenario import ScenarioError

__all__ = ["print_scenario_problems"]


def print_scenario_problems(console: Console, error: ScenarioError) -> None:
    """Write every problem (``file:line: field: message; fix``) and their count to standard error."""
    for problem in error.problems:
        console.error_line(str(problem))
    console.warn("cli.validate.problems", file=error.file, count=len(error.problems))

"""What the scenario picker lists: scenario files with their problems, and finished run folders.

A scenario file is read with :func:`twin.scenario.load_scenario`; a file that
does not load keeps its problems (file, line, field, message and fix) so the
picker can show them in place. A run folder is any folder with a
``metrics.json`` written by :func:`twin.sim.engine.run_scenario`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from twin.scenario import Problem, Scenario, ScenarioError, load_scenario

__all__ = ["ScenarioEntry", "RunEntry", "list_scenarios", "list_runs", "read_scenario", "is_run_folder"]

log = logging.getLogger(__name__)


@dataclass
class ScenarioEntry:
    """One scenario file: the scenario if it loads, else its problems."""

    path: Path
    scenario: Scenario | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    @property
    def title(self) -> str:
        return self.scenario.name if self.scenario is not None else self.path.stem

    @property
    def has_crowd(self) -> bool:
        return self.scenario is not None and self.scenario.province.scale > 0


@dataclass(frozen=True)
class RunEntry:
    """A finished run folder and the scenario facts its ``metrics.json`` records."""

    path: Path
    name: str
    description: str
    finished_at: str
    interrupted: bool


def read_scenario(path: Path, lang: str) -> ScenarioEntry:
    """Load one scenario file, keeping its problems if it is invalid."""
    try:
        return ScenarioEntry(path, load_scenario(path, lang))
    except ScenarioError as error:
        log.info("scenario %s has %d problems", path, len(error.problems))
        return ScenarioEntry(path, None, list(error.problems))


def list_scenarios(folder: Path, lang: str, extra: Path | None = None) -> list[ScenarioEntry]:
    """Load every ``*.yaml`` file in ``folder`` (and ``extra``, if it lies elsewhere), by file name."""
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if extra is not None and all(extra.resolve() != path.resolve() for path in paths):
        paths.append(extra)
    return [read_scenario(path, lang) for path in paths]


def is_run_folder(path: Path) -> bool:
    return path.is_dir() and (path / "metrics.json").is_file()


def list_runs(folder: Path) -> list[RunEntry]:
    """List the run folders directly inside ``folder`` (``reports/``), by folder name."""
    if not folder.is_dir():
        return []
    runs = []
    for path in sorted(folder.iterdir()):
        if not is_run_folder(path):
            continue
        try:
            scenario = json.loads((path / "metrics.json").read_text(encoding="utf-8")).get("scenario", {})
        except (OSError, ValueError) as error:
            log.warning("skipping run folder %s: %s", path, error)
            continue
        runs.append(
            RunEntry(
                path,
                str(scenario.get("name", path.name)),
                str(scenario.get("description", "")),
                str(scenario.get("finished_at", "")),
                bool(scenario.get("interrupted", False)),
            )
        )
    return runs

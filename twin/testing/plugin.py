"""pytest plugin: every scenario file is a regression test.

Each ``scenarios/*.yaml`` and ``tests/scenarios/*.yaml`` under the rootdir
becomes one test item, ``<file>::regression``. The item runs the scenario at its
``province.regression_scale`` (a file with ``province.scale: 0`` runs as it is,
with no crowd) into a temporary folder, and fails with a readable list when
an expectation of the file fails. For the shipped scenarios (``scenarios/``)
it then compares the run with ``tests/golden/<file name>.json``; run
``pytest --update-golden`` to write those files again after a change that is
meant. Items are independent, so they spread over pytest-xdist workers.

The repository's root ``conftest.py`` registers this plugin, so ``pytest``,
``make test`` and ``pytest scenarios`` collect the scenarios.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from twin.report.outcomes import step_place
from twin.report.units import format_expected, format_outcome
from twin.scenario import ScenarioError, load_scenario
from twin.sim.engine import run_scenario
from twin.testing.golden import compare_golden, golden_part, read_golden, write_golden

_SHIPPED = "scenarios"
_EXTRA = ("tests", "scenarios")
_GOLDEN = ("tests", "golden")
_LANG = "en"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("twin", "scenario regression suite")
    group.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="write tests/golden/<scenario>.json from this run instead of comparing with it",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    root = parent.config.rootpath
    if file_path.parent not in (root / _SHIPPED, root.joinpath(*_EXTRA)):
        return None
    return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFailure(Exception):
    """A scenario that did not load, or whose run broke an expectation or moved a golden figure."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class ScenarioFile(pytest.File):
    def collect(self):
        yield ScenarioItem.from_parent(self, name="regression")


class ScenarioItem(pytest.Item):
    """One regression run of one scenario file."""

    def runtest(self) -> None:
        try:
            scenario = load_scenario(self.path, _LANG)
        except ScenarioError as error:
            raise ScenarioFailure([f"{self.path.name} does not load:", *(f"  {p}" for p in error.problems)]) from None
        scale = 0.0 if scenario.province.scale == 0 else scenario.province.regression_scale
        out = Path(tempfile.mkdtemp(prefix=f"twin-{self.path.stem}-"))
        result = run_scenario(scenario, out, scale=scale)

        lines = []
        if result.failures:
            lines.append(f"{len(result.failures)} of {len(result.expectations)} expectations failed at scale {scale:g}:")
            lines += [f"  {_describe(failure.to_dict())}" for failure in result.failures]
        if self._shipped():
            lines += self._check_golden(result.metrics)
        if lines:
            raise ScenarioFailure([*lines, f"The run folder is kept for a look: {out}"])
        shutil.rmtree(out, ignore_errors=True)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioFailure):
            return "\n".join(excinfo.value.lines)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"scenario {self.path.name}"

    # Private interface

    def _shipped(self) -> bool:
        return self.path.parent == self.config.rootpath / _SHIPPED

    def _check_golden(self, metrics: dict) -> list[str]:
        path = self.config.rootpath.joinpath(*_GOLDEN, f"{self.path.stem}.json")
        current = golden_part(metrics)
        if self.config.getoption("update_golden"):
            write_golden(path, current)
            return []
        golden = read_golden(path)
        if golden is None:
            return [f"No golden metrics at {self._relative(path)}; write them with: {self._update_command()}"]
        moved = compare_golden(golden, current)
        if not moved:
            return []
        return [
            f"{len(moved)} golden figures of {self._relative(path)} moved:",
            *(f"  {line}" for line in moved),
            f"If the change is meant, write the file again with: {self._update_command()}",
        ]


    def _relative(self, path: Path) -> Path:
        return path.relative_to(self.config.rootpath)

    def _update_command(self) -> str:
        return f"pytest --update-golden {self._relative(self.path)}"


def _describe(result: dict) -> str:
    field = result.get("field", "")
    expected = format_expected(field, result.get("expected"), _LANG)
    actual = format_outcome(field, result.get("actual"), _LANG)
    return f"{step_place(result, _LANG)}: {field}: expected {expected}, got {actual}"

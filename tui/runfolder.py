"""The files of a run started from the terminal UI, the same as ``twin run`` leaves.

Before the run, the folder gets a copy of the scenario file with its PINs
masked (:func:`twin.sim.scenario_copy.write_scenario_copy`) and loses the
report of the last run, so a run that fails half way never leaves a report
that describes another run. After the run, finished or left with Esc, the
report is written with :func:`twin.report.write_report`, as ``twin run`` does.
"""

from __future__ import annotations

import logging
from pathlib import Path

from twin.report import write_report
from twin.report.page import REPORT_FILE
from twin.scenario import Scenario
from twin.sim.scenario_copy import write_scenario_copy

__all__ = ["prepare_run_folder", "finish_run_folder", "SCENARIO_COPY"]

log = logging.getLogger(__name__)

#: Name of the scenario file's copy in a run folder.
SCENARIO_COPY = "scenario.yaml"


def prepare_run_folder(out: Path, source: Path | None) -> None:
    """Create ``out``, remove its last report, and copy the scenario file ``source`` into it with PINs masked.

    Raises :class:`OSError` when the folder cannot be written.
    """
    out.mkdir(parents=True, exist_ok=True)
    (out / REPORT_FILE).unlink(missing_ok=True)
    if source is None:
        return
    copy = out / SCENARIO_COPY
    if not (copy.exists() and copy.samefile(source)):
        write_scenario_copy(source, copy)


def finish_run_folder(out: Path, lang: str, scenario: Scenario) -> Path:
    """Write the run's ``report.html`` into ``out`` and return its path."""
    path = write_report(out, lang=lang, scenario=scenario)
    log.info("report of %s written to %s", scenario.name, path)
    return path

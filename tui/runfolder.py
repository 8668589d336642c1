"""The files of a run started from the terminal UI, the same as ``twin run`` leaves.

As with ``twin run``, the run writes into a staging folder beside its run
folder (:func:`twin.sim.outputs.staging_folder`): the scenario file's copy with
its PINs masked, the engine's files, and the report written by
:func:`twin.report.write_report`. Only then are the files moved into the run
folder (:func:`twin.sim.outputs.publish`), so the run folder never mixes the
files of two runs. A run left with Esc is interrupted, reported and moved too.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import yaml

from twin.report import write_report
from twin.scenario import Scenario
from twin.sim.outputs import publish, staging_folder
from twin.sim.scenario_copy import write_scenario_copy

__all__ = ["start_run_folder", "finish_run_folder", "discard_staging", "SCENARIO_COPY"]

log = logging.getLogger(__name__)

#: Name of the scenario file's copy in a run folder.
SCENARIO_COPY = "scenario.yaml"


def start_run_folder(out: Path, source: Path | None) -> Path:
    """Create the staging folder of a run into ``out``, with the masked copy of ``source``, and return it.

    Raises :class:`OSError` when the folder cannot be written.
    """
    staging = staging_folder(out)
    if source is None:
        return staging
    try:
        write_scenario_copy(source, staging / SCENARIO_COPY)
    except yaml.YAMLError as error:
        # The loader read the file, so this is unexpected: keep no copy rather than one with PINs.
        log.warning("scenario copy of %s left out: %s", source, error)
    except OSError:
        discard_staging(staging)
        raise
    return staging


def finish_run_folder(staging: Path, out: Path, lang: str, scenario: Scenario) -> Path:
    """Write the run's ``report.html`` in ``staging``, move the run's files into ``out`` and return the report's path."""
    write_report(staging, lang=lang, scenario=scenario)
    publish(staging, out)
    log.info("run of %s written to %s", scenario.name, out)
    return out / "report.html"


def discard_staging(staging: Path) -> None:
    """Remove a staging folder that was not published (the run failed)."""
    shutil.rmtree(staging, ignore_errors=True)

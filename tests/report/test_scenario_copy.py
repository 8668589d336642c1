"""A run folder's scenario copy has its PINs masked, and the report still reads it."""

import shutil

from twin.report import load_run
from twin.sim.scenario_copy import write_scenario_copy

from .conftest import ROOT


def test_masked_copy_read_for_report(lifecycle_dir, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(lifecycle_dir, folder)
    write_scenario_copy(ROOT / "scenarios" / "lifecycle_demo.yaml", folder / "scenario.yaml")
    scenario = load_run(folder).scenario
    assert scenario is not None
    assert scenario.name == "lifecycle-demo"

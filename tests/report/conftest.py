import json
from pathlib import Path

import pytest

from twin.report import ReportInput, load_run
from twin.scenario import load_scenario
from twin.sim.engine import run_scenario

ROOT = Path(__file__).resolve().parents[2]


def _run(folder: Path, name: str, scale: float) -> Path:
    scenario = load_scenario(ROOT / "scenarios" / name)
    run_scenario(scenario, folder, scale=scale)
    return folder


@pytest.fixture(scope="session")
def lifecycle_dir(tmp_path_factory) -> Path:
    """A script-only run: one city, 54 steps, no crowd."""
    return _run(tmp_path_factory.mktemp("lifecycle"), "lifecycle_demo.yaml", 0)


@pytest.fixture(scope="session")
def pilot_dir(tmp_path_factory) -> Path:
    """A crowd run over several cities, without a script."""
    return _run(tmp_path_factory.mktemp("pilot"), "pilot_2019.yaml", 0.001)


@pytest.fixture
def lifecycle(lifecycle_dir) -> ReportInput:
    """The lifecycle run as report input, a fresh copy that a test may change."""
    run = load_run(lifecycle_dir)
    run.metrics = json.loads(json.dumps(run.metrics))
    return run


@pytest.fixture
def pilot(pilot_dir) -> ReportInput:
    return load_run(pilot_dir)

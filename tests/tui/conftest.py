"""Shared fixtures of the terminal UI tests: the demo scenario, a finished run of it, and an app."""

import shutil
from pathlib import Path

import pytest
from tui_support import DEMO

from twin.scenario import load_scenario
from twin.sim.engine import run_scenario


@pytest.fixture(scope="session")
def demo():
    return load_scenario(DEMO, "zh")


@pytest.fixture(scope="session")
def finished_run(tmp_path_factory, demo) -> Path:
    """A run folder of the lifecycle demo, written once per test session."""
    folder = tmp_path_factory.mktemp("runs") / "lifecycle_demo"
    run_scenario(demo, folder)
    return folder


@pytest.fixture
def reports(tmp_path, finished_run) -> Path:
    """A reports folder holding a copy of the finished demo run."""
    folder = tmp_path / "reports"
    shutil.copytree(finished_run, folder / "lifecycle_demo")
    return folder

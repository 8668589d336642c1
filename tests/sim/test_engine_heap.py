import gc
from pathlib import Path

from twin.scenario import load_scenario
from twin.sim.engine import run_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_run_collects_rarely_and_restores_collector(tmp_path):
    before = gc.get_threshold()
    during = []
    frozen = []

    def progress(_):
        during.append(gc.get_threshold()[0])
        frozen.append(gc.get_freeze_count())

    run_scenario(load_scenario(ROOT / "scenarios" / "lifecycle_demo.yaml"), tmp_path, progress=progress)
    assert during
    assert min(during) >= 50_000
    assert min(frozen) > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0

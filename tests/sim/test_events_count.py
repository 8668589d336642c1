"""The engine's count of processed SimPy events, which the engine benchmark reports."""

from pathlib import Path

from twin.scenario import load_scenario
from twin.sim.engine import run_scenario
from twin.sim.world import CountingEnvironment

ROOT = Path(__file__).resolve().parents[2]


def test_counting_environment_counts_steps():
    env = CountingEnvironment()

    def ticker(env, count):
        for _ in range(count):
            yield env.timeout(1)

    env.process(ticker(env, 5))
    env.run()
    # The process's start, its five timeouts and its end.
    assert env.events_processed == 7


def test_run_reports_events_deterministically(tmp_path):
    scenario = load_scenario(ROOT / "scenarios" / "lifecycle_demo.yaml")
    first = run_scenario(scenario, tmp_path / "first")
    second = run_scenario(scenario, tmp_path / "second")
    assert first.simulated_events > 0
    assert first.simulated_events == second.simulated_events

import json
import os
import subprocess
import sys

from crowd_worlds import scenario_text, wave

# A little of everything: a wave, festival welfare, spending, a slow core.
TEXT = scenario_text({
    "end": "2020-03-12 00:00",
    "rollout": wave(start="2020-01-02", end="2020-03-31"),
    "disbursements": [{"festival": "tomb_sweeping_day", "date": "2020-03-06", "amount": 300}],
    "behaviour": {"transit": {"uptake": 1.0}, "etc": {"uptake": 1.0}},
    "faults": {"core_slow": [{"from": "2020-03-10 09:00", "to": "2020-03-10 12:00", "latency_ms": 3000}]},
})

_RUN = """
import sys
from twin.scenario import load_scenario
from twin.sim.engine import run_scenario
run_scenario(load_scenario(sys.argv[1]), sys.argv[2])
"""


def run_in_process(scenario_path, out, hash_seed):
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run([sys.executable, "-c", _RUN, str(scenario_path), str(out)], check=True, env=environment)
    return (out / "metrics.json").read_bytes()


def test_same_seed_same_metrics_bytes(tmp_path):
    path = tmp_path / "crowd.yaml"
    path.write_text(TEXT, encoding="utf-8")
    first = run_in_process(path, tmp_path / "first", "1")
    second = run_in_process(path, tmp_path / "second", "2")
    assert json.loads(first)["summary"]["authorizations"] > 0
    assert first == second

import subprocess
import sys
from pathlib import Path

from twin.bench.engine import bench_engine, simpy_floor

ROOT = Path(__file__).resolve().parents[2]


def test_simpy_floor_counts_events():
    floor = simpy_floor(events=1_000, repeats=1)
    assert floor["events"] == 1_000
    assert floor["events_per_second"] > 0


def test_engine_bench_runs_a_scripted_scenario():
    result = bench_engine(str(ROOT / "scenarios" / "lifecycle_demo.yaml"), scales=(0.0,), timeout=300)
    [run] = result["runs"]
    assert "error" not in run
    assert run["ledger_balanced"] is True
    assert run["authorizations"] > 0
    assert run["floor_ratio"] > 0
    assert run["simulated_events"] > 0
    assert run["cpu_seconds"] > 0


_CHILD_PEAK = "from twin.bench.engine import own_peak_rss_bytes; print(own_peak_rss_bytes())"


def test_child_peak_memory_is_its_own():
    # A parent that used 400 MB must not lend its peak to a child it starts.
    ballast = b"\x01" * 400_000_000
    completed = subprocess.run([sys.executable, "-c", _CHILD_PEAK], capture_output=True, text=True, check=True)
    del ballast
    assert int(completed.stdout) < 200_000_000

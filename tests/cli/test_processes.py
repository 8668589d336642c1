"""The command in its own processes: Ctrl-C leaves an audited partial run, and runs are byte-identical."""

import json
import os
import signal
import subprocess
import sys

import pytest

from twin.ledger.audit import verify

from .samples import ROOT

# A terminal delivers Ctrl-C as SIGINT, which Python turns into KeyboardInterrupt.
# A child started from a non-interactive shell may inherit SIGINT ignored, so the
# child sets the default handler before it calls the command.
_ENTRY = (
    "import signal, sys\n"
    "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
    "from twin.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _start(*args, hash_seed: str = "0") -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "TWIN_LANG": "en"}
    return subprocess.Popen(
        [sys.executable, "-c", _ENTRY, *map(str, args)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """Interrupt a two-year crowd run as soon as it reports progress."""
    out = tmp_path_factory.mktemp("interrupted")
    process = _start("run", "scenarios/rollout_province.yaml", "--scale", "0.0002", "--out", out)
    for line in process.stderr:
        if "%" in line:
            break
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, stdout, out, stderr


def test_interrupt_exits_130(interrupted):
    assert interrupted[0] == 130, interrupted[3][-2000:]


def test_interrupt_says_so(interrupted):
    assert "was interrupted (Ctrl-C) at simulated time" in interrupted[1]


def test_interrupt_marks_metrics(interrupted):
    metrics = json.loads((interrupted[2] / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["scenario"]["interrupted"] is True


def test_interrupt_writes_report(interrupted):
    assert "Run interrupted" in (interrupted[2] / "report.html").read_text(encoding="utf-8")


def test_interrupt_leaves_audited_ledger(interrupted):
    assert verify(interrupted[2] / "ledger.db").ok


@pytest.mark.parametrize(
    ("scenario", "scale"),
    [("scenarios/lifecycle_demo.yaml", "0"), ("scenarios/pilot_2019.yaml", "0.001")],
)
def test_same_seed_same_bytes(tmp_path, scenario, scale):
    processes = [
        _start("run", scenario, "--scale", scale, "--out", tmp_path / name, hash_seed=hash_seed)
        for name, hash_seed in (("first", "1"), ("second", "2"))
    ]
    for process in processes:
        process.communicate(timeout=300)
    first, second = ((tmp_path / name / "metrics.json").read_bytes() for name in ("first", "second"))
    assert first == second

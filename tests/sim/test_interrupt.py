"""Ctrl-C during a run stops it between two simulated events, with the ledger whole."""

import signal
from pathlib import Path

import pytest

from twin.ledger.audit import verify
from twin.ledger.store import SQLiteStore
from twin.scenario import load_scenario
from twin.sim import engine as engine_module
from twin.sim.engine import run_scenario
from twin.sim.interrupts import RunStopped, deferred_interrupts
from twin.sim.world import CountingEnvironment, World

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def python_sigint():
    """SIGINT as Python sets it up for a program run from a terminal (pytest or a worker may differ)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_stop_request_skips_next_event():
    env = CountingEnvironment()
    env.timeout(1)
    env.stop.requested = True
    with pytest.raises(RunStopped):
        env.step()
    assert env.events_processed == 0
    assert env.now == 0


def test_second_ctrl_c_raises_at_once(python_sigint):
    with deferred_interrupts() as stop:
        signal.raise_signal(signal.SIGINT)
        assert stop.requested
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_nested_blocks_share_request(python_sigint):
    with deferred_interrupts() as outer, deferred_interrupts() as inner:
        assert inner is outer


def test_start_up_ctrl_c_stops_at_start(tmp_path, monkeypatch, python_sigint):
    original = World.__init__

    def build_then_ctrl_c(self, *args, **kwargs):
        original(self, *args, **kwargs)
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(World, "__init__", build_then_ctrl_c)
    scenario = load_scenario(ROOT / "scenarios" / "pilot_2019.yaml")
    result = run_scenario(scenario, tmp_path, scale=0.001)
    assert result.interrupted
    assert result.metrics["summary"]["authorizations"] == 0
    assert verify(tmp_path / "ledger.db").ok


def test_ctrl_c_while_closing_marks_run(tmp_path, monkeypatch, python_sigint):
    original = engine_module.verify_store

    def audit_then_ctrl_c(store):
        signal.raise_signal(signal.SIGINT)
        return original(store)

    monkeypatch.setattr(engine_module, "verify_store", audit_then_ctrl_c)
    result = run_scenario(load_scenario(ROOT / "scenarios" / "lifecycle_demo.yaml"), tmp_path)
    assert result.interrupted
    assert result.metrics["scenario"]["interrupted"] is True
    assert verify(tmp_path / "ledger.db").ok


@pytest.mark.parametrize("commit_number", [3, 8, 20])
def test_ctrl_c_after_commit_keeps_ledger(tmp_path, monkeypatch, python_sigint, commit_number):
    # The signal lands after the store has committed a group and before the
    # ledger has cleared it: the window where a bare KeyboardInterrupt made the
    # closing flush write the same transfers twice.
    # Commits are counted from the first simulated day on (the world's set-up
    # commits too, before Ctrl-C can be deferred).
    original = SQLiteStore.commit
    calls = []
    running = []

    def commit_then_ctrl_c(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if running:
            calls.append(None)
            if len(calls) == commit_number:
                signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(SQLiteStore, "commit", commit_then_ctrl_c)
    scenario = load_scenario(ROOT / "scenarios" / "pilot_2019.yaml")
    result = run_scenario(scenario, tmp_path, scale=0.001, progress=running.append)
    assert len(calls) >= commit_number
    assert result.interrupted
    assert result.metrics["scenario"]["interrupted"] is True
    assert verify(tmp_path / "ledger.db").ok


def test_run_restores_sigint_handler(tmp_path, python_sigint):
    run_scenario(load_scenario(ROOT / "scenarios" / "lifecycle_demo.yaml"), tmp_path)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_run_keeps_caller_sigint_handler(tmp_path):
    seen = []

    def own_handler(signum, frame):
        seen.append(signum)

    previous = signal.signal(signal.SIGINT, own_handler)
    try:
        run_scenario(load_scenario(ROOT / "scenarios" / "lifecycle_demo.yaml"), tmp_path)
        assert signal.getsignal(signal.SIGINT) is own_handler
    finally:
        signal.signal(signal.SIGINT, previous)

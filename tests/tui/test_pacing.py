"""The run gate: a worker thread held at day boundaries by pause, single step and cancel."""

import threading

import pytest

from tui.pacing import RunCancelled, RunGate

#: Generous bound for a thread to reach a point it is free to reach; never a measured speed.
JOIN_SECONDS = 30


def run_days(gate, passed, stopped):
    try:
        while True:
            gate.pass_day()
            passed.release()
    except RunCancelled:
        stopped.set()


def start(gate):
    passed = threading.Semaphore(0)
    stopped = threading.Event()
    thread = threading.Thread(target=run_days, args=(gate, passed, stopped), daemon=True)
    thread.start()
    return thread, passed, stopped


def test_running_gate_lets_days_pass():
    gate = RunGate()
    thread, passed, stopped = start(gate)
    assert passed.acquire(timeout=JOIN_SECONDS)
    assert passed.acquire(timeout=JOIN_SECONDS)
    gate.cancel()
    thread.join(JOIN_SECONDS)
    assert stopped.is_set()


def test_step_lets_exactly_one_day_pass():
    gate = RunGate(paused=True)
    thread, passed, stopped = start(gate)
    gate.step()
    assert passed.acquire(timeout=JOIN_SECONDS)
    assert gate.days_passed == 1
    assert gate.paused
    gate.cancel()
    thread.join(JOIN_SECONDS)
    assert gate.days_passed == 1
    assert stopped.is_set()


def test_resume_after_pause():
    gate = RunGate(paused=True)
    thread, passed, stopped = start(gate)
    gate.resume()
    assert passed.acquire(timeout=JOIN_SECONDS)
    gate.cancel()
    thread.join(JOIN_SECONDS)
    assert not thread.is_alive()


def test_cancel_raises_keyboard_interrupt():
    gate = RunGate()
    gate.cancel()
    with pytest.raises(KeyboardInterrupt):
        gate.pass_day()


def test_speed_setting():
    gate = RunGate(speed=5)
    gate.set_speed(None)
    assert gate.speed is None

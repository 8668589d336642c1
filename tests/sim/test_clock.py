"""The simulation clock reads env.now, and keeps the last moment it read."""

import datetime as dt

import simpy

from twin.calendar import TZ, epoch_micros
from twin.sim.clock import SimClock

START = dt.datetime(2020, 1, 20, 8, 0, tzinfo=TZ)


def test_clock_starts_at_start():
    clock = SimClock(simpy.Environment(), START)
    assert clock.now() == START


def test_clock_micros_at_start():
    clock = SimClock(simpy.Environment(), START)
    assert clock.now_micros() == epoch_micros(START)


def test_clock_follows_env_after_read():
    env = simpy.Environment()
    clock = SimClock(env, START)
    clock.now()
    env.run(until=90.5)
    assert clock.now() == START + dt.timedelta(seconds=90.5)


def test_clock_micros_follow_env():
    env = simpy.Environment()
    clock = SimClock(env, START)
    clock.now_micros()
    env.run(until=0.000_001)
    assert clock.now_micros() == epoch_micros(START) + 1


def test_clock_same_moment_twice():
    env = simpy.Environment()
    clock = SimClock(env, START)
    env.run(until=60)
    assert clock.now() is clock.now()

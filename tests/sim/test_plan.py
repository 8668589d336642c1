import numpy as np
import simpy

from twin.sim.crowd import plan
from twin.sim.crowd.plan import Planned, play_day


def test_play_day_orders_events_across_chunks(monkeypatch):
    # Chunks of three events: the order must not depend on where a chunk ends.
    monkeypatch.setattr(plan, "_CHUNK", 3)
    env = simpy.Environment()
    done = []
    first = np.array([5.0, 1.0, 5.0, 9.0])
    second = np.array([5.0, 0.5, 7.0])
    batches = [
        Planned(first, lambda row: done.append(("a", row, env.now))),
        Planned(second, lambda row: done.append(("b", row, env.now))),
    ]
    env.process(play_day(env, 100.0, batches))
    env.run()
    assert done == [
        ("b", 1, 100.5),
        ("a", 1, 101.0),
        ("a", 0, 105.0),
        ("a", 2, 105.0),
        ("b", 0, 105.0),
        ("b", 2, 107.0),
        ("a", 3, 109.0),
    ]

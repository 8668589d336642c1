"""A long seeded stream of operations, with the store reopened between commits."""

import numpy as np
import pytest

from twin.ledger import Ledger, SQLiteStore

from .operations import KINDS
from .test_properties import fresh_driver
from .test_store import snapshot

SEED = 20200106
STEPS = 100_000
AUDIT_EVERY = 10_000


def streams(seed):
    """Return the named streams of the run: the operations and the restarts."""
    operations, restarts = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(operations), np.random.default_rng(restarts)


def draw_operations(rng, count):
    columns = [
        rng.integers(0, len(KINDS), count),
        rng.integers(0, 51, count),
        rng.integers(0, 51, count),
        rng.integers(0, 51, count),
        rng.integers(0, 5_001, count),
    ]
    return [tuple(int(value) for value in row) for row in zip(*columns, strict=True)]


def hold_states(ledger, hold_ids):
    return {hold_id: ledger.hold_state(hold_id) for hold_id in hold_ids}


@pytest.mark.slow
def test_long_stream_with_restarts(tmp_path):
    path = tmp_path / "ledger.db"
    operation_rng, restart_rng = streams(SEED)
    driver = fresh_driver(path)
    committed = snapshot(driver.ledger)
    reopens = restarts_seen = 0
    try:
        for step, operation in enumerate(draw_operations(operation_rng, STEPS), start=1):
            in_batch = bool(driver.batch_left)
            driver.run(operation)
            driver.check()
            if not driver.batch_left:
                committed = snapshot(driver.ledger)
            roll = restart_rng.random()

            # A process killed now and restarted reads the last commit only.
            if driver.batch_left and in_batch and roll < 0.002:
                restarted = Ledger(SQLiteStore(path), driver.ledger.clock)
                assert snapshot(restarted) == committed
                restarted.store.close()
                restarts_seen += 1

            # Reopen the ledger from its file between commits and carry on.
            elif not driver.batch_left and roll < 0.001:
                holds = hold_states(driver.ledger, driver.holds)
                driver.ledger.store.close()
                driver.ledger = Ledger(SQLiteStore(path), driver.ledger.clock)
                assert snapshot(driver.ledger) == committed
                assert hold_states(driver.ledger, driver.holds) == holds
                reopens += 1

            if step % AUDIT_EVERY == 0:
                driver.audit()
        driver.batch.close()
        driver.audit()
    finally:
        driver.ledger.store.close()
    assert reopens > 10
    assert restarts_seen > 10

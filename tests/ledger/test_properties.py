"""Random sequences of ledger operations keep every invariant after every step."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin.clock import ManualClock
from twin.ledger import Ledger, SQLiteStore

from .book import BANK_CASH, UNION, UNION_2, C, chart, local, must
from .operations import KINDS, Driver

operation = st.tuples(
    st.integers(0, len(KINDS) - 1),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 5_000),
)


def fresh_driver(path):
    clock = ManualClock(local(2020, 3, 10, 9))
    ledger = Ledger(SQLiteStore(path), clock)
    ledger.create_accounts(chart())
    must(ledger, BANK_CASH, UNION, 50_000_000, C.FUNDING)
    must(ledger, BANK_CASH, UNION_2, 50_000_000, C.FUNDING)
    return Driver(ledger)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation, min_size=1, max_size=40))
def test_invariants_after_every_step(tmp_path_factory, operations):
    driver = fresh_driver(tmp_path_factory.mktemp("ledger") / "ledger.db")
    try:
        for step in operations:
            driver.run(step)
            driver.check()
            driver.audit()
        driver.batch.close()
        driver.check()
        driver.audit()
    finally:
        driver.ledger.store.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation, min_size=5, max_size=60), cut=st.integers(1, 59))
def test_reopen_anywhere_gives_same_state(tmp_path_factory, operations, cut):
    path = tmp_path_factory.mktemp("ledger") / "ledger.db"
    driver = fresh_driver(path)
    for step in operations[: cut % len(operations)]:
        driver.run(step)
    driver.batch.close()
    before = {
        a.id: (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
        for a in driver.ledger.accounts()
    }
    holds = {hold_id: driver.ledger.hold_state(hold_id) for hold_id in driver.holds}
    driver.ledger.store.close()
    reopened = Ledger(SQLiteStore(path), driver.ledger.clock)
    try:
        after = {
            a.id: (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
            for a in reopened.accounts()
        }
        assert after == before
        assert {hold_id: reopened.hold_state(hold_id) for hold_id in driver.holds} == holds
    finally:
        reopened.store.close()

"""Transfers leaving memory after commit change no result, and memory stays bounded."""

import sqlite3

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin.clock import ManualClock
from twin.ledger import Ledger, LedgerConfig, SQLiteStore, Transfer
from twin.ledger.accounts import AccountClass
from twin.ledger.lifecycle import CardAccounts, ClosurePolicy, close_card_accounts

from .book import (
    BANK_CASH,
    CLOSURE,
    MAIN,
    OUTSIDE,
    SHOP,
    TF,
    UNION,
    UNION_2,
    WALLET,
    WELFARE,
    C,
    R,
    chart,
    local,
    must,
)
from .operations import KINDS, Driver

operation = st.tuples(
    st.integers(0, len(KINDS) - 1),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 5_000),
)


def driver_for(path, memory_seconds):
    clock = ManualClock(local(2020, 3, 10, 9))
    ledger = Ledger(SQLiteStore(path), clock, LedgerConfig(memory_seconds=memory_seconds))
    ledger.create_accounts(chart())
    must(ledger, BANK_CASH, UNION, 50_000_000, C.FUNDING)
    must(ledger, BANK_CASH, UNION_2, 50_000_000, C.FUNDING)
    return Driver(ledger)


def state(driver: Driver) -> dict:
    """Return everything a caller can read from the ledger about what the driver did."""
    ledger = driver.ledger
    return {
        "results": dict(driver.results),
        "decided": sorted(driver.decided),
        "sums": {
            account.id: (account.debits_pending, account.debits_posted, account.credits_pending, account.credits_posted)
            for account in ledger.accounts()
        },
        "holds": {hold_id: ledger.hold_state(hold_id) for hold_id in driver.holds},
        "returned": {purchase: ledger.returned_amount(purchase) for purchase in driver.purchases},
        "transfers": {
            transfer_id: ledger.transfer(transfer_id) for transfer_id in sorted(driver.committed | set(driver.failed))
        },
        "welfare": ledger.disbursements(WELFARE),
    }


def stored_rows(path) -> tuple[list, list]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT * FROM transfer_rows ORDER BY seq").fetchall()
        failed = db.execute("SELECT * FROM failed ORDER BY id").fetchall()
        return rows, failed
    finally:
        db.close()


def compare_streams(folder, operations) -> None:
    """Run ``operations`` on a ledger that evicts after every flush and on one that never does."""
    paths = [folder / "evicting.db", folder / "keeping.db"]
    drivers = [driver_for(paths[0], 0), driver_for(paths[1], None)]
    try:
        for step in operations:
            for driver in drivers:
                driver.run(step)
            assert state(drivers[0]) == state(drivers[1])
        for driver in drivers:
            driver.batch.close()
            driver.ledger.clock.advance(seconds=3_600)
        outcomes = [
            close_card_accounts(driver.ledger, CardAccounts(MAIN, WELFARE, WALLET), OUTSIDE, ClosurePolicy.BY_PAYMENT_ORDER)
            for driver in drivers
        ]
        assert outcomes[0] == outcomes[1]
        assert state(drivers[0]) == state(drivers[1])
        for driver in drivers:
            driver.ledger.flush()
        assert stored_rows(paths[0]) == stored_rows(paths[1])
    finally:
        for driver in drivers:
            driver.ledger.store.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=50))
def test_eviction_same_results(tmp_path_factory, operations):
    compare_streams(tmp_path_factory.mktemp("resident"), operations)


@pytest.mark.parametrize("stream", ["first", "second", "third"])
def test_eviction_same_results_long_stream(tmp_path, stream):
    rng = np.random.default_rng(np.random.SeedSequence(20200310).spawn(3)[("first", "second", "third").index(stream)])
    operations = [
        (int(rng.integers(len(KINDS))), *(int(value) for value in rng.integers(0, 51, 3)), int(rng.integers(5_001)))
        for _ in range(600)
    ]
    compare_streams(tmp_path, operations)


def test_evicted_retry_gives_exists(tmp_path):
    driver = driver_for(tmp_path / "ledger.db", 0)
    ledger = driver.ledger
    try:
        must(ledger, BANK_CASH, MAIN, 10_000, C.DEPOSIT)
        purchase = must(ledger, MAIN, SHOP, 500, C.PURCHASE)
        ledger.clock.advance(seconds=60)
        must(ledger, MAIN, SHOP, 1, C.PURCHASE)
        assert purchase not in ledger._transfers
        again = ledger.create_transfers([Transfer(purchase, MAIN, SHOP, 500, C.PURCHASE)])
        assert again == [R.EXISTS]
        changed = ledger.create_transfers([Transfer(purchase, MAIN, SHOP, 501, C.PURCHASE)])
        assert changed == [R.EXISTS_WITH_DIFFERENT_AMOUNT]
    finally:
        ledger.store.close()


def test_evicted_hold_posts_once(tmp_path):
    driver = driver_for(tmp_path / "ledger.db", 0)
    ledger = driver.ledger
    try:
        must(ledger, BANK_CASH, MAIN, 10_000, C.DEPOSIT)
        hold = must(ledger, MAIN, SHOP, 700, C.PURCHASE, flags=TF.PENDING, timeout=3_600)
        must(ledger, MAIN, SHOP, 700, C.PURCHASE, flags=TF.POST_PENDING, pending_id=hold)
        # A hold that was open when its turn came is looked at again on the next day.
        ledger.clock.advance(seconds=86_400)
        must(ledger, MAIN, SHOP, 1, C.PURCHASE)
        assert hold not in ledger._transfers
        assert ledger.hold_state(hold) == "posted"
        again = ledger.create_transfers([Transfer(ledger.new_id(), code=C.PURCHASE, flags=TF.VOID_PENDING, pending_id=hold)])
        assert again == [R.PENDING_TRANSFER_ALREADY_POSTED]
    finally:
        ledger.store.close()


def test_open_hold_stays_in_memory(tmp_path):
    driver = driver_for(tmp_path / "ledger.db", 0)
    ledger = driver.ledger
    try:
        must(ledger, BANK_CASH, MAIN, 10_000, C.DEPOSIT)
        hold = must(ledger, MAIN, SHOP, 700, C.PURCHASE, flags=TF.PENDING)
        ledger.clock.advance(seconds=86_400)
        must(ledger, MAIN, SHOP, 1, C.PURCHASE)
        assert hold in ledger._transfers
    finally:
        ledger.store.close()


def test_memory_bounded_over_days(tmp_path):
    """Ten days of purchases, holds, posts, voids and refunds keep at most about an hour of transfers in memory."""
    clock = ManualClock(local(2020, 3, 10, 9))
    ledger = Ledger(SQLiteStore(tmp_path / "ledger.db"), clock, LedgerConfig(memory_seconds=3_600))
    rng = np.random.default_rng(np.random.SeedSequence(11))
    resident = []
    try:
        ledger.create_accounts(chart(AccountClass.I))
        must(ledger, BANK_CASH, MAIN, 900_000_000, C.DEPOSIT)
        purchases: list[int] = []
        for _ in range(10 * 24):
            # One hour: 40 requests, committed in small batches as the simulation does.
            for _ in range(4):
                with ledger.batch():
                    for _ in range(10):
                        clock.advance(seconds=90)
                        amount = int(rng.integers(1, 2_000))
                        kind = rng.random()
                        if kind < 0.4:
                            purchases.append(must(ledger, MAIN, SHOP, amount, C.PURCHASE))
                        elif kind < 0.8:
                            hold = must(ledger, MAIN, SHOP, amount, C.PURCHASE, flags=TF.PENDING, timeout=600)
                            if kind < 0.7:
                                flag = TF.POST_PENDING if kind < 0.6 else TF.VOID_PENDING
                                must(ledger, MAIN, SHOP, 0 if flag is TF.VOID_PENDING else amount, C.PURCHASE, flags=flag, pending_id=hold)
                        elif purchases:
                            original = ledger.transfer(purchases[int(rng.integers(len(purchases)))])
                            ledger.create_transfers(
                                [Transfer(ledger.new_id(), SHOP, MAIN, 1, C.REFUND, original_id=original.id)]
                            )
            resident.append(ledger.resident_transfers())
        assert ledger.store.row_transfer(purchases[0]) is not None
        assert max(resident[24:]) < 200
        assert len(ledger._expiries) < 200
        assert len(ledger._failed) < 200
        assert len(ledger._hold_state) < 200
    finally:
        ledger.store.close()


def test_closure_splits_evicted_disbursements(tmp_path):
    clock = ManualClock(local(2020, 3, 10, 9))
    ledger = Ledger(SQLiteStore(tmp_path / "ledger.db"), clock, LedgerConfig(memory_seconds=0))
    try:
        ledger.create_accounts(chart())
        must(ledger, BANK_CASH, UNION, 1_000_000, C.FUNDING)
        must(ledger, BANK_CASH, UNION_2, 1_000_000, C.FUNDING)
        must(ledger, UNION, WELFARE, 3_000, C.DISBURSEMENT)
        clock.advance(seconds=86_400)
        must(ledger, UNION_2, WELFARE, 5_000, C.DISBURSEMENT)
        clock.advance(seconds=86_400)
        assert ledger.disbursements(WELFARE) == [(UNION, 3_000), (UNION_2, 5_000)]
        results = close_card_accounts(ledger, CardAccounts(MAIN, WELFARE, WALLET), CLOSURE)
        assert set(results) == {R.OK}
    finally:
        ledger.store.close()


def reversal_windows(path, memory_seconds) -> tuple[int, int]:
    """Reverse a purchase posted just after midnight from a hold placed the evening before."""
    clock = ManualClock(local(2020, 3, 10, 23))
    ledger = Ledger(SQLiteStore(path), clock, LedgerConfig(memory_seconds=memory_seconds))
    try:
        ledger.create_accounts(chart())
        must(ledger, BANK_CASH, MAIN, 100_000, C.DEPOSIT)
        hold = must(ledger, MAIN, SHOP, 700, C.PURCHASE, flags=TF.PENDING)
        clock.advance(seconds=3_600)
        purchase = must(ledger, MAIN, SHOP, 700, C.PURCHASE, flags=TF.POST_PENDING, pending_id=hold)
        must(ledger, MAIN, SHOP, 300, C.PURCHASE)
        clock.advance(seconds=600)
        must(ledger, SHOP, MAIN, 700, C.REVERSAL, original_id=purchase)
        account = ledger.account(MAIN)
        return account.day_out, account.year_out
    finally:
        ledger.store.close()


def test_evicted_hold_dates_reversal(tmp_path):
    # The reversal gives back the window of the day the hold counted, which only the evicted hold records.
    assert reversal_windows(tmp_path / "evicting.db", 0) == reversal_windows(tmp_path / "keeping.db", None)

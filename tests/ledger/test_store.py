"""The SQLite store: reopening gives back the exact state, and crashes leave whole groups."""

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from twin.ledger import (
    Account,
    AccountCode,
    AccountStatus,
    Ledger,
    LedgerConfig,
    SQLiteStore,
    Transfer,
    verify,
)
from twin.ledger.store import MAX_INTEGER

from .book import (
    BANK_CASH,
    MAIN,
    OTHER_MAIN,
    OUTSIDE,
    SHOP,
    TF,
    UNION,
    UNION_2,
    WELFARE,
    C,
    R,
    deposit,
    disburse,
    fund_union,
    hold,
    local,
    move,
    must,
    post,
    reopen,
)

WRITER = Path(__file__).with_name("crash_writer.py")
STATE = (
    "status",
    "debits_pending",
    "debits_posted",
    "credits_pending",
    "credits_posted",
    "day",
    "day_in",
    "day_out",
    "year",
    "year_in",
    "year_out",
    "product_365",
    "product_366",
    "interest_day",
)


def snapshot(ledger):
    return {
        account.id: tuple(getattr(account, name) for name in STATE) for account in ledger.accounts()
    }


def busy(ledger, clock):
    """A day's worth of everything the ledger keeps: holds, refunds, failures, interest."""
    fund_union(ledger, 100_000)
    fund_union(ledger, 100_000, UNION_2)
    disburse(ledger, 30_000)
    disburse(ledger, 20_000, union=UNION_2)
    deposit(ledger, 500_000)
    purchase = must(ledger, MAIN, SHOP, 40_000, C.PURCHASE)
    must(ledger, SHOP, MAIN, 15_000, C.REFUND, original_id=purchase)
    open_hold, _ = hold(ledger, MAIN, SHOP, 10_000)
    timed_hold, _ = hold(ledger, WELFARE, SHOP, 5_000, timeout=100 * 86_400)
    posted_hold, _ = hold(ledger, MAIN, SHOP, 7_000)
    post(ledger, posted_hold, 3_000)
    failed, _ = move(ledger, OTHER_MAIN, OUTSIDE, 100, C.TRANSFER)
    ledger.set_status(OTHER_MAIN, AccountStatus.FROZEN)
    clock.set(local(2020, 3, 21, 10))
    deposit(ledger, 1_000)
    return {
        "open": open_hold,
        "timed": timed_hold,
        "posted": posted_hold,
        "failed": failed,
        "purchase": purchase,
    }


def test_reopen_same_account_state(ledger, clock):
    busy(ledger, clock)
    before = snapshot(ledger)
    assert snapshot(reopen(ledger)) == before


def test_reopen_same_open_holds(ledger, clock):
    ids = busy(ledger, clock)
    reopened = reopen(ledger)
    assert [hold.id for hold in reopened.open_holds(MAIN)] == [ids["open"]]


def test_reopen_same_hold_states(ledger, clock):
    ids = busy(ledger, clock)
    reopened = reopen(ledger)
    states = [reopened.hold_state(ids[name]) for name in ("open", "timed", "posted")]
    assert states == ["pending", "pending", "posted"]


def test_reopen_keeps_timed_hold_expiring(ledger, clock):
    ids = busy(ledger, clock)
    reopened = reopen(ledger)
    clock.advance(days=30)
    assert reopened.expire_pending() == [ids["timed"]]


def test_reopen_keeps_failed_ids(ledger, clock):
    ids = busy(ledger, clock)
    reopened = reopen(ledger)
    retry = Transfer(ids["failed"], OTHER_MAIN, OUTSIDE, 100, C.TRANSFER)
    assert reopened.create_transfers([retry]) == [R.EXCEEDS_CREDITS]


def test_reopen_keeps_settlements(ledger, clock):
    busy(ledger, clock)
    reopened = reopen(ledger)
    assert reopened.settle_interest(dt.date(2020, 3, 20)) == []


def test_reopen_keeps_settlement_table(ledger, clock):
    busy(ledger, clock)
    reopened = reopen(ledger)
    assert reopened.store.settlements() == ["2020-03-20"]


def test_reopen_keeps_refund_counter(ledger, clock):
    ids = busy(ledger, clock)
    reopened = reopen(ledger)
    assert reopened.returned_amount(ids["purchase"]) == 15_000


def test_reopen_keeps_disbursements(ledger, clock):
    busy(ledger, clock)
    reopened = reopen(ledger)
    assert reopened.disbursements(WELFARE) == [(UNION, 30_000), (UNION_2, 20_000)]


def test_reopen_keeps_next_id(ledger, clock):
    busy(ledger, clock)
    last = ledger.new_id()
    reopened = reopen(ledger)
    assert reopened.new_id() >= last


def test_reopen_audit_clean(ledger, clock, db_path):
    busy(ledger, clock)
    reopen(ledger).store.close()
    assert verify(db_path).problems == []


def test_reopen_then_continue(ledger, clock):
    ids = busy(ledger, clock)
    reopened = reopen(ledger)
    assert post(reopened, ids["open"], 10_000)[1] is R.OK


def test_reopen_timestamps_keep_rising(ledger, clock):
    busy(ledger, clock)
    last = max(transfer.timestamp for transfer in ledger.store.transfers())
    clock.set(local(2020, 1, 6, 9))
    reopened = reopen(ledger)
    later = deposit(reopened, 1)
    assert reopened.transfer(later).timestamp > last


def test_batch_writes_nothing_until_it_ends(ledger, db_path):
    reader = sqlite3.connect(db_path)
    with ledger.batch():
        deposit(ledger, 1_000)
        deposit(ledger, 2_000)
        during = reader.execute("SELECT count(*) FROM transfers").fetchone()[0]
    after = reader.execute("SELECT count(*) FROM transfers").fetchone()[0]
    reader.close()
    assert (during, after) == (0, 2)


def test_call_outside_batch_is_written_at_once(ledger, db_path):
    deposit(ledger, 1_000)
    reader = sqlite3.connect(db_path)
    count = reader.execute("SELECT count(*) FROM transfers").fetchone()[0]
    reader.close()
    assert count == 1


def test_large_batch_flushes_whole_calls(db_path, clock):
    from .book import chart

    ledger = Ledger(SQLiteStore(db_path), clock, LedgerConfig(batch_flush_size=4))
    ledger.create_accounts(chart())
    reader = sqlite3.connect(db_path)
    with ledger.batch():
        for _ in range(3):
            chain = [
                Transfer(ledger.new_id(), BANK_CASH, MAIN, 10, C.DEPOSIT, TF.LINKED)
                for _ in range(2)
            ]
            chain.append(Transfer(ledger.new_id(), BANK_CASH, MAIN, 10, C.DEPOSIT))
            ledger.create_transfers(chain)
        during = reader.execute("SELECT count(*) FROM transfers").fetchone()[0]
    reader.close()
    assert during == 6


def test_wal_mode(ledger, db_path):
    reader = sqlite3.connect(db_path)
    mode = reader.execute("PRAGMA journal_mode").fetchone()[0]
    reader.close()
    assert mode == "wal"


def test_meta_written_once(ledger, db_path):
    assert set(ledger.store.meta()) == {"limits", "interest_rate", "interest_account_id"}


# A process killed at any moment leaves whole groups only.


def whole_groups(db_path):
    """Return the labels of chains and groups that are in the store only in part."""
    db = sqlite3.connect(db_path)
    counts = Counter(
        label for (label,) in db.execute("SELECT batch_id FROM transfers WHERE batch_id != ''")
    )
    db.close()
    broken = []
    for label, count in counts.items():
        expected = 3 if label.startswith("chain-") else int(label.rsplit("-", 1)[1])
        if count != expected:
            broken.append(label)
    return broken


def rounds_written(db_path):
    db = sqlite3.connect(db_path)
    labels = {
        label
        for (label,) in db.execute("SELECT DISTINCT batch_id FROM transfers WHERE batch_id != ''")
    }
    db.close()
    return len(labels)


def run_and_kill(db_path, start, delay):
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == str(start), child.stderr.read()
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    return child.returncode


def test_killed_writer_leaves_whole_groups(db_path):
    rng = np.random.default_rng(np.random.SeedSequence(20200106).spawn(1)[0])
    for run in range(1, 7):
        returncode = run_and_kill(db_path, 100_000 * run, float(rng.uniform(0.02, 0.4)))
        assert returncode == -signal.SIGKILL
        assert whole_groups(db_path) == []
        assert verify(db_path).problems == []
    assert rounds_written(db_path) > 6


def test_killed_writer_database_reopens(db_path, clock):
    rng = np.random.default_rng(np.random.SeedSequence(20200107).spawn(1)[0])
    run_and_kill(db_path, 1, float(rng.uniform(0.05, 0.3)))
    audit = verify(db_path)
    ledger = Ledger(SQLiteStore(db_path), clock)
    balances = sum(account.credits_posted for account in ledger.accounts())
    ledger.store.close()
    assert balances == audit.total_credits_posted


# Numbers the store cannot hold never reach it.


def test_huge_amount_keeps_store_writable(ledger, db_path):
    move(ledger, BANK_CASH, OUTSIDE, MAX_INTEGER + 1, C.FUNDING)
    deposit(ledger, 100)
    assert verify(db_path).transfers == 1


def test_huge_failed_transfer_not_remembered(ledger, db_path):
    failed, result = move(ledger, BANK_CASH, WELFARE, 2**70, C.DEPOSIT)
    assert result is R.WELFARE_CREDIT_FORBIDDEN
    deposit(ledger, 100)
    assert verify(db_path).problems == []


def test_huge_transfer_id_raises(ledger):
    with pytest.raises(ValueError, match="transfer id 9223372036854775808 is above"):
        ledger.create_transfers([Transfer(MAX_INTEGER + 1, BANK_CASH, MAIN, 100, C.DEPOSIT)])


def test_huge_transfer_id_changes_nothing(ledger):
    batch = [
        Transfer(ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT),
        Transfer(2**64, BANK_CASH, MAIN, 5, C.DEPOSIT),
    ]
    with pytest.raises(ValueError):
        ledger.create_transfers(batch)
    assert ledger.account(MAIN).balance == 0


def test_huge_account_id_raises(ledger):
    with pytest.raises(ValueError, match="account id"):
        ledger.create_accounts([Account(2**63, AccountCode.SUSPENSE)])


def test_threads_share_one_ledger(ledger, db_path):
    members = [MAIN, OTHER_MAIN]

    def work(member):
        for _ in range(150):
            deposit(ledger, 100, member)
            ledger.create_transfers([Transfer(ledger.new_id(), member, SHOP, 40, C.PURCHASE)])

    threads = [threading.Thread(target=work, args=(member,)) for member in members for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [ledger.account(member).balance for member in members] == [2 * 150 * 60, 2 * 150 * 60]
    assert verify(db_path).problems == []

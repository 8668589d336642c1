"""Disbursement files as columns give what create_transfers gives for the same rows."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from twin.clock import ManualClock
from twin.ledger import (
    Account,
    AccountClass,
    AccountCode,
    AccountStatus,
    DisbursementBatch,
    Ledger,
    LedgerConfig,
    SQLiteStore,
    Transfer,
    verify_store,
)
from twin.ledger.store import ACCOUNT_COLUMNS, MAX_INTEGER

from .book import BANK_CASH, SHOP, UNION, UNION_2, WELFARE_FLAGS, C, F, R, chart, local, must

FIRST_MEMBER = 1_000
MEMBERS = 30
FROZEN_UNION = 23
CLEARING = 24  # credits must not exceed its debits
CLOSED_MEMBER = FIRST_MEMBER + MEMBERS - 1
NEAR_FULL_MEMBER = FIRST_MEMBER + MEMBERS - 2
DEBITS = (UNION, UNION_2, FROZEN_UNION, FIRST_MEMBER, 9_999, 0)
CREDITS = (*range(FIRST_MEMBER, FIRST_MEMBER + MEMBERS), UNION, SHOP, 9_998, 0, 110, CLEARING)
FIRST_TRANSFER = FIRST_MEMBER + MEMBERS  # the first funding of build(), a committed id
AMOUNTS = (1, 500, 50_000, 300_000, 999_999, 1_000_000, 0, -5, MAX_INTEGER)


def build(path, clock: ManualClock) -> Ledger:
    """A ledger with two funded unions, a frozen one, and welfare accounts in several states."""
    ledger = Ledger(SQLiteStore(path), clock, LedgerConfig())
    ledger.create_accounts(chart())
    ledger.create_accounts(
        [
            Account(FROZEN_UNION, AccountCode.UNION_CORPORATE, "union-c", flags=F.DEBITS_MUST_NOT_EXCEED_CREDITS),
            Account(CLEARING, AccountCode.OUTSIDE_CLEARING, "bank", flags=F.CREDITS_MUST_NOT_EXCEED_DEBITS),
        ]
        + [
            Account(FIRST_MEMBER + index, AccountCode.MEMBER_WELFARE, f"w{index}", AccountClass.II, WELFARE_FLAGS)
            for index in range(MEMBERS)
        ]
    )
    must(ledger, BANK_CASH, UNION_2, 100_000_000, C.FUNDING)
    must(ledger, BANK_CASH, FROZEN_UNION, 1_000_000, C.FUNDING)
    must(ledger, CLEARING, BANK_CASH, 400_000, C.FUNDING)
    must(ledger, UNION_2, NEAR_FULL_MEMBER, 900_000, C.DISBURSEMENT)
    ledger.set_status(FROZEN_UNION, AccountStatus.FROZEN)
    ledger.set_status(CLOSED_MEMBER, AccountStatus.CLOSED)
    return ledger


def state(ledger: Ledger) -> dict:
    """Everything the two paths must agree on, read from the live ledger."""
    accounts = {
        account.id: tuple(getattr(account, name) for name in ACCOUNT_COLUMNS) for account in ledger.accounts()
    }
    failed = {key: (result, value.content(), value.timestamp) for key, (result, value) in ledger._failed.items()}
    history = {account_id: ledger.disbursements(account_id) for account_id in accounts}
    return {"accounts": accounts, "failed": failed, "disbursements": history, "next_id": ledger._next_id}


def stored(path) -> dict:
    """What the store gives back after a reopen: accounts, transfers in order, and the audit."""
    store = SQLiteStore(path)
    try:
        accounts = {
            account.id: tuple(getattr(account, name) for name in ACCOUNT_COLUMNS) for account in store.accounts()
        }
        transfers = [(transfer.id, transfer.content(), transfer.timestamp) for transfer in store.transfers()]
        report = verify_store(store)
        problems = sorted((problem.rule, problem.transfer_id, problem.account_id) for problem in report.problems)
        return {"accounts": accounts, "transfers": transfers, "audit": (report.ok, report.transfers, problems)}
    finally:
        store.close(checkpoint=False)


# Most files credit each account once and use fresh ids, so the columns check them.
# The rest repeat accounts or ids and go through the per-transfer path.
regular_row = st.tuples(st.sampled_from(("fresh",) * 9 + ("zero",)), st.sampled_from(CREDITS), st.sampled_from(AMOUNTS))
any_row = st.tuples(
    st.sampled_from(("fresh", "fresh", "fresh", "zero", "repeat", "used")),
    st.sampled_from(CREDITS),
    st.sampled_from(AMOUNTS),
)
rows = st.one_of(
    st.lists(regular_row, max_size=30, unique_by=lambda row: row[1]),
    st.lists(regular_row, max_size=30, unique_by=lambda row: row[1]),
    st.lists(any_row, max_size=30),
)
file = st.tuples(
    st.sampled_from(DEBITS),
    st.integers(0, 3_000_000),  # money funded into the union before the file
    rows,
    st.sampled_from((0, 3_600, 20 * 3_600, 400 * 86_400)),  # seconds before the file
)


def batch_of(ledger: Ledger, debit: int, rows: list, label: str) -> DisbursementBatch:
    ids = []
    for kind, _, _ in rows:
        if kind == "zero":
            ids.append(0)
        elif kind == "repeat" and ids:
            ids.append(ids[-1])
        elif kind == "used":
            ids.append(FIRST_TRANSFER)
        else:
            ids.append(ledger.new_id())
    credits = [credit for _, credit, _ in rows]
    amounts = [amount for _, _, amount in rows]
    return DisbursementBatch(np.array(ids, dtype=np.int64), debit, np.array(credits, dtype=np.int64),
                             np.array(amounts, dtype=np.int64), batch_id=label)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(file, min_size=1, max_size=3), spend=st.booleans())
def test_same_as_per_transfer_path(tmp_path_factory, files, spend):
    compare_paths(tmp_path_factory.mktemp("disburse"), files, spend)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(file, min_size=1, max_size=3), spend=st.booleans())
def test_same_as_per_transfer_path_quick(tmp_path_factory, files, spend):
    compare_paths(tmp_path_factory.mktemp("disburse"), files, spend)


def compare_paths(folder, files, spend):
    """Run ``files`` through create_transfers on one ledger and disburse on another; compare all."""
    start = local(2020, 12, 31, 9)
    clocks = [ManualClock(start), ManualClock(start)]
    ledgers = [build(folder / "rows.db", clocks[0]), build(folder / "columns.db", clocks[1])]
    for number, (debit, funding, rows, pause) in enumerate(files):
        outcomes = []
        for clock, ledger in zip(clocks, ledgers, strict=True):
            clock.advance(seconds=pause)
            if funding:
                must(ledger, BANK_CASH, UNION, funding, C.FUNDING)
            batch = batch_of(ledger, debit, rows, f"file-{number}")
            if ledger is ledgers[0]:
                outcomes.append(ledger.create_transfers(batch.transfers()))
            else:
                outcome = ledger.disburse(batch)
                event("columnar" if outcome.columnar else f"per transfer: {outcome.fallback}")
                outcomes.append(outcome.results)
            if spend and ledger.account(FIRST_MEMBER).balance >= 100:
                must(ledger, FIRST_MEMBER, SHOP, 100, C.PURCHASE)
        assert outcomes[0] == outcomes[1]
        assert state(ledgers[0]) == state(ledgers[1])
    for ledger in ledgers:
        ledger.flush()
        ledger.store.close(checkpoint=False)
    assert stored(folder / "rows.db") == stored(folder / "columns.db")
    SQLiteStore(folder / "columns.db").close(checkpoint=True)
    assert stored(folder / "rows.db") == stored(folder / "columns.db")


@pytest.fixture
def pair(tmp_path):
    start = local(2021, 2, 1, 10)
    clocks = [ManualClock(start), ManualClock(start)]
    ledgers = [build(tmp_path / "rows.db", clocks[0]), build(tmp_path / "columns.db", clocks[1])]
    for ledger in ledgers:
        must(ledger, BANK_CASH, UNION, 1_000_000, C.FUNDING)
    yield ledgers
    for ledger in ledgers:
        ledger.store.close()


def regular_file(ledger: Ledger) -> DisbursementBatch:
    """Ten rows: the money runs short at the fourth and out at the ninth; three rows break other rules."""
    credits = [FIRST_MEMBER + index for index in range(10)]
    amounts = [300_000, 300_000, 300_000, 300_000, 50_000, 0, 50_000, 200_000, 50_000, 50_000]
    credits[6] = CLOSED_MEMBER
    credits[7] = NEAR_FULL_MEMBER
    ids = list(ledger.reserve_ids(10))
    return DisbursementBatch(np.array(ids), UNION, np.array(credits), np.array(amounts), batch_id="spring")


def test_regular_file_is_columnar(pair):
    assert pair[1].disburse(regular_file(pair[1])).columnar


def test_results_of_a_regular_file(pair):
    rows, columns = pair
    expected = rows.create_transfers(regular_file(rows).transfers())
    assert columns.disburse(regular_file(columns)).results == expected


def test_results_name_each_rule(pair):
    results = pair[1].disburse(regular_file(pair[1])).results
    assert results == [R.OK, R.OK, R.OK, R.EXCEEDS_CREDITS, R.OK, R.AMOUNT_MUST_NOT_BE_ZERO,
                       R.CREDIT_ACCOUNT_CLOSED, R.LIMIT_EXCEEDED_DAILY, R.OK, R.EXCEEDS_CREDITS]


def test_outcome_counts_committed_rows(pair):
    outcome = pair[1].disburse(regular_file(pair[1]))
    assert (outcome.committed, outcome.amount) == (5, 1_000_000)


def test_transfer_found_by_id(pair):
    ledger = pair[1]
    batch = regular_file(ledger)
    ledger.disburse(batch)
    assert ledger.transfer(int(batch.ids[0])).content() == batch.transfers()[0].content()


def test_repeat_of_a_file_falls_back(pair):
    ledger = pair[1]
    batch = regular_file(ledger)
    ledger.disburse(batch)
    assert ledger.disburse(batch).fallback == "an id is already used by a transfer"


def test_repeat_of_a_file_gives_exists(pair):
    ledger = pair[1]
    batch = regular_file(ledger)
    ledger.disburse(batch)
    assert ledger.disburse(batch).results[0] is R.EXISTS


def test_file_across_midnight_falls_back(pair):
    ledger = pair[1]
    ledger.clock.set(local(2021, 2, 1, 23, 59, 59).replace(microsecond=999_995))
    assert ledger.disburse(regular_file(ledger)).fallback == "the file crosses local midnight"


def test_reopen_gives_same_balances(pair, tmp_path):
    ledger = pair[1]
    ledger.disburse(regular_file(ledger))
    before = state(ledger)["accounts"]
    ledger.store.close(checkpoint=False)
    again = Ledger(SQLiteStore(tmp_path / "columns.db"), ledger.clock)
    pair[1] = again
    assert state(again)["accounts"] == before


def test_checkpoint_writes_lagging_rows(pair):
    ledger = pair[1]
    ledger.disburse(regular_file(ledger))
    assert ledger.checkpoint() == 5


def test_view_shows_chunked_transfers(pair, tmp_path):
    ledger = pair[1]
    batch = regular_file(ledger)
    ledger.disburse(batch)
    rows = ledger.store._db.execute(
        "SELECT id, credit_account_id, amount FROM transfers WHERE batch_id = 'spring' ORDER BY seq"
    ).fetchall()
    assert rows == [(int(batch.ids[i]), int(batch.credit_account_ids[i]), int(batch.amounts[i])) for i in (0, 1, 2, 4, 8)]


def test_columns_of_different_lengths():
    with pytest.raises(ValueError, match="have 2, 1 and 1 rows"):
        DisbursementBatch(np.array([1, 2]), UNION, np.array([3]), np.array([4]), batch_id="x")


def test_id_above_the_largest():
    with pytest.raises(ValueError, match="take ids from Ledger.new_id"):
        DisbursementBatch([2**64 - 1], UNION, [3], [4])


def test_empty_file(pair):
    assert pair[1].disburse(DisbursementBatch([], UNION, [], [])).results == []


def test_per_transfer_retry_of_a_chunked_transfer(pair):
    ledger = pair[1]
    batch = regular_file(ledger)
    ledger.disburse(batch)
    retry = Transfer(int(batch.ids[0]), UNION, int(batch.credit_account_ids[0]), 1, C.DISBURSEMENT, batch_id="spring")
    assert ledger.create_transfers([retry]) == [R.EXISTS_WITH_DIFFERENT_AMOUNT]


def test_columnar_share_of_random_files(tmp_path):
    """Most random files with bad rows stay columnar, so the property test compares both paths."""
    clock = ManualClock(local(2021, 2, 1, 10))
    ledger = build(tmp_path / "share.db", clock)
    must(ledger, BANK_CASH, UNION, 5_000_000, C.FUNDING)
    generator = np.random.default_rng(7)
    columnar = 0
    for number in range(20):
        rows = [("fresh", int(generator.choice(CREDITS)), int(generator.choice(AMOUNTS))) for _ in range(8)]
        rows = list({credit: (kind, credit, amount) for kind, credit, amount in rows}.values())
        columnar += ledger.disburse(batch_of(ledger, UNION, rows, f"file-{number}")).columnar
    ledger.store.close()
    assert columnar == 20


def test_checkpoint_keeps_balances(pair, tmp_path):
    ledger = pair[1]
    ledger.disburse(regular_file(ledger))
    ledger.clock.advance(days=40)
    ledger.disburse(regular_file(ledger))
    before = state(ledger)["accounts"]
    ledger.checkpoint()
    ledger.store.close(checkpoint=False)
    pair[1] = Ledger(SQLiteStore(tmp_path / "columns.db"), ledger.clock)
    assert state(pair[1])["accounts"] == before


def test_checkpoint_leaves_no_lagging_rows(pair):
    ledger = pair[1]
    ledger.disburse(regular_file(ledger))
    ledger.checkpoint()
    lagging = ledger.store._db.execute("SELECT COUNT(*) FROM accounts WHERE log_position < 1").fetchone()[0]
    assert lagging == 0


def test_database_before_chunks_opens(pair, tmp_path):
    """A database in the layout of the per-transfer path: transfers a table, no chunks."""
    ledger = pair[0]
    ledger.create_transfers(regular_file(ledger).transfers())
    before = state(ledger)["accounts"]
    ledger.store.close()
    db = sqlite3.connect(tmp_path / "rows.db", isolation_level=None)
    for statement in (
        "DROP VIEW transfers",
        "ALTER TABLE transfer_rows RENAME TO transfers",
        "DROP TABLE transfer_chunks",
        "DROP TABLE chunk_slots",
        "ALTER TABLE accounts DROP COLUMN log_position",
    ):
        db.execute(statement)
    db.close()
    pair[0] = Ledger(SQLiteStore(tmp_path / "rows.db"), ledger.clock)
    assert state(pair[0])["accounts"] == before


def test_database_before_chunks_takes_files(pair, tmp_path):
    ledger = pair[0]
    ledger.store.close()
    db = sqlite3.connect(tmp_path / "rows.db", isolation_level=None)
    db.execute("DROP VIEW transfers")
    db.execute("ALTER TABLE transfer_rows RENAME TO transfers")
    db.close()
    pair[0] = Ledger(SQLiteStore(tmp_path / "rows.db"), ledger.clock)
    pair[0].disburse(regular_file(pair[0]))
    assert verify_store(pair[0].store).ok


def test_read_only_reader_sees_chunks(pair, tmp_path):
    """The terminal UI opens the database read-only and pages through ``transfers`` by ``seq``."""
    ledger = pair[1]
    ledger.disburse(regular_file(ledger))
    must(ledger, BANK_CASH, UNION, 1_000, C.FUNDING)
    reader = sqlite3.connect(f"{(tmp_path / 'columns.db').resolve().as_uri()}?mode=ro", uri=True)
    codes = [code for (code,) in reader.execute("SELECT code FROM transfers ORDER BY seq DESC LIMIT 2")]
    reader.close()
    assert codes == ["funding", "disbursement"]


def test_checkpoint_moves_chunked_rows(pair):
    ledger = pair[1]
    ledger.disburse(regular_file(ledger))
    ledger.checkpoint()
    count = ledger.store._db.execute("SELECT COUNT(*) FROM transfer_rows WHERE batch_id = 'spring'").fetchone()[0]
    assert count == 5


def test_history_after_checkpoint_and_reopen(pair, tmp_path):
    ledger = pair[1]
    ledger.disburse(regular_file(ledger))
    before = state(ledger)["disbursements"]
    ledger.store.close()
    pair[1] = Ledger(SQLiteStore(tmp_path / "columns.db"), ledger.clock)
    assert state(pair[1])["disbursements"] == before

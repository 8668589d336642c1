"""Benchmark of the ledger: commits one at a time, large calls, and a disbursement file.

Four cases, each on a fresh ledger in a temporary directory, timing only the
transfers and not the set-up of accounts:

- ``single``: one transfer per ``create_transfers`` call, each call committed to
  SQLite before it returns (the latency-bound path of a server);
- ``batches``: calls of 10,000 transfers, each call committed as one group;
- ``purchases``: card purchases as the authorization core makes them: a hold
  and its post as one linked chain per call, 500 purchases per
  ``ledger.batch()`` and so per commit, class II limits and funds checked;
- ``disbursement``: a union's disbursement file of N rows (one union corporate
  account to N welfare accounts) given to ``Ledger.disburse`` as numpy columns
  inside ``with ledger.batch()`` and committed as chunks in one transaction;
- ``disbursement_per_transfer``: the same file as ``Transfer`` objects through
  ``create_transfers`` in calls of 10,000 rows, committed in groups of
  ``LedgerConfig.batch_flush_size`` transfers, to show what the columns gain.

The columnar case leaves the welfare accounts' rows to the checkpoint that
closing the store runs; its time is reported apart as ``close_seconds``.

Each case is repeated and reports the median. Two floors, measured in the same
run on the same rows, show what the machine allows. One is a plain Python loop
over a dict doing the same balance arithmetic. The other is SQLite
``executemany`` of the same transfer rows into a WAL database in one
transaction. Nothing is printed, because the command line formats the dicts.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

import numpy as np

from twin.clock import ManualClock
from twin.ledger import (
    Account,
    AccountClass,
    AccountCode,
    AccountFlags,
    DisbursementBatch,
    Ledger,
    LedgerConfig,
    SQLiteStore,
    Transfer,
    TransferCode,
    TransferFlags,
    TransferResult,
)
from twin.ledger.store import TRANSFER_COLUMNS

__all__ = [
    "TARGET_PER_SECOND",
    "bench_ledger",
    "single_transfers",
    "batched_transfers",
    "purchases",
    "disbursement_file",
    "dict_floor",
    "sqlite_floor",
    "profile_disbursement",
]

#: The goal for committed disbursement transfers per second (a target, not a test).
TARGET_PER_SECOND = 500_000

_START = "2020-01-20T09:00:00+08:00"
_BANK_CASH = 1_000
_UNION = 1_001
_FIRST_MEMBER = 10_000
_ROW_AMOUNT = 50_000  # 500 yuan per member, a typical festival payment
_MERCHANT = 1_002
_MEMBER_FUNDS = 900_000  # within a class II account's daily money in
_PURCHASE_AMOUNT = 100
_MEMBER_FLAGS = (
    AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags.LIMITED | AccountFlags.EARNS_INTEREST
)


def bench_ledger(
    rows: int = 1_000_000,
    single: int = 5_000,
    batched: int = 100_000,
    repeats: int = 3,
    directory: str | Path | None = None,
    purchase_count: int = 20_000,
) -> dict:
    """Run every case and both floors; return their figures in one dict."""
    return {
        "single": single_transfers(single, repeats, directory),
        "batches": batched_transfers(batched, 10_000, repeats, directory),
        "purchases": purchases(purchase_count, 500, repeats, directory),
        "disbursement": disbursement_file(rows, repeats=repeats, directory=directory),
        "disbursement_per_transfer": disbursement_file(
            rows, repeats=repeats, directory=directory, path="per_transfer"
        ),
        "target_per_second": TARGET_PER_SECOND,
    }


def single_transfers(
    count: int = 5_000, repeats: int = 3, directory: str | Path | None = None
) -> dict:
    """Deposit into member accounts, one committed call per transfer."""
    members = max(1, min(count, 1_000))

    def run(ledger: Ledger) -> None:
        first = ledger.reserve_ids(count)
        for index, transfer_id in enumerate(first):
            member = _FIRST_MEMBER + index % members
            result = ledger.create_transfers(
                [Transfer(transfer_id, _BANK_CASH, member, 100, TransferCode.DEPOSIT)]
            )
            _expect_ok([result[0]])

    rows = [(i, _BANK_CASH, _FIRST_MEMBER + i % members, 100) for i in range(count)]
    return _case(
        "single",
        count,
        repeats,
        directory,
        lambda ledger: _add_members(ledger, members, welfare=False),
        run,
        rows,
    )


def batched_transfers(
    count: int = 100_000,
    batch_size: int = 10_000,
    repeats: int = 3,
    directory: str | Path | None = None,
) -> dict:
    """Deposit into member accounts in calls of ``batch_size`` transfers, each call one commit."""
    members = max(1, min(count, 10_000))

    def run(ledger: Ledger) -> None:
        ids = ledger.reserve_ids(count)
        for start in range(0, count, batch_size):
            call = [
                Transfer(
                    ids[index],
                    _BANK_CASH,
                    _FIRST_MEMBER + index % members,
                    100,
                    TransferCode.DEPOSIT,
                )
                for index in range(start, min(start + batch_size, count))
            ]
            _expect_ok(ledger.create_transfers(call))

    rows = [(i, _BANK_CASH, _FIRST_MEMBER + i % members, 100) for i in range(count)]
    result = _case(
        "batches",
        count,
        repeats,
        directory,
        lambda ledger: _add_members(ledger, members, welfare=False),
        run,
        rows,
    )
    result["batch_size"] = batch_size
    return result


def purchases(
    count: int = 20_000,
    batch_size: int = 500,
    repeats: int = 3,
    directory: str | Path | None = None,
) -> dict:
    """Make ``count`` purchases, each a linked hold and post, committed ``batch_size`` at a time.

    Each purchase is one ``create_transfers`` call, as the authorization core
    makes it. ``transfers`` counts both transfers of each purchase, and
    ``purchases_per_cpu_second`` gives the rate per purchase.
    """
    members = max(1, min(count, 1_000))

    def set_up(ledger: Ledger) -> None:
        _add_members(ledger, members, welfare=False)
        ledger.create_accounts([Account(_MERCHANT, AccountCode.MERCHANT_SETTLEMENT, "shop")])
        _expect_ok(
            ledger.create_transfers(
                [
                    Transfer(ledger.new_id(), _BANK_CASH, _FIRST_MEMBER + index, _MEMBER_FUNDS, TransferCode.DEPOSIT)
                    for index in range(members)
                ]
            )
        )

    def run(ledger: Ledger) -> None:
        ids = ledger.reserve_ids(2 * count)
        for start in range(0, count, batch_size):
            with ledger.batch():
                for index in range(start, min(start + batch_size, count)):
                    hold_id, post_id = ids[2 * index], ids[2 * index + 1]
                    _expect_ok(
                        ledger.create_transfers(
                            [
                                Transfer(hold_id, _FIRST_MEMBER + index % members, _MERCHANT, _PURCHASE_AMOUNT,
                                         TransferCode.PURCHASE, TransferFlags.PENDING | TransferFlags.LINKED),
                                Transfer(post_id, 0, 0, _PURCHASE_AMOUNT, TransferCode.PURCHASE,
                                         TransferFlags.POST_PENDING, pending_id=hold_id),
                            ]
                        )
                    )

    rows = [(i, _FIRST_MEMBER + i // 2 % members, _MERCHANT, _PURCHASE_AMOUNT) for i in range(2 * count)]
    result = _case("purchases", 2 * count, repeats, directory, set_up, run, rows)
    result["purchases"] = count
    result["batch_size"] = batch_size
    cpu = result["median_cpu_seconds"]
    result["purchases_per_cpu_second"] = round(count / cpu) if cpu > 0 else 0
    return result


def disbursement_file(
    rows: int = 1_000_000,
    chunk: int = 10_000,
    repeats: int = 3,
    directory: str | Path | None = None,
    path: str = "columnar",
) -> dict:
    """Pay ``rows`` welfare accounts from one union account inside one ``ledger.batch()``.

    ``path="columnar"`` gives the whole file to ``Ledger.disburse`` as columns.
    ``path="per_transfer"`` hands it to ``create_transfers`` ``chunk`` rows per
    call, as enterprise online banking did before the columnar path.
    """
    if path not in ("columnar", "per_transfer"):
        raise ValueError(f"disbursement path {path!r} is unknown; use columnar or per_transfer")

    def set_up(ledger: Ledger) -> None:
        _add_members(ledger, rows, welfare=True)
        _fund_union(ledger, rows)

    def run(ledger: Ledger) -> None:
        ids = ledger.reserve_ids(rows)
        with ledger.batch():
            if path == "columnar":
                outcome = ledger.disburse(_file_columns(ids))
                _expect_ok(outcome.results)
                if not outcome.columnar:
                    raise RuntimeError(f"benchmark file went through the per-transfer path: {outcome.fallback}")
                return
            for start in range(0, rows, chunk):
                _expect_ok(ledger.create_transfers(_file_transfers(ids, start, min(start + chunk, rows))))

    file_rows = [(i, _UNION, _FIRST_MEMBER + i, _ROW_AMOUNT) for i in range(rows)]
    name = "disbursement" if path == "columnar" else "disbursement_per_transfer"
    result = _case(name, rows, repeats, directory, set_up, run, file_rows)
    result["path"] = path
    result["chunk"] = chunk
    result["share_of_target"] = round(result["transfers_per_second"] / TARGET_PER_SECOND, 4)
    return result


def dict_floor(rows: list[tuple[int, int, int, int]], repeats: int = 3) -> dict:
    """Time the balance arithmetic alone: a funds check and two sums per row, in dicts."""
    seconds = []
    cpu_seconds = []
    for _ in range(repeats):
        accounts: dict[int, list[int]] = {}
        for _, debit, credit, _ in rows:
            accounts.setdefault(debit, [0, 0])
            accounts.setdefault(credit, [0, 0])
        # Each paying account starts with credits for all it pays.
        for _, debit, _, amount in rows:
            accounts[debit][1] += amount

        started, cpu_started = time.perf_counter(), time.process_time()
        for _, debit, credit, amount in rows:
            paying = accounts[debit]
            if paying[0] + amount > paying[1] and debit != _BANK_CASH:
                raise RuntimeError(f"floor row from {debit} exceeds its credits")
            paying[0] += amount
            accounts[credit][1] += amount
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
    return _figures(len(rows), seconds, cpu_seconds)


def sqlite_floor(
    rows: list[tuple[int, int, int, int]], repeats: int = 3, directory: str | Path | None = None
) -> dict:
    """Time SQLite ``executemany`` of the rows as transfer records into a WAL database."""
    columns = ", ".join(TRANSFER_COLUMNS)
    marks = ", ".join("?" * len(TRANSFER_COLUMNS))
    records = [
        (i + 1, debit, credit, amount, "disbursement", 0, 0, 0, i, "", "file-1", 0)
        for i, debit, credit, amount in rows
    ]
    seconds = []
    cpu_seconds = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="twin-bench-", dir=directory) as folder:
            db = sqlite3.connect(Path(folder) / "floor.db", isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(f"CREATE TABLE transfers (seq INTEGER PRIMARY KEY, {columns}, UNIQUE (id))")

            started, cpu_started = time.perf_counter(), time.process_time()
            db.execute("BEGIN IMMEDIATE")
            db.executemany(f"INSERT INTO transfers ({columns}) VALUES ({marks})", records)
            db.execute("COMMIT")
            seconds.append(time.perf_counter() - started)
            cpu_seconds.append(time.process_time() - cpu_started)
            db.close()
    return _figures(len(rows), seconds, cpu_seconds)


def profile_disbursement(
    rows: int = 100_000,
    chunk: int = 10_000,
    top: int = 30,
    directory: str | Path | None = None,
    path: str = "columnar",
) -> str:
    """Profile one disbursement file with cProfile; return the ``top`` functions by own time."""
    with tempfile.TemporaryDirectory(prefix="twin-bench-", dir=directory) as folder:
        ledger = _new_ledger(Path(folder))
        _add_members(ledger, rows, welfare=True)
        _fund_union(ledger, rows)
        ids = ledger.reserve_ids(rows)
        profiler = cProfile.Profile()
        profiler.enable()
        with ledger.batch():
            if path == "columnar":
                ledger.disburse(_file_columns(ids))
            else:
                for start in range(0, rows, chunk):
                    ledger.create_transfers(_file_transfers(ids, start, min(start + chunk, rows)))
        profiler.disable()
        ledger.store.close()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
    return text.getvalue()


# Private interface


def _case(
    name: str,
    count: int,
    repeats: int,
    directory: str | Path | None,
    set_up: Callable[[Ledger], None],
    run: Callable[[Ledger], None],
    rows: list[tuple[int, int, int, int]],
) -> dict:
    """Time ``run`` on fresh ledgers, then both floors on ``rows``, and compare."""
    seconds = []
    cpu_seconds = []
    close_seconds = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="twin-bench-", dir=directory) as folder:
            ledger = _new_ledger(Path(folder))
            set_up(ledger)

            started, cpu_started = time.perf_counter(), time.process_time()
            run(ledger)
            seconds.append(time.perf_counter() - started)
            cpu_seconds.append(time.process_time() - cpu_started)

            # Closing runs the checkpoint of account rows the chunks left behind.
            started = time.perf_counter()
            ledger.store.close()
            close_seconds.append(time.perf_counter() - started)
            reader = sqlite3.connect(Path(folder) / "ledger.db")
            transfers = reader.execute("SELECT count(*) FROM transfers").fetchone()[0]
            reader.close()
        if transfers < count:
            raise RuntimeError(
                f"{name}: the store contains {transfers} transfers, expected at least {count}"
            )

    result = {"case": name, **_figures(count, seconds, cpu_seconds)}
    result["close_seconds"] = round(median(close_seconds), 4)
    floors = {
        "dict_loop": dict_floor(rows, repeats),
        "sqlite_executemany": sqlite_floor(rows, repeats, directory),
    }
    result["floors"] = floors
    for floor_name, floor in floors.items():
        result[f"ratio_to_{floor_name}"] = round(
            floor["transfers_per_second"] / result["transfers_per_second"], 2
        )
    return result


def _figures(count: int, seconds: list[float], cpu_seconds: list[float] | None = None) -> dict:
    """Return the median rate of wall-clock ``seconds`` and, when given, of CPU seconds too.

    The CPU figure (this process only) is steadier on a shared machine, where
    other processes stretch the wall-clock time.
    """
    middle = median(seconds)
    figures = {
        "transfers": count,
        "repeats": len(seconds),
        "seconds": [round(value, 4) for value in seconds],
        "median_seconds": round(middle, 4),
        "transfers_per_second": round(count / middle) if middle > 0 else 0,
    }
    if cpu_seconds:
        cpu_middle = median(cpu_seconds)
        figures["median_cpu_seconds"] = round(cpu_middle, 4)
        figures["transfers_per_cpu_second"] = round(count / cpu_middle) if cpu_middle > 0 else 0
    return figures


def _new_ledger(folder: Path) -> Ledger:
    from twin.calendar import parse_local

    clock = ManualClock(parse_local(_START))
    ledger = Ledger(SQLiteStore(folder / "ledger.db"), clock, LedgerConfig())
    accounts = [
        Account(_BANK_CASH, AccountCode.BANK_CASH, "bank"),
        Account(
            _UNION,
            AccountCode.UNION_CORPORATE,
            "union",
            flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS,
        ),
    ]
    ledger.create_accounts(accounts)
    return ledger


def _add_members(ledger: Ledger, count: int, welfare: bool) -> None:
    code = AccountCode.MEMBER_WELFARE if welfare else AccountCode.MEMBER_MAIN
    flags = _MEMBER_FLAGS | AccountFlags.WELFARE if welfare else _MEMBER_FLAGS
    with ledger.batch():
        ledger.create_accounts(
            Account(_FIRST_MEMBER + index, code, f"m{index}", AccountClass.II, flags)
            for index in range(count)
        )


def _fund_union(ledger: Ledger, rows: int) -> None:
    _expect_ok(
        ledger.create_transfers(
            [Transfer(ledger.new_id(), _BANK_CASH, _UNION, rows * _ROW_AMOUNT, TransferCode.FUNDING)]
        )
    )


def _file_columns(ids: range) -> DisbursementBatch:
    """Return the file as columns: row ``i`` pays member ``i`` the festival amount."""
    return DisbursementBatch(
        np.arange(ids.start, ids.stop, dtype=np.int64),
        _UNION,
        np.arange(_FIRST_MEMBER, _FIRST_MEMBER + len(ids), dtype=np.int64),
        np.full(len(ids), _ROW_AMOUNT, dtype=np.int64),
        batch_id="file-1",
    )


def _file_transfers(ids: range, start: int, stop: int) -> list[Transfer]:
    return [
        Transfer(ids[index], _UNION, _FIRST_MEMBER + index, _ROW_AMOUNT, TransferCode.DISBURSEMENT, batch_id="file-1")
        for index in range(start, stop)
    ]


def _expect_ok(results: list[TransferResult]) -> None:
    if any(result is not TransferResult.OK for result in results):
        failed = next(result for result in results if result is not TransferResult.OK)
        raise RuntimeError(f"benchmark transfer was rejected: {failed}")

"""Smoke tests of the ledger benchmark: tiny sizes, correct shapes, no timing asserted."""

import pytest

from twin.bench import ledger as bench

ROWS = [(index, 1_001, 10_000 + index, 500) for index in range(40)]


@pytest.fixture
def disbursement(tmp_path):
    return bench.disbursement_file(rows=50, chunk=20, repeats=2, directory=tmp_path)


def test_disbursement_counts_rows(disbursement):
    assert (disbursement["case"], disbursement["transfers"], disbursement["repeats"]) == (
        "disbursement",
        50,
        2,
    )


def test_disbursement_rate_positive(disbursement):
    assert disbursement["transfers_per_second"] > 0


def test_disbursement_median_of_repeats(disbursement):
    assert (
        min(disbursement["seconds"])
        <= disbursement["median_seconds"]
        <= max(disbursement["seconds"])
    )


def test_disbursement_reports_cpu_rate(disbursement):
    assert disbursement["transfers_per_cpu_second"] > 0


def test_disbursement_floors(disbursement):
    assert set(disbursement["floors"]) == {"dict_loop", "sqlite_executemany"}


def test_disbursement_floor_ratios(disbursement):
    expected = (
        disbursement["floors"]["dict_loop"]["transfers_per_second"]
        / disbursement["transfers_per_second"]
    )
    assert disbursement["ratio_to_dict_loop"] == pytest.approx(expected, abs=0.01)


def test_disbursement_share_of_target(disbursement):
    expected = disbursement["transfers_per_second"] / bench.TARGET_PER_SECOND
    assert disbursement["share_of_target"] == pytest.approx(expected, abs=1e-4)


def test_disbursement_leaves_no_files(tmp_path):
    bench.disbursement_file(rows=10, chunk=4, repeats=1, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_single_transfers(tmp_path):
    result = bench.single_transfers(count=15, repeats=1, directory=tmp_path)
    assert (result["case"], result["transfers"]) == ("single", 15)


def test_batched_transfers(tmp_path):
    result = bench.batched_transfers(count=70, batch_size=30, repeats=1, directory=tmp_path)
    assert (result["case"], result["transfers"], result["batch_size"]) == ("batches", 70, 30)


def test_dict_floor():
    result = bench.dict_floor(ROWS, repeats=2)
    assert (result["transfers"], result["repeats"]) == (40, 2)


def test_sqlite_floor(tmp_path):
    result = bench.sqlite_floor(ROWS, repeats=2, directory=tmp_path)
    assert (result["transfers"], result["repeats"]) == (40, 2)


def test_profile_names_hot_path(tmp_path):
    text = bench.profile_disbursement(rows=30, chunk=10, top=40, directory=tmp_path, path="per_transfer")
    assert "_move" in text


def test_profile_names_columnar_path(tmp_path):
    text = bench.profile_disbursement(rows=30, top=60, directory=tmp_path)
    assert "_check_accounts" in text


def test_disbursement_path(disbursement):
    assert disbursement["path"] == "columnar"


def test_disbursement_reports_close(disbursement):
    assert disbursement["close_seconds"] >= 0


def test_per_transfer_disbursement(tmp_path):
    result = bench.disbursement_file(rows=30, chunk=10, repeats=1, directory=tmp_path, path="per_transfer")
    assert (result["case"], result["transfers"], result["path"]) == ("disbursement_per_transfer", 30, "per_transfer")


def test_unknown_path(tmp_path):
    with pytest.raises(ValueError, match="use columnar or per_transfer"):
        bench.disbursement_file(rows=3, repeats=1, directory=tmp_path, path="rows")


def test_bench_ledger_cases(tmp_path):
    result = bench.bench_ledger(rows=20, single=5, batched=25, repeats=1, directory=tmp_path, purchase_count=10)
    assert set(result) == {
        "single",
        "batches",
        "purchases",
        "disbursement",
        "disbursement_per_transfer",
        "target_per_second",
    }


@pytest.fixture
def purchases(tmp_path):
    return bench.purchases(count=30, batch_size=8, repeats=1, directory=tmp_path)


def test_purchases_count_both_transfers(purchases):
    assert (purchases["transfers"], purchases["purchases"]) == (60, 30)


def test_purchases_rate_per_purchase(purchases):
    expected = purchases["purchases"] / purchases["median_cpu_seconds"]
    assert purchases["purchases_per_cpu_second"] == pytest.approx(expected, rel=0.01)


def test_dict_floor_funds_every_payer():
    rows = [(0, 1, 2, 100), (1, 3, 2, 100)]
    assert bench.dict_floor(rows, repeats=1)["transfers"] == 2

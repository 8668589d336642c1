"""twin ledger verify: a clean ledger, a tampered one, and paths that are not ledgers."""

import os
import sqlite3

import pytest


@pytest.fixture
def run_dir(twin, small, tmp_path):
    out = tmp_path / "run"
    twin("run", small, "--out", out)
    return out


def test_verify_run_folder_exits_zero(twin, run_dir):
    assert twin("ledger", "verify", run_dir).code == 0


def test_verify_database_file_exits_zero(twin, run_dir):
    assert twin("ledger", "verify", run_dir / "ledger.db").code == 0


def test_verify_prints_counts(twin, run_dir):
    result = twin("ledger", "verify", run_dir, "--lang", "en")
    assert f"Audited {run_dir / 'ledger.db'}: accounts 12, transfers 4, holds 1" in result.out


def test_verify_prints_totals_in_yuan(twin, run_dir):
    result = twin("ledger", "verify", run_dir, "--lang", "en")
    totals = next(line for line in result.out.splitlines() if line.startswith("Posted debits"))
    assert totals.endswith(" yuan")


def test_verify_tampered_ledger_exits_one(twin, run_dir):
    _tamper(run_dir / "ledger.db")
    assert twin("ledger", "verify", run_dir).code == 1


def test_verify_tampered_ledger_lists_problems(twin, run_dir):
    _tamper(run_dir / "ledger.db")
    result = twin("ledger", "verify", run_dir, "--lang", "en")
    assert "balance_mismatch" in result.out


def test_verify_missing_path_exits_two(twin, tmp_path):
    assert twin("ledger", "verify", tmp_path / "nowhere").code == 2


def test_verify_folder_without_ledger_exits_two(twin, tmp_path):
    assert twin("ledger", "verify", tmp_path).code == 2


def test_verify_text_file_exits_two(twin, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database", encoding="utf-8")
    assert twin("ledger", "verify", path).code == 2


def test_verify_other_database_exits_two(twin, tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE things (id INTEGER)")
    assert twin("ledger", "verify", path).code == 2


def test_verify_leaves_other_database_unchanged(twin, tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE things (id INTEGER)")
    twin("ledger", "verify", path)
    with sqlite3.connect(path) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables == ["things"]


def _tamper(path):
    """Add one fen to an account's stored posted credits, as a bad write would."""
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE accounts SET credits_posted = credits_posted + 1 WHERE id = "
                           "(SELECT MIN(id) FROM accounts WHERE credits_posted > 0)")


def test_verify_writes_nothing_beside_database(twin, run_dir):
    """A read-only folder is enough: neither the file nor its folder change, no -wal or -shm is made."""
    path = run_dir / "ledger.db"
    before = (path.read_bytes(), run_dir.stat().st_mtime_ns)
    twin("ledger", "verify", path)
    assert path.read_bytes() == before[0]
    assert run_dir.stat().st_mtime_ns == before[1]


def test_verify_truncated_database_leaves_no_wal_files(twin, run_dir, tmp_path):
    data = (run_dir / "ledger.db").read_bytes()
    path = tmp_path / "trunc.db"
    path.write_bytes(data[: len(data) // 2])
    result = twin("ledger", "verify", path)
    assert result.code == 2
    assert sorted(p.name for p in tmp_path.glob("trunc.db*")) == ["trunc.db"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_verify_in_read_only_folder(twin, run_dir):
    run_dir.chmod(0o555)
    try:
        assert twin("ledger", "verify", run_dir).code == 0
    finally:
        run_dir.chmod(0o755)


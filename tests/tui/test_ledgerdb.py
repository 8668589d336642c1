"""Reading a run's ledger database read-only: searches, account filter, commit order."""

import sqlite3

import pytest

from tui.ledgerdb import LedgerReader


@pytest.fixture
def reader(finished_run):
    reader = LedgerReader(finished_run / "ledger.db")
    yield reader
    reader.close()


def test_all_accounts(reader):
    page = reader.accounts()
    assert page.total == 19
    assert len(page.rows) == 19


def test_accounts_by_owner(reader):
    page = reader.accounts("merchant:")
    assert sorted(account.owner for account in page.rows) == ["merchant:hotel1", "merchant:shop1", "merchant:shop2"]


def test_accounts_by_code_list(reader):
    page = reader.accounts("福利", ("member_welfare",))
    assert {account.code.value for account in page.rows} == {"member_welfare"}


def test_transfers_by_amount(reader):
    page = reader.transfers("300")
    assert {transfer.amount for transfer in page.rows} == {30000}


def test_transfers_by_code(reader):
    page = reader.transfers("disbursement")
    assert [(transfer.code.value, transfer.amount) for transfer in page.rows] == [("disbursement", 50000)]


def test_transfers_of_account(reader):
    union = next(account for account in reader.accounts("union:u1").rows)
    page = reader.transfers(account_id=union.id)
    assert [transfer.code.value for transfer in page.rows] == ["funding", "disbursement", "closure_settlement"]


def test_limit_keeps_total(reader):
    page = reader.transfers(limit=5)
    assert len(page.rows) == 5
    assert page.total == 38


def test_transfers_after(reader):
    last = reader.last_seq()
    assert reader.transfers_after(last) == []
    assert len(reader.transfers_after(last - 2)) == 2


def test_read_only(reader):
    with pytest.raises(sqlite3.OperationalError):
        reader._db.execute("DELETE FROM transfers")


def test_missing_database(tmp_path):
    with pytest.raises(FileNotFoundError):
        LedgerReader(tmp_path / "ledger.db")

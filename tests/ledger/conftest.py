import pytest

from twin.clock import ManualClock
from twin.ledger import Ledger, SQLiteStore

from .book import chart, local


@pytest.fixture
def clock():
    return ManualClock(local(2020, 1, 6, 9))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "ledger.db"


@pytest.fixture
def ledger(db_path, clock):
    """A ledger on a fresh database with the standard test book."""
    book = Ledger(SQLiteStore(db_path), clock)
    book.create_accounts(chart())
    yield book
    book.store.close()

"""The in-memory index of chunks: which transfer ids are taken."""

import numpy as np
import pytest

from twin.ledger.bulk import BulkIndex
from twin.ledger.chunks import Chunk
from twin.ledger.transfers import TransferCode


def _chunk(ids: list[int]) -> Chunk:
    count = len(ids)
    return Chunk(
        1,
        TransferCode.DISBURSEMENT,
        "file",
        np.array(ids, dtype=np.int64),
        np.arange(100, 100 + count, dtype=np.int64),
        np.full(count, 500, dtype=np.int64),
        np.arange(1, count + 1, dtype=np.int64),
    )


@pytest.fixture
def index() -> BulkIndex:
    index = BulkIndex()
    # Overlapping ranges, an unsorted chunk and a gap between 60 and 100.
    for ids in ([10, 20, 30], [25, 5, 60], [100, 101, 102], [15, 16]):
        index.add(_chunk(ids))
    return index


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([103, 200], [False, False]),
        ([102, 103], [True, False]),
        ([5, 6, 16, 25, 59, 60], [True, False, True, True, False, True]),
        ([61, 99], [False, False]),
        ([1, 4], [False, False]),
        ([101, 10, 70], [True, True, False]),
    ],
)
def test_taken_marks_ids_in_chunks(index, ids, expected):
    assert index.taken(np.array(ids, dtype=np.int64)).tolist() == expected


def test_taken_of_empty_index():
    assert BulkIndex().taken(np.array([1, 2], dtype=np.int64)).tolist() == [False, False]

import numpy as np
import pytest

from twin.population import Streams, counter_hash, hash_to_unit
from twin.population.streams import counter_hash_int


def test_same_name_same_draws():
    first = Streams(5).fresh("arrivals").random(8)
    second = Streams(5).fresh("arrivals").random(8)
    assert np.array_equal(first, second)


def test_creation_order_does_not_matter():
    a = Streams(5)
    a.stream("x").random(100)
    late = a.stream("y").random(4)
    early = Streams(5).stream("y").random(4)
    assert np.array_equal(late, early)


def test_names_give_different_draws():
    streams = Streams(5)
    assert not np.array_equal(streams.fresh("a").random(4), streams.fresh("b").random(4))


def test_seeds_give_different_draws():
    assert not np.array_equal(Streams(5).fresh("a").random(4), Streams(6).fresh("a").random(4))


def test_stream_continues_where_it_stopped():
    streams = Streams(5)
    head = streams.stream("a").random(2)
    tail = streams.stream("a").random(2)
    assert np.array_equal(np.concatenate([head, tail]), Streams(5).fresh("a").random(4))


def test_child_prefixes_names():
    child = Streams(5).child("population").fresh("sex").random(3)
    full = Streams(5).fresh("population/sex").random(3)
    assert np.array_equal(child, full)


def test_seed_sequence_is_a_spawn_key():
    sequence = Streams(5).seed_sequence("a")
    assert sequence.entropy == 5
    assert len(sequence.spawn_key) == 4


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_bad_seed_rejected(seed):
    with pytest.raises(ValueError, match="non-negative integer"):
        Streams(seed)


def test_empty_name_rejected():
    with pytest.raises(ValueError, match="must not be empty"):
        Streams(1).stream("")


def test_counter_hash_one_equals_batch():
    key = Streams(9).key64("names")
    batch = counter_hash(key, np.arange(1000))
    assert int(counter_hash(key, 537)) == int(batch[537])


def test_counter_hash_int_equals_numpy():
    key = Streams(9).key64("pins")
    batch = counter_hash(key, np.arange(2**40, 2**40 + 500, dtype=np.uint64))
    assert [counter_hash_int(key, 2**40 + i) for i in range(500)] == [int(value) for value in batch]


def test_counter_hash_spreads_bits():
    units = hash_to_unit(counter_hash(123, np.arange(100_000)))
    assert units.min() >= 0.0
    assert units.max() < 1.0
    assert abs(units.mean() - 0.5) < 0.01

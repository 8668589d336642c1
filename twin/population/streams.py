"""Named, seeded random streams and a counter-based hash.

Every random draw in the twin comes from a stream that is named, for example
``"population/age"`` or ``"arrivals/branch"``. A stream's generator depends only
on the run's seed and the stream's name, never on how many other streams were
made before it or in which order. So adding a stream, or creating streams in
another order in another process, changes no other stream's numbers.

The name is hashed (BLAKE2b) into the ``spawn_key`` of a
:class:`numpy.random.SeedSequence`, which is the same mechanism
``SeedSequence.spawn`` uses for its children, only keyed by name instead of by
position.

:func:`counter_hash` covers the other case: a value that must be computed for
one item out of millions (one member's name) without drawing the values of all
the items before it. It mixes a 64-bit key with the item's index (SplitMix64's
finaliser), in numpy for whole arrays or for one index.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["Streams", "counter_hash", "counter_hash_int", "hash_to_unit"]

_MASK64 = (1 << 64) - 1
_GAMMA_INT = 0x9E3779B97F4A7C15
_GOLDEN_GAMMA = np.uint64(_GAMMA_INT)


class Streams:
    """Random generators keyed by a seed and a stream name.

    ``stream(name)`` returns the same generator object every time it is called
    with the same name on the same ``Streams``, so the draws of one stream
    continue where they stopped. ``fresh(name)`` returns a new generator at the
    start of that stream. ``child(prefix)`` returns a ``Streams`` whose names are
    prefixed with ``prefix/``, so a component can name its streams without
    knowing where it sits.
    """

    def __init__(self, seed: int, prefix: str = "") -> None:
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        self._seed = int(seed)
        self._prefix = prefix
        self._generators: dict[str, np.random.Generator] = {}

    @property
    def seed(self) -> int:
        return self._seed

    @property
    def prefix(self) -> str:
        return self._prefix

    def full_name(self, name: str) -> str:
        """Return ``name`` with this object's prefix, as it is hashed."""
        if not name:
            raise ValueError("a stream name must not be empty")
        return f"{self._prefix}/{name}" if self._prefix else name

    def seed_sequence(self, name: str) -> np.random.SeedSequence:
        """Return the seed sequence of the stream ``name``."""
        return np.random.SeedSequence(self._seed, spawn_key=_name_words(self.full_name(name)))

    def stream(self, name: str) -> np.random.Generator:
        """Return the generator of the stream ``name``, shared by every caller."""
        generator = self._generators.get(name)
        if generator is None:
            generator = self.fresh(name)
            self._generators[name] = generator
        return generator

    def fresh(self, name: str) -> np.random.Generator:
        """Return a new generator at the first draw of the stream ``name``."""
        return np.random.Generator(np.random.PCG64(self.seed_sequence(name)))

    def child(self, prefix: str) -> Streams:
        """Return the streams under ``prefix`` (names become ``prefix/name``)."""
        return Streams(self._seed, self.full_name(prefix))

    def key64(self, name: str) -> int:
        """Return a 64-bit key for :func:`counter_hash`, derived like a stream."""
        words = self.seed_sequence(name).generate_state(2, dtype=np.uint32)
        return (int(words[0]) << 32) | int(words[1])


def counter_hash(key: int, counter: np.ndarray | int) -> np.ndarray:
    """Mix ``key`` with each counter into 64 well-spread bits (SplitMix64).

    The result for one counter does not depend on the other counters, so
    ``counter_hash(k, np.arange(n))[i] == counter_hash(k, i)[()]``.
    """
    with np.errstate(over="ignore"):
        z = np.asarray(counter, dtype=np.uint64) * _GOLDEN_GAMMA + np.uint64(key & _MASK64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def counter_hash_int(key: int, counter: int) -> int:
    """Return ``int(counter_hash(key, counter))`` for one counter, in plain integers.

    For one value this is several times faster than numpy scalars. The
    arithmetic is the same, modulo 2**64.
    """
    z = (counter * _GAMMA_INT + (key & _MASK64)) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def hash_to_unit(hashed: np.ndarray) -> np.ndarray:
    """Map 64-bit hashes to floats uniform in [0, 1), using the top 53 bits."""
    return (np.asarray(hashed, dtype=np.uint64) >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _name_words(name: str) -> tuple[int, ...]:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))

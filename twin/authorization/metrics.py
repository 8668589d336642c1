"""Counters and latency histograms of the authorization core.

:class:`LatencyHistogram` keeps counts in logarithmic buckets with 32
sub-buckets per power of two, in the manner of HdrHistogram: any recorded
value is reported within about 3% of itself, at a fixed memory cost, and
percentiles come from the counts without keeping samples.
"""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np

__all__ = ["CoreMetrics", "LatencyHistogram"]

_SUB_BUCKET_BITS = 5
_SUB_BUCKETS = 1 << _SUB_BUCKET_BITS
#: Requests queued before :class:`CoreMetrics` counts them.
_FOLD_AT = 1024


class LatencyHistogram:
    """Counts of durations in nanoseconds."""

    __slots__ = ("counts", "total", "count", "maximum")

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.total = 0
        self.count = 0
        self.maximum = 0

    def record(self, nanoseconds: int) -> None:
        value = nanoseconds if nanoseconds > 0 else 0
        self.counts[_bucket(value)] += 1
        self.total += value
        self.count += 1
        if value > self.maximum:
            self.maximum = value

    def record_many(self, nanoseconds: list[int]) -> None:
        """Record many durations at once, with the same buckets as :meth:`record`."""
        if not nanoseconds:
            return
        values = np.maximum(np.asarray(nanoseconds, dtype=np.int64), 0)
        # frexp gives each value's bit length as its exponent, exactly, because durations are far below 2**53.
        bit_length = np.frexp(values.astype(np.float64))[1].astype(np.int64)
        shift = np.maximum(bit_length - _SUB_BUCKET_BITS - 1, 0)
        buckets = np.where(
            values < _SUB_BUCKETS, values, ((shift + 1) << _SUB_BUCKET_BITS) + ((values >> shift) - _SUB_BUCKETS)
        )
        found, counts = np.unique(buckets, return_counts=True)
        self.counts.update(dict(zip(found.tolist(), counts.tolist(), strict=True)))
        self.total += int(values.sum())
        self.count += len(values)
        self.maximum = max(self.maximum, int(values.max()))

    def merge(self, other: LatencyHistogram) -> None:
        self.counts.update(other.counts)
        self.total += other.total
        self.count += other.count
        self.maximum = max(self.maximum, other.maximum)

    def percentile(self, fraction: float) -> int:
        """Return the value in nanoseconds at or below which ``fraction`` of the records lie."""
        if not self.count:
            return 0
        rank = max(1, int(fraction * self.count + 0.999999))
        seen = 0
        for bucket in sorted(self.counts):
            seen += self.counts[bucket]
            if seen >= rank:
                return min(_bucket_high(bucket), self.maximum)
        return self.maximum

    def summary(self) -> dict[str, float]:
        """Return count, mean and p50/p90/p99/p999/max in microseconds."""
        micros = 1_000.0
        return {
            "count": self.count,
            "mean_us": round(self.total / self.count / micros, 3) if self.count else 0.0,
            "p50_us": round(self.percentile(0.50) / micros, 3),
            "p90_us": round(self.percentile(0.90) / micros, 3),
            "p99_us": round(self.percentile(0.99) / micros, 3),
            "p999_us": round(self.percentile(0.999) / micros, 3),
            "max_us": round(self.maximum / micros, 3),
        }


class CoreMetrics:
    """Counts of the core's decisions per step, response code and reason, and step latencies.

    :meth:`record_request` runs once per request, so it only queues the
    request's figures. They are counted in groups of up to ``_FOLD_AT``, and
    before anything reads them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._responses: Counter[str] = Counter()
        self._reasons: Counter[str] = Counter()
        self._kinds: Counter[str] = Counter()
        self._steps: Counter[tuple[str, str]] = Counter()
        self._latency: dict[str, LatencyHistogram] = {}
        self._queued: list[tuple[str, str, str, int, list[tuple[str, str, int]]]] = []

    @property
    def responses(self) -> Counter[str]:
        """Requests by response code."""
        self._count_queued()
        return self._responses

    @property
    def reasons(self) -> Counter[str]:
        """Requests by the reason of their response."""
        self._count_queued()
        return self._reasons

    @property
    def kinds(self) -> Counter[str]:
        """Requests by kind."""
        self._count_queued()
        return self._kinds

    @property
    def steps(self) -> Counter[tuple[str, str]]:
        """Step outcomes by ``(step, outcome)``."""
        self._count_queued()
        return self._steps

    @property
    def latency(self) -> dict[str, LatencyHistogram]:
        """A latency histogram per step, and ``total`` per request."""
        self._count_queued()
        return self._latency

    def record_step(self, step: str, outcome: str, nanoseconds: int) -> None:
        with self._lock:
            self._steps[(step, outcome)] += 1
            self._histogram(step).record(nanoseconds)

    def record_response(self, kind: str, code: str, reason: str, nanoseconds: int) -> None:
        with self._lock:
            self._kinds[kind] += 1
            self._responses[code] += 1
            self._reasons[reason] += 1
            self._histogram("total").record(nanoseconds)

    def record_request(
        self, kind: str, code: str, reason: str, nanoseconds: int, steps: list[tuple[str, str, int]]
    ) -> None:
        """Record one request and the outcome and duration of each step it passed through."""
        with self._lock:
            queued = self._queued
            queued.append((kind, code, reason, nanoseconds, steps))
            if len(queued) >= _FOLD_AT:
                self._fold()

    def snapshot(self) -> dict:
        """Return the metrics as plain data, keys sorted, for reports."""
        with self._lock:
            self._fold()
            return {
                "responses": dict(sorted(self._responses.items())),
                "reasons": dict(sorted(self._reasons.items())),
                "kinds": dict(sorted(self._kinds.items())),
                "steps": {f"{step}:{outcome}": count for (step, outcome), count in sorted(self._steps.items())},
                "latency": {name: histogram.summary() for name, histogram in sorted(self._latency.items())},
            }

    # Private interface

    def _count_queued(self) -> None:
        if self._queued:
            with self._lock:
                self._fold()

    def _fold(self) -> None:
        """Count the queued requests; the caller holds the lock."""
        queued = self._queued
        if not queued:
            return
        self._queued = []
        self._kinds.update([entry[0] for entry in queued])
        self._responses.update([entry[1] for entry in queued])
        self._reasons.update([entry[2] for entry in queued])
        durations: dict[str, list[int]] = {"total": [entry[3] for entry in queued]}
        outcomes = []
        for entry in queued:
            for step, outcome, nanoseconds in entry[4]:
                outcomes.append((step, outcome))
                found = durations.get(step)
                if found is None:
                    found = durations[step] = []
                found.append(nanoseconds)
        self._steps.update(outcomes)
        for step, values in durations.items():
            self._histogram(step).record_many(values)

    def _histogram(self, name: str) -> LatencyHistogram:
        histogram = self._latency.get(name)
        if histogram is None:
            histogram = self._latency[name] = LatencyHistogram()
        return histogram


# Private interface


def _bucket(value: int) -> int:
    if value < _SUB_BUCKETS:
        return value
    shift = value.bit_length() - _SUB_BUCKET_BITS - 1
    return ((shift + 1) << _SUB_BUCKET_BITS) + ((value >> shift) - _SUB_BUCKETS)


def _bucket_high(bucket: int) -> int:
    """Return the largest value that falls in ``bucket``."""
    if bucket < _SUB_BUCKETS:
        return bucket
    shift = (bucket >> _SUB_BUCKET_BITS) - 1
    base = (_SUB_BUCKETS + (bucket & (_SUB_BUCKETS - 1))) << shift
    return base + (1 << shift) - 1

"""Counters and latency histograms of the authorization core.

:class:`LatencyHistogram` keeps counts in logarithmic buckets with 32
sub-buckets per power of two, in the manner of HdrHistogram: any recorded
value is reported within about 3% of itself, at a fixed memory cost, and
percentiles come from the counts without keeping samples.
"""

from __future__ import annotations

import threading
from collections import Counter

__all__ = ["CoreMetrics", "LatencyHistogram"]

_SUB_BUCKET_BITS = 5
_SUB_BUCKETS = 1 << _SUB_BUCKET_BITS


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
    """Counts of the core's decisions per step, response code and reason, and step latencies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.responses: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.steps: Counter[tuple[str, str]] = Counter()
        self.latency: dict[str, LatencyHistogram] = {}

    def record_step(self, step: str, outcome: str, nanoseconds: int) -> None:
        with self._lock:
            self.steps[(step, outcome)] += 1
            histogram = self.latency.get(step)
            if histogram is None:
                histogram = self.latency[step] = LatencyHistogram()
            histogram.record(nanoseconds)

    def record_response(self, kind: str, code: str, reason: str, nanoseconds: int) -> None:
        with self._lock:
            self.kinds[kind] += 1
            self.responses[code] += 1
            self.reasons[reason] += 1
            histogram = self.latency.get("total")
            if histogram is None:
                histogram = self.latency["total"] = LatencyHistogram()
            histogram.record(nanoseconds)

    def record_request(
        self, kind: str, code: str, reason: str, nanoseconds: int, steps: list[tuple[str, str, int]]
    ) -> None:
        """Record one request and the outcome and duration of each step it passed through."""
        latency = self.latency
        with self._lock:
            self.kinds[kind] += 1
            self.responses[code] += 1
            self.reasons[reason] += 1
            for step, outcome, step_nanoseconds in steps:
                self.steps[(step, outcome)] += 1
                histogram = latency.get(step)
                if histogram is None:
                    histogram = latency[step] = LatencyHistogram()
                histogram.record(step_nanoseconds)
            histogram = latency.get("total")
            if histogram is None:
                histogram = latency["total"] = LatencyHistogram()
            histogram.record(nanoseconds)

    def snapshot(self) -> dict:
        """Return the metrics as plain data, keys sorted, for reports."""
        with self._lock:
            return {
                "responses": dict(sorted(self.responses.items())),
                "reasons": dict(sorted(self.reasons.items())),
                "kinds": dict(sorted(self.kinds.items())),
                "steps": {f"{step}:{outcome}": count for (step, outcome), count in sorted(self.steps.items())},
                "latency": {name: histogram.summary() for name, histogram in sorted(self.latency.items())},
            }


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

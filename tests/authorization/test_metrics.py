"""The core's metrics: queued requests are counted before anything reads them."""

import numpy as np

from twin.authorization import metrics
from twin.authorization.metrics import CoreMetrics, LatencyHistogram

STEPS = [("format", "pass", 2_000), ("card", "card_lost", 1_000)]


def test_queued_request_shows_in_snapshot():
    recorded = CoreMetrics()
    recorded.record_request("purchase", "41", "card_lost", 5_000, STEPS)
    assert recorded.snapshot()["responses"] == {"41": 1}


def test_queued_request_shows_in_counters():
    recorded = CoreMetrics()
    recorded.record_request("purchase", "41", "card_lost", 5_000, STEPS)
    assert recorded.responses["41"] == 1


def test_queued_steps_show_in_counters():
    recorded = CoreMetrics()
    recorded.record_request("purchase", "41", "card_lost", 5_000, STEPS)
    assert recorded.steps[("card", "card_lost")] == 1


def test_queued_step_latency_shows():
    recorded = CoreMetrics()
    recorded.record_request("purchase", "41", "card_lost", 5_000, STEPS)
    assert recorded.latency["format"].count == 1


def test_many_requests_are_all_counted():
    recorded = CoreMetrics()
    count = metrics._FOLD_AT * 2 + 3
    for _ in range(count):
        recorded.record_request("purchase", "00", "approved", 5_000, STEPS)
    assert recorded.snapshot()["latency"]["total"]["count"] == count


def test_record_many_buckets_like_record():
    values = np.random.default_rng(3).integers(0, 10**10, 2_000).tolist() + list(range(100)) + [2**k for k in range(40)]
    one_by_one, at_once = LatencyHistogram(), LatencyHistogram()
    for value in values:
        one_by_one.record(value)
    at_once.record_many(values)
    assert at_once.counts == one_by_one.counts


def test_record_many_keeps_totals():
    values = [5, 70_000, 3_000_000]
    histogram = LatencyHistogram()
    histogram.record_many(values)
    assert (histogram.count, histogram.total, histogram.maximum) == (3, 3_070_005, 3_000_000)


def test_record_many_counts_negative_as_zero():
    histogram = LatencyHistogram()
    histogram.record_many([-5])
    assert histogram.counts == {0: 1}

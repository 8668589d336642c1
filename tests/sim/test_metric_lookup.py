"""Finding a figure of ``metrics.json`` by the dotted key an ``expect.metrics`` entry names."""

from twin.sim.engine import lookup_metric

METRICS = {"summary": {"coverage": 0.5}, "flows": {"disbursed": 100}}


def test_absent_count_reads_zero():
    assert lookup_metric(METRICS, "summary.cards_lost") == 0


def test_absent_unknown_figure_reads_none():
    assert lookup_metric(METRICS, "summary.no_such_figure") is None


def test_metrics_prefix_accepted():
    assert lookup_metric(METRICS, "metrics.summary.coverage") == 0.5


def test_top_level_section_found():
    assert lookup_metric(METRICS, "metrics.flows.disbursed") == 100

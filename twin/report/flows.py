"""Sections on money: disbursement and spending flows, and transit and ETC uptake."""

from __future__ import annotations

from twin.i18n import t
from twin.report.charts import PALETTE, Bar, Series, bar_chart, line_chart, split_bar
from twin.report.days import daily_series
from twin.report.html import Markup, figures, pairs, section, table
from twin.report.labels import metric_label
from twin.report.units import compact_number, format_amount, format_count
from twin.sim.recorder import FLOW_KEYS

__all__ = ["money", "transit"]

_WELFARE = PALETTE[0]
_MAIN = PALETTE[1]

#: Summary counts shown in the transit and ETC section when the run has them.
_TRANSIT_COUNTS = ("transit_topups", "transit_rides", "etc_signups", "etc_tolls", "app_registrations")
_TRANSIT_FLOWS = ("transit_topup", "transit_fare", "etc_toll")


def money(run, lang: str) -> Markup:
    """Build the flows section: welfare against main, designated against other, daily flows, all totals."""
    flows = _in_order(run.metrics.get("flows", {}))

    def yuan(fen: float) -> str:
        return format_amount(int(fen), lang)

    def label(key: str) -> str:
        return metric_label(f"flows.{key}", lang)

    empty = t("report.no_flows", lang)
    splits = figures(
        split_bar(
            [Bar(label("purchase_welfare"), flows.get("purchase_welfare", 0), _WELFARE),
             Bar(label("purchase_main"), flows.get("purchase_main", 0), _MAIN)],
            title=t("report.chart.paid_by_account", lang), format_value=yuan, empty_text=empty,
        ),
        split_bar(
            [Bar(label("purchase_designated"), flows.get("purchase_designated", 0), PALETTE[4]),
             Bar(label("purchase_other"), flows.get("purchase_other", 0), PALETTE[9])],
            title=t("report.chart.paid_by_merchant", lang), format_value=yuan, empty_text=empty,
        ),
        split_bar(
            [Bar(label("refund_welfare"), flows.get("refund_welfare", 0), _WELFARE),
             Bar(label("refund_main"), flows.get("refund_main", 0), _MAIN)],
            title=t("report.chart.refunds_by_account", lang), format_value=yuan, empty_text=empty,
        ),
    )
    totals = bar_chart(
        [Bar(label(key), value) for key, value in flows.items() if value],
        title=t("report.chart.flows", lang), format_value=yuan, empty_text=empty,
    )

    dates, province, _ = daily_series(run)
    daily = line_chart(
        dates,
        [Series(metric_label(key, lang), [value / 100 for value in province.get(key, [])])
         for key in ("welfare_disbursed", "welfare_spent", "main_spent", "refunded")],
        title=t("report.chart.flows_daily", lang),
        format_tick=lambda value: compact_number(value, lang),
        empty_text=t("report.no_data", lang),
    )
    rows = [[label(key), format_amount(value, lang)] for key, value in flows.items()]
    return section(
        "flows",
        t("report.section.flows", lang),
        splits,
        figures(totals, daily),
        table([t("report.flow", lang), t("report.amount", lang)], rows, numeric=(1,)),
        intro=t("report.intro.flows", lang),
    )


def transit(run, lang: str) -> Markup:
    """Build the transit and ETC section: counts, amounts and the daily rides, top-ups and tolls."""
    summary = run.metrics.get("summary", {})
    flows = run.metrics.get("flows", {})
    rows = [(metric_label(key, lang), format_count(summary[key])) for key in _TRANSIT_COUNTS if key in summary]
    rows += [(metric_label(f"flows.{key}", lang), format_amount(flows.get(key, 0), lang)) for key in _TRANSIT_FLOWS]
    dates, province, _ = daily_series(run)
    daily = line_chart(
        dates,
        [Series(metric_label(key, lang), province.get(key, [])) for key in ("transit_rides", "transit_topups", "etc_tolls")],
        title=t("report.chart.transit_daily", lang),
        format_tick=lambda value: compact_number(value, lang),
        integer=True,
        empty_text=t("report.no_data", lang),
    )
    return section("transit", t("report.section.transit", lang), figures(pairs(rows), daily),
                   intro=t("report.intro.transit", lang))


# Private interface


def _in_order(flows: dict[str, int]) -> dict[str, int]:
    """Order flows as the recorder lists them (money in, spending, returns, cash, transit), others after."""
    ordered = {key: flows[key] for key in FLOW_KEYS if key in flows}
    ordered.update({key: value for key, value in sorted(flows.items()) if key not in ordered})
    return ordered

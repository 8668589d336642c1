"""Sections on the authorization core: throughput, latency and declines."""

from __future__ import annotations

from collections import Counter, defaultdict

from twin.i18n import t
from twin.report.charts import Bar, Series, bar_chart, line_chart
from twin.report.days import daily_series
from twin.report.html import Markup, figures, note, pairs, section, table, text
from twin.report.labels import code_text, message_or, reason_text
from twin.report.units import compact_number, format_count, format_share

__all__ = ["throughput", "latency", "declines", "reason_codes"]

_LATENCY_COLUMNS = ("count", "mean_us", "p50_us", "p90_us", "p99_us", "p999_us", "max_us")
_MOST_BARS = 12
#: Steps of the core in the order a request meets them; the whole request last.
_PIPELINE_ORDER = ("availability", "format", "duplicate", "card", "chip", "pin", "process", "total")


def throughput(run, lang: str) -> Markup:
    """Build the throughput section: authorizations per day, the peak day, channels and kinds."""
    summary = run.metrics.get("summary", {})
    dates, province, _ = daily_series(run)
    per_day = province.get("authorizations", [])

    rows = [
        (t("report.metric.authorizations", lang), format_count(summary.get("authorizations", 0))),
        (t("report.metric.approved", lang), format_count(summary.get("approved", 0))),
        (t("report.metric.declined", lang), format_count(summary.get("declined", 0))),
        (t("report.metric.approval_rate", lang), format_share(summary.get("approval_rate", 0.0))),
    ]
    if per_day:
        peak = max(range(len(per_day)), key=lambda position: per_day[position])
        rows.append((t("report.peak_day", lang), t("report.peak_day_value", lang, date=dates[peak],
                                                      count=format_count(per_day[peak]))))
        rows.append((t("report.mean_per_day", lang), format_count(round(sum(per_day) / len(per_day), 1))))

    chart = line_chart(
        dates,
        [Series(t(f"report.metric.{key}", lang), province.get(key, [])) for key in ("authorizations", "approved", "declined")],
        title=t("report.chart.authorizations_daily", lang),
        format_tick=lambda value: compact_number(value, lang),
        integer=True,
        empty_text=t("report.no_data", lang),
    )

    count = lambda value: format_count(value)  # noqa: E731
    channels = bar_chart(
        _bars(run.metrics.get("channels", {}), "report.channel", lang),
        title=t("report.chart.channels", lang), format_value=count, empty_text=t("report.no_data", lang),
    )
    kinds = bar_chart(
        _bars(run.metrics.get("kinds", {}), "report.kind", lang),
        title=t("report.chart.kinds", lang), format_value=count, empty_text=t("report.no_data", lang),
    )
    return section("throughput", t("report.section.throughput", lang), figures(pairs(rows), chart),
                   figures(channels, kinds), intro=t("report.intro.throughput", lang))


def latency(run, lang: str) -> Markup:
    """Build the latency section from ``performance.json``, marked as wall-clock measurements."""
    title = t("report.section.latency", lang)
    performance = run.performance
    if not performance:
        return section("latency", title, note(t("report.no_performance", lang)))
    steps = performance.get("core_latency", {}) or {}
    headers = [t("report.latency.step", lang), *(t(f"report.latency.{column}", lang) for column in _LATENCY_COLUMNS)]
    ordered = sorted(steps, key=lambda name: (_PIPELINE_ORDER.index(name) if name in _PIPELINE_ORDER else 99, name))
    rows = []
    for name in ordered:
        figures_of_step = steps[name]
        cells = [format_count(figures_of_step.get("count", 0))]
        cells += [f"{figures_of_step.get(column, 0):,.1f}" for column in _LATENCY_COLUMNS[1:]]
        rows.append([message_or(f"report.core_step.{name}", name, lang), *cells])
    wall = performance.get("wall_seconds") or 0
    authorizations = performance.get("authorizations", 0)
    speed = [
        (t("report.wall_seconds", lang), f"{wall:,.3f} s"),
        (t("report.metric.authorizations", lang), format_count(authorizations)),
        (t("report.wall_rate", lang), format_count(round(authorizations / wall)) if wall else "—"),
    ]
    return section(
        "latency",
        title,
        note(t("report.latency.wall_clock", lang)),
        pairs(speed),
        table(headers, rows, numeric=range(1, len(headers)), empty=t("report.no_data", lang)),
    )


def declines(run, lang: str) -> Markup:
    """Build the declines section: response codes, and reasons with their code and an explanation."""
    metrics = run.metrics
    responses = metrics.get("responses", {})
    total = sum(responses.values())
    code_rows = [
        [Markup(f"<code>{text(code)}</code>"), code_text(code, lang), format_count(count), format_share(count / total if total else 0)]
        for code, count in sorted(responses.items())
    ]

    reasons = {reason: count for reason, count in metrics.get("reasons", {}).items() if reason != "approved"}
    declined = sum(reasons.values())
    codes = reason_codes(metrics)
    reason_rows = []
    for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
        explanation = reason_text(reason, lang) or "—"
        code = ", ".join(sorted(codes.get(reason, ()))) or "—"
        reason_rows.append(
            [Markup(f"<code>{text(reason)}</code>"), code, explanation, format_count(count),
             format_share(count / declined if declined else 0)]
        )

    body = [
        table([t("report.code", lang), t("report.code_meaning", lang), t("report.count", lang), t("report.share", lang)],
              code_rows, numeric=(2, 3), empty=t("report.no_data", lang)),
    ]
    if reasons:
        body.append(
            table([t("report.reason", lang), t("report.code", lang), t("report.explanation", lang),
                   t("report.count", lang), t("report.share_of_declines", lang)], reason_rows, numeric=(3, 4))
        )
    else:
        body.append(note(t("report.no_declines", lang)))
    return section("declines", t("report.section.declines", lang), *body, intro=t("report.intro.declines", lang))


def reason_codes(metrics: dict) -> dict[str, set[str]]:
    """Return the response codes seen with each decline reason.

    ``declines`` ({reason: {code: count}}) gives them when the engine records it;
    otherwise they come from the script steps, which carry both.
    """
    codes: dict[str, set[str]] = defaultdict(set)
    for reason, by_code in (metrics.get("declines") or {}).items():
        if isinstance(by_code, dict):
            codes[reason].update(by_code)
    for step in metrics.get("script", []):
        if step.get("response") and step.get("response") != "00":
            codes[step["reason"]].add(step["response"])
    return codes


# Private interface


def _bars(counts: dict[str, int], prefix: str, lang: str) -> list[Bar]:
    ordered = Counter(counts).most_common(_MOST_BARS)
    return [Bar(message_or(f"{prefix}.{name}", name, lang), count) for name, count in ordered if count]

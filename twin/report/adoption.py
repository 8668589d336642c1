"""Sections on cards reaching members: coverage and activation per city, and branch queues."""

from __future__ import annotations

from twin.i18n import t
from twin.report.charts import Bar, Series, bar_chart, line_chart
from twin.report.days import daily_series
from twin.report.html import Markup, figures, note, section, table, text
from twin.report.labels import city_name
from twin.report.units import compact_number, format_count, format_value

__all__ = ["coverage", "branches"]


def coverage(run, lang: str) -> Markup:
    """Build coverage and activation curves per city, the card stock, and the per-city table."""
    dates, province, cities = daily_series(run)
    total = t("report.province_total", lang)

    def per_city(key: str) -> list[Series]:
        lines = [Series(city_name(city, lang), values.get(key, [])) for city, values in sorted(cities.items())]
        if len(lines) > 1 and key in province:
            lines.insert(0, Series(total, province[key], emphasis=True))
        return lines

    count_tick = lambda value: compact_number(value, lang)  # noqa: E731
    empty = t("report.no_data", lang)
    charts = figures(
        _share_chart(dates, per_city("coverage"), t("report.chart.coverage", lang), empty),
        _share_chart(dates, per_city("activation_rate"), t("report.chart.activation", lang), empty),
        line_chart(
            dates,
            [Series(t(f"report.metric.{key}", lang), province.get(key, [])) for key in ("cards_issued", "cards_activated")],
            title=t("report.chart.card_stock", lang),
            format_tick=count_tick,
            integer=True,
            empty_text=empty,
        ),
    )
    keys = ("members", "cards_issued", "cards_activated", "coverage", "activation_rate")
    headers = [t("report.city", lang), *(t(f"report.metric.{key}", lang) for key in keys)]
    rows = [
        [city_name(city, lang), *(format_value(key, figures_of_city.get(key), lang) for key in keys)]
        for city, figures_of_city in sorted(run.metrics.get("cities", {}).items())
    ]
    return section(
        "adoption",
        t("report.section.adoption", lang),
        *_waves(run, lang),
        charts,
        table(headers, rows, numeric=range(1, len(keys) + 1), empty=empty),
        intro=t("report.intro.adoption", lang),
    )


def branches(run, lang: str) -> Markup:
    """Build the branch queue section: waits per city, and visits and waits per day."""
    per_city = run.metrics.get("branches", {})
    title = t("report.section.branches", lang)
    if not per_city or not any(figures_of_city.get("visits") for figures_of_city in per_city.values()):
        return section("branches", title, note(t("report.no_branch_visits", lang)))

    keys = ("visits", "wait_minutes_mean", "wait_minutes_p90", "wait_minutes_max")
    headers = [t("report.city", lang), *(t(f"report.branch.{key}", lang) for key in keys)]
    rows = [
        [city_name(city, lang), *(format_value(key, figures_of_city.get(key), lang) for key in keys)]
        for city, figures_of_city in sorted(per_city.items())
    ]
    minutes = lambda value: t("report.unit.minutes", lang, value=f"{value:,.1f}")  # noqa: E731
    p90_bars = [
        Bar(city_name(city, lang), figures_of_city.get("wait_minutes_p90", 0))
        for city, figures_of_city in sorted(per_city.items())
    ]

    dates, province, _ = daily_series(run)
    visits = province.get("branch_visits", [])
    waits = [
        wait if count else None
        for wait, count in zip(province.get("branch_wait_minutes_mean", []), visits, strict=False)
    ]
    visits_chart = line_chart(
        dates, [Series(t("report.branch.visits", lang), visits)], title=t("report.chart.visits_daily", lang),
        format_tick=lambda value: compact_number(value, lang), integer=True,
    )
    if not any(bar.value for bar in p90_bars):
        charts = Markup(note(t("report.no_waits", lang)) + figures(visits_chart))
    else:
        charts = figures(
            bar_chart(p90_bars, title=t("report.chart.wait_p90", lang), format_value=minutes),
            line_chart(dates, [Series(t("report.branch.wait_minutes_mean", lang), waits)],
                       title=t("report.chart.wait_daily", lang), format_tick=lambda value: f"{value:g}"),
            visits_chart,
        )
    return section(
        "branches",
        title,
        table(headers, rows, numeric=range(1, len(keys) + 1)),
        charts,
        intro=t("report.intro.branches", lang, visits=format_count(sum(visits))),
    )


# Private interface


def _share_chart(dates: list[str], lines: list[Series], title: str, empty: str) -> str:
    """Draw shares on a 0-100% axis, or on a closer one when every value stays under half."""
    top = max((value for line in lines for value in line.values if value is not None), default=0)
    return line_chart(dates, lines, title=title, format_tick=lambda value: f"{value * 100:.3g}%",
                      y_max=1.0 if top > 0.5 else None, empty_text=empty)


def _waves(run, lang: str) -> list[str]:
    """Tabulate the rollout waves' progress, as the synthetic crowd reports it (none without a crowd)."""
    waves = (run.metrics.get("crowd") or {}).get("waves") or {}
    if not isinstance(waves, dict) or not waves:
        return []
    keys = ("unions", "members", "cards", "active", "coverage")
    headers = [t("report.rollout.name", lang), *(t(f"report.wave.{key}", lang) for key in keys)]
    rows = [
        [name, *(format_value(key, figures_of_wave.get(key), lang) for key in keys)]
        for name, figures_of_wave in waves.items()
        if isinstance(figures_of_wave, dict)
    ]
    heading = Markup(f"<h3>{text(t('report.waves', lang))}</h3>")
    return [heading, table(headers, rows, numeric=range(1, len(keys) + 1))]

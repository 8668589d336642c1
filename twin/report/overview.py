"""The top of the report: title, status, key figures, the scenario's parameters and the footer."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from twin.i18n import t
from twin.report.html import Markup, badge, pairs, section, table, text
from twin.report.labels import message_or, metric_label
from twin.report.units import format_amount, format_count, format_share, format_value

__all__ = ["header", "parameters", "footer"]

#: Key figures shown as tiles under the title, in this order.
_KEY_FIGURES = (
    "members",
    "cards_issued",
    "coverage",
    "activation_rate",
    "authorizations",
    "approval_rate",
    "welfare_disbursed",
    "welfare_spent",
)
#: Rollout waves whose coverage gets a tile of its own (the rest are in the adoption section).
_MOST_WAVE_TILES = 4


def header(run, lang: str) -> Markup:
    """Build the title, the run's status and the key figures."""
    metrics = run.metrics
    scenario = metrics.get("scenario", {})
    summary = metrics.get("summary", {})
    expectations = metrics.get("expectations", [])
    failed = [result for result in expectations if not result.get("ok")]
    ledger_ok = bool(metrics.get("ledger", {}).get("ok", summary.get("ledger_balanced")))
    interrupted = bool(scenario.get("interrupted"))

    parts = [f"<header><h1>{text(t('report.title', lang, name=scenario.get('name', '')))}</h1>"]
    if scenario.get("description"):
        parts.append(f'<p class="subtitle">{text(scenario["description"])}</p>')
    parts.append(
        f'<p class="subtitle">{text(t("report.period", lang, start=_moment(scenario.get("start")), end=_moment(scenario.get("end"))))}'
        f" · {text(t('report.seed_scale', lang, seed=scenario.get('seed'), scale=_scale(scenario.get('scale'), lang)))}</p>"
    )

    badges = [
        badge(t("report.status.interrupted" if interrupted else "report.status.completed", lang), not interrupted),
        badge(t("report.status.ledger_ok" if ledger_ok else "report.status.ledger_problems", lang), ledger_ok),
    ]
    if expectations:
        held = len(expectations) - len(failed)
        badges.append(badge(t("report.status.expectations", lang, held=held, total=len(expectations)), not failed))
    parts.append(f'<div class="badges">{"".join(badges)}</div>')

    if interrupted:
        message = t("report.banner.interrupted", lang, moment=_moment(scenario.get("finished_at")))
        parts.append(f'<p class="banner warn">{text(message)}</p>')
    if failed:
        parts.append(f'<p class="banner fail">{text(t("report.banner.failed", lang, count=len(failed)))}</p>')

    tiles = []
    for key in _KEY_FIGURES:
        if key in summary:
            value = format_value(key, summary[key], lang)
            tiles.append(
                f'<div class="kpi"><div class="value">{text(value)}</div>'
                f'<div class="label">{text(metric_label(key, lang))}</div></div>'
            )
    waves = (metrics.get("crowd") or {}).get("waves") or {}
    for name, figures_of_wave in list(waves.items())[:_MOST_WAVE_TILES]:
        if isinstance(figures_of_wave, dict) and "coverage" in figures_of_wave:
            tiles.append(
                f'<div class="kpi"><div class="value">{text(format_share(figures_of_wave["coverage"]))}</div>'
                f'<div class="label">{text(t("report.wave_coverage", lang, wave=name))}</div></div>'
            )
    parts.append(f'<div class="kpis">{"".join(tiles)}</div></header>')
    return Markup("".join(parts))


def parameters(run, lang: str) -> Markup:
    """Build the scenario's parameters: the run's settings, the programme, and the crowd's plan."""
    scenario = run.metrics.get("scenario", {})
    programme = scenario.get("programme", {})
    rows = [
        (t("report.param.name", lang), scenario.get("name", "")),
        (t("report.param.seed", lang), scenario.get("seed", "")),
        (t("report.param.scale", lang), _scale(scenario.get("scale"), lang)),
        (t("report.param.start", lang), _moment(scenario.get("start"))),
        (t("report.param.end", lang), _moment(scenario.get("end"))),
        (t("report.param.finished_at", lang), _moment(scenario.get("finished_at"))),
    ]
    if "bin" in programme:
        rows.append((t("report.param.bin", lang), programme["bin"]))
    for key in ("class_ii_daily_limit", "class_ii_yearly_limit"):
        if key in programme:
            rows.append((t(f"report.param.{key}", lang), format_amount(programme[key], lang)))
    if "demand_interest_rate" in programme:
        rows.append((t("report.param.demand_interest_rate", lang), _rate(programme["demand_interest_rate"])))
    if "closure_policy" in programme:
        policy = programme["closure_policy"]
        rows.append((t("report.param.closure_policy", lang), message_or(f"report.closure.{policy}", policy, lang)))
    if "card_crypto" in programme:
        rows.append((t("report.param.card_crypto", lang), str(programme["card_crypto"]).upper()))
    body = [pairs(rows)]
    model = run.scenario
    if model is not None:
        body.extend(_scenario_plan(model, lang))
    return section("parameters", t("report.section.parameters", lang), *body)


def footer(run, lang: str) -> Markup:
    """Build the footer: where the figures come from and which are wall-clock measurements."""
    schema = run.metrics.get("schema", "")
    return Markup(f"<footer>{text(t('report.footer', lang, schema=schema))}</footer>")


# Private interface


def _scenario_plan(model, lang: str) -> list[str]:
    """Describe the province, the rollout waves, the disbursements and the faults of a scenario."""
    province = model.province
    parts: list[str] = []
    if province.scale > 0 or model.rollout:
        population = province.population
        parts.append(f"<h3>{text(t('report.province', lang))}</h3>")
        parts.append(
            pairs(
                [
                    (t("report.param.population", lang), format_count(population.members)),
                    (t("report.param.enrolled_share", lang), format_share(population.enrolled_share)),
                    (t("report.param.class_ii_share", lang), format_share(population.class_ii_share)),
                    (t("report.param.car_ownership", lang), format_share(population.car_ownership)),
                    (t("report.param.app_use", lang), format_share(population.app_use)),
                    (t("report.param.branches", lang), t("report.param.branches_value", lang,
                                                        count=format_count(province.branches.count),
                                                        counters=province.branches.counters)),
                    (t("report.param.merchants", lang), t("report.param.merchants_value", lang,
                                                         count=format_count(province.merchants.count),
                                                         share=format_share(province.merchants.designated_share))),
                ]
            )
        )
    if model.rollout:
        parts.append(f"<h3>{text(t('report.rollout', lang))}</h3>")
        headers = [t(f"report.rollout.{key}", lang) for key in ("name", "start", "end", "units", "target", "individual")]
        rows = [
            [wave.name, wave.start.isoformat(), wave.end.isoformat(), ", ".join(wave.units),
             format_share(wave.target_coverage), format_share(wave.individual_share)]
            for wave in model.rollout
        ]
        parts.append(table(headers, rows, numeric=(4, 5)))
    if model.disbursements:
        parts.append(f"<h3>{text(t('report.disbursements', lang))}</h3>")
        headers = [t(f"report.disbursement.{key}", lang) for key in ("festival", "date", "amount", "unions", "participation")]
        rows = [
            [message_or(f"report.festival.{item.festival}", item.festival, lang), item.date.isoformat(),
             format_amount(item.amount, lang), ", ".join(item.unions), format_share(item.participation)]
            for item in model.disbursements
        ]
        parts.append(table(headers, rows, numeric=(2, 4)))
    faults = _faults(model, lang)
    if faults:
        parts.append(f"<h3>{text(t('report.faults', lang))}</h3>")
        parts.append(table([t("report.fault.kind", lang), t("report.fault.detail", lang)], faults))
    return parts


def _faults(model, lang: str) -> list[list[str]]:
    rows = []
    for kind, items in model.faults:
        for item in items:
            fields = item.model_dump(mode="json", by_alias=True, exclude_none=True)
            detail = ", ".join(f"{key}: {value}" for key, value in fields.items())
            rows.append([message_or(f"report.fault.{kind}", kind, lang), detail])
    return rows


def _moment(value: object) -> str:
    """Show an ISO moment as local ``YYYY-MM-DD HH:MM`` (every moment of a run is Asia/Shanghai)."""
    if not isinstance(value, str) or len(value) < 16:
        return "" if value is None else str(value)
    return value[:10] + " " + value[11:16]


def _scale(value: object, lang: str) -> str:
    if not isinstance(value, int | float):
        return "" if value is None else str(value)
    if value <= 0:
        return t("report.scale_zero", lang)
    return t("report.scale_value", lang, scale=f"{value:g}", share=format_share(value, 2))


def _rate(value: object) -> str:
    try:
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    except InvalidOperation:
        return str(value)

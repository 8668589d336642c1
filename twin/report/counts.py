"""The section of other counts: every summary figure and crowd figure no other section shows.

The engine and the synthetic crowd add counts as they grow (``cards_lost``,
``app_sessions`` ...). Because this section lists whatever the others leave,
a new count appears in the report at once, under its catalogue label or,
until it has one, under its key.
"""

from __future__ import annotations

from twin.i18n import t
from twin.report.html import Markup, note, section, table
from twin.report.labels import message_or, metric_label
from twin.report.units import format_value

__all__ = ["other_counts", "SHOWN_ELSEWHERE"]

#: Summary keys that other sections show.
SHOWN_ELSEWHERE = frozenset(
    {
        "members", "enrolled", "cards_issued", "cards_activated", "coverage", "activation_rate",
        "authorizations", "approved", "declined", "approval_rate",
        "welfare_disbursed", "welfare_spent", "main_spent", "designated_spent", "other_spent", "refunded",
        "transit_topups", "transit_rides", "etc_tolls", "etc_signups", "app_registrations",
        "branch_visits", "branch_wait_minutes_mean", "branch_wait_minutes_p90",
        "ledger_balanced", "ledger_transfers", "ledger_accounts", "expectations_failed",
    }
)

#: Crowd figures that other sections show (the scale is a parameter, the waves a table).
_CROWD_SHOWN = frozenset({"scale", "waves"})


def other_counts(run, lang: str) -> Markup:
    """Build the table of remaining summary counts and, for a crowd run, the crowd's own figures."""
    summary = run.metrics.get("summary", {})
    rows = [
        [metric_label(key, lang), Markup(f"<code>summary.{key}</code>"), format_value(key, value, lang)]
        for key, value in sorted(summary.items())
        if key not in SHOWN_ELSEWHERE
    ]
    crowd = run.metrics.get("crowd") or {}
    for key, value in sorted(_flatten(crowd).items()):
        if key.split(".")[0] in _CROWD_SHOWN:
            continue
        label = message_or(f"report.crowd.{key}", key, lang)
        rows.append([label, Markup(f"<code>crowd.{key}</code>"), format_value(key, value, lang)])
    title = t("report.section.counts", lang)
    if not rows:
        return section("counts", title, note(t("report.no_data", lang)))
    headers = [t("report.counts.name", lang), t("report.counts.key", lang), t("report.counts.value", lang)]
    return section("counts", title, table(headers, rows, numeric=(2,)), intro=t("report.intro.counts", lang))


def _flatten(node: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif not isinstance(value, list):
            flat[name] = value
    return flat

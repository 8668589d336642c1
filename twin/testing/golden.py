"""Golden metrics: a chosen part of a shipped scenario's ``metrics.json`` kept under ``tests/golden/``.

The part is what a planner reads first and what a change of behaviour moves:
the summary counts and amounts, every money flow and every response code, at
the scenario's regression scale. Wall-clock figures, the trace and the
ledger's internal counts are left out. A regression run compares its part with
the file and lists each figure that moved. After a change that is meant,
``pytest --update-golden scenarios`` writes the files again.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

__all__ = ["GOLDEN_SUMMARY_KEYS", "golden_part", "compare_golden", "write_golden", "read_golden"]

#: Summary keys kept in a golden file (those a run lacks are left out).
GOLDEN_SUMMARY_KEYS = (
    "members",
    "enrolled",
    "cards_issued",
    "cards_activated",
    "coverage",
    "activation_rate",
    "authorizations",
    "approved",
    "declined",
    "approval_rate",
    "welfare_disbursed",
    "welfare_spent",
    "main_spent",
    "designated_spent",
    "other_spent",
    "refunded",
    "transit_topups",
    "transit_rides",
    "etc_tolls",
    "branch_visits",
    "branch_wait_minutes_mean",
    "ledger_balanced",
    "script_steps",
    "script_steps_failed",
)


def golden_part(metrics: dict) -> dict:
    """Return the part of ``metrics`` that a golden file keeps."""
    scenario = metrics.get("scenario", {})
    summary = metrics.get("summary", {})
    return {
        "scenario": scenario.get("name"),
        "seed": scenario.get("seed"),
        "scale": scenario.get("scale"),
        "summary": {key: summary[key] for key in GOLDEN_SUMMARY_KEYS if key in summary},
        "flows": dict(sorted(metrics.get("flows", {}).items())),
        "responses": dict(sorted(metrics.get("responses", {}).items())),
    }


def compare_golden(golden: dict, current: dict) -> list[str]:
    """Return one line per figure that differs: ``summary.cards_issued: golden 210, now 212``."""
    lines = []
    expected, actual = _flatten(golden), _flatten(current)
    for key in sorted(set(expected) | set(actual)):
        before, after = expected.get(key), actual.get(key)
        if _same(before, after):
            continue
        if key not in actual:
            lines.append(f"{key}: golden {before}, missing now")
        elif key not in expected:
            lines.append(f"{key}: not in the golden file, now {after}")
        else:
            lines.append(f"{key}: golden {before}, now {after}{_delta(before, after)}")
    return lines


def read_golden(path: Path) -> dict | None:
    """Return the golden part stored at ``path``, or None when there is no file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def write_golden(path: Path, part: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(part, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# Private interface


def _flatten(node: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _same(before: object, after: object) -> bool:
    # Floats in metrics.json are rounded to 6 decimals, so equal runs give equal
    # floats. The tolerance only absorbs the last bit of a platform's float formatting.
    numbers = (int, float)
    if isinstance(before, numbers) and isinstance(after, numbers) and not isinstance(before, bool):
        return math.isclose(before, after, rel_tol=1e-9, abs_tol=1e-12)
    return before == after


def _delta(before: object, after: object) -> str:
    if isinstance(before, bool) or isinstance(after, bool):
        return ""
    if isinstance(before, int | float) and isinstance(after, int | float):
        change = after - before
        relative = f", {change / before * 100:+.1f}%" if before else ""
        return f" ({change:+g}{relative})"
    return ""

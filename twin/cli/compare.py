"""``twin compare RUN_A RUN_B``: the metrics that differ between two runs.

Every number and yes/no value of ``metrics.json`` is compared, by its dotted
key (``summary.coverage``, ``flows.disbursed``, ``cities.南昌市.members``),
except the daily series, the script steps and the expectations, which the
totals already sum up. The table gives both values, the absolute change and the
change relative to run A. A summary count that one run lacks reads as 0, as
in ``docs/metrics.md``: the engine adds a count only once it counted something.
Exit status 0, or 2 when a run folder is missing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from twin.cli.console import Console
from twin.cli.exits import EXIT_INVALID, EXIT_OK
from twin.cli.problems import read_error_text
from twin.i18n import t
from twin.report.units import format_value, unit_of
from twin.scenario.metric_keys import is_count, normalize

__all__ = ["compare_command", "flatten", "differences"]

#: Top-level sections, in the order the table lists them; others follow by name.
_SECTIONS = ("summary", "flows", "responses", "reasons", "kinds", "channels", "cities", "branches", "ledger", "crowd")
_SKIPPED = {"series", "script", "expectations", "schema", "scenario"}

Value = int | float | bool


def compare_command(args: argparse.Namespace, console: Console) -> int:
    runs = []
    for name in (args.run_a, args.run_b):
        metrics = _read_metrics(Path(name), console)
        if metrics is None:
            return EXIT_INVALID
        runs.append(metrics)
    first, second = runs
    for label, name, metrics in (("A", args.run_a, first), ("B", args.run_b, second)):
        scenario = metrics.get("scenario", {})
        console.say("cli.compare.run", label=label, path=name, name=scenario.get("name", ""),
                    seed=scenario.get("seed", ""), scale=scenario.get("scale", ""))

    left, right = flatten(first), flatten(second)
    _fill_counts(left, right)
    changed = differences(left, right)
    if not changed:
        console.say("cli.compare.same", count=len(left))
        return EXIT_OK
    lang = console.lang
    rows = []
    for key in changed:
        before, after = left.get(key), right.get(key)
        rows.append([key, _shown(key, before, lang), _shown(key, after, lang), *_change(key, before, after, lang)])
    headers = [t(f"cli.compare.{column}", lang) for column in ("metric", "a", "b", "change", "relative")]
    console.table(headers, rows, right=(1, 2, 3, 4))
    console.say("cli.compare.count", changed=len(changed), total=len(set(left) | set(right)))
    return EXIT_OK


def flatten(metrics: dict) -> dict[str, Value]:
    """Return every number and yes/no value of a run's metrics by dotted key."""
    values: dict[str, Value] = {}

    def walk(prefix: str, node: object) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), child)
        elif isinstance(node, bool | int | float):
            values[prefix] = node

    for section, node in metrics.items():
        if section not in _SKIPPED:
            walk(section, node)
    return values


def differences(left: dict[str, Value], right: dict[str, Value]) -> list[str]:
    """Return the keys whose values differ (or exist on one side only), in table order."""
    keys = {key for key in set(left) | set(right) if left.get(key) != right.get(key)}

    def order(key: str) -> tuple[int, str]:
        section = key.split(".", 1)[0]
        return (_SECTIONS.index(section) if section in _SECTIONS else len(_SECTIONS), key)

    return sorted(keys, key=order)


# Private interface


def _fill_counts(left: dict[str, Value], right: dict[str, Value]) -> None:
    """Give each run a 0 for a summary count that only the other run has."""
    for key in set(left) ^ set(right):
        if key.startswith("summary.") and is_count(normalize(key)):
            left.setdefault(key, 0)
            right.setdefault(key, 0)


def _read_metrics(path: Path, console: Console) -> dict | None:
    file = path / "metrics.json" if path.is_dir() else path
    try:
        metrics = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        console.warn("cli.run_dir.missing", path=str(path))
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        console.warn("cli.run_dir.invalid", path=str(path), detail=read_error_text(error, console.lang))
        return None
    if not isinstance(metrics, dict):
        console.warn("cli.run_dir.invalid", path=str(path), detail=t("cli.file.not_run_metrics", console.lang))
        return None
    return metrics


def _shown(key: str, value: Value | None, lang: str) -> str:
    return "—" if value is None else format_value(key, value, lang)


def _change(key: str, before: Value | None, after: Value | None, lang: str) -> list[str]:
    """Return the absolute and relative change from ``before`` to ``after``, as text."""
    if before is None or after is None or isinstance(before, bool) or isinstance(after, bool):
        return ["—", "—"]
    delta = after - before
    sign = "+" if delta > 0 else ""
    if unit_of(key) == "share":
        absolute = f"{sign}{delta * 100:.2f} pp"
    else:
        absolute = sign + format_value(key, delta, lang)
    relative = f"{sign}{delta / before * 100:.1f}%" if before else "—"
    return [absolute, relative]

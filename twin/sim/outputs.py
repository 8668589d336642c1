"""The run folder: ``metrics.json``, the CSV series and ``performance.json``.

The keys of ``metrics.json`` are documented in ``docs/metrics.md``. It is
written with sorted keys and no wall-clock values, so two runs of the same
scenario and seed give the same bytes.

A run writes into a staging folder beside its run folder (:func:`staging_folder`)
and :func:`publish` moves the finished files in, so a run that fails leaves
the earlier run as it was.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path

from twin.sim.recorder import FLOW_KEYS, SERIES_KEYS, Recorder

__all__ = ["build_metrics", "write_outputs", "staging_folder", "publish", "RUN_FILES", "METRICS_SCHEMA"]

METRICS_SCHEMA = 1
_SUMMED = (
    "authorizations",
    "approved",
    "declined",
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
)
_STOCKS = ("members", "enrolled", "cards_issued", "cards_activated")

#: Every file a run writes in its folder; other files there belong to the user.
RUN_FILES = (
    "metrics.json",
    "performance.json",
    "series_city.csv",
    "series_province.csv",
    "trace.jsonl",
    "ledger.db",
    "ledger.db-wal",
    "ledger.db-shm",
    "scenario.yaml",
    "report.html",
)


def build_metrics(*, scenario, world, recorder: Recorder, runner, audit, expectations, seed, scale, finished_at,
                  interrupted, crowd) -> dict:
    """Gather every figure of a finished run into one plain dict."""
    dates = sorted({row["date"] for row in recorder.rows})
    cities = sorted({row["city"] for row in recorder.rows})
    by_city = {city: {key: [] for key in SERIES_KEYS} for city in cities}
    index = {(row["date"], row["city"]): row for row in recorder.rows}
    for city in cities:
        last: dict[str, float] = {}
        for date in dates:
            row = index.get((date, city))
            for key in SERIES_KEYS:
                if row is not None:
                    value = row[key]
                elif key in _STOCKS or key in ("coverage", "activation_rate"):
                    value = last.get(key, 0)
                else:
                    value = 0
                last[key] = value
                by_city[city][key].append(value)
    province = _province_series(by_city, dates)

    stock = {key: sum(recorder.stock[city][key] for city in recorder.stock) for key in _STOCKS}
    totals = {key: sum(province[key]) for key in _SUMMED}
    waits = [wait for city in recorder.all_waits for wait in recorder.all_waits[city]]
    summary = {
        **stock,
        "coverage": _ratio(stock["cards_issued"], stock["members"]),
        "activation_rate": _ratio(stock["cards_activated"], stock["cards_issued"]),
        **totals,
        "approval_rate": _ratio(totals["approved"], totals["authorizations"]),
        "cards_used": recorder.cards_used,
        "use_rate": _ratio(recorder.cards_used, stock["cards_activated"]),
        "branch_wait_minutes_mean": round(sum(waits) / len(waits), 3) if waits else 0.0,
        "branch_wait_minutes_p90": _percentile(waits, 0.9),
        "ledger_balanced": audit.ok,
        "ledger_transfers": audit.transfers,
        "ledger_accounts": audit.accounts,
        "script_steps": len(runner.outcomes),
        "script_steps_failed": sum(1 for outcome in runner.outcomes if not outcome.ok),
        "trace_events_dropped": recorder.trace_dropped,
    }
    for key, value in sorted(recorder.counts.items()):
        summary[key] = value

    return {
        "schema": METRICS_SCHEMA,
        "scenario": {
            "name": scenario.name,
            "description": scenario.description,
            "seed": seed,
            "scale": scale,
            "start": scenario.start.isoformat(),
            "end": scenario.end.isoformat(),
            "finished_at": finished_at.isoformat(),
            "interrupted": interrupted,
            "programme": {
                "bin": scenario.programme.bin,
                "class_ii_daily_limit": scenario.programme.class_ii_daily_limit,
                "class_ii_yearly_limit": scenario.programme.class_ii_yearly_limit,
                "demand_interest_rate": str(scenario.programme.demand_interest_rate),
                "closure_policy": scenario.programme.closure_policy,
                "card_crypto": scenario.programme.card_crypto,
            },
        },
        "summary": summary,
        "flows": {key: recorder.flows.get(key, 0) for key in FLOW_KEYS},
        "responses": dict(sorted(recorder.responses.items())),
        "reasons": dict(sorted(recorder.reasons.items())),
        "declines": {reason: dict(sorted(codes.items())) for reason, codes in sorted(recorder.declines.items())},
        "kinds": dict(sorted(recorder.kinds.items())),
        "channels": dict(sorted(recorder.channels.items())),
        "cities": {
            city: {
                "members": by_city[city]["members"][-1] if dates else 0,
                "cards_issued": by_city[city]["cards_issued"][-1] if dates else 0,
                "cards_activated": by_city[city]["cards_activated"][-1] if dates else 0,
                "coverage": by_city[city]["coverage"][-1] if dates else 0.0,
                "activation_rate": by_city[city]["activation_rate"][-1] if dates else 0.0,
            }
            for city in cities
        },
        "series": {"dates": dates, "province": province, "cities": by_city},
        "branches": {
            city: {
                "visits": len(values),
                "wait_minutes_mean": round(sum(values) / len(values), 3) if values else 0.0,
                "wait_minutes_p90": _percentile(values, 0.9),
                "wait_minutes_max": round(max(values), 3) if values else 0.0,
            }
            for city, values in sorted(recorder.all_waits.items())
        },
        "ledger": audit.to_dict(),
        "script": [outcome.to_dict() for outcome in runner.outcomes],
        "crowd": crowd.summary() if crowd is not None else {},
    }


def write_outputs(out: Path, metrics: dict, recorder: Recorder, performance: dict) -> None:
    (out / "metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n", encoding="utf-8"
    )
    (out / "performance.json").write_text(json.dumps(performance, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    series = metrics["series"]
    with (out / "series_city.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "city", *SERIES_KEYS])
        for city, values in series["cities"].items():
            for position, date in enumerate(series["dates"]):
                writer.writerow([date, city, *(values[key][position] for key in SERIES_KEYS)])
    with (out / "series_province.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", *SERIES_KEYS])
        for position, date in enumerate(series["dates"]):
            writer.writerow([date, *(series["province"][key][position] for key in SERIES_KEYS)])


def staging_folder(out: Path) -> Path:
    """Create and return an empty hidden folder beside ``out`` for a run to write into."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))


def publish(staging: Path, out: Path) -> None:
    """Move a finished run from ``staging`` into ``out`` and remove ``staging``.

    The earlier run's files are replaced (or removed when this run did not
    write them); any other file in ``out`` is kept.
    """
    out.mkdir(parents=True, exist_ok=True)
    for name in RUN_FILES:
        if not (staging / name).exists():
            (out / name).unlink(missing_ok=True)
    for path in staging.iterdir():
        os.replace(path, out / path.name)
    staging.rmdir()


# Private interface


def _province_series(by_city: dict, dates: list[str]) -> dict[str, list]:
    province: dict[str, list] = {}
    for key in SERIES_KEYS:
        if key in ("coverage", "activation_rate", "branch_wait_minutes_mean"):
            continue
        province[key] = [sum(by_city[city][key][i] for city in by_city) for i in range(len(dates))]
    province["coverage"] = [_ratio(i, m) for i, m in zip(province["cards_issued"], province["members"], strict=True)]
    province["activation_rate"] = [
        _ratio(a, i) for a, i in zip(province["cards_activated"], province["cards_issued"], strict=True)
    ]
    province["branch_wait_minutes_mean"] = [
        round(
            sum(by_city[c]["branch_wait_minutes_mean"][i] * by_city[c]["branch_visits"][i] for c in by_city)
            / max(1, province["branch_visits"][i]),
            3,
        )
        for i in range(len(dates))
    ]
    return {key: province[key] for key in SERIES_KEYS}


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 6) if denominator else 0.0


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    position = min(len(ordered) - 1, max(0, int(fraction * len(ordered) + 0.999999) - 1))
    return round(ordered[position], 3)

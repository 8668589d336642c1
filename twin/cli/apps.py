"""``twin tui`` and ``twin bench``: thin doors to the terminal UI and the benchmarks.

Both are imported only when their command runs, so the rest of the command
line works (and starts fast) without them.

- The terminal UI's entry is ``tui.app.run_app(target: str | None, lang: str) -> int``.
- Each benchmark module ``twin.bench.<name>`` (``ledger``, ``authorization``,
  ``engine``) offers ``bench_<name>() -> dict`` with its default settings. A
  value of the dict is a figure (printed as a line), a mapping of figures
  (a two-column table) or a list of such mappings, one per run (a table).
  The engine's entry also takes ``scales``, ``shards`` and ``workers``
  (``twin bench engine --scales 0.01 --shards 2 --workers 2``).
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

from twin.cli.console import Console
from twin.cli.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK
from twin.i18n import catalogue, t

__all__ = ["tui_command", "bench_command", "BENCHMARKS"]

BENCHMARKS = ("ledger", "authorization", "engine")


def tui_command(args: argparse.Namespace, console: Console) -> int:
    target = args.target
    if target is not None and not Path(target).exists():
        console.warn("cli.tui.target_missing", path=target)
        return EXIT_INVALID
    try:
        app = importlib.import_module("tui.app")
    except ModuleNotFoundError as error:
        if error.name not in ("tui", "tui.app"):
            raise
        console.warn("cli.tui.missing")
        return EXIT_INVALID
    run_app = getattr(app, "run_app", None)
    if run_app is None:
        console.warn("cli.tui.no_entry")
        return EXIT_INVALID
    return int(run_app(target, console.lang) or EXIT_OK)


FULL_SCALES = (0.01, 0.1, 1.0)


def bench_command(args: argparse.Namespace, console: Console) -> int:
    names = BENCHMARKS if args.which == "all" else (args.which,)
    engine_options = (args.scales, args.shards, args.workers, args.keep, args.smallest_first)
    if "engine" not in names and any(engine_options):
        console.warn("bench.engine_only")
        return EXIT_INVALID
    results: dict[str, dict] = {}
    for name in names:
        module_name = f"twin.bench.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            console.warn("cli.bench.missing", name=name, module=module_name)
            continue
        entry = getattr(module, f"bench_{name}", None)
        if entry is None:
            console.warn("cli.bench.no_entry", module=module_name, entry=f"bench_{name}")
            continue
        console.warn("cli.bench.running", name=_label(name, console.lang))
        if name != "engine":
            results[name] = entry()
            continue
        from twin.bench.stopping import BenchmarkInputError, BenchmarkStopped

        try:
            results[name] = entry(**_engine_settings(args))
        except BenchmarkInputError as error:
            console.warn(f"bench.{error.key}", **error.values)
            return EXIT_INVALID
        except BenchmarkStopped as stopped:
            if args.keep:
                console.warn("bench.stopped", signal=str(stopped), folder=args.keep)
            else:
                console.warn("bench.stopped_unkept", signal=str(stopped))
            return EXIT_INTERRUPTED

    if args.json:
        console.line(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True, default=str))
    else:
        for name, figures in results.items():
            _print_figures(name, figures, console)
    failed = [run for run in results.get("engine", {}).get("runs", []) if "error" in run]
    for run in failed:
        console.warn("bench.run_failed", scale=_figure(run["scale"]), error=run["error"])
    if not results:
        return EXIT_INVALID
    return EXIT_FAILED if failed else EXIT_OK


# Private interface


def _engine_settings(args: argparse.Namespace) -> dict:
    """Return the engine benchmark's arguments: ``--full`` runs the large scales sharded.

    Scales the user chooses run with no time limit: a province-wide run takes
    hours, and stopping it at the default limit (meant for ``make bench``)
    would throw its work away.
    """
    from twin.bench.engine import AUTO_SHARDS

    settings: dict = {}
    if args.scales or args.full:
        settings["scales"] = args.scales or FULL_SCALES
        settings["timeout"] = None
    if args.shards is not None:
        settings["shards"] = args.shards
    elif args.full or args.workers:
        settings["shards"] = AUTO_SHARDS
    if args.workers:
        settings["workers"] = args.workers
    if args.keep:
        settings["keep"] = args.keep
        settings.setdefault("shards", AUTO_SHARDS)
    if args.smallest_first:
        settings["smallest_first"] = True
        settings.setdefault("shards", AUTO_SHARDS)
    return settings


def _print_figures(name: str, figures: dict, console: Console) -> None:
    """Print one benchmark's results: plain figures as lines, mappings and lists of runs as tables."""
    lang = console.lang
    console.say("cli.bench.title", name=_label(name, lang))
    for key, value in figures.items():
        if isinstance(value, dict):
            console.line(f"{_label(key, lang)}:")
            rows = [[_label(inner, lang), _figure(figure)] for inner, figure in _flatten(value)]
            console.table(["", ""], rows, right=(1,))
        elif _is_rows(value):
            _print_rows(key, value, console)
            _print_nested_runs(key, value, console)
        else:
            console.line(f"{_label(key, lang)}: {_figure(value)}")
    console.line()


def _label(key: str, lang: str) -> str:
    """Return the printed name of a figure's key (dotted for nested ones) in ``lang``.

    A part of the key that is not a figure's name (the name of a pipeline step,
    a list position such as ``runs[0]``) is kept as it is.
    """
    entries = catalogue()
    parts = []
    for part in key.split("."):
        name, bracket, position = part.partition("[")
        text = t(f"figures.{name}", lang) if f"figures.{name}" in entries else name
        parts.append(f"{text}{bracket}{position}")
    return ".".join(parts)


def _is_rows(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(row, dict) for row in value)


def _print_rows(title: str, rows: list[dict], console: Console) -> None:
    """Print a list of runs as one table, with a column for every key any run has."""
    columns: list[str] = []
    for row in rows:
        columns.extend(column for column in row if column not in columns)
    console.line(f"{_label(title, console.lang)}:")
    headers = [_label(column, console.lang) for column in columns]
    console.table(headers, [[_figure(row.get(column)) for column in columns] for row in rows],
                  right=range(len(columns)))


def _print_nested_runs(key: str, rows: list[dict], console: Console) -> None:
    """Print the lists of runs inside runs (a sharded run's shards) as tables of their own."""
    for position, row in enumerate(rows):
        for inner, value in row.items():
            if _is_rows(value):
                _print_rows(f"{key}[{position}].{inner}", value, console)


def _flatten(figures: dict, prefix: str = "") -> list[tuple[str, object]]:
    """Return nested figures as (dotted key, value) rows; long texts (a profile) are left out."""
    rows: list[tuple[str, object]] = []
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            rows.append((name, f"[{len(value)}]"))
        elif isinstance(value, str) and len(value) > 80:
            continue
        else:
            rows.append((name, value))
    return rows


def _figure(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            return ", ".join(value)
        if all(isinstance(item, int) for item in value):
            return ", ".join(str(item) for item in value)
        return f"[{len(value)}]"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        # Three decimals, or three significant digits for smaller values (a scale of 0.0002, a ratio of 0.0044).
        return f"{value:,.3f}" if abs(value) >= 0.1 or value == 0 else f"{value:.3g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)

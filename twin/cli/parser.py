"""The argument parser of ``twin``, with every help text from the ``cli`` catalogue.

Build it inside :func:`twin.cli.argtext.argparse_language`, because argparse
fetches some of its own texts (the titles of the option groups) while the
parser is built.
"""

from __future__ import annotations

import argparse

from twin.cli import options
from twin.cli.apps import BENCHMARKS, bench_command, tui_command
from twin.cli.compare import compare_command
from twin.cli.files import report_command, schema_command, validate_command
from twin.cli.ledger import verify_command
from twin.cli.run import run_command
from twin.i18n import t

__all__ = ["build_parser"]


def build_parser(lang: str) -> argparse.ArgumentParser:
    """Return the parser of every subcommand; each sets ``handler`` to the function that runs it."""

    def text(key: str) -> str:
        return t(f"cli.help.{key}", lang)

    parser = argparse.ArgumentParser(
        prog="twin",
        description=text("twin"),
        epilog=text("exit_codes"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_language(parser, lang, default=lang)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title=text("commands"))
    commands.required = True

    def command(name: str, key: str, handler) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text(key), description=text(key), epilog=text(f"{key}_exits"),
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        _add_language(sub, lang, default=argparse.SUPPRESS)
        sub.set_defaults(handler=handler)
        return sub

    run = command("run", "run", run_command)
    run.add_argument("scenario", metavar="SCENARIO", help=text("scenario"))
    run.add_argument("--seed", type=options.seed, metavar="N", help=text("seed"))
    run.add_argument("--scale", type=options.scale, metavar="F", help=text("scale"))
    run.add_argument("--out", metavar="DIR", help=text("out"))
    run.add_argument("--until", type=options.until, metavar="DATETIME", help=text("until"))

    validate = command("validate", "validate", validate_command)
    validate.add_argument("scenarios", metavar="SCENARIO", nargs="+", help=text("scenario"))

    schema = command("schema", "schema", schema_command)
    schema.add_argument("--out", metavar="FILE", help=text("schema_out"))

    report = command("report", "report", report_command)
    report.add_argument("run_dir", metavar="RUN_DIR", help=text("run_dir"))

    ledger = command("ledger", "ledger", _missing_action)
    actions = ledger.add_subparsers(dest="action", metavar="ACTION", title=text("actions"))
    actions.required = True
    verify = actions.add_parser("verify", help=text("verify"), description=text("verify"),
                                epilog=text("verify_exits"), formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_language(verify, lang, default=argparse.SUPPRESS)
    verify.add_argument("path", metavar="RUN_DIR|DB", help=text("ledger_path"))
    verify.set_defaults(handler=verify_command)

    compare = command("compare", "compare", compare_command)
    compare.add_argument("run_a", metavar="RUN_A", help=text("run_a"))
    compare.add_argument("run_b", metavar="RUN_B", help=text("run_b"))

    tui = command("tui", "tui", tui_command)
    tui.add_argument("target", metavar="SCENARIO|RUN_DIR", nargs="?", help=text("tui_target"))

    bench = command("bench", "bench", bench_command)
    bench.add_argument("which", metavar="WHAT", nargs="?", default="all", choices=(*BENCHMARKS, "all"),
                       help=text("bench_which"))
    bench.add_argument("--json", action="store_true", help=text("bench_json"))
    bench.add_argument("--full", action="store_true", help=text("bench_full"))
    bench.add_argument("--scales", type=options.scales, metavar="F[,F...]", help=t("bench.help.scales", lang))
    bench.add_argument("--shards", type=options.shards, metavar="K", help=t("bench.help.shards", lang))
    bench.add_argument("--workers", type=options.workers, metavar="N", help=t("bench.help.workers", lang))
    bench.add_argument("--keep", type=options.keep_folder, metavar="DIR", help=t("bench.help.keep", lang))
    bench.add_argument("--smallest-first", action="store_true", help=t("bench.help.smallest_first", lang))
    return parser


# Private interface


def _add_language(parser: argparse.ArgumentParser, lang: str, *, default: object) -> None:
    parser.add_argument("--lang", choices=options.LANGUAGE_CHOICES, default=default,
                        help=t("cli.help.lang", lang))


def _missing_action(args: argparse.Namespace, console) -> int:  # pragma: no cover - argparse requires ACTION
    raise AssertionError("argparse lets no ledger command through without an action")

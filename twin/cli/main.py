"""The ``twin`` command: run scenarios, check files, audit ledgers, compare runs.

Messages are in Chinese unless ``--lang en`` or ``TWIN_LANG=en`` selects
English. Exit statuses are shared by every subcommand (see
:mod:`twin.cli.exits` and ``docs/cli.md``): 0 success, 1 a failed expectation
or ledger problem, 2 invalid input, 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import logging
import os
import sys

from twin import i18n
from twin.cli.argtext import argparse_language
from twin.cli.console import Console
from twin.cli.exits import EXIT_INTERRUPTED, EXIT_OK
from twin.cli.options import language_in
from twin.cli.parser import build_parser

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command given by ``argv`` (default: ``sys.argv[1:]``) and return its exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    lang = language_in(arguments) or i18n.get_language()
    i18n.set_language(lang)
    # Library logs are for developers (TWIN_LOG=INFO shows them); the user reads the catalogue's messages.
    logging.basicConfig(level=os.environ.get("TWIN_LOG", "ERROR").upper(), format="%(levelname)s %(name)s: %(message)s")
    console = Console(lang)
    try:
        with argparse_language(lang):
            parser = build_parser(lang)
            try:
                args = parser.parse_args(arguments)
            except SystemExit as stop:
                # argparse exits 0 after --help and 2 after a usage error it has printed.
                return stop.code if isinstance(stop.code, int) else 2
        return args.handler(args, console)
    except KeyboardInterrupt:
        console.warn("cli.interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of the output went away (``twin compare A B | head``): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    finally:
        i18n.set_language(None)


if __name__ == "__main__":
    sys.exit(main())

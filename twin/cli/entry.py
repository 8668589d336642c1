"""The ``twin`` console script: the command, with a Ctrl-C during start-up handled too.

Loading the command's modules takes about 0.7 s. A Ctrl-C then would
end in a traceback, because :func:`twin.cli.main.main` has not yet started to
handle it.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> int:
    """Load and run the command; exit 130 with the usual message on a Ctrl-C while loading."""
    try:
        from twin.cli.main import main as run_command
    except KeyboardInterrupt:
        from twin import i18n
        from twin.cli.exits import EXIT_INTERRUPTED
        from twin.cli.options import language_in

        print(i18n.t("cli.interrupted", language_in(sys.argv[1:]) or i18n.get_language()), file=sys.stderr)
        return EXIT_INTERRUPTED
    return run_command()

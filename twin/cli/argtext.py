"""argparse's own texts (``usage:``, ``error:``, "the following arguments are required") in Chinese.

argparse looks its texts up through ``gettext`` at the moment it needs them, by
calling the module-level names ``argparse._`` and ``argparse.ngettext``.
:func:`argparse_language` swaps those two names for lookups in the ``cli``
message catalogue while the command line is parsed, and puts them back after.
A text of argparse that the table below does not list stays in English.

NOTE: the table follows the message ids of Python 3.11's argparse. A later
Python may word a message differently; such a message then shows in English
until its id is added here.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from twin.i18n import t

__all__ = ["argparse_language"]

#: argparse message id -> key in the ``cli`` catalogue.
_MESSAGES = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positionals",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "expected one argument": "cli.argparse.expected_one",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "not allowed with argument %s": "cli.argparse.not_allowed",
    "ignored explicit argument %r": "cli.argparse.ignored",
    "one of the arguments %s is required": "cli.argparse.one_required",
}


@contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """Make argparse's own texts come from the catalogue in ``lang`` inside the block."""
    saved = argparse._, argparse.ngettext

    def translate(message: str) -> str:
        key = _MESSAGES.get(message)
        return t(key, lang) if key else message

    def translate_plural(singular: str, plural: str, count: int) -> str:
        return translate(singular if count == 1 else plural)

    argparse._ = translate
    argparse.ngettext = translate_plural
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved

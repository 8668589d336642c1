"""Output of the command line: messages from the catalogue, and plain-text tables.

Results go to standard output, so they can be piped; progress, warnings and
errors go to standard error. Tables pad by display width, so columns of Chinese
text line up in a terminal (a CJK character takes two columns).
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from typing import TextIO

from twin.i18n import t

__all__ = ["Console", "render_table", "display_width"]


class Console:
    """The streams of one command, and the language of its messages."""

    def __init__(self, lang: str, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.lang = lang
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr

    def say(self, key: str, **values: object) -> None:
        """Write the message ``key`` to standard output."""
        self.line(t(key, self.lang, **values))

    def warn(self, key: str, **values: object) -> None:
        """Write the message ``key`` to standard error."""
        self.error_line(t(key, self.lang, **values))

    def line(self, text: str = "") -> None:
        print(text, file=self.out)

    def error_line(self, text: str) -> None:
        print(text, file=self.err)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> None:
        """Write a table to standard output."""
        for text in render_table(headers, rows, right=right):
            self.line(text)


def display_width(text: str) -> int:
    """Return how many terminal columns ``text`` takes (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> list[str]:
    """Lay out a table as lines of text: a header, a rule, then the rows; ``right`` columns align right."""
    widths = [display_width(header) for header in headers]
    for row in rows:
        for column, cell in enumerate(row):
            widths[column] = max(widths[column], display_width(cell))
    aligned = set(right)

    def layout(cells: Sequence[str]) -> str:
        padded = []
        for column, cell in enumerate(cells):
            gap = " " * (widths[column] - display_width(cell))
            padded.append(gap + cell if column in aligned else cell + gap)
        return "  ".join(padded).rstrip()

    lines = [layout(headers), "  ".join("-" * width for width in widths)]
    lines.extend(layout(row) for row in rows)
    return lines

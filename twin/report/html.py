"""Small HTML builders for the report: escaped text, tables, sections and figures in a row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

__all__ = ["Markup", "text", "table", "section", "pairs", "figures", "note", "badge"]


class Markup(str):
    """HTML that is already escaped, to be inserted as it is."""


def text(value: object) -> Markup:
    """Escape ``value`` for HTML, unless it is already :class:`Markup`."""
    if isinstance(value, Markup):
        return value
    return Markup(escape("" if value is None else str(value)))


def table(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Iterable[int] = (),
    row_classes: Sequence[str] | None = None,
    empty: str = "",
) -> Markup:
    """Build a table; columns listed in ``numeric`` are right-aligned, ``row_classes`` style each row."""
    right = set(numeric)
    head = "".join(f'<th{_align(i, right)}>{text(header)}</th>' for i, header in enumerate(headers))
    body = []
    for number, row in enumerate(rows):
        css = f' class="{row_classes[number]}"' if row_classes and row_classes[number] else ""
        cells = "".join(f"<td{_align(i, right)}>{text(cell)}</td>" for i, cell in enumerate(row))
        body.append(f"<tr{css}>{cells}</tr>")
    if not body:
        return note(empty) if empty else Markup("")
    return Markup(f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def pairs(items: Iterable[tuple[object, object]]) -> Markup:
    """Build a two-column table of names and values."""
    rows = "".join(f'<tr><th scope="row">{text(name)}</th><td>{text(value)}</td></tr>' for name, value in items)
    return Markup(f'<table class="pairs"><tbody>{rows}</tbody></table>')


def section(anchor: str, title: str, *body: str, intro: str = "") -> Markup:
    """Build one numbered section of the report."""
    lead = f'<p class="intro">{text(intro)}</p>' if intro else ""
    return Markup(f'<section id="{anchor}"><h2>{text(title)}</h2>{lead}{"".join(body)}</section>')


def figures(*items: str) -> Markup:
    """Lay figures side by side on a wide screen (one per row in print and on a narrow screen)."""
    return Markup(f'<div class="figures">{"".join(items)}</div>')


def note(message: str) -> Markup:
    return Markup(f'<p class="note">{text(message)}</p>')


def badge(label: str, ok: bool) -> Markup:
    """Build a pass or fail mark that also reads without colour (✓ or ✗)."""
    css = "pass" if ok else "fail"
    mark = "✓" if ok else "✗"
    return Markup(f'<span class="badge {css}">{mark} {text(label)}</span>')


def _align(column: int, right: set[int]) -> str:
    return ' class="num"' if column in right else ""

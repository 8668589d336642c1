"""Problems in a scenario file, and the error that carries all of them.

Every problem names the file, line, field path and value, and states what is
wrong and how to fix it, in Chinese or English::

    scenarios/peak.yaml:14: disbursements[0].amount: 12.345 has more than two
    decimal places; write yuan with at most two decimals, for example 12.35

The texts come from the ``scenario`` message catalogue
(``twin/i18n/messages/scenario.yaml``): ``error.<code>`` says what is wrong and
``fix.<code>`` what to do. Codes are pydantic's error types (``missing``,
``extra_forbidden``, ``greater_than`` ...) and the scenario's own
(``amount_too_many_decimals``, ``unknown_actor`` ...).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from twin.i18n import catalogue, get_language, normalize_language, t
from twin.scenario.hints import allowed_keys, closest
from twin.scenario.source import Document, Issue, display_path
from twin.scenario.steps import STEP_TYPES

__all__ = ["Problem", "ScenarioError", "issues_from_validation", "to_problem"]

logger = logging.getLogger(__name__)

_MAX_VALUE_CHARS = 60


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a scenario file."""

    file: str
    """Path of the file as given to the loader."""

    line: int | None
    """Line, counted from 1 (None when the problem concerns the whole file)."""

    column: int | None
    """Column, counted from 1."""

    path: str
    """Field path as a reader writes it (``script[3].amount``); empty for the whole file."""

    value: str | None
    """The offending value as text, shortened; None when no value applies."""

    code: str
    """Kind of problem (``missing``, ``amount_too_many_decimals``, ``unknown_actor`` ...)."""

    message: str
    """Statement of the problem, in the chosen language."""

    fix: str
    """Remedy for the problem, in the chosen language."""

    lang: str
    """Language of ``message`` and ``fix`` (``zh`` or ``en``)."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        head = f"{where}: {self.path}: " if self.path else f"{where}: "
        return head + t("scenario.problem", self.lang, message=self.message, fix=self.fix)


class ScenarioError(Exception):
    """A scenario file that cannot be used, with every problem found in it."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def issues_from_validation(error: ValidationError, model: type[BaseModel]) -> list[Issue]:
    """Turn pydantic's errors into issues, adding did-you-mean hints for unknown names."""
    raw = error.errors(include_url=False)
    issues = [_issue(entry, model) for entry in raw]
    return _drop_missing_explained_by_typo(issues)


def to_problem(issue: Issue, document: Document | None, file: str, lang: str | None) -> Problem:
    """Translate ``issue`` into a :class:`Problem` in ``lang`` with its position in ``document``."""
    language = normalize_language(lang) or get_language()
    mark, path = (issue.mark, display_path(issue.loc))
    if document is not None:
        found, path = document.locate(issue.loc, issue.point)
        mark = issue.mark or found
    separator = t("scenario.list_separator", language)
    params = {name: _param(name, value, separator) for name, value in issue.params.items()}
    for name in ("kind", "actual"):
        if f"scenario.kind.{params.get(name)}" in catalogue():
            params[name] = t(f"scenario.kind.{params[name]}", language)
    params.setdefault("value", "")
    params.setdefault("field", _field(issue.loc))
    code = issue.code if f"scenario.error.{issue.code}" in catalogue() else "generic"
    if code == "generic":
        logger.debug("no message for %s; using the generic one", issue.code)
    return Problem(
        file=file,
        line=mark.line if mark else None,
        column=mark.column if mark else None,
        path=path,
        value=params["value"] or None,
        code=issue.code,
        message=t(f"scenario.error.{code}", language, **params),
        fix=t(f"scenario.fix.{code}", language, **params),
        lang=language,
    )


# Private interface


def _issue(entry: dict[str, Any], model: type[BaseModel]) -> Issue:
    kind = entry["type"]
    loc = tuple(entry["loc"])
    context = dict(entry.get("ctx") or {})
    params: dict[str, object] = {**context}
    if "value" not in params and _is_plain(entry.get("input")):
        params["value"] = entry.get("input")

    if kind == "missing":
        params.pop("value", None)
        return Issue(loc, kind, params, point="parent")

    if kind == "extra_forbidden":
        key = loc[-1]
        options = allowed_keys(model, loc[:-1])
        suggestion = closest(key, options)
        params.update(value=key, allowed=", ".join(options))
        if suggestion is not None:
            return Issue(
                loc, "extra_forbidden_suggest", {**params, "suggestion": suggestion}, point="key"
            )
        return Issue(loc, kind, params, point="key")

    if kind == "union_tag_invalid":
        options = _quoted(context.get("expected_tags", ""))
        params.update(value=context.get("tag"), expected=", ".join(options))
        suggestion = closest(context.get("tag"), options)
        if suggestion is not None:
            return Issue(
                (*loc, "do"), "union_tag_invalid_suggest", {**params, "suggestion": suggestion}
            )
        return Issue((*loc, "do"), kind, params)

    if kind == "union_tag_not_found":
        params.pop("value", None)
        return Issue(loc, kind, {"expected": ", ".join(STEP_TYPES)})

    if kind in ("literal_error", "enum"):
        options = _quoted(context.get("expected", ""))
        params["expected"] = ", ".join(options)
        suggestion = (
            closest(entry.get("input"), options) if isinstance(entry.get("input"), str) else None
        )
        if suggestion is not None:
            return Issue(loc, "literal_error_suggest", {**params, "suggestion": suggestion})
        return Issue(loc, "literal_error", params)

    return Issue(loc, kind, params)


def _drop_missing_explained_by_typo(issues: list[Issue]) -> list[Issue]:
    # "amont: unknown key, did you mean amount?" already explains "amount is missing".
    suggested = {
        (issue.loc[:-1], issue.params["suggestion"])
        for issue in issues
        if issue.code == "extra_forbidden_suggest"
    }
    return [
        issue
        for issue in issues
        if not (issue.code == "missing" and (issue.loc[:-1], issue.loc[-1]) in suggested)
    ]


def _quoted(text: str) -> list[str]:
    # pydantic lists choices as "'main' or 'welfare'" or "'a', 'b', 'c'".
    parts = text.split("'")
    return [parts[i] for i in range(1, len(parts), 2)]


def _is_plain(value: object) -> bool:
    return (
        value is None or isinstance(value, str | int | float) or type(value).__name__ == "Decimal"
    )


def _param(name: str, value: object, separator: str) -> str:
    # A tuple or list of choices reads as one text, joined the way the language lists things.
    if isinstance(value, tuple | list):
        return separator.join(_shown(item, shorten=False) for item in value)
    return _shown(value, shorten=name == "value")


_ESCAPED = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _shown(value: object, shorten: bool) -> str:
    text = "null" if value is None else str(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    # A message is one line, so line breaks and tabs are shown escaped. Spaces
    # stay as written, because a doubled space can be the mistake itself.
    text = text.translate(_ESCAPED)
    if shorten and len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 1] + "…"
    return text


def _field(loc: tuple[str | int, ...]) -> str:
    names = [element for element in loc if isinstance(element, str) and element != "[key]"]
    return names[-1] if names else ""

"""Read a scenario file into a :class:`~twin.scenario.model.Scenario`, or report every problem.

Reading goes in three passes, and all their problems are reported together:

1. YAML syntax and the stricter reading of :mod:`twin.scenario.source`;
2. the models (types, ranges, unknown keys, missing keys);
3. the cross-reference and time checks of :mod:`twin.scenario.checks`.

A YAML syntax error stops after pass 1, because nothing after it can be read.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from twin.scenario.checks import check_references
from twin.scenario.model import Scenario
from twin.scenario.problems import Problem, ScenarioError, issues_from_validation, to_problem
from twin.scenario.source import Document, Issue, YamlSyntaxError, read_document

__all__ = ["load_scenario", "parse_scenario"]

logger = logging.getLogger(__name__)


def load_scenario(path: str | Path, lang: str | None = None) -> Scenario:
    """Read and check the scenario file at ``path``.

    Raises :class:`ScenarioError` with every problem found, its messages in
    ``lang`` (``zh`` or ``en``; default: the language in force, Chinese unless
    ``TWIN_LANG`` sets another). An unreadable file is one problem too.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        issue = Issue((), _unreadable_code(error), {"value": name, "detail": _reason(error)})
        raise ScenarioError(name, [to_problem(issue, None, name, lang)]) from None
    return parse_scenario(text, name, lang)


def parse_scenario(text: str, file: str = "<scenario>", lang: str | None = None) -> Scenario:
    """Read and check scenario YAML given as text; ``file`` names it in messages."""
    try:
        document = read_document(text)
    except YamlSyntaxError as error:
        raise ScenarioError(file, [to_problem(error.issue, None, file, lang)]) from None

    issues = list(document.issues)
    scenario: Scenario | None = None
    data: Any = document.data
    if document.root is None:
        issues.append(Issue((), "file_empty", {"value": file}))
    elif not isinstance(data, dict):
        issues.append(
            Issue(
                (),
                "root_not_mapping",
                {"value": type(data).__name__ if data is not None else "null"},
            )
        )
    else:
        try:
            scenario = Scenario.model_validate(data)
        except ValidationError as error:
            issues.extend(issues_from_validation(error, Scenario))
        issues.extend(check_references(data))

    if issues:
        problems = _sorted(issues, document, file, lang)
        logger.debug("%s: %d problems", file, len(problems))
        raise ScenarioError(file, problems)
    assert scenario is not None
    return scenario


# Private interface


def _sorted(issues: list[Issue], document: Document, file: str, lang: str | None) -> list[Problem]:
    problems = [to_problem(issue, document, file, lang) for issue in issues]
    order = {id(problem): position for position, problem in enumerate(problems)}
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, order[id(p)]))


def _unreadable_code(error: Exception) -> str:
    """Name the problem of a file that cannot be read, so its message and fix are in the user's language."""
    if isinstance(error, UnicodeDecodeError):
        return "file_not_utf8"
    if isinstance(error, IsADirectoryError):
        return "file_is_directory"
    if isinstance(error, FileNotFoundError):
        return "file_not_found"
    if isinstance(error, PermissionError):
        return "file_no_permission"
    return "file_unreadable"


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8"
    return error.strerror or type(error).__name__

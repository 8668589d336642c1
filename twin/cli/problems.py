"""Printing a scenario file's problems, one line each, as ``twin run`` and ``twin validate`` show them,
and saying in the user's language why a file could not be read.
"""

from __future__ import annotations

import errno
import json

from twin.cli.console import Console
from twin.i18n import t
from twin.report.page import NotRunMetricsError
from twin.scenario import ScenarioError

__all__ = ["print_scenario_problems", "read_error_text"]

#: Catalogue keys of the operating system's errors a user can fix, by ``errno``.
_OS_ERRORS = {
    errno.ENOENT: "cli.file.not_found",
    errno.EISDIR: "cli.file.is_directory",
    errno.EACCES: "cli.file.no_permission",
    errno.EPERM: "cli.file.no_permission",
}


def print_scenario_problems(console: Console, error: ScenarioError) -> None:
    """Write every problem (``file:line: field: message; fix``) and their count to standard error."""
    for problem in error.problems:
        console.error_line(str(problem))
    console.warn("cli.validate.problems", file=error.file, count=len(error.problems))


def read_error_text(error: Exception, lang: str) -> str:
    """Say why a file could not be read (not UTF-8, not JSON, a folder ...) in ``lang``, with what to do."""
    if isinstance(error, UnicodeDecodeError):
        return t("cli.file.not_utf8", lang)
    if isinstance(error, json.JSONDecodeError):
        return t("cli.file.not_json", lang, line=error.lineno, column=error.colno)
    if isinstance(error, NotRunMetricsError):
        return t("cli.file.not_run_metrics", lang)
    if isinstance(error, OSError) and error.errno in _OS_ERRORS:
        return t(_OS_ERRORS[error.errno], lang)
    if isinstance(error, OSError):
        return t("cli.file.os_error", lang, detail=error.strerror or type(error).__name__)
    return str(error)

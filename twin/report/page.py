"""Assemble ``report.html`` from a run folder.

The page is a header (status, key figures) followed by numbered sections, each
built by one function of the section modules from the same :class:`ReportInput`.
A section with nothing to show for a run (no branch visits, say) prints a
one-line note in place of empty charts. The script table is the exception: a
run without a script has no script section.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from twin import i18n
from twin.i18n import t
from twin.report import adoption, authorizations, counts, flows, outcomes, overview
from twin.report.html import Markup, text

__all__ = ["ReportInput", "load_run", "render_report", "write_report", "REPORT_FILE", "NotRunMetricsError"]

log = logging.getLogger(__name__)

REPORT_FILE = "report.html"


@dataclass
class ReportInput:
    """The inputs of a report: the run's figures, its speed and, when known, its scenario."""

    metrics: dict
    performance: dict | None = None
    scenario: object | None = None
    run_dir: Path | None = None


Section = Callable[[ReportInput, str], Markup | None]

#: Sections in page order: anchor (also the catalogue key of the title) and builder.
SECTIONS: tuple[tuple[str, Section], ...] = (
    ("parameters", overview.parameters),
    ("adoption", adoption.coverage),
    ("branches", adoption.branches),
    ("flows", flows.money),
    ("transit", flows.transit),
    ("counts", counts.other_counts),
    ("throughput", authorizations.throughput),
    ("latency", authorizations.latency),
    ("declines", authorizations.declines),
    ("ledger", outcomes.audit),
    ("expectations", outcomes.expectations),
    ("script", outcomes.script),
)


class NotRunMetricsError(ValueError):
    """A ``metrics.json`` that is JSON but not the metrics of a run (no ``summary`` object)."""


def load_run(run_dir: Path | str, scenario: object | None = None) -> ReportInput:
    """Read a run folder's ``metrics.json``, ``performance.json`` and ``scenario.yaml`` copy.

    Raises :class:`FileNotFoundError` (an :class:`OSError`) when ``metrics.json``
    is missing, :class:`UnicodeDecodeError` or :class:`json.JSONDecodeError` when
    it is not JSON in UTF-8, and :class:`NotRunMetricsError` when it is JSON without
    a run's ``summary``; all but the first are a :class:`ValueError`. A missing
    ``performance.json`` or an unreadable scenario copy only leaves their parts
    out of the report.
    """
    folder = Path(run_dir)
    metrics_path = folder / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    if not isinstance(metrics, dict) or "summary" not in metrics:
        raise NotRunMetricsError(f"{metrics_path}: not the metrics of a run (no 'summary' key)")
    performance = _read_optional_json(folder / "performance.json")
    if scenario is None and (folder / "scenario.yaml").is_file():
        scenario = _read_scenario(folder / "scenario.yaml")
    return ReportInput(metrics, performance, scenario, folder)


def render_report(run: ReportInput, lang: str | None = None) -> str:
    """Return the report page as HTML text, in ``lang`` (default: the language in force)."""
    language = i18n.normalize_language(lang) or i18n.get_language()
    built = [(anchor, builder(run, language)) for anchor, builder in SECTIONS]
    shown = [(anchor, body) for anchor, body in built if body is not None]
    toc = "".join(
        f'<li><a href="#{anchor}">{text(t(f"report.section.{anchor}", language))}</a></li>' for anchor, _ in shown
    )
    scenario = run.metrics.get("scenario", {})
    title = t("report.title", language, name=scenario.get("name", ""))
    html_lang = "zh-CN" if language == "zh" else "en"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html_lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{text(title)}</title>",
        f"<style>{_stylesheet()}</style></head><body>",
        overview.header(run, language),
        f'<nav class="toc" aria-label="{text(t("report.contents", language))}"><ol>{toc}</ol></nav>',
        *(body for _, body in shown),
        overview.footer(run, language),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_report(run_dir: Path | str, *, lang: str | None = None, scenario: object | None = None) -> Path:
    """Write ``report.html`` into a run folder and return its path."""
    run = load_run(run_dir, scenario)
    path = Path(run_dir) / REPORT_FILE
    path.write_text(render_report(run, lang), encoding="utf-8")
    log.info("report written to %s", path)
    return path


# Private interface


def _stylesheet() -> str:
    return resources.files("twin.report").joinpath("templates/report.css").read_text(encoding="utf-8")


def _read_optional_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError) as error:
        log.warning("%s left out of the report: %s", path, error)
        return None
    return data if isinstance(data, dict) else None


def _read_scenario(path: Path) -> object | None:
    from twin.scenario import ScenarioError
    from twin.sim.scenario_copy import read_scenario_copy

    try:
        return read_scenario_copy(path)
    except ScenarioError as error:
        log.warning("%s left out of the report: %d problems", path, len(error.problems))
        return None

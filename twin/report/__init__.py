"""The run report: one self-contained ``report.html`` per run folder.

>>> from twin.report import write_report
>>> write_report("reports/lifecycle_demo", lang="en")  # doctest: +SKIP
PosixPath('reports/lifecycle_demo/report.html')

The page is built from ``metrics.json`` and ``performance.json`` in the run
folder, in Chinese or English, with inline CSS and SVG charts: it opens from a
file with no network and prints on paper. When the scenario is given (or the run
folder contains a copy as ``scenario.yaml``), the report also lists its rollout
waves and disbursement calendar.
"""

from twin.report.page import ReportInput, load_run, render_report, write_report

__all__ = ["ReportInput", "load_run", "render_report", "write_report"]

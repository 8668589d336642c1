"""``twin ledger verify RUN_DIR|DB``: audit a run's ledger database.

Exit status: 0 when the audit finds nothing, 1 when it finds problems, 2 when
the path is missing, unreadable or not a ledger database.

The command only reads the given file, so it works in a read-only folder and
leaves no ``-wal`` or ``-shm`` file beside it. The ledger store opens its file
for writing (it creates missing tables and sets WAL mode), so the audit runs
on a private copy of the database and its ``-wal`` file in a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
from pathlib import Path

from twin.cli.console import Console
from twin.cli.exits import EXIT_FAILED, EXIT_INVALID, EXIT_OK
from twin.i18n import catalogue, t
from twin.ledger.audit import verify
from twin.report.masking import mask_text
from twin.report.units import format_amount

__all__ = ["verify_command", "ledger_path"]

_SQLITE_HEADER = b"SQLite format 3\x00"
_LEDGER_TABLES = {"accounts", "transfers"}


def verify_command(args: argparse.Namespace, console: Console) -> int:
    path = ledger_path(Path(args.path))
    if path is None:
        console.warn("cli.ledger.missing", path=args.path)
        return EXIT_INVALID
    try:
        with tempfile.TemporaryDirectory(prefix="twin-ledger-") as folder:
            copy = _private_copy(path, Path(folder))
            if copy is None or not _is_ledger(copy):
                console.warn("cli.ledger.not_ledger", path=str(path))
                return EXIT_INVALID
            report = verify(copy)
    except OSError as error:
        console.warn("cli.ledger.unreadable", path=str(path), detail=error.strerror or type(error).__name__)
        return EXIT_INVALID
    except sqlite3.DatabaseError:
        console.warn("cli.ledger.not_ledger", path=str(path))
        return EXIT_INVALID

    console.say("cli.ledger.checked", path=str(path), accounts=f"{report.accounts:,}",
                transfers=f"{report.transfers:,}", holds=f"{report.holds:,}")
    console.say("cli.ledger.totals", debits=format_amount(report.total_debits_posted, console.lang),
                credits=format_amount(report.total_credits_posted, console.lang))
    if report.ok:
        console.say("cli.ledger.ok")
        return EXIT_OK
    console.say("cli.ledger.problems", count=len(report.problems))
    for problem in report.problems:
        where = []
        if problem.transfer_id:
            where.append(t("cli.ledger.transfer", console.lang, id=problem.transfer_id))
        if problem.account_id:
            where.append(t("cli.ledger.account", console.lang, id=problem.account_id))
        suffix = f" ({', '.join(where)})" if where else ""
        rule = t(f"cli.ledger.rule.{problem.rule}", console.lang) if f"cli.ledger.rule.{problem.rule}" in catalogue() else problem.rule
        detail = t("cli.ledger.detail", console.lang)
        console.line(f"  {rule} ({problem.rule}){suffix}; {detail}: {mask_text(problem.detail)}")
    return EXIT_FAILED


def ledger_path(path: Path) -> Path | None:
    """Return the database of a run folder (``ledger.db`` inside it) or the file itself; None if absent."""
    if path.is_dir():
        path = path / "ledger.db"
    return path if path.is_file() else None


# Private interface


def _private_copy(path: Path, folder: Path) -> Path | None:
    """Copy the database ``path`` and its ``-wal`` file into ``folder``; None when it is no SQLite file.

    The header is read first, so a large file of another kind is not copied.
    A ``-shm`` file is not copied: SQLite rebuilds it from the ``-wal`` file.
    """
    with path.open("rb") as handle:
        if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            return None
    copy = folder / path.name
    shutil.copyfile(path, copy)
    wal = path.with_name(path.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, folder / wal.name)
    return copy


def _is_ledger(path: Path) -> bool:
    """Tell whether ``path`` is an SQLite database with the ledger's tables, opening it read-only.

    The audit opens the store for writing and creates missing tables, so an
    unrelated file must be turned away before it gets there.
    """
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            # ``transfers`` is a view over transfer rows and chunks since the ledger stores files as columns.
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()
        finally:
            connection.close()
    except (OSError, sqlite3.Error):
        return False
    return _LEDGER_TABLES <= {name for (name,) in rows}

"""The ledger browser: accounts and transfers of a run's ledger, searchable, with the audit.

The database is read through :class:`~tui.ledgerdb.LedgerReader` (read-only).
The search box filters both tables: by id, owner, account or transfer code
(in either language's words), authorization or batch id, or an amount in yuan.
Choosing an account lists its transfers. The audit
(:func:`twin.ledger.verify`) runs in a worker thread and its result is shown
at the top.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static, TabbedContent, TabPane

from tui.ledgerdb import LedgerReader
from tui.text import localize_bindings, tr, transfer_phase, yuan
from twin.calendar import from_epoch_micros
from twin.i18n import catalogue
from twin.ledger import Account, AuditReport, Transfer, verify

__all__ = ["LedgerScreen", "ROW_LIMIT"]

log = logging.getLogger(__name__)

#: Rows listed at most in each table; the count of all matches is shown beside.
ROW_LIMIT = 500


class LedgerScreen(Screen):
    """Accounts, transfers and the audit of one ledger database."""

    BINDINGS = [
        Binding("slash", "search", "key.search"),
        Binding("a", "show_tab('accounts')", "key.tab_accounts"),
        Binding("t", "show_tab('transfers')", "key.tab_transfers"),
        Binding("c", "clear", "key.clear_filter"),
        Binding("escape", "back", "key.back"),
    ]

    def __init__(self, db_path: Path, title: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.title_text = title
        self.reader = LedgerReader(db_path)
        self.accounts: dict[int, Account] = {}
        self.account_filter: int | None = None
        localize_bindings(self, self.app.lang)

    def compose(self) -> ComposeResult:
        tr_ = self.app.tr
        yield Header()
        yield Static(tr_("ledger.auditing"), id="audit")
        yield Input(placeholder=tr_("ledger.search"), compact=True, id="ledger-search")
        with TabbedContent(id="ledger-tabs"):
            with TabPane(tr_("ledger.accounts"), id="accounts"):
                yield DataTable(cursor_type="row", zebra_stripes=True, id="account-table")
            with TabPane(tr_("ledger.transfers"), id="transfers"):
                yield DataTable(cursor_type="row", zebra_stripes=True, id="transfer-table")
        yield Footer()

    def on_mount(self) -> None:
        lang = self.app.lang
        self.sub_title = self.app.tr("ledger.title", name=self.title_text)
        accounts = self.query_one("#account-table", DataTable)
        for key in ("id", "code", "owner", "class", "status", "balance", "available"):
            accounts.add_column(tr(lang, f"ledger.column.{key}"), key=key)
        transfers = self.query_one("#transfer-table", DataTable)
        for key in ("id", "time", "debit", "credit", "amount", "code", "phase"):
            transfers.add_column(tr(lang, f"ledger.column.{key}"), key=key)
        self.accounts = self.reader.account_map()
        self.refill()
        accounts.focus()
        self._audit()

    def on_unmount(self) -> None:
        self.reader.close()

    # Tables

    def refill(self) -> None:
        """List the accounts and transfers that match the search (and the chosen account)."""
        search = self.query_one("#ledger-search", Input).value
        account_codes, transfer_codes = _codes_named(search)
        page = self.reader.accounts(search, account_codes, ROW_LIMIT)
        table = self.query_one("#account-table", DataTable)
        table.clear()
        for account in page.rows:
            table.add_row(*self._account_cells(account), key=str(account.id))
        self._set_tab_label("accounts", "ledger.accounts_count", len(page.rows), page.total)

        page = self.reader.transfers(search, transfer_codes, self.account_filter, ROW_LIMIT)
        table = self.query_one("#transfer-table", DataTable)
        table.clear()
        for transfer in page.rows:
            table.add_row(*self._transfer_cells(transfer), key=str(transfer.id))
        self._set_tab_label("transfers", "ledger.transfers_count", len(page.rows), page.total)

    def _set_tab_label(self, pane: str, key: str, listed: int, total: int) -> None:
        tabs = self.query_one(TabbedContent)
        label = self.app.tr(key, shown=listed, total=total)
        if pane == "transfers" and self.account_filter is not None:
            label += " · " + self.app.tr("ledger.of_account", id=self.account_filter)
        tabs.get_tab(pane).label = label

    def _account_cells(self, account: Account) -> tuple:
        lang = self.app.lang
        return (
            str(account.id),
            _label(lang, "account_code", account.code.value),
            account.owner,
            account.account_class.value,
            _label(lang, "account_status", account.status.value),
            Text(yuan(account.balance), justify="right"),
            Text(yuan(account.available), justify="right"),
        )

    def _transfer_cells(self, transfer: Transfer) -> tuple:
        lang = self.app.lang
        return (
            str(transfer.id),
            f"{from_epoch_micros(transfer.timestamp):%Y-%m-%d %H:%M}" if transfer.timestamp else "—",
            self._side(transfer.debit_account_id),
            self._side(transfer.credit_account_id),
            Text(yuan(transfer.amount), justify="right"),
            _label(lang, "transfer_code", transfer.code.value),
            _phase_label(lang, transfer.flags),
        )

    def _side(self, account_id: int) -> str:
        account = self.accounts.get(account_id)
        if account is None:
            return str(account_id)
        return f"{account_id} {account.owner}·{_label(self.app.lang, 'account_code', account.code.value)}"

    @on(Input.Changed, "#ledger-search")
    def _search_changed(self) -> None:
        self.refill()

    @on(DataTable.RowSelected, "#account-table")
    def _account_chosen(self, event: DataTable.RowSelected) -> None:
        self.account_filter = int(event.row_key.value)
        self.refill()
        self.action_show_tab("transfers")

    # Audit

    @work(thread=True, exclusive=True, group="audit")
    def _audit(self) -> None:
        try:
            report = verify(self.db_path)
        except Exception as error:  # the UI edge: show it, keep browsing
            log.exception("audit of %s failed", self.db_path)
            self.app.call_from_thread(self._show_audit_error, error)
            return
        self.app.call_from_thread(self._show_audit, report)

    def _show_audit(self, report: AuditReport) -> None:
        if not self.is_mounted:
            return
        tr_ = self.app.tr
        text = Text(no_wrap=True, overflow="ellipsis")
        if report.ok:
            text.append("✓ " + tr_("ledger.audit_ok", accounts=report.accounts, transfers=report.transfers), style="green")
        else:
            text.append("✗ " + tr_("ledger.audit_failed", count=len(report.problems)), style="bold red")
            first = report.problems[0]
            text.append(f"  {first.rule}: {first.detail}")
        text.append("  " + tr_("ledger.totals", debits=yuan(report.total_debits_posted), credits=yuan(report.total_credits_posted)), style="dim")
        self.query_one("#audit", Static).update(text)

    def _show_audit_error(self, error: Exception) -> None:
        if self.is_mounted:
            self.query_one("#audit", Static).update(Text(self.app.tr("error.audit_failed", detail=str(error)), style="red"))

    # Actions

    def action_search(self) -> None:
        self.query_one("#ledger-search", Input).focus()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_clear(self) -> None:
        self.account_filter = None
        self.query_one("#ledger-search", Input).value = ""
        self.refill()

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> Iterable[SystemCommand]:
        tr_ = self.app.tr
        yield SystemCommand(tr_("command.search"), tr_("command.search_help"), self.action_search)
        yield SystemCommand(tr_("command.clear_filter"), tr_("command.clear_filter_help"), self.action_clear)


def _label(lang: str, group: str, value: str) -> str:
    key = f"tui.{group}.{value}"
    return tr(lang, f"{group}.{value}") if key in catalogue() else value


def _phase_label(lang: str, flags: int) -> str:
    phase = transfer_phase(flags)
    return tr(lang, f"phase.{phase}") if phase else ""


def _codes_named(search: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the account codes and transfer codes whose name, in either language, contains ``search``."""
    text = search.strip().lower()
    if not text:
        return (), ()
    found: dict[str, list[str]] = {"account_code": [], "transfer_code": []}
    for key, texts in catalogue().items():
        for group, codes in found.items():
            prefix = f"tui.{group}."
            if key.startswith(prefix) and any(text in str(value).lower() for value in texts.values()):
                codes.append(key[len(prefix):])
    return tuple(found["account_code"]), tuple(found["transfer_code"])

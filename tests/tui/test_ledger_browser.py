"""The ledger browser: accounts and transfers of a run, search, account filter and the audit."""

from textual.widgets import DataTable, Input, Static, TabbedContent
from tui_support import drive, make_app, settle, shown


def ledger_app(reports):
    app = make_app(reports_dir=reports)
    app.call_later(app.open_ledger, reports / "lifecycle_demo" / "ledger.db", "lifecycle_demo")
    return app


def rows(table: DataTable) -> list[tuple]:
    return [tuple(str(cell) for cell in table.get_row_at(index)) for index in range(table.row_count)]


def test_lists_accounts_and_audit(reports):
    async def body(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        return screen.query_one("#account-table", DataTable).row_count, shown(screen.query_one("#audit", Static))

    count, audit = drive(ledger_app(reports), body)
    assert count == 19
    assert audit.startswith("✓ 审计通过：账本平衡，19 个账户，38 笔转账")


def test_search_by_chinese_code(reports):
    async def body(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#ledger-search", Input).value = "代发"
        await pilot.pause()
        return rows(screen.query_one("#transfer-table", DataTable))

    found = drive(ledger_app(reports), body)
    assert len(found) == 1
    assert found[0][4:6] == ("500.00", "代发")
    assert found[0][2].endswith("union:u1·工会对公账户")


def test_search_by_amount(reports):
    async def body(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        await pilot.press("slash")
        await pilot.press(*"450")
        await pilot.pause()
        return [row[4] for row in rows(screen.query_one("#transfer-table", DataTable))]

    assert drive(ledger_app(reports), body) == ["450.00", "450.00"]


def test_account_lists_its_transfers(reports):
    async def body(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#account-table", DataTable)
        table.focus()
        table.move_cursor(row=[row[2] for row in rows(table)].index("union:u1"))
        await pilot.press("enter")
        await pilot.pause()
        return screen.query_one(TabbedContent).active, [row[5] for row in rows(screen.query_one("#transfer-table", DataTable))]

    active, codes = drive(ledger_app(reports), body)
    assert active == "transfers"
    assert codes == ["注资", "代发", "销户结算"]


def test_clear_filter(reports):
    async def body(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#ledger-search", Input).value = "代发"
        await pilot.pause()
        screen.query_one("#account-table", DataTable).focus()
        await pilot.press("c")
        await pilot.pause()
        return screen.query_one("#transfer-table", DataTable).row_count

    assert drive(ledger_app(reports), body) == 38


def test_missing_ledger(tmp_path):
    async def body(pilot):
        pilot.app.open_ledger(tmp_path / "ledger.db", "none")
        await pilot.pause()
        return type(pilot.app.screen).__name__, [notification.message for notification in pilot.app._notifications]

    screen, messages = drive(make_app(reports_dir=tmp_path), body)
    assert screen == "PickerScreen"
    assert messages == [f"找不到账本数据库 {tmp_path / 'ledger.db'}；请先运行场景"]

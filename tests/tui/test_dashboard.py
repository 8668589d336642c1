"""The dashboard: replay of a finished run, day by day, and a live run that never blocks the UI."""

from textual.widgets import DataTable, Input, Static, TabbedContent
from tui_support import drive, make_app, settle, shown

from tui.replay import RunRecord
from tui.screens.dashboard import DashboardScreen
from tui.widgets.events import SHOWN_EVENTS
from tui.widgets.figures import FiguresPanel


def replay_app(reports):
    return make_app(str(reports / "lifecycle_demo"), reports_dir=reports)


def status(pilot) -> str:
    return shown(pilot.app.screen.query_one("#status", Static))


def figure(pilot, label: str) -> str:
    """Return the value beside ``label`` in the key figures."""
    for line in shown(pilot.app.screen.query_one(FiguresPanel)).splitlines():
        words = line.split()
        if words[:1] == [label]:
            return words[-1]
    raise KeyError(label)


def test_replay_opens_at_last_day(reports):
    async def body(pilot):
        return status(pilot), figure(pilot, "授权笔数"), figure(pilot, "批准率")

    line, authorizations, approval = drive(replay_app(reports), body)
    assert line.startswith("‖ 回放 · 1x · 2020-03-01 · 第 56/56 天")
    assert authorizations == "40"
    assert approval == "62.5%"


def test_first_day_and_single_steps(reports):
    async def body(pilot):
        await pilot.press("home")
        first = (status(pilot), figure(pilot, "已发卡"), figure(pilot, "授权笔数"))
        for _ in range(11):
            await pilot.press("n")
        later = (status(pilot), figure(pilot, "已发卡"), figure(pilot, "已激活"), figure(pilot, "福利发放(元)"))
        await pilot.press("b")
        back = status(pilot)
        return first, later, back

    first, later, back = drive(replay_app(reports), body)
    assert first[0].startswith("‖ 回放 · 1x · 2020-01-06 · 第 1/56 天")
    assert first[1:] == ("0", "0")
    assert later[0].startswith("‖ 回放 · 1x · 2020-01-17 · 第 12/56 天")
    assert later[1:] == ("2", "2", "500.00")
    assert back.startswith("‖ 回放 · 1x · 2020-01-16 · 第 11/56 天")


def test_speed_keys(reports):
    async def body(pilot):
        speeds = []
        for key in ("plus", "plus", "plus", "plus", "plus", "plus", "minus"):
            await pilot.press(key)
            speeds.append(status(pilot).split(" · ")[1])
        return speeds

    assert drive(replay_app(reports), body) == ["2x", "5x", "10x", "30x", "max", "max", "30x"]


def test_play_toggles(reports):
    async def body(pilot):
        await pilot.press("space")
        playing = pilot.app.screen.playing
        await pilot.press("space")
        return playing, pilot.app.screen.playing

    assert drive(replay_app(reports), body) == (True, False)


def test_declines_by_code(reports):
    async def body(pilot):
        return shown(pilot.app.screen.query_one("#declines", Static))

    text = drive(replay_app(reports), body)
    assert text.startswith("按应答码统计的拒绝（全程）\n13 无效金额 1 · 41 挂失卡 1 · 55 密码错误 2 · 57 不允许持卡人进行的交易 5")


def test_cities_tab(reports):
    async def body(pilot):
        await pilot.press("2")
        await pilot.pause()
        return pilot.app.screen.query_one(TabbedContent).active, shown(pilot.app.screen.query_one("#cities-panel", Static))

    active, text = drive(replay_app(reports), body)
    assert active == "cities"
    row = next(line.split() for line in text.splitlines() if line.split()[:1] == ["南昌市"])
    assert row[0] == "南昌市"
    assert row[-3:] == ["50.0%", "100.0%", "—"]


def test_event_filter(reports):
    async def body(pilot):
        await pilot.press("3")
        await pilot.pause()
        table = pilot.app.screen.query_one("#event-table", DataTable)
        every = table.row_count
        pilot.app.screen.query_one("#event-search", Input).value = "挂失"
        await pilot.pause()
        rows = [table.get_row_at(index) for index in range(table.row_count)]
        return every, rows

    every, rows = drive(replay_app(reports), body)
    assert every == min(len(RunRecord.load(reports / "lifecycle_demo").events), SHOWN_EVENTS)
    assert [(row[0], row[1].plain) for row in rows] == [
        ("2020-01-21 10:00", "step"),
        ("2020-01-21 09:30", "step"),
    ]
    assert rows[0][2].startswith("消费 · m1 · 41 · ")


def test_event_type_filter(reports):
    async def body(pilot):
        await pilot.press("3")
        await pilot.pause()
        pilot.app.screen.query_one("#event-type").value = "day"
        await pilot.pause()
        table = pilot.app.screen.query_one("#event-table", DataTable)
        return {table.get_row_at(index)[1].plain for index in range(table.row_count)}, table.row_count

    kinds, count = drive(replay_app(reports), body)
    assert kinds == {"day"}
    assert count == RunRecord.load(reports / "lifecycle_demo").days


def test_ledger_key(reports):
    async def body(pilot):
        await pilot.press("l")
        return type(pilot.app.screen).__name__

    assert drive(replay_app(reports), body) == "LedgerScreen"


def test_live_run_stays_responsive(tmp_path, demo):
    """While the run's thread is held inside run_scenario, keys and timers are still handled."""
    out = tmp_path / "reports" / "lifecycle_demo"

    async def body(pilot):
        app = pilot.app
        screen = DashboardScreen(scenario=demo, out_dir=out, paused=True)
        await app.push_screen(screen)

        # The run reports its first day, then waits at the gate inside the engine.
        for _ in range(500):
            if screen.live.authorizations_per_day:
                break
            await pilot.pause(0.01)
        first_days = len(screen.live.authorizations_per_day)

        fired = []
        app.set_timer(0.01, lambda: fired.append(True))
        await pilot.press("plus")
        speed_while_held = screen.speed_index
        for _ in range(500):
            if fired:
                break
            await pilot.pause(0.01)

        # A single step lets exactly one more day through.
        await pilot.press("n")
        for _ in range(500):
            if len(screen.live.authorizations_per_day) > first_days:
                break
            await pilot.pause(0.01)
        stepped_days = len(screen.live.authorizations_per_day)
        running = screen.state

        await pilot.press("space")
        await settle(pilot)
        status_after = " · ".join(status(pilot).split(" · ")[:3])
        return first_days, fired, speed_while_held, stepped_days, running, screen.state, status_after, screen.result

    first_days, fired, speed, stepped, running, state, status_after, result = drive(
        make_app(reports_dir=tmp_path / "reports"), body
    )
    assert first_days == 1
    assert fired == [True]
    assert speed == 5
    assert stepped == 2
    assert running == "running"
    assert state == "finished"
    assert status_after == "‖ 运行结束 · 1x · 2020-03-01"
    assert result.failures == []
    assert (out / "metrics.json").is_file()
    assert (out / "report.html").is_file()


def test_leaving_live_run_interrupts_it(tmp_path, demo):
    out = tmp_path / "reports" / "lifecycle_demo"

    async def body(pilot):
        screen = DashboardScreen(scenario=demo, out_dir=out, paused=True)
        await pilot.app.push_screen(screen)
        for _ in range(500):
            if screen.live.authorizations_per_day:
                break
            await pilot.pause(0.01)
        await pilot.press("escape")
        await settle(pilot)
        return type(pilot.app.screen).__name__

    assert drive(make_app(reports_dir=tmp_path / "reports"), body) == "PickerScreen"
    assert '"interrupted": true' in (out / "metrics.json").read_text(encoding="utf-8")
    assert (out / "report.html").is_file()
    assert list(out.parent.glob(".*.partial")) == []

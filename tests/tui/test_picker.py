"""The scenario picker: scenario files and their problems, finished runs, and where each key leads."""

import shutil

from textual.widgets import OptionList, Static
from tui_support import DEMO, SCENARIOS, drive, make_app, option_texts, settle, shown

from tui.screens.dashboard import DashboardScreen
from tui.screens.ledger import LedgerScreen
from tui.screens.picker import PickerScreen
from tui.screens.trainer import TrainerScreen

BROKEN = """\
name: broken
seed: 1
start: 2020-01-06T09:00:00+08:00
end: 2020-01-10T00:00:00+08:00
actors:
  unions:
    - {id: u1, name: 工会, city: 南昌市, corporate_balance: 12.345}
"""


def scenarios_with_broken(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(DEMO, folder / "lifecycle_demo.yaml")
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    return folder


def test_lists_every_scenario(tmp_path):
    async def body(pilot):
        options = pilot.app.screen.query_one("#scenarios", OptionList)
        return option_texts(options)

    texts = drive(make_app(reports_dir=tmp_path), body)
    assert len(texts) == len(list(SCENARIOS.glob("*.yaml")))
    assert "✓ lifecycle-demo" in texts


def test_selects_given_scenario(tmp_path):
    async def body(pilot):
        return shown(pilot.app.screen.query_one("#details", Static))

    details = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert details.startswith("lifecycle-demo\n文件：lifecycle_demo.yaml\n一名会员的工会会员服务卡全生命周期")
    assert "角色：工会 1 · 会员 2 · 商户 3 · 网点 1" in details
    assert "脚本：54 步" in details


def test_english_details_have_no_plural_errors(tmp_path):
    folder = scenarios_with_broken(tmp_path)

    async def body(pilot):
        return shown(pilot.app.screen.query_one("#details", Static))

    broken = drive(make_app(str(folder / "broken.yaml"), "en", reports_dir=tmp_path, scenarios_dir=folder), body)
    valid = drive(make_app(str(DEMO), "en", reports_dir=tmp_path), body)
    assert "problems in the file: 1" in broken
    assert "Actors: unions 1 · members 2 · merchants 3 · branches 1" in valid


def test_problems_shown_with_line(tmp_path):
    folder = scenarios_with_broken(tmp_path)

    async def body(pilot):
        return (
            option_texts(pilot.app.screen.query_one("#scenarios", OptionList)),
            shown(pilot.app.screen.query_one("#details", Static)),
        )

    texts, details = drive(make_app(str(folder / "broken.yaml"), reports_dir=tmp_path, scenarios_dir=folder), body)
    assert texts[0] == "✗ broken"
    assert "文件有 1 处错误：" in details
    assert "第 7 行 actors.unions[0].corporate_balance: 12.345 的小数超过两位" in details


def test_invalid_scenario_does_not_run(tmp_path):
    folder = scenarios_with_broken(tmp_path)

    async def body(pilot):
        await pilot.press("r")
        await pilot.press("t")
        return type(pilot.app.screen), [notification.message for notification in pilot.app._notifications]

    screen, messages = drive(make_app(str(folder / "broken.yaml"), reports_dir=tmp_path, scenarios_dir=folder), body)
    assert screen is PickerScreen
    assert messages == ["场景 broken 有错误，请先按提示修改文件"] * 2


def test_lists_finished_runs(reports):
    async def body(pilot):
        return option_texts(pilot.app.screen.query_one("#runs", OptionList))

    assert drive(make_app(reports_dir=reports), body) == ["lifecycle-demo  2020-03-01"]


def test_trainer_key(tmp_path):
    async def body(pilot):
        await pilot.press("t")
        await settle(pilot)
        return type(pilot.app.screen)

    assert drive(make_app(str(DEMO), reports_dir=tmp_path), body) is TrainerScreen


def test_replay_of_scenarios_last_run(reports):
    async def body(pilot):
        await pilot.press("o")
        return type(pilot.app.screen), pilot.app.screen.replay.record.name

    assert drive(make_app(str(DEMO), reports_dir=reports), body) == (DashboardScreen, "lifecycle-demo")


def test_no_run_yet(tmp_path):
    async def body(pilot):
        await pilot.press("o")
        return type(pilot.app.screen), [notification.message for notification in pilot.app._notifications]

    screen, messages = drive(make_app(str(DEMO), reports_dir=tmp_path / "reports"), body)
    assert screen is PickerScreen
    assert len(messages) == 1
    assert messages[0].startswith("场景 lifecycle-demo 还没有运行结果")


def test_ledger_of_run(reports):
    async def body(pilot):
        await pilot.press("l")
        return type(pilot.app.screen)

    assert drive(make_app(str(DEMO), reports_dir=reports), body) is LedgerScreen


def test_run_folder_target_opens_replay(reports):
    async def body(pilot):
        return [type(screen).__name__ for screen in pilot.app.screen_stack]

    stack = drive(make_app(str(reports / "lifecycle_demo"), reports_dir=reports), body)
    assert stack == ["Screen", "PickerScreen", "DashboardScreen"]


def test_run_writes_report_and_scenario_copy(tmp_path):
    """A run started with ``r`` leaves the same files as ``twin run``: no stale report of an earlier run."""
    folder = tmp_path / "reports" / "lifecycle_demo"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("stale", encoding="utf-8")

    async def body(pilot):
        await pilot.press("r")
        screen = pilot.app.screen
        for _ in range(3000):
            if screen.state != "running":
                break
            await pilot.pause(0.01)
        await settle(pilot)
        return screen.state

    assert drive(make_app(str(DEMO), reports_dir=tmp_path / "reports"), body) == "finished"
    assert "<html" in (folder / "report.html").read_text(encoding="utf-8")
    assert (folder / "scenario.yaml").is_file()
    assert "135790" not in (folder / "scenario.yaml").read_text(encoding="utf-8")
    assert list(folder.parent.glob(".*.partial")) == []

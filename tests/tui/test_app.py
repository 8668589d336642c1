"""The app as a whole: help, theme, command palette, language and the command-line entry."""

from textual.command import CommandPalette
from textual.widgets import Footer, Static
from tui_support import DEMO, drive, make_app, shown

from tui.app import DARK_THEME, LIGHT_THEME, run_app
from tui.screens.help import HelpScreen


def footer_labels(pilot) -> list[str]:
    footer = pilot.app.screen.query_one(Footer)
    return [key.description for key in footer.query("FooterKey")]


def test_help_lists_screen_and_app_keys(tmp_path):
    async def body(pilot):
        await pilot.press("f1")
        screen = pilot.app.screen
        keys = shown(screen.query_one("#help-keys", Static))
        await pilot.press("escape")
        return type(screen), keys, type(pilot.app.screen).__name__

    screen, keys, after = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert screen is HelpScreen
    lines = [line.split() for line in keys.splitlines()]
    assert ["r", "运行"] in lines
    assert ["t", "培训"] in lines
    assert ["^q", "退出"] in lines
    assert ["f1", "?", "帮助"] in lines
    assert after == "PickerScreen"


def test_help_guide_in_english(tmp_path):
    async def body(pilot):
        await pilot.press("f1")
        return shown(pilot.app.screen.query_one(".help-guide", Static))

    assert drive(make_app(str(DEMO), "en", reports_dir=tmp_path), body).startswith("The left lists the scenario files")


def test_theme_toggle(tmp_path):
    async def body(pilot):
        themes = [pilot.app.theme]
        await pilot.press("ctrl+t")
        themes.append(pilot.app.theme)
        await pilot.press("ctrl+t")
        themes.append(pilot.app.theme)
        return themes

    assert drive(make_app(reports_dir=tmp_path), body) == [DARK_THEME, LIGHT_THEME, DARK_THEME]


def test_palette_placeholder_and_commands(tmp_path):
    async def body(pilot):
        await pilot.press("ctrl+p")
        palette = pilot.app.screen
        commands = [command.title for command in pilot.app.get_system_commands(pilot.app.screen_stack[-2])]
        return type(palette), palette._placeholder, commands

    palette, placeholder, commands = drive(make_app(reports_dir=tmp_path), body)
    assert palette is CommandPalette
    assert placeholder == "搜索命令…"
    assert commands == ["帮助", "切换明暗主题", "退出"]


def test_trainer_commands_in_palette(tmp_path):
    async def body(pilot):
        await pilot.press("t")
        await pilot.app.workers.wait_for_complete()
        return [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]

    commands = drive(make_app(str(DEMO), "en", reports_dir=tmp_path), body)
    assert commands[:5] == ["Help", "Toggle light and dark theme", "Quit", "Next scripted step", "Advance a day"]
    assert "Action: Purchase" in commands
    assert "Action: Closure" in commands


def test_chinese_labels(tmp_path):
    async def body(pilot):
        return pilot.app.title, footer_labels(pilot)

    title, labels = drive(make_app(reports_dir=tmp_path), body)
    assert title == "江西省工会会员服务卡数字孪生"
    assert labels == ["运行", "培训", "回放", "账本", "帮助", "命令面板"]


def test_english_labels(tmp_path):
    async def body(pilot):
        return pilot.app.title, footer_labels(pilot), pilot.app.screen.sub_title

    title, labels, sub_title = drive(make_app(lang="en", reports_dir=tmp_path), body)
    assert title == "Jiangxi union member service card twin"
    assert labels == ["Run", "Trainer", "Replay", "Ledger", "Help", "Commands"]
    assert sub_title == "Choose a scenario"


def test_unknown_language_falls_back_to_chinese(tmp_path):
    assert make_app(lang="fr", reports_dir=tmp_path).lang == "zh"


def test_missing_target(tmp_path, capsys):
    assert run_app(str(tmp_path / "nowhere.yaml"), "en") == 2
    assert capsys.readouterr().err == (
        f"{tmp_path / 'nowhere.yaml'} does not exist; give a scenario file (scenarios/*.yaml) or a run folder (reports/<name>/)\n"
    )

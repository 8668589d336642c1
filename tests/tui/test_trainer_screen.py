"""The trainer screen: walking the script by key, free actions through the menu and form."""

from textual.widgets import Input, OptionList, Select, Static
from tui_support import (
    DEMO,
    drive,
    fast_forward,
    make_app,
    option_texts,
    settle,
    shown,
    small_crowd,
)

from tui.screens.actions import ActionForm, ActionMenu
from tui.screens.ledger import LedgerScreen
from tui.screens.trainer import TrainerScreen


async def open_trainer(pilot):
    await pilot.press("t")
    await settle(pilot)


async def walk(pilot, count):
    for _ in range(count):
        await pilot.press("n")
        await settle(pilot)


def step_view(pilot) -> str:
    return shown(pilot.app.screen.query_one("#step-view", Static))


def balance_line(view: str, account: str) -> list[str]:
    """Return the words of the balances line of ``account`` (the last line that starts with it)."""
    lines = [line.split() for line in view.splitlines() if line.split()[:1] == [account]]
    return lines[-1]


def test_starts_at_first_step(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        return step_view(pilot), option_texts(pilot.app.screen.query_one("#steps", OptionList))[0]

    view, first = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert view.startswith("#1 批量办卡 · 2020-01-06 09:00 周一 · 尚未执行")
    assert "按 n 执行下一步。" in view
    assert first == "▶ 01-06 09:00 批量办卡"


def test_walk_to_welfare_purchase(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        await walk(pilot, 2)
        await fast_forward(pilot, 9)
        await walk(pilot, 1)
        return step_view(pilot), shown(pilot.app.screen.query_one("#card-line", Static))

    view, card_line = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert "#12 消费 · 2020-01-17 11:00 周五 · 脚本步骤" in view
    assert "会员 张三 · 卡号 621799*********0014" in view
    assert "商户 职工超市 (指定商户, MCC 5411)" in view
    assert "✓ 批准  应答码 00 承兑或交易成功" in view
    assert "付款账户： 福利专用账户" in view
    assert "指定商户处，福利专用账户余额足够，由福利账户支付全部金额" in view
    assert "张三 福利专用账户 → 职工超市 商户结算账户  300.00  消费 · 冻结" in view
    assert balance_line(view, "福利专用账户") == ["福利专用账户", "200.00", "-300.00"]
    assert "✓ balances.m1.welfare: 200.00" in view
    assert card_line.startswith("2020-01-17 11:00 周五 · 卡号 621799*********0014 (正常)")


def test_decline_explained(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        await fast_forward(pilot, 2)
        await walk(pilot, 1)
        return step_view(pilot)

    view = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert "✗ 拒绝  应答码 62 受限制的卡" in view
    assert "规则 card_not_activated" in view
    assert "没有资金变动" in view


def test_done_steps_marked(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        await walk(pilot, 3)
        return option_texts(pilot.app.screen.query_one("#steps", OptionList))[:4]

    texts = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert texts == [
        "✓ 01-06 09:00 批量办卡",
        "✓ 01-16 09:00 时间推进",
        "✗ 01-16 09:30 消费 10.00 街边便利店",
        "▶ 01-16 10:00 激活",
    ]


def test_free_purchase_through_form(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        await fast_forward(pilot, 6)
        await pilot.press("a")
        menu = pilot.app.screen
        assert isinstance(menu, ActionMenu)
        options = menu.query_one(OptionList)
        options.highlighted = list(options._id_to_option).index("purchase")
        await pilot.press("enter")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ActionForm)
        form.query_one("#field-merchant", Select).value = "shop2"
        form.query_one("#field-amount", Input).value = "25.50"
        await pilot.click("#perform")
        await settle(pilot)
        return step_view(pilot)

    view = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert "#55 消费 · 2020-01-16 10:21 周四 · 自由操作" in view
    assert "付款账户： 主账户" in view
    assert "非指定商户只能由主账户支付" in view
    assert balance_line(view, "主账户") == ["主账户", "2,974.50", "-25.50"]


def test_form_shows_problems(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        pilot.app.screen._action_chosen("deposit")
        await pilot.pause()
        form = pilot.app.screen
        form.query_one("#field-amount", Input).value = "1.234"
        await pilot.click("#perform")
        await pilot.pause()
        return type(pilot.app.screen), shown(form.query_one("#form-errors", Static))

    screen, errors = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert screen is ActionForm
    assert errors.startswith("amount: 1.234 的小数超过两位")


def test_advance_a_day(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        await pilot.press("d")
        await settle(pilot)
        return step_view(pilot)

    assert drive(make_app(str(DEMO), reports_dir=tmp_path), body).startswith("#55 时间推进 · 2020-01-07 09:01 周二 · 自由操作")


def test_follow_other_member(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        pilot.app.screen.query_one("#member", Select).value = "m2"
        await pilot.pause()
        return pilot.app.screen.session.member_id, pilot.app.screen.session.member_name("m1")

    assert drive(make_app(str(DEMO), reports_dir=tmp_path), body) == ("m2", "张*")


def test_trainer_ledger(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        await fast_forward(pilot, 6)
        await pilot.press("l")
        await settle(pilot)
        screen = pilot.app.screen
        return type(screen), shown(screen.query_one("#audit", Static))

    screen, audit = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert screen is LedgerScreen
    assert audit.startswith("✓ 审计通过：账本平衡")


def test_crowd_member_in_chooser(tmp_path):
    async def body(pilot):
        await pilot.app.push_screen(TrainerScreen(small_crowd()))
        await settle(pilot)
        select = pilot.app.screen.query_one("#member", Select)
        return [str(label) for label, _ in select._options if _ is not Select.NULL]

    labels = drive(make_app(reports_dir=tmp_path), body)
    assert [label.split()[0] for label in labels[:2]] == ["m1", "m2"]
    assert labels[2].startswith("合成会员 ")


def test_cancelled_form_does_nothing(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        pilot.app.screen._action_chosen("deposit")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        return type(pilot.app.screen).__name__, len(pilot.app.screen.session.reports)

    assert drive(make_app(str(DEMO), reports_dir=tmp_path), body) == ("TrainerScreen", 0)


def test_leaving_closes_session(tmp_path):
    async def body(pilot):
        await open_trainer(pilot)
        folder = pilot.app.screen.session.db_path.parent
        await pilot.press("escape")
        await settle(pilot)
        return folder, type(pilot.app.screen).__name__

    folder, screen = drive(make_app(str(DEMO), reports_dir=tmp_path), body)
    assert screen == "PickerScreen"
    assert not folder.exists()

"""What the trainer's step view says about a step: request, decision, transfers, balances."""

import pytest

from tui.session import TrainerSession
from tui.text import explain_reason
from tui.widgets.step_view import plan_text, report_text
from twin.scenario.steps import Purchase, Refund, ReplaceCard, ReportLoss


@pytest.fixture
def session(demo):
    session = TrainerSession(demo)
    for _ in range(11):
        session.next_step()
    yield session
    session.close()


def lines_of(report, session, lang="zh") -> list[str]:
    return [line.strip() for line in report_text(report, session, lang).plain.splitlines()]


def test_pin_never_shown(session):
    lines = lines_of(session.perform(Purchase(member="m1", merchant="shop1", amount="30", pin="135790")), session)
    assert "密码 ●●●●●●" in lines
    assert not any("135790" in line for line in lines)


def test_refund_names_merchant_of_original(session):
    purchase = session.perform(Purchase(member="m1", merchant="shop2", amount="30", pin="135790"))
    lines = lines_of(session.perform(Refund(of=purchase.outcome.step_id, amount="10")), session)
    assert "商户 街边便利店 (非指定商户, MCC 5499)" in lines
    assert "入账账户： 主账户" in lines


def test_replacement_shows_new_card(session):
    session.perform(ReportLoss(member="m1"))
    report = session.perform(ReplaceCard(member="m1"))
    lines = lines_of(report, session)
    assert f"新卡号： {report.new_pan}" in lines
    move = next(line for line in lines if line.endswith("补卡转移") and "主账户" in line)
    assert move.startswith(f"#{report.transfers[0].id} 张三 主账户 #")


def test_english_decision(session):
    lines = lines_of(session.perform(Purchase(member="m1", merchant="shop1", amount="30", pin="135790")), session, "en")
    assert "✓ Approved  response code 00 Approved" in lines
    assert "Paid from: welfare account" in lines
    assert "At a designated merchant the welfare account pays the whole amount when its balance covers it" in lines


def test_plan_shows_expectations(session):
    index = session.next_index
    lines = [line.strip() for line in plan_text(index, session.script[index], session, "zh").plain.splitlines()]
    assert lines[0] == "#12 消费 · 2020-01-17 11:00 周五 · 尚未执行"
    assert "paid_from: welfare" in lines
    assert "balances.m1.welfare: 200.00" in lines


def test_approved_step_names_no_rule(session):
    lines = lines_of(session.perform(Purchase(member="m1", merchant="shop1", amount="30", pin="135790")), session)
    assert not any(line.startswith("规则") for line in lines)


@pytest.mark.parametrize(("lang", "expected"), [("zh", "✓ approved: 是"), ("en", "✓ approved: yes")])
def test_expected_boolean_in_words(session, lang, expected):
    step = Purchase(member="m1", merchant="shop1", amount="30", pin="135790", expect={"approved": True, "response": "00"})
    lines = lines_of(session.perform(step), session, lang)
    assert expected in lines


def test_expected_response_with_meaning(session):
    step = Purchase(member="m1", merchant="shop1", amount="30", pin="135790", expect={"response": "00"})
    lines = lines_of(session.perform(step), session, "en")
    assert "✓ response: 00 Approved" in lines


@pytest.mark.parametrize("reason", ["duplicate_period", "no_card", "not_opened"])
def test_step_reason_explained(reason):
    assert explain_reason("zh", reason, card_request=False) != reason

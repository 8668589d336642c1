"""The trainer's session: scripted and free steps, with what each report shows."""

import pytest

from tui.session import TrainerSession
from twin.scenario.steps import Advance, Purchase, ReplaceCard, ReportLoss


@pytest.fixture
def session(demo):
    session = TrainerSession(demo)
    yield session
    session.close()


def walk(session, count):
    return [session.next_step() for _ in range(count)]


def balance(report, kind):
    return next(line for line in report.balances if line.kind == kind)


def test_script_holds_every_expectation(session):
    reports = walk(session, len(session.script))
    failed = [(report.index, result.field) for report in reports for result in report.outcome.expectations if not result.ok]
    assert failed == []
    assert session.script_done


def test_follows_first_member(session):
    assert session.member_id == "m1"


def test_welfare_purchase_report(session):
    report = walk(session, 12)[-1]
    assert report.step.do == "purchase"
    assert report.outcome.response == "00"
    assert report.outcome.paid_from == "welfare"
    assert report.merchant.designated is True
    assert (balance(report, "welfare").before, balance(report, "welfare").after) == (50000, 20000)
    assert (balance(report, "main").before, balance(report, "main").after) == (300000, 300000)


def test_purchase_posts_hold_then_post(session):
    report = walk(session, 12)[-1]
    phases = [(line.code, line.flags & 2 != 0, line.flags & 4 != 0) for line in report.transfers]
    assert phases == [("purchase", True, False), ("purchase", False, True)]
    assert report.transfers[0].debit.code == "member_welfare"
    assert report.transfers[0].credit.owner_name == "职工超市"


def test_report_masks_pan(session):
    report = walk(session, 3)[-1]
    assert report.pan == "621799*********0014"


def test_other_member_masked(session):
    report = walk(session, 10)[-1]
    assert report.member_id == "m2"
    assert report.member_name == "李*"


def test_followed_member_named_in_full(session):
    session.follow("m2")
    assert session.member_name("m2") == "李四"
    assert session.member_name("m1") == "张*"


def test_disbursement_moves_union_money(session):
    report = walk(session, 11)[-1]
    assert report.step.do == "disburse"
    assert (balance(report, "corporate").before, balance(report, "corporate").after) == (10_000_000, 9_950_000)
    assert report.transfers[0].debit.owner_name == "南昌市总工会机关工会"


def test_free_purchase_elsewhere_paid_from_main(session):
    walk(session, 11)
    report = session.perform(Purchase(member="m1", merchant="shop2", amount="30", pin="135790"))
    assert report.scripted is False
    assert report.outcome.paid_from == "main"
    assert balance(report, "main").after == balance(report, "main").before - 3000


def test_free_step_gets_id(session):
    walk(session, 11)
    report = session.perform(Purchase(member="m1", merchant="shop1", amount="30", pin="135790"))
    assert report.outcome.step_id == "trainer-1"
    assert [earlier.outcome.step_id for earlier in session.earlier_steps(frozenset({"purchase"}))] == ["trainer-1"]


def test_free_step_one_minute_later(session):
    before = walk(session, 11)[-1].outcome.at
    report = session.perform(Purchase(member="m1", merchant="shop1", amount="30", pin="135790"))
    assert (report.outcome.at - before).total_seconds() == 60


def test_replacement_shows_new_card(session):
    walk(session, 11)
    session.perform(ReportLoss(member="m1"))
    report = session.perform(ReplaceCard(member="m1"))
    assert report.outcome.reason == "card_replaced"
    assert report.new_pan is not None
    assert report.new_pan != report.pan
    assert report.new_pan.count("*") == 9


def test_late_step_runs_now(session):
    walk(session, 2)
    moved = session.perform(Advance(days=1))
    report = session.next_step()
    assert report.late is True
    assert report.outcome.at == moved.outcome.at


def test_close_removes_folder_once(demo):
    session = TrainerSession(demo)
    folder = session.db_path.parent
    session.close()
    session.close()
    assert not folder.exists()

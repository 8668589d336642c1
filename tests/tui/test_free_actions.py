"""Free actions of the trainer: form defaults and the steps they build."""

import pytest

from tui.actions import FREE_ACTIONS, StepInputError, build_step, field_defaults, of_choices
from tui.session import TrainerSession
from twin.scenario.steps import Advance, Disburse, Purchase


@pytest.fixture
def session(demo):
    session = TrainerSession(demo)
    yield session
    session.close()


def test_every_action_is_a_step_type():
    from twin.scenario import STEP_TYPES

    assert set(FREE_ACTIONS) <= set(STEP_TYPES)


def test_purchase_step_for_followed_member(session):
    step = build_step(session, "purchase", {"merchant": "shop1", "amount": "30", "pin": "135790", "channel": "chip"}, "zh")
    assert step == Purchase(member="m1", merchant="shop1", amount="30", pin="135790")


def test_disbursement_row_for_member(session):
    step = build_step(session, "disburse", {"amount": "500"}, "zh")
    assert isinstance(step, Disburse)
    assert step.union == "u1"
    assert [(row.member, row.amount) for row in step.rows] == [("m1", 50000)]


def test_batch_issuance_at_members_branch(session):
    step = build_step(session, "apply_batch", {}, "zh")
    assert (step.union, step.members, step.branch) == ("u1", ["m1"], "b1")


def test_advance_by_unit(session):
    step = build_step(session, "advance", {"unit": "working_days", "count": "3"}, "zh")
    assert step == Advance(working_days=3)


def test_invalid_amount_message_zh(session):
    with pytest.raises(StepInputError) as error:
        build_step(session, "purchase", {"merchant": "shop1", "amount": "12.345", "pin": "", "channel": "chip"}, "zh")
    assert error.value.messages == ["amount: 12.345 的小数超过两位；金额以元为单位，最多两位小数，例如 12.35"]


def test_invalid_amount_message_en(session):
    with pytest.raises(StepInputError) as error:
        build_step(session, "purchase", {"merchant": "shop1", "amount": "12.345", "pin": "", "channel": "chip"}, "en")
    assert error.value.messages == [
        "amount: 12.345 has more than two decimal places; write yuan with at most two decimals, for example 12.35"
    ]


def test_missing_new_pin(session):
    with pytest.raises(StepInputError) as error:
        build_step(session, "activate", {"initial_pin": "955330", "pin": "", "channel": "counter"}, "en")
    assert [message.split(":")[0] for message in error.value.messages] == ["pin"]


def test_empty_optional_field_left_out(session):
    session.next_step()
    with pytest.raises(StepInputError) as error:
        build_step(session, "refund", {"of": "", "amount": ""}, "en")
    assert [message.split(":")[0] for message in error.value.messages] == ["of"]


def test_initial_pin_prefilled(session):
    assert field_defaults(session, "activate")["initial_pin"] == "955330"


def test_pin_prefilled_once_chosen(session):
    for _ in range(4):
        session.next_step()
    assert field_defaults(session, "purchase")["pin"] == "135790"


def test_pin_empty_before_activation(session):
    assert field_defaults(session, "purchase")["pin"] == ""


def test_refund_refers_to_approved_purchases(session):
    for _ in range(14):
        session.next_step()
    assert of_choices(session, "refund") == ["p1", "p2"]

"""Following a member of the synthetic crowd in the trainer."""

import pytest
from tui_support import small_crowd

from tui.actions import build_step, field_defaults
from tui.session import TrainerSession


@pytest.fixture(scope="module")
def session():
    session = TrainerSession(small_crowd())
    session.follow(session.synthetic_id)
    yield session
    session.close()


def perform(session, action, **values):
    fields = field_defaults(session, action)
    fields.update(values)
    return session.perform(build_step(session, action, fields, "en"))


def test_crowd_member_offered_last(session):
    assert session.member_ids[:2] == ["m1", "m2"]
    assert session.member_ids[-1] == session.synthetic_id
    assert session.synthetic_id.startswith("c:")


def test_crowd_member_named_in_full(session):
    index = int(session.synthetic_id.partition(":")[2])
    assert session.member_name(session.synthetic_id) == session.crowd.province.member_identity(index).name
    assert session.member_name("m1").endswith("*")


def test_crowd_merchants_offered(session):
    merchants = session.merchants()
    assert any(merchant.designated for merchant in merchants)
    assert any(not merchant.designated for merchant in merchants)
    assert all(merchant.id.startswith("c:") for merchant in merchants)


def test_crowd_member_deposit_and_purchase(session):
    deposit = perform(session, "deposit", amount="100")
    other = next(merchant for merchant in session.merchants() if not merchant.designated)
    purchase = perform(session, "purchase", merchant=other.id, amount="10")
    main = next(line for line in purchase.balances if line.kind == "main")
    assert deposit.outcome.response == "00"
    assert purchase.outcome.response == "00"
    assert purchase.outcome.paid_from == "main"
    assert main.after == main.before - 1000
    assert purchase.step.member == session.synthetic_id
    assert purchase.transfers[0].credit.owner_name == other.name


def test_crowd_member_disbursement_from_own_union(session):
    report = perform(session, "disburse", amount="50")
    assert report.outcome.reason == "file_processed"
    assert report.step.union == session.world.members[session.synthetic_id].union

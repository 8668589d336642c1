"""ETC sign-up, OBUs and tolls through ETC clearing."""

import datetime as dt
from decimal import Decimal

import pytest

from twin.authorization import AccountType
from twin.devices.etc import OBU_VALUE, EtcCentre, EtcLane, etc_toll


@pytest.fixture
def centre(branch):
    return EtcCentre(branch.core, "ETC00001", branch.bank.rng("etc"))


def test_toll_discount():
    assert etc_toll(10_000) == 9_500
    assert etc_toll(1_010) == 960  # 959.5 rounds half up
    assert etc_toll(1_000, Decimal("0.90")) == 900


def test_sign_up_needs_car(branch, centre):
    branch.card()
    assert centre.sign_up("m1", has_car=False) == (None, "no_car")


def test_sign_up_once(branch, centre):
    branch.card()
    obu, reason = centre.sign_up("m1", has_car=True)
    assert reason == "ok"
    assert obu.value == OBU_VALUE
    assert centre.sign_up("m1", has_car=True) == (None, "obu_already_issued")
    assert centre.obus_issued == 1
    assert centre.obu_value_issued == 30_000


def test_sign_up_is_free(branch, centre):
    record, chip = branch.card(main=10_000)
    centre.sign_up("m1", has_car=True)
    assert branch.balance(record.accounts.main) == 10_000


def test_sign_up_needs_active_card(branch, centre):
    branch.bank.issue_card("b1")
    assert centre.sign_up("b1", has_car=True) == (None, "card_not_active")


def test_toll_charged_to_main(branch, centre):
    record, chip = branch.card(main=50_000, welfare=50_000)
    obu, _ = centre.sign_up("m1", has_car=True)
    result = EtcLane(centre, "L0001", "G60-01").read(obu.obu_id, 4_500)
    assert result.approved
    assert result.charged == 4_275
    assert result.outcome.response.account is AccountType.MAIN
    assert branch.balance(record.accounts.main) == 45_725
    assert branch.balance(record.accounts.welfare) == 50_000
    assert branch.balance(branch.issuer.system.etc_clearing) == 4_275


def test_duplicate_read_charged_once(branch, centre):
    record, chip = branch.card(main=50_000)
    obu, _ = centre.sign_up("m1", has_car=True)
    lane = EtcLane(centre, "L0001", "G60-01")
    first = lane.read(obu.obu_id, 1_000)
    branch.clock.advance(minutes=9, seconds=59)
    second = lane.read(obu.obu_id, 1_000)
    assert (first.charged, second.charged, second.duplicate) == (950, 0, True)
    assert branch.balance(record.accounts.main) == 49_050


def test_read_after_window_is_charged(branch, centre):
    record, chip = branch.card(main=50_000)
    obu, _ = centre.sign_up("m1", has_car=True)
    lane = EtcLane(centre, "L0001", "G60-01")
    lane.read(obu.obu_id, 1_000)
    branch.clock.advance(minutes=10)
    assert lane.read(obu.obu_id, 1_000).charged == 950


def test_other_section_is_charged(branch, centre):
    record, chip = branch.card(main=50_000)
    obu, _ = centre.sign_up("m1", has_car=True)
    EtcLane(centre, "L0001", "G60-01").read(obu.obu_id, 1_000)
    assert EtcLane(centre, "L0002", "G60-02").read(obu.obu_id, 1_000).charged == 950


def test_window_is_a_parameter(branch):
    centre = EtcCentre(branch.core, "ETC00001", branch.bank.rng("etc"), duplicate_window=dt.timedelta(minutes=1))
    record, chip = branch.card(main=50_000)
    obu, _ = centre.sign_up("m1", has_car=True)
    lane = EtcLane(centre, "L0001", "G60-01")
    lane.read(obu.obu_id, 1_000)
    branch.clock.advance(minutes=1)
    assert lane.read(obu.obu_id, 1_000).charged == 950


def test_unpaid_toll_listed_once(branch, centre):
    record, chip = branch.card(main=100)
    obu, _ = centre.sign_up("m1", has_car=True)
    lane = EtcLane(centre, "L0001", "G60-01")
    first = lane.read(obu.obu_id, 1_000)
    lane.read(obu.obu_id, 1_000)
    assert (first.approved, first.reason) == (False, "insufficient_funds")
    assert len(centre.unpaid) == 1


def test_unknown_obu(centre):
    assert centre.charge("3601999999999999", "G60-01", 1_000).reason == "obu_unknown"


def test_rebind_after_replacement(branch, centre):
    record, chip = branch.card(main=50_000)
    obu, _ = centre.sign_up("m1", has_car=True)
    branch.counter.report_loss("m1")
    branch.counter.replace_card("m1", "258147")
    assert centre.charge(obu.obu_id, "G60-01", 1_000).reason == "card_replaced"
    centre.rebind("m1")
    branch.clock.advance(minutes=11)
    assert centre.charge(obu.obu_id, "G60-01", 1_000).approved

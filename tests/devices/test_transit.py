"""Top-up kiosk, gates, the e-purse and transit clearing."""

import pytest

from twin.devices.card import PurseError
from twin.devices.clearing import TransitClearing
from twin.devices.fares import Mode
from twin.devices.terminal import Delivery
from twin.devices.transit import TopupKiosk, TransitGate

from .conftest import PIN, Scripted


@pytest.fixture
def kiosk(branch):
    return TopupKiosk(branch.core, "KS000001", branch.bank.pin_pad("kiosk"), branch.bank.rng("kiosk"))


def gate(branch, mode=Mode.BUS, county="东湖区", gate_id="G0000001", **fields):
    return TransitGate(gate_id, mode, "南昌市", county, branch.clock, **fields)


def wallet(branch, record):
    return branch.balance(record.accounts.transit_wallet)


def test_topup_loads_wallet_and_purse(branch, kiosk):
    record, chip = branch.card(main=50_000)
    assert kiosk.topup(chip, 10_000, PIN).approved
    assert wallet(branch, record) == 10_000
    assert chip.purse_balance == 10_000
    assert branch.balance(record.accounts.main) == 40_000


def test_topup_wrong_pin_loads_nothing(branch, kiosk):
    record, chip = branch.card(main=50_000)
    assert kiosk.topup(chip, 10_000, "246810").code == "55"
    assert chip.purse_balance == 0


def test_topup_cap(branch, kiosk):
    record, chip = branch.card(main=200_000)
    assert kiosk.topup(chip, 99_900, PIN).approved
    assert kiosk.topup(chip, 101, PIN).code == "61"
    assert kiosk.topup(chip, 100, PIN).approved
    assert chip.purse_balance == 100_000


def test_topup_timeout_is_reversed_and_not_loaded(branch):
    record, chip = branch.card(main=50_000)
    kiosk = TopupKiosk(branch.core, "KS000001", branch.bank.pin_pad("kiosk"), branch.bank.rng("kiosk"),
                       link=Scripted(Delivery.RESPONSE_LOST))
    outcome = kiosk.topup(chip, 10_000, PIN)
    assert outcome.timed_out
    assert outcome.reversal.approved
    assert chip.purse_balance == 0
    assert wallet(branch, record) == 0


def test_bus_ride(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 1_000, PIN)
    result = gate(branch).tap(chip)
    assert (result.accepted, result.fare, result.reason) == (True, 140, "ok")
    assert chip.purse_balance == 860
    assert chip.purse_counter == 1


def test_bus_ride_in_jinxian(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 1_000, PIN)
    assert gate(branch, county="进贤县").tap(chip).fare == 200


def test_metro_ride(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 1_000, PIN)
    result = gate(branch, Mode.METRO).tap(chip, 13)
    assert (result.fare, result.record.full_fare) == (360, 400)


def test_metro_ride_needs_distance(branch):
    record, chip = branch.card()
    with pytest.raises(ValueError, match="needs the distance"):
        gate(branch, Mode.METRO).tap(chip)


def test_purse_too_low(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 100, PIN)
    result = gate(branch).tap(chip)
    assert (result.accepted, result.reason) == (False, "purse_insufficient")
    assert chip.purse_balance == 100


def test_hotlisted_card(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 1_000, PIN)
    result = gate(branch, hotlist={chip.pan}).tap(chip)
    assert (result.accepted, result.reason) == (False, "card_blocked")


def test_purse_rejects_bad_amounts(branch):
    record, chip = branch.card()
    with pytest.raises(PurseError, match="above the cap"):
        chip.load_purse(100_001, 100_000)
    with pytest.raises(PurseError, match="does not cover"):
        chip.debit_purse(1)


def test_clearing_posts_fares(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 1_000, PIN)
    bus = gate(branch)
    for _ in range(3):
        bus.tap(chip)
    report = TransitClearing(branch.issuer).clear(bus.upload())
    assert (report.records, report.posted_amount, report.exceptions) == (3, 420, [])
    assert wallet(branch, record) == chip.purse_balance == 580
    assert branch.balance(branch.issuer.system.transit_clearing) == 420


def test_wallet_mirrors_purse_plus_uncleared(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 2_000, PIN)
    bus = gate(branch)
    clearing = TransitClearing(branch.issuer)
    for ride in range(5):
        bus.tap(chip)
        assert wallet(branch, record) == chip.purse_balance + bus.pending_amount
        if ride == 2:
            clearing.clear(bus.upload())
    clearing.clear(bus.upload())
    assert wallet(branch, record) == chip.purse_balance


def test_clearing_skips_records_sent_twice(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 1_000, PIN)
    bus = gate(branch)
    bus.tap(chip)
    batch = bus.upload()
    clearing = TransitClearing(branch.issuer)
    clearing.clear(batch)
    again = clearing.clear(batch)
    assert (again.records, again.duplicates) == (0, 1)
    assert wallet(branch, record) == 860


def test_clearing_after_replacement_uses_suspense(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 1_000, PIN)
    bus = gate(branch)
    bus.tap(chip)
    bus.tap(chip)
    branch.counter.report_loss("m1")
    new_chip, reason = branch.counter.replace_card("m1", "258147")

    # The replacement took the whole server wallet, fares not yet cleared included.
    assert new_chip.purse_balance == 1_000
    report = TransitClearing(branch.issuer).clear(bus.upload())
    assert report.posted_amount == 280
    assert report.suspense_amount == 280
    assert [item.reason for item in report.exceptions] == ["wallet_closed", "wallet_closed"]
    assert branch.balance(branch.issuer.system.suspense) == -280
    assert branch.balance(branch.issuer.system.transit_clearing) == 280
    assert branch.audit().ok


def test_clearing_short_wallet_pays_part(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 200, PIN)
    bus = gate(branch)
    bus.tap(chip)
    # A purse holding money that never came through a top-up makes the wallet short.
    chip.purse_balance += 200
    bus.tap(chip)
    report = TransitClearing(branch.issuer).clear(bus.upload())
    assert report.wallet_amount == 200
    assert report.suspense_amount == 80
    assert [(item.reason, item.from_wallet, item.from_suspense) for item in report.exceptions] == [
        ("wallet_insufficient", 60, 80)]
    assert wallet(branch, record) == 0


def test_clearing_unknown_card(branch):
    from twin.devices.card import EmulatedCard
    from twin.pan import make_pan

    stranger = EmulatedCard(make_pan(424242), "01", "3001", bytes(16), branch.bank.keys.algorithm, purse_balance=500)
    bus = gate(branch)
    bus.tap(stranger)
    report = TransitClearing(branch.issuer).clear(bus.upload())
    assert [item.reason for item in report.exceptions] == ["card_unknown"]
    assert report.suspense_amount == 140


def test_clearing_report_masks_cards(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 100, PIN)
    bus = gate(branch)
    chip.purse_balance = 500
    bus.tap(chip)
    report = TransitClearing(branch.issuer).clear(bus.upload())
    assert chip.pan not in str(report.to_dict())


def test_upload_numbers_batches(branch):
    bus = gate(branch)
    assert [bus.upload().batch_id for _ in range(2)] == ["G0000001-000001", "G0000001-000002"]


def test_records_keep_card_numbers_out_of_repr(branch, kiosk):
    record, chip = branch.card(main=50_000)
    kiosk.topup(chip, 1_000, PIN)
    result = gate(branch).tap(chip)
    assert chip.pan not in repr(result)

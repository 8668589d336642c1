"""Chip state kept across restarts."""

import json

import pytest

from twin.devices.card import EmulatedCard
from twin.devices.cardstore import CardStore, CardStoreError

from .conftest import PIN


def test_atc_survives_restart(branch, tmp_path):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    pos.purchase(chip, 100, PIN)
    pos.purchase(chip, 100, PIN)
    CardStore(tmp_path / "cards.json").save([chip])

    restarted = EmulatedCard.personalise(branch.issuer, record)
    assert CardStore(tmp_path / "cards.json").restore(restarted)
    assert restarted.atc == 2
    assert pos.purchase(restarted, 100, PIN).approved


def test_restart_without_store_replays_atc(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    pos.purchase(chip, 100, PIN)
    forgetful = EmulatedCard.personalise(branch.issuer, record)
    outcome = pos.purchase(forgetful, 100, PIN)
    assert (outcome.code, outcome.response.reason) == ("63", "atc_replay")


def test_purse_survives_restart(branch, tmp_path):
    record, chip = branch.card()
    chip.purse_balance, chip.purse_counter = 4_600, 3
    CardStore(tmp_path / "cards.json").save([chip])
    restarted = EmulatedCard.personalise(branch.issuer, record)
    CardStore(tmp_path / "cards.json").restore(restarted)
    assert (restarted.purse_balance, restarted.purse_counter) == (4_600, 3)


def test_unknown_card_not_restored(branch, tmp_path):
    record, chip = branch.card()
    assert not CardStore(tmp_path / "cards.json").restore(chip)


def test_store_holds_no_keys(branch, tmp_path):
    record, chip = branch.card()
    CardStore(tmp_path / "cards.json").save([chip])
    saved = json.loads((tmp_path / "cards.json").read_text())
    assert saved == {chip.pan: {"atc": 0, "purse_balance": 0, "purse_counter": 0}}


def test_restore_never_goes_back(branch, tmp_path):
    record, chip = branch.card()
    store = CardStore(tmp_path / "cards.json")
    store.save([chip])
    chip.atc = 5
    with pytest.raises(ValueError, match="refusing to go back"):
        store.restore(chip)


def test_broken_file(tmp_path):
    path = tmp_path / "cards.json"
    path.write_text("{not json")
    with pytest.raises(CardStoreError, match="cannot read card states"):
        CardStore(path)


def test_wrong_fields(tmp_path):
    path = tmp_path / "cards.json"
    path.write_text(json.dumps({"6217990000000000014": {"atc": "x"}}))
    with pytest.raises(CardStoreError, match=r"card 621799\*+0014: expected integer fields"):
        CardStore(path)

import numpy as np
import pytest
from crowd_worlds import scenario_text, stepped, wave

from twin.scenario import parse_scenario
from twin.sim.crowd.state import CardState
from twin.sim.engine import run_scenario

# Two festivals of 500 yuan in one year under a cap of 600: the second pays 100.
CAPPED = scenario_text({
    "end": "2020-05-10 00:00",
    "programme": {"welfare": {"yearly_cap": 600}},
    "disbursements": [
        {"festival": "tomb_sweeping_day", "date": "2020-04-02", "amount": 500},
        {"festival": "labour_day", "date": "2020-04-29", "amount": 500},
    ],
    "behaviour": {"purchases_per_day": 0},
})


def test_disbursement_stays_within_yearly_cap(tmp_path):
    _, crowd = stepped(tmp_path, CAPPED)
    assert crowd.state.welfare_paid.max() == 60_000


def test_second_festival_pays_what_the_cap_leaves(tmp_path):
    world, crowd = stepped(tmp_path, CAPPED)
    paid = crowd.state.welfare_paid[crowd.state.welfare_paid > 0]
    assert set(paid.tolist()) <= {50_000, 60_000}


def test_disbursed_flow_matches_members_paid(tmp_path):
    world, crowd = stepped(tmp_path, CAPPED)
    assert world.recorder.flows["disbursed"] == int(crowd.state.welfare_paid.sum())


def test_welfare_balances_match_payments(tmp_path):
    world, crowd = stepped(tmp_path, CAPPED)
    paid = np.flatnonzero(crowd.state.welfare_paid)
    balances = [world.ledger.account(crowd.card(int(m)).accounts.welfare).balance for m in paid]
    assert balances == crowd.state.welfare_paid[paid].tolist()


def test_yearly_cap_starts_again_in_january(tmp_path):
    text = scenario_text({
        "start": "2020-12-01 00:00",
        "end": "2021-01-10 00:00",
        "programme": {"welfare": {"yearly_cap": 500}},
        "rollout": wave(start="2020-09-01", end="2020-10-31"),
        "disbursements": [
            {"festival": "new_years_day", "date": "2020-12-30", "amount": 500},
            {"festival": "new_years_day", "date": "2021-01-05", "amount": 500},
        ],
        "behaviour": {"purchases_per_day": 0},
    })
    world, crowd = stepped(tmp_path, text)
    paid_twice = world.recorder.flows["disbursed"] > int(crowd.state.welfare_paid.sum())
    assert paid_twice


DUPLICATE = {
    "start": "2021-02-01 00:00",
    "end": "2021-02-12 00:00",
    "rollout": wave(start="2020-10-01", end="2020-12-31"),
    "disbursements": [{"festival": "spring_festival", "date": "2021-02-08", "amount": 500}],
    "behaviour": {"purchases_per_day": 0},
}


def test_duplicate_file_rejected_without_confirmation(tmp_path):
    text = scenario_text({**DUPLICATE, "faults": {"duplicate_file": [
        {"union": "city:南昌市", "festival": "spring_festival", "confirm": False}]}})
    world, crowd = stepped(tmp_path, text)
    assert world.recorder.counts["duplicate_files_rejected"] == world.recorder.counts["disbursement_files"]


def test_duplicate_file_pays_nothing_more(tmp_path):
    text = scenario_text({**DUPLICATE, "faults": {"duplicate_file": [
        {"union": "city:南昌市", "festival": "spring_festival", "confirm": False}]}})
    _, crowd = stepped(tmp_path, text)
    assert crowd.state.welfare_paid.max() == 50_000


def test_confirmed_duplicate_file_paid_twice(tmp_path):
    text = scenario_text({**DUPLICATE, "faults": {"duplicate_file": [
        {"union": "city:南昌市", "festival": "spring_festival", "confirm": True}]}})
    world, crowd = stepped(tmp_path, text)
    assert crowd.state.welfare_paid.max() == 100_000


def test_confirmed_duplicates_counted(tmp_path):
    text = scenario_text({**DUPLICATE, "faults": {"duplicate_file": [
        {"union": "city:南昌市", "festival": "spring_festival", "confirm": True}]}})
    world, _ = stepped(tmp_path, text)
    assert world.recorder.counts["duplicate_files_confirmed"] > 0


def test_welfare_accounts_only_on_cards(tmp_path):
    _, crowd = stepped(tmp_path, CAPPED)
    without_card = crowd.state.welfare & (crowd.state.card == CardState.NONE)
    assert not without_card.any()


SPENDING = scenario_text({
    "rollout": wave(start="2020-01-01", end="2020-02-15"),
    "disbursements": [{"festival": "tomb_sweeping_day", "date": "2020-03-05", "amount": 500}],
    "behaviour": {"purchases_per_day": 1.0, "designated_preference": 0.9},
})


@pytest.fixture(scope="module")
def spending(tmp_path_factory):
    return run_scenario(parse_scenario(SPENDING, "spending.yaml"), tmp_path_factory.mktemp("run")).metrics


def test_welfare_pays_first_at_designated_merchants(spending):
    assert spending["flows"]["purchase_welfare"] > 0


def test_welfare_pays_only_at_designated_merchants(spending):
    assert spending["flows"]["purchase_welfare"] <= spending["flows"]["purchase_designated"]


def test_main_pays_elsewhere(spending):
    assert spending["flows"]["purchase_main"] > 0


def test_spending_run_ledger_balanced(spending):
    assert spending["summary"]["ledger_balanced"] is True


def test_confirmed_duplicate_past_cap_counted(tmp_path):
    text = scenario_text({**DUPLICATE, "programme": {"welfare": {"yearly_cap": 600}}, "faults": {"duplicate_file": [
        {"union": "city:南昌市", "festival": "spring_festival", "confirm": True}]}})
    world, crowd = stepped(tmp_path, text)
    assert world.recorder.counts["members_paid_over_cap"] > 0
    assert world.recorder.counts["members_paid_over_cap"] == int((crowd.state.welfare_paid > 60_000).sum())


def test_bank_accepts_every_row(tmp_path):
    world, _ = stepped(tmp_path, CAPPED)
    rejected = [name for name in world.recorder.counts if name.startswith("disbursement_rows_")]
    assert rejected == []

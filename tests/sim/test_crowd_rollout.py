import datetime as dt

import numpy as np
from crowd_worlds import scenario_text, stepped, wave

from twin.calendar import add_working_days, local_date
from twin.sim.crowd.state import CardState

SPRING_FESTIVAL = scenario_text({
    "start": "2020-01-20 00:00",
    "end": "2020-02-10 00:00",
    "programme": {"card_production_working_days": {"min": 5, "max": 5}},
    "rollout": wave(start="2020-01-20", end="2020-01-20", individual_share=0),
    "behaviour": {"activation": {"share": 0}},
})

ACTIVATION = {"share": 1.0, "onsite_share": 1.0, "mean_delay_days": 2}
ONSITE = scenario_text({
    "province": {"branches": {"onsite_min_members": 1, "onsite_teams_per_city": 1, "onsite_activations_per_day": 20}},
    "rollout": wave(individual_share=0),
    "behaviour": {"activation": ACTIVATION},
})
BRANCH = scenario_text({
    "province": {"branches": {"onsite_teams_per_city": 0}},
    "rollout": wave(individual_share=0),
    "behaviour": {"activation": ACTIVATION},
})


def crowd_cards(world):
    return [card for card in world.issuer.cards() if card.member.startswith("c:")]


def test_batch_ready_after_spring_festival(tmp_path):
    world, _ = stepped(tmp_path, SPRING_FESTIVAL)
    issued = {local_date(card.issued_at) for card in crowd_cards(world)}
    # 21, 22 and 23 January, then 3 and 4 February: the holiday is not worked.
    assert issued == {dt.date(2020, 2, 4)}


def test_batch_not_issued_during_holiday(tmp_path):
    world, _ = stepped(tmp_path, SPRING_FESTIVAL, until=dt.datetime(2020, 2, 3))
    assert crowd_cards(world) == []


def test_ready_day_counts_working_days(tmp_path):
    _, crowd = stepped(tmp_path, SPRING_FESTIVAL, until=dt.datetime(2020, 1, 20, 1))
    assert crowd.rollout.ready_day(dt.date(2020, 1, 20)) == add_working_days(dt.date(2020, 1, 20), 5)


def test_unenrolled_members_rejected(tmp_path):
    text = scenario_text({"province": {"population": {"enrolled_share": 0.5}}})
    world, _ = stepped(tmp_path, text)
    assert world.recorder.counts["realname_rejected"] > 0


def test_rejected_members_enrolled_and_applied_again(tmp_path):
    text = scenario_text({"province": {"population": {"enrolled_share": 0.5}}})
    _, crowd = stepped(tmp_path, text)
    members = crowd.province.members
    late = np.flatnonzero(~members.enrolled & (crowd.state.card != CardState.NONE))
    assert len(late) > 0


def test_onsite_teams_activate_large_unions(tmp_path):
    world, _ = stepped(tmp_path, ONSITE)
    assert world.recorder.channels["onsite"] > 0


def test_onsite_leaves_counters_alone(tmp_path):
    world, _ = stepped(tmp_path, ONSITE)
    assert world.recorder.channels["counter"] + world.recorder.channels["smart_teller"] == 0


def test_onsite_visits_counted(tmp_path):
    world, _ = stepped(tmp_path, ONSITE)
    assert world.recorder.counts["onsite_visits"] > 0


def test_without_teams_no_onsite_activation(tmp_path):
    world, _ = stepped(tmp_path, BRANCH)
    assert world.recorder.channels["onsite"] == 0


def test_without_teams_members_activate_at_branches(tmp_path):
    world, _ = stepped(tmp_path, BRANCH)
    assert world.recorder.channels["counter"] + world.recorder.channels["smart_teller"] > 0


def test_no_branch_visit_left_behind(tmp_path):
    world, crowd = stepped(tmp_path, BRANCH)
    assert crowd.branches.overdue(world.now().date()) == 0


def test_branch_activations_record_waits(tmp_path):
    world, _ = stepped(tmp_path, BRANCH)
    assert sum(len(waits) for waits in world.recorder.all_waits.values()) > 0


def test_activated_cards_active_at_issuer(tmp_path):
    world, crowd = stepped(tmp_path, BRANCH)
    active = np.flatnonzero(crowd.state.card == CardState.ACTIVE)
    statuses = {world.issuer.card_of(crowd.state.member_id(int(m))).status.value for m in active}
    assert statuses == {"active"}


def test_some_cards_never_activated(tmp_path):
    world, crowd = stepped(tmp_path, scenario_text({"behaviour": {"activation": {"share": 0.5}}}))
    assert (crowd.state.card == CardState.INACTIVE).sum() > 0


def test_wave_reaches_its_target(tmp_path):
    _, crowd = stepped(tmp_path, scenario_text())
    coverage = crowd.summary()["waves"]["南昌"]["coverage"]
    assert 0.75 <= coverage <= 1.0


def test_wave_before_run_leaves_active_cards(tmp_path):
    text = scenario_text({"rollout": wave(start="2019-11-01", end="2020-01-31")})
    _, crowd = stepped(tmp_path, text, until=dt.datetime(2020, 3, 2, 0, 1))
    assert (crowd.state.card == CardState.ACTIVE).sum() > 0


def test_wave_before_run_counts_no_events(tmp_path):
    text = scenario_text({"rollout": wave(start="2019-11-01", end="2020-01-31")})
    world, _ = stepped(tmp_path, text, until=dt.datetime(2020, 3, 2, 0, 1))
    assert world.recorder.counts["batch_applications"] == 0

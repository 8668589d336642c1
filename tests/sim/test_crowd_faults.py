import datetime as dt

import pytest
from crowd_worlds import scenario_text, stepped, wave

from twin.scenario.geography import counties_of

# Cards from the autumn before; a busy morning in March.
BUSY = {
    "end": "2020-03-05 00:00",
    "rollout": wave(start="2019-11-01", end="2020-01-31", units=["all"]),
    "behaviour": {"purchases_per_day": 2.0},
}
OUTAGE = scenario_text({**BUSY, "faults": {
    "core_slow": [{"from": "2020-03-03 09:00", "to": "2020-03-03 12:00", "latency_ms": 5000}],
    "core_unavailable": [{"from": "2020-03-03 12:00", "to": "2020-03-03 14:00"}],
}})


@pytest.fixture(scope="module")
def outage(tmp_path_factory):
    return stepped(tmp_path_factory.mktemp("outage"), OUTAGE)


def test_core_unavailable_answers_91(outage):
    world, _ = outage
    assert world.recorder.responses["91"] > 0


def test_timed_out_requests_reversed(outage):
    world, _ = outage
    assert world.recorder.counts["core_timeouts"] > 0


def test_reversals_sent(outage):
    world, _ = outage
    # Timed-out requests that moved money are reversed: by the terminal when the
    # response was lost, by the switch (once the core is back) when it answered 91.
    assert world.recorder.counts["reversals_sent"] > 0
    assert world.recorder.kinds["reversal"] >= world.recorder.counts["reversals_sent"]


def test_slow_window_latency_recorded(outage):
    _, crowd = outage
    assert crowd.faults.latency_summary()["p99"] > 5000


def test_outage_leaves_ledger_balanced(outage):
    from twin.ledger import verify_store

    world, _ = outage
    world.ledger.flush()
    assert verify_store(world.ledger.store).ok


def nanchang_closed(start, end):
    return [{"county": county, "from": start, "to": end} for county in counties_of("南昌市")]


CLOSED = scenario_text({
    "rollout": wave(individual_share=0),
    "behaviour": {"activation": {"share": 1.0, "onsite_share": 0, "mean_delay_days": 1}},
    "faults": {"branch_closed": nanchang_closed("2020-03-16 00:00", "2020-03-21 00:00")},
})


@pytest.fixture(scope="module")
def closed(tmp_path_factory):
    return stepped(tmp_path_factory.mktemp("closed"), CLOSED)


def test_closed_branches_serve_no_one(closed):
    world, _ = closed
    closed_days = {dt.date(2020, 3, day).isoformat() for day in range(16, 21)}
    visits = [row["branch_visits"] for row in world.recorder.rows
              if row["city"] == "南昌市" and row["date"] in closed_days]
    assert visits == [0] * 5


def test_closed_branches_postpone_visits(closed):
    world, _ = closed
    assert world.recorder.counts["branch_visits_postponed"] > 0


def test_branches_serve_again_after_closure(closed):
    world, _ = closed
    after = [row["branch_visits"] for row in world.recorder.rows
             if row["city"] == "南昌市" and row["date"] in ("2020-03-23", "2020-03-24")]
    assert sum(after) > 0


def test_closed_branch_days_counted(closed):
    world, crowd = closed
    assert world.recorder.counts["branch_closed_days"] >= 5 * len(counties_of("南昌市"))

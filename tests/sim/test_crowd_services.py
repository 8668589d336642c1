import datetime as dt

import numpy as np
import pytest
from crowd_worlds import scenario_text, stepped, wave

from twin.scenario import parse_scenario
from twin.sim.crowd.state import CardState
from twin.sim.engine import run_scenario

# Every union of the province, cards from the autumn before, riding and driving from March.
SERVICES = scenario_text({
    "end": "2020-03-20 00:00",
    "rollout": wave(start="2019-11-01", end="2020-01-31", units=["all"]),
    "behaviour": {"transit": {"uptake": 1.0}, "etc": {"uptake": 1.0, "tolls_per_month": 10},
                  "app": {"registration": 1.0}},
})


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    return stepped(tmp_path_factory.mktemp("services"), SERVICES)


@pytest.fixture(scope="module")
def services_metrics(tmp_path_factory):
    return run_scenario(parse_scenario(SERVICES, "services.yaml"), tmp_path_factory.mktemp("run")).metrics


def test_transit_rides_only_in_nanchang(services_metrics):
    cities = services_metrics["series"]["cities"]
    riding = {city for city, series in cities.items() if sum(series["transit_rides"]) > 0}
    assert riding == {"南昌市"}


def test_transit_riders_live_in_nanchang(services):
    _, crowd = services
    cities = set(crowd.province.members.city[crowd.state.transit].tolist())
    assert cities == {crowd.province.division.city("南昌市").index}


def test_transit_fares_cleared_to_the_ledger(services):
    world, _ = services
    assert world.recorder.flows["transit_fare"] > 0


def test_etc_only_for_car_owners(services):
    _, crowd = services
    assert crowd.province.members.car_owner[crowd.state.etc].all()


def test_etc_signed_by_car_owners(services):
    _, crowd = services
    assert crowd.state.etc.sum() > 0


def test_etc_tolls_cleared(services):
    world, _ = services
    assert world.recorder.kinds["etc_toll"] > 0


def test_app_registrations_split_by_registry(services):
    world, crowd = services
    registered = crowd.state.app
    enrolled = crowd.registry.is_enrolled(np.arange(crowd.state.count))
    assert world.recorder.counts["app_registrations"] == int((registered & enrolled).sum())


def test_app_registration_needs_app_use(services):
    _, crowd = services
    assert crowd.province.members.app_user[crowd.state.app].all()


def test_flash_sale_orders_at_most_scaled_items(tmp_path):
    text = scenario_text({
        "end": "2020-03-10 00:00",
        "rollout": wave(start="2019-11-01", end="2020-01-31", units=["all"]),
        "behaviour": {"app": {"registration": 1.0},
                      "flash_sales": [{"name": "电影票", "at": "2020-03-06 20:00", "items": 50_000,
                                       "participation": 0.5}]},
    })
    world, crowd = stepped(tmp_path, text)
    assert 0 < world.recorder.counts["flash_sale_orders"] <= 5


def test_lost_card_replaced_with_new_number(tmp_path):
    text = scenario_text({"end": "2020-03-15 00:00", "rollout": wave(start="2019-11-01", end="2020-01-31")})
    world, crowd = stepped(tmp_path, text, until=dt.datetime(2020, 3, 3, 10))
    member = int(np.flatnonzero(crowd.state.card == CardState.ACTIVE)[0])
    before = crowd.card(member).pan
    crowd.lifecycle.report_loss(member)
    stop = world.clock.at(world.now() + dt.timedelta(days=10))
    while world.env.now < stop:
        with world.ledger.batch():
            world.env.run(until=min(stop, world.env.now + 86_400))
    assert crowd.state.card[member] == CardState.ACTIVE
    assert crowd.card(member).pan != before

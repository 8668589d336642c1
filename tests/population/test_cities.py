"""A draw of some cities keeps what the whole province has there."""

import numpy as np
import pytest

from twin.population import ParamsError, PopulationParams, build_province, divisions

SCALE = 0.002
SOUTH = ("赣州市", "鹰潭市", "南昌市")
REST = ("上饶市", "九江市", "宜春市", "吉安市", "抚州市", "萍乡市", "景德镇市", "新余市")


@pytest.fixture(scope="module")
def whole():
    return build_province(PopulationParams(scale=SCALE), 7)


@pytest.fixture(scope="module")
def south():
    return build_province(PopulationParams(scale=SCALE, cities=SOUTH), 8)


@pytest.fixture(scope="module")
def rest():
    return build_province(PopulationParams(scale=SCALE, cities=REST), 9)


def per_county(province):
    return np.bincount(province.members.county, minlength=len(divisions().counties))


def city_names(province, cities):
    return {province.division.cities[int(city)].name for city in np.unique(cities)}


def test_members_per_county_add_up(whole, south, rest):
    assert (per_county(south) + per_county(rest) == per_county(whole)).all()


def test_members_only_in_drawn_cities(south):
    assert city_names(south, south.members.city) == set(SOUTH)


def test_branches_add_up(whole, south, rest):
    assert sorted(south.branches.ids + rest.branches.ids) == sorted(whole.branches.ids)


def test_branches_only_in_drawn_cities(south):
    assert city_names(south, south.branches.city) == set(SOUTH)


def test_service_centres_add_up(whole, south, rest):
    assert sorted(south.service_centres.names + rest.service_centres.names) == sorted(whole.service_centres.names)


def test_merchants_per_city_add_up(whole, south, rest):
    cities = len(divisions().cities)
    parts = np.bincount(south.merchants.city, minlength=cities) + np.bincount(rest.merchants.city, minlength=cities)
    assert (parts == np.bincount(whole.merchants.city, minlength=cities)).all()


def test_named_units_of_drawn_cities(south):
    names = set(south.unions.grassroots.names.values())
    assert "江西铜业集团有限公司工会" in names  # 鹰潭市
    assert "上饶市总工会机关工会" not in names


def test_spread_units_in_every_draw(south, rest):
    for province in (south, rest):
        assert "国网江西省电力有限公司工会" in province.unions.grassroots.names.values()


def test_spread_unit_members_add_up(whole, south, rest):
    def spread_members(province):
        index = next(i for i, name in province.unions.grassroots.names.items() if name == "国网江西省电力有限公司工会")
        return int(province.unions.grassroots.size[index])

    # Each draw places the spread unit with its own seed, so the parts add up to about the whole.
    assert abs(spread_members(south) + spread_members(rest) - spread_members(whole)) <= 20


def test_pilot_unions_of_drawn_cities(rest):
    # 宜春市's office union is a pilot unit, and 万载县 a pilot county.
    assert rest.unions.grassroots.pilot.sum() > 1


def test_every_city_named_is_the_whole_draw(whole):
    every = tuple(city.name for city in divisions().cities)
    again = build_province(PopulationParams(scale=SCALE, cities=every), 7)
    assert (again.members.county == whole.members.county).all()
    assert (again.unions.grassroots.size == whole.unions.grassroots.size).all()


def test_unknown_city_rejected():
    with pytest.raises(ParamsError) as raised:
        PopulationParams(scale=SCALE, cities=("南京市",))
    assert raised.value.field == "cities"

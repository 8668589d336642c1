from twin.scenario.geography import CITIES, PILOT_COUNTIES, counties_of, county_city


def test_eleven_cities():
    assert len(CITIES) == 11


def test_hundred_counties():
    assert sum(len(counties_of(city)) for city in CITIES) == 100


def test_pilot_counties_in_their_cities():
    assert {county: county_city(county) for county in PILOT_COUNTIES} == PILOT_COUNTIES


def test_new_district_known():
    assert county_city("红谷滩区") == "南昌市"


def test_merged_district_unknown():
    assert county_city("湾里区") is None

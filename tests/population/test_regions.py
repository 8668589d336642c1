import pytest
from stdnum.cn import ric

from twin.population import CENSUS_2020_RESIDENTS, divisions
from twin.population.regions import FIRST_TABLE_YEAR, code_in_force, id_region_code_table


def test_eleven_cities():
    assert [c.name for c in divisions().cities] == list(CENSUS_2020_RESIDENTS)


def test_one_hundred_counties():
    assert len(divisions().counties) == 100


def test_counties_are_current():
    assert all(code_in_force(c.code, 2024) for c in divisions().counties)


def test_no_city_district_placeholder():
    assert not [c for c in divisions().counties if c.name == "市辖区"]


@pytest.mark.parametrize(
    ("city", "county", "code"),
    [
        ("南昌市", "安义县", "360123"),
        ("宜春市", "万载县", "360922"),
        ("抚州市", "乐安县", "361025"),
    ],
)
def test_pilot_county_codes(city, county, code):
    assert divisions().county(city, county).code == code


def test_unknown_county_names_choices():
    with pytest.raises(KeyError, match="安义县"):
        divisions().county("南昌市", "不存在县")


def test_short_city_name_accepted():
    assert divisions().city("南昌").name == "南昌市"


@pytest.mark.parametrize(
    ("city", "county", "year", "code"),
    [
        ("宜春市", "万载县", 1975, 362227),  # 宜春地区 code before 2000
        ("宜春市", "万载县", 2001, 360922),
        ("南昌市", "青山湖区", 1990, 360111),  # same code, then called 郊区
        ("鹰潭市", "余江区", 1990, 360622),  # 余江县 before 2018
        ("南昌市", "新建区", 1990, 360122),  # 新建县 before 2015
    ],
)
def test_id_code_follows_lineage(city, county, year, code):
    index = divisions().county(city, county).index
    assert id_region_code_table()[index, year - FIRST_TABLE_YEAR] == code


def test_id_codes_valid_in_every_birth_year():
    table = id_region_code_table()
    invalid = []
    for county in divisions().counties:
        for year in range(1930, 2011):
            code = str(table[county.index, year - FIRST_TABLE_YEAR])
            body = f"{code}{year}0615001"
            number = body + ric.calc_check_digit(body + "0")
            if not ric.is_valid(number):
                invalid.append(number)
    assert invalid == []


def test_table_is_read_only():
    with pytest.raises(ValueError):
        id_region_code_table()[0, 0] = 1

"""The cities a run draws: each listed once, and a wrong name shown with its spaces."""

from twin.scenario import parse_scenario

from .samples import BASE, problems

F = "scenarios/peak.yaml"
CITIES_EN = "南昌市, 景德镇市, 萍乡市, 九江市, 新余市, 鹰潭市, 赣州市, 吉安市, 宜春市, 抚州市, 上饶市"
CITIES_ZH = "南昌市、景德镇市、萍乡市、九江市、新余市、鹰潭市、赣州市、吉安市、宜春市、抚州市、上饶市"


def with_cities(cities: str) -> str:
    """Return the sample scenario drawing ``cities`` (a YAML flow list) at a small scale."""
    province = f"province: {{scale: 0.001, population: {{cities: {cities}}}}}"
    return BASE.replace("province: {scale: 0}", province)


def test_distinct_cities_load():
    scenario = parse_scenario(with_cities("[南昌市, 九江市]"), F, "en")
    assert scenario.province.population.cities == ["南昌市", "九江市"]


def test_duplicate_city_english():
    assert problems(with_cities("[南昌市, 九江市, 南昌市]"), "en") == [
        f"{F}:5: province.population.cities[2]: the city 南昌市 is listed again; "
        "it is already at province.population.cities[0]; list each city once"
    ]


def test_duplicate_city_chinese():
    assert problems(with_cities("[南昌市, 九江市, 南昌市]"), "zh") == [
        f"{F}:5: province.population.cities[2]: 城市 南昌市 重复，"
        "已在 province.population.cities[0] 列出；每个城市只列一次"
    ]


def test_each_repeat_reported():
    lines = problems(with_cities("[南昌市, 南昌市, 南昌市]"), "en")
    assert [line.split(": ")[1] for line in lines] == [
        "province.population.cities[1]",
        "province.population.cities[2]",
    ]


def test_spaced_city_english():
    assert problems(with_cities('[" 南昌市 "]'), "en") == [
        f'{F}:5: province.population.cities[0]: " 南昌市 " is not a city of Jiangxi; '
        f"use one of the full names: {CITIES_EN}"
    ]


def test_spaced_city_chinese():
    assert problems(with_cities('[" 南昌市 "]'), "zh") == [
        f'{F}:5: province.population.cities[0]: " 南昌市 " 不是江西省的设区市；使用全称之一：{CITIES_ZH}'
    ]


def test_city_number_unquoted():
    assert problems(with_cities("[5]"), "en") == [
        f"{F}:5: province.population.cities[0]: 5 is not a city of Jiangxi; "
        f"use one of the full names: {CITIES_EN}"
    ]


def with_wave(cities: str, selector: str) -> str:
    """Return the sample scenario drawing ``cities`` with one rollout wave to ``selector``."""
    wave = f'rollout:\n  - {{name: w, start: 2020-01-01, end: 2020-01-31, units: ["{selector}"]}}\n'
    return with_cities(cities) + wave


def test_wave_to_undrawn_city_english():
    assert problems(with_wave("[萍乡市]", "city:南昌市"), "en") == [
        f"{F}:16: rollout[0].units[0]: city:南昌市 selects no union: 南昌市 is not among the cities "
        "this run draws (province.population.cities: 萍乡市); "
        "add 南昌市 to province.population.cities, or remove this selector"
    ]


def test_wave_to_undrawn_county_chinese():
    assert problems(with_wave("[萍乡市, 九江市]", "county:安义县"), "zh") == [
        f"{F}:16: rollout[0].units[0]: county:安义县 选不到任何工会：南昌市 不在这次运行抽取的城市里"
        "（province.population.cities：萍乡市, 九江市）；把 南昌市 加进 province.population.cities，或删掉这个选择器"
    ]


def test_wave_to_drawn_county_loads():
    scenario = parse_scenario(with_wave("[南昌市]", "county:安义县"), F, "en")
    assert scenario.rollout[0].units == ["county:安义县"]


def test_province_wide_selectors_load():
    # all, pilot and industry: reach units with members in any city, so they stay valid.
    for selector in ("all", "pilot", "industry:教育"):
        assert parse_scenario(with_wave("[萍乡市]", selector), F, "en").rollout[0].units == [selector]


def test_doubled_space_shown_as_written():
    assert problems(with_cities('["南昌  市"]'), "en")[0].startswith(
        f'{F}:5: province.population.cities[0]: "南昌  市" is not a city of Jiangxi'
    )


def test_line_break_shown_escaped():
    assert problems(with_cities('["南昌\\n市"]'), "en")[0].startswith(
        f'{F}:5: province.population.cities[0]: "南昌\\n市" is not a city of Jiangxi'
    )

"""Names of Jiangxi's cities and counties, and the pilot units, for checking scenario files.

Scenario files name places in Chinese, as planners write them (``南昌市``,
``安义县``). The county names come from the region table that python-stdnum ships
for resident ID numbers (``stdnum/cn/loc.dat``). A county-level division counts
when one of its names has no end year in that table, so ``红谷滩区`` (2019) is
known and ``湾里区`` (merged in 2019) is not.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = [
    "CITIES",
    "PILOT_UNITS",
    "PILOT_COUNTIES",
    "NAMED_PILOT_UNITS",
    "county_city",
    "counties_of",
]

#: The 11 prefecture-level cities, in region-code order.
CITIES: tuple[str, ...] = (
    "南昌市",
    "景德镇市",
    "萍乡市",
    "九江市",
    "新余市",
    "鹰潭市",
    "赣州市",
    "吉安市",
    "宜春市",
    "抚州市",
    "上饶市",
)

#: Organisations of the November 2019 to March 2020 pilot that are single unions:
#: three at province level and the office unions of two city federations.
NAMED_PILOT_UNITS: tuple[str, ...] = (
    "省总工会机关工会",
    "省直工委机关工会",
    "国网江西省电力有限公司工会",
    "南昌市总工会机关工会",
    "宜春市总工会机关工会",
)

#: Whole counties in the pilot, with their cities.
PILOT_COUNTIES: dict[str, str] = {
    "安义县": "南昌市",
    "万载县": "宜春市",
    "乐安县": "抚州市",
}

#: The unit selectors that the selector ``pilot`` stands for.
PILOT_UNITS: tuple[str, ...] = (
    *(f"unit:{name}" for name in NAMED_PILOT_UNITS),
    *(f"county:{name}" for name in PILOT_COUNTIES),
)

_PROVINCE_PREFIX = "36"


def county_city(county: str) -> str | None:
    """Return the city that the county-level division ``county`` belongs to, or None."""
    return _county_cities().get(county)


def counties_of(city: str) -> tuple[str, ...]:
    """Return the county-level divisions of ``city`` in region-code order."""
    return tuple(county for county, owner in _county_cities().items() if owner == city)


# Private interface


@cache
def _county_cities() -> dict[str, str]:
    text = (resources.files("stdnum") / "cn" / "loc.dat").read_text(encoding="utf-8")
    city_by_prefix: dict[str, str] = {}
    counties: dict[str, str] = {}
    in_province = False
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            in_province = line.split()[0] == _PROVINCE_PREFIX
            continue
        if not in_province:
            continue

        # A line reads: 0123 county="[1983-]安义县"; codes ending in 00 are cities,
        # codes ending in 01 are the 市辖区 placeholder of a city.
        code, _, value = line.strip().partition(" ")
        name = _current_name(value)
        if name is None or code.endswith("01"):
            continue
        if code.endswith("00"):
            if name in CITIES:
                city_by_prefix[code[:2]] = name
            continue
        city = city_by_prefix.get(code[:2])
        if city is not None:
            counties[name] = city
    if len(set(counties.values())) != len(CITIES):
        raise RuntimeError("stdnum's cn/loc.dat lacks counties for some Jiangxi cities")
    return counties


def _current_name(value: str) -> str | None:
    names = value.partition("=")[2].strip('"')
    current = None
    for part in names.split(","):
        if not part.startswith("["):
            current = part
            continue
        years, _, name = part[1:].partition("]")
        if not years.partition("-")[2]:
            current = name
    return current

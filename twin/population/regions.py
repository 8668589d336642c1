"""Jiangxi's 11 cities and their county-level divisions, with resident-ID region codes.

The division codes come from the region table that python-stdnum ships for
Chinese resident ID numbers (``stdnum/cn/loc.dat``, read from the installed
package). Each code there carries the years it was in force, for example
``0123 county="[1983-]安义县"``. A county-level division is current when one of
its names has no end year. City districts called 市辖区 (codes ending in 01) are
not divisions of their own and are left out.

An ID number keeps the region code under which it was first issued, so a person
born before their county's present code existed carries an older code. stdnum
checks this by requiring the code to be in force in the birth year.
:func:`id_region_code_table` therefore maps each current county and birth year
to the code in force then:

1. the county's own code, if it was in force that year (some codes were reused
   under a new name, such as 郊区 becoming 青山湖区);
2. otherwise a Jiangxi code in force that year under the same name, or under the
   same name without its 区/县/市 suffix (万载县 was 362227 before 2000, 余江区
   was 余江县);
3. otherwise the code found by rules 1 and 2 for the first county of the same
   city that has one. This covers districts created from parts of others, such
   as 红谷滩区 (2019), whose older residents carry a neighbour's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

__all__ = [
    "CENSUS_2020_RESIDENTS",
    "City",
    "County",
    "Divisions",
    "divisions",
    "id_region_code_table",
    "code_in_force",
    "FIRST_TABLE_YEAR",
    "LAST_TABLE_YEAR",
]

#: Residents per city in the 2020 (seventh) national census.
CENSUS_2020_RESIDENTS: dict[str, int] = {
    "南昌市": 6_255_007,
    "景德镇市": 1_618_979,
    "萍乡市": 1_804_805,
    "九江市": 4_600_276,
    "新余市": 1_202_499,
    "鹰潭市": 1_154_223,
    "赣州市": 8_970_014,
    "吉安市": 4_469_176,
    "宜春市": 5_007_702,
    "抚州市": 3_614_866,
    "上饶市": 6_491_088,
}

#: Birth years covered by :func:`id_region_code_table`.
FIRST_TABLE_YEAR = 1900
LAST_TABLE_YEAR = 2099

_PROVINCE_PREFIX = "36"
_SUFFIXES = ("区", "县", "市")


@dataclass(frozen=True, slots=True)
class City:
    """A prefecture-level city, numbered in code order."""

    index: int
    code: str
    name: str
    residents: int


@dataclass(frozen=True, slots=True)
class County:
    """A current county-level division: district (区), county (县) or county-level city (市)."""

    index: int
    code: str
    name: str
    city: int
    kind: str


@dataclass(frozen=True)
class Divisions:
    """The cities and counties of Jiangxi, with lookups by name."""

    cities: tuple[City, ...]
    counties: tuple[County, ...]

    def city(self, name: str) -> City:
        """Return the city called ``name`` (``南昌市``; ``南昌`` also matches)."""
        for city in self.cities:
            if name in (city.name, city.name.removesuffix("市")):
                return city
        known = ", ".join(c.name for c in self.cities)
        raise KeyError(f"unknown city {name!r}; expected one of: {known}")

    def county(self, city: str, name: str) -> County:
        """Return the county ``name`` of ``city`` (``安义县`` of ``南昌市``)."""
        city_index = self.city(city).index
        for county in self.counties:
            if county.city == city_index and county.name == name:
                return county
        known = ", ".join(c.name for c in self.counties_of(city_index))
        raise KeyError(f"unknown county {name!r} in {city}; expected one of: {known}")

    def counties_of(self, city: int) -> tuple[County, ...]:
        return tuple(c for c in self.counties if c.city == city)

    def county_codes(self) -> np.ndarray:
        """Return the six-digit codes of the counties as int32, by county index."""
        return np.array([int(c.code) for c in self.counties], dtype=np.int32)

    def county_city(self) -> np.ndarray:
        """Return the city index of each county as int8, by county index."""
        return np.array([c.city for c in self.counties], dtype=np.int8)


@cache
def divisions() -> Divisions:
    """Read the current cities and counties of Jiangxi from stdnum's region table."""
    entries = _jiangxi_entries()
    cities: list[City] = []
    counties: list[County] = []
    for code in sorted(entries):
        name = _current_name(entries[code])
        if name is None or code.endswith("01"):
            continue
        if code.endswith("00"):
            if name not in CENSUS_2020_RESIDENTS:
                continue
            cities.append(City(len(cities), code, name, CENSUS_2020_RESIDENTS[name]))
            continue
        city = next((c for c in cities if c.code[:4] == code[:4]), None)
        if city is None:
            continue
        kind = {"区": "district", "县": "county", "市": "city"}[name[-1]]
        counties.append(County(len(counties), code, name, city.index, kind))
    missing = set(CENSUS_2020_RESIDENTS) - {c.name for c in cities}
    if missing:
        raise RuntimeError(f"stdnum's region table lacks the cities {sorted(missing)}")
    return Divisions(tuple(cities), tuple(counties))


def code_in_force(code: str, year: int) -> bool:
    """Tell whether the six-digit ``code`` was a Jiangxi region code in ``year``."""
    ranges = _jiangxi_entries().get(code)
    return ranges is not None and any(_covers(r, year) for r in ranges)


@cache
def id_region_code_table() -> np.ndarray:
    """Return the region code for each (county index, birth year) as int32.

    Row ``c``, column ``y - FIRST_TABLE_YEAR`` contains the code in the ID
    number of a member of county ``c`` born in year ``y`` (see the module docstring
    for the rules). The table is read-only.
    """
    division = divisions()
    entries = _jiangxi_entries()
    candidates = [_candidate_codes(county, entries) for county in division.counties]
    years = range(FIRST_TABLE_YEAR, LAST_TABLE_YEAR + 1)
    table = np.zeros((len(division.counties), len(years)), dtype=np.int32)
    for column, year in enumerate(years):
        own = [_first_in_force(codes, year, entries) for codes in candidates]
        for county in division.counties:
            code = own[county.index]
            if code is None:
                siblings = division.counties_of(county.city)
                code = next((own[s.index] for s in siblings if own[s.index]), None)
            if code is None:
                raise RuntimeError(f"no region code for {county.name} in {year}")
            table[county.index, column] = int(code)
    table.setflags(write=False)
    return table


# Private interface

_Range = tuple[int | None, int | None, str]


@cache
def _jiangxi_entries() -> dict[str, tuple[_Range, ...]]:
    text = (resources.files("stdnum") / "cn" / "loc.dat").read_text(encoding="utf-8")
    entries: dict[str, tuple[_Range, ...]] = {}
    in_province = False
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            in_province = line.split()[0] == _PROVINCE_PREFIX
            continue
        if in_province:
            code, _, value = line.strip().partition(" ")
            entries[_PROVINCE_PREFIX + code] = _parse_ranges(value)
    if not entries:
        raise RuntimeError("stdnum's cn/loc.dat has no entries for Jiangxi (36)")
    return entries


def _parse_ranges(value: str) -> tuple[_Range, ...]:
    # value looks like: county="[1983-2001]郊区,[2002-]青山湖区"
    names = value.partition("=")[2].strip('"')
    ranges: list[_Range] = []
    for part in names.split(","):
        if not part.startswith("["):
            ranges.append((None, None, part))
            continue
        years, _, name = part[1:].partition("]")
        start, _, end = years.partition("-")
        ranges.append((int(start) if start else None, int(end) if end else None, name))
    return tuple(ranges)


def _covers(entry: _Range, year: int) -> bool:
    start, end, _ = entry
    return (start is None or year >= start) and (end is None or year <= end)


def _current_name(ranges: tuple[_Range, ...]) -> str | None:
    current = [name for start, end, name in ranges if end is None]
    return current[-1] if current else None


def _stem(name: str) -> str:
    while len(name) > 1 and name.endswith(_SUFFIXES):
        name = name[:-1]
    return name


def _candidate_codes(county: County, entries: dict[str, tuple[_Range, ...]]) -> list[str]:
    # Rules 1 and 2 in order of preference: the county's own code, then codes that
    # carried one of its names, then codes that carried a name with the same stem.
    names = {name for _, _, name in entries[county.code]}
    stems = {_stem(name) for name in names}
    exact: list[str] = []
    similar: list[str] = []
    for code, ranges in sorted(entries.items()):
        if code == county.code or code.endswith(("00", "01")):
            continue
        if any(name in names for _, _, name in ranges):
            exact.append(code)
        elif any(_stem(name) in stems for _, _, name in ranges):
            similar.append(code)
    return [county.code, *exact, *similar]


def _first_in_force(
    codes: list[str], year: int, entries: dict[str, tuple[_Range, ...]]
) -> str | None:
    return next((code for code in codes if any(_covers(r, year) for r in entries[code])), None)

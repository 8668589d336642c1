"""The union hierarchy: federations above, grassroots unions below.

Federations are few (one province federation, 11 city federations, one county
federation per county-level division, and the province industry unions), so
they are a tuple of :class:`Federation`. Grassroots unions number in the tens
of thousands at full scale and live in the arrays of :class:`GrassrootsUnions`.

A grassroots union is attached to exactly one federation (its ``parent``): a
county federation, a province industry union, a city federation (the city
federations' own office unions) or the province federation itself (directly
affiliated units such as 省总工会机关工会). Every grassroots union has a
corporate account at CCB. Members are stored in union order, so the members of
union ``u`` are the index range ``first_member[u] : first_member[u] + size[u]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin.population.params import EMPLOYER_TYPES
from twin.population.streams import counter_hash

__all__ = ["FEDERATION_LEVELS", "Federation", "GrassrootsUnions", "Unions", "PROVINCE_FEDERATION"]

FEDERATION_LEVELS = ("province", "city", "county", "industry")
PROVINCE_FEDERATION = "江西省总工会"


@dataclass(frozen=True, slots=True)
class Federation:
    """A federation of unions; ``city`` and ``county`` are -1 where they do not apply."""

    index: int
    name: str
    level: str
    parent: int
    city: int
    county: int


@dataclass
class GrassrootsUnions:
    """Grassroots unions as columns, one row per union.

    ``county`` and ``city`` are -1 for a unit whose members live all over the
    province. ``names`` maps the index of each named unit to its name.
    ``name_key`` seeds the display names of the other unions.
    """

    parent: np.ndarray  # int16, federation index
    city: np.ndarray  # int8
    county: np.ndarray  # int16
    size: np.ndarray  # int32, members
    first_member: np.ndarray  # int64, index of the first member
    employer_type: np.ndarray  # int8, index into EMPLOYER_TYPES
    has_corporate_account: np.ndarray  # bool
    pilot: np.ndarray  # bool
    names: dict[int, str]
    name_key: int

    def __len__(self) -> int:
        return len(self.size)

    @property
    def nbytes(self) -> int:
        arrays = (
            self.parent,
            self.city,
            self.county,
            self.size,
            self.first_member,
            self.employer_type,
            self.has_corporate_account,
            self.pilot,
        )
        return sum(a.nbytes for a in arrays)

    def members_of(self, union: int) -> slice:
        """Return the member index range of ``union``."""
        start = int(self.first_member[union])
        return slice(start, start + int(self.size[union]))


@dataclass
class Unions:
    """Federations and grassroots unions, with lookups by name."""

    federations: tuple[Federation, ...]
    grassroots: GrassrootsUnions
    county_names: tuple[str, ...]

    def federation(self, name: str) -> Federation:
        """Return the federation called ``name``."""
        for federation in self.federations:
            if federation.name == name:
                return federation
        raise KeyError(f"no federation called {name!r}")

    def find(self, name: str) -> int:
        """Return the index of the grassroots union called ``name`` (a named unit)."""
        for index, unit_name in self.grassroots.names.items():
            if unit_name == name:
                return index
        raise KeyError(f"no named grassroots union called {name!r}")

    def name(self, union: int) -> str:
        """Return the display name of grassroots union ``union``.

        Units without a name of their own get one built from their county, their
        employer type and a hash of their index. Such names may repeat; the index
        identifies a union.
        """
        grassroots = self.grassroots
        if union in grassroots.names:
            return grassroots.names[union]
        county = int(grassroots.county[union])
        place = self.county_names[county] if county >= 0 else "江西省"
        hashed = int(counter_hash(grassroots.name_key, union))
        employer = int(grassroots.employer_type[union])
        return _compose_name(place, employer, hashed)

    def children(self, federation: int) -> np.ndarray:
        """Return the indices of the grassroots unions attached to ``federation``."""
        return np.flatnonzero(self.grassroots.parent == federation)


# Private interface

_BRAND_WORDS = (
    "赣鄱",
    "洪都",
    "庐山",
    "井冈",
    "红土",
    "鄱湖",
    "瓷都",
    "章贡",
    "信江",
    "抚河",
    "修河",
    "袁河",
    "锦江",
    "昌北",
    "滕王",
    "豫章",
    "绿源",
    "恒通",
    "华晟",
    "金桥",
    "新宇",
    "鑫达",
    "永安",
    "宏图",
    "远航",
    "星辰",
    "嘉禾",
    "盛世",
    "天成",
    "联创",
)
_GOVERNMENT = (
    "财政局",
    "教育局",
    "人力资源和社会保障局",
    "自然资源局",
    "市场监督管理局",
    "税务局",
    "公安局",
    "卫生健康委员会",
)
_PUBLIC = (
    "人民医院",
    "中医院",
    "第一中学",
    "实验小学",
    "职业技术学校",
    "疾病预防控制中心",
    "图书馆",
    "妇幼保健院",
)
_SOE = (
    "供电公司",
    "水务集团有限公司",
    "城市建设投资有限公司",
    "公共交通有限公司",
    "燃气有限公司",
    "粮食储备有限公司",
)
_PRIVATE = (
    "电子科技有限公司",
    "食品有限公司",
    "服装有限公司",
    "建材有限公司",
    "物流有限公司",
    "医药有限公司",
    "机械制造有限公司",
    "商贸有限公司",
)
_FOREIGN = (
    "光电（江西）有限公司",
    "精密部件有限公司",
    "汽车零部件有限公司",
    "电子（江西）有限公司",
)
_MIGRANT = (
    "建筑业联合工会",
    "快递物流行业联合工会",
    "家政服务业联合工会",
    "工业园区联合工会",
    "商贸市场联合工会",
)


_TEMPLATES = {
    "government": ("{place}", _GOVERNMENT, "机关工会"),
    "public_institution": ("{place}", _PUBLIC, "工会"),
    "soe": ("{place}", _SOE, "工会"),
    "private": ("江西{brand}", _PRIVATE, "工会"),
    "foreign": ("{brand}", _FOREIGN, "工会"),
    "migrant": ("{place}", _MIGRANT, ""),
}


def _compose_name(place: str, employer: int, hashed: int) -> str:
    prefix, bodies, suffix = _TEMPLATES[EMPLOYER_TYPES[employer]]
    brand = _BRAND_WORDS[hashed % len(_BRAND_WORDS)]
    body = bodies[(hashed >> 16) % len(bodies)]
    return prefix.format(place=place, brand=brand) + body + suffix

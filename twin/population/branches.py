"""CCB branches and the worker service centres that host a CCB window.

Every county-level division has at least one branch; the rest of the
``branches`` total is shared out in proportion to the counties' members
(largest remainder). The branch network is physical, so ``scale`` does not
shrink it: a sampled run has the full network and fewer members.

There is one worker service centre per city (at the city federation) and one
per county (at the county federation). A share of them host a CCB window that
takes batch card applications; the centres of pilot cities and counties always
do. A window hands its applications to the first branch of its county.

A draw of some cities only (``cities``) keeps the branches and centres that
the whole province has in those cities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from twin.population.allocation import apportion, county_shares, drawn_cities, seat_county
from twin.population.params import PopulationParams
from twin.population.regions import Divisions
from twin.population.streams import Streams

__all__ = [
    "Branches",
    "ServiceCentres",
    "build_branches",
    "build_service_centres",
    "minutes_to_time",
]

_ORDINALS = ("", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十")


@dataclass
class Branches:
    """CCB branches as columns; ``ids`` and ``names`` are per branch.

    Opening hours are minutes after local midnight. ``open_rest_days`` marks
    branches that also open on weekends and holidays.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    city: np.ndarray  # int8
    county: np.ndarray  # int16
    counters: np.ndarray  # int8
    staff: np.ndarray  # int16
    opens_minute: np.ndarray  # int16
    closes_minute: np.ndarray  # int16
    open_rest_days: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.ids)

    def in_county(self, county: int) -> np.ndarray:
        """Return the indices of the branches in ``county``."""
        return np.flatnonzero(self.county == county)

    def find(self, branch_id: str) -> int:
        """Return the index of the branch with id ``branch_id``."""
        try:
            return self.ids.index(branch_id)
        except ValueError:
            raise KeyError(f"no branch with id {branch_id!r}") from None


@dataclass
class ServiceCentres:
    """Worker service centres (职工服务中心) of the city and county federations.

    ``county`` is -1 for a city centre. ``branch`` is the branch that takes the
    applications of the centre's CCB window.
    """

    names: tuple[str, ...]
    federation: np.ndarray  # int16
    city: np.ndarray  # int8
    county: np.ndarray  # int16
    hosts_window: np.ndarray  # bool
    branch: np.ndarray  # int16

    def __len__(self) -> int:
        return len(self.names)


def build_branches(params: PopulationParams, division: Divisions, streams: Streams) -> Branches:
    """Place the branches in the counties and give each its counters and hours."""
    county_count = len(division.counties)
    extra = max(params.branches - county_count, 0)
    per_county = 1 + apportion(extra, county_shares(params, division))
    per_county[~drawn_cities(params, division)[division.county_city()]] = 0
    county = np.repeat(np.arange(county_count, dtype=np.int16), per_county)
    total = len(county)

    ids: list[str] = []
    names: list[str] = []
    for c in division.counties:
        city_name = division.cities[c.city].name.removesuffix("市")
        for k in range(per_county[c.index]):
            ids.append(f"ccb-{c.code}-{k + 1:02d}")
            ordinal = _ORDINALS[k] if k < len(_ORDINALS) else f"第{k + 1}"
            names.append(f"建行{city_name}{_short(c.name)}{ordinal}支行")

    rng = streams.stream("branches")
    low, high = params.branch_counters
    counters = rng.integers(low, high + 1, size=total).astype(np.int8)
    opens = params.branch_opens_at.hour * 60 + params.branch_opens_at.minute
    closes = params.branch_closes_at.hour * 60 + params.branch_closes_at.minute
    return Branches(
        ids=tuple(ids),
        names=tuple(names),
        city=division.county_city()[county],
        county=county,
        counters=counters,
        staff=(counters.astype(np.int16) + params.branch_extra_staff).astype(np.int16),
        opens_minute=np.full(total, opens, dtype=np.int16),
        closes_minute=np.full(total, closes, dtype=np.int16),
        open_rest_days=rng.random(total) < params.branch_rest_day_share,
    )


def build_service_centres(
    params: PopulationParams,
    division: Divisions,
    federation_index: dict[str, int],
    branches: Branches,
    streams: Streams,
) -> ServiceCentres:
    """Create one centre per city and county federation and decide which host a window."""
    names: list[str] = []
    federation: list[int] = []
    city: list[int] = []
    county: list[int] = []
    branch: list[int] = []
    drawn = drawn_cities(params, division)
    for c in division.cities:
        if not drawn[c.index]:
            continue
        names.append(f"{c.name}职工服务中心")
        federation.append(federation_index[f"{c.name}总工会"])
        city.append(c.index)
        county.append(-1)
        branch.append(int(branches.in_county(seat_county(division, c.index).index)[0]))
    for c in division.counties:
        if not drawn[c.city]:
            continue
        city_name = division.cities[c.city].name
        names.append(f"{city_name}{c.name}职工服务中心")
        federation.append(federation_index[f"{city_name}{c.name}总工会"])
        city.append(c.city)
        county.append(c.index)
        branch.append(int(branches.in_county(c.index)[0]))

    hosts = (
        streams.stream("service_centres").random(len(names)) < params.service_centre_window_share
    )
    pilot_counties = {division.county(ci, co).index for ci, co in params.pilot_counties}
    pilot_cities = {division.city(ci).index for ci, _ in params.pilot_counties}
    pilot_cities |= {
        c.index for c in division.cities if f"{c.name}总工会机关工会" in params.pilot_units
    }
    for i in range(len(names)):
        if county[i] in pilot_counties or (county[i] == -1 and city[i] in pilot_cities):
            hosts[i] = True
    return ServiceCentres(
        names=tuple(names),
        federation=np.array(federation, dtype=np.int16),
        city=np.array(city, dtype=np.int8),
        county=np.array(county, dtype=np.int16),
        hosts_window=hosts,
        branch=np.array(branch, dtype=np.int16),
    )


def minutes_to_time(minutes: int) -> dt.time:
    """Turn minutes after midnight into a ``datetime.time``."""
    return dt.time(minutes // 60, minutes % 60)


def _short(county_name: str) -> str:
    # 东湖区 -> 东湖, 安义县 -> 安义; a two-character name keeps its suffix.
    return county_name[:-1] if len(county_name) > 2 else county_name

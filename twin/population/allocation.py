"""Allocation of members to counties and of county members to grassroots unions.

1. Each city gets members in proportion to its census residents. Inside a city,
   each county-level division gets a share in proportion to the weight of its
   kind (district, county-level city, county; see ``county_weights``). Whole
   numbers are apportioned by largest remainder, so the counts add up exactly.
2. Named units take their members first: the pilot and directly affiliated
   units, and each city federation's own office union. A unit takes them from
   its home county. A unit spread over the province takes them from every
   county in proportion to what is left there, by a multivariate
   hypergeometric draw, which never takes more than a county has. A unit
   must fit its county at full scale. At a very small scale it gets only
   what is left there, possibly no one.
3. What remains is cut into grassroots unions with lognormal sizes (mean
   ``grassroots_mean_size``, log-scale spread ``grassroots_size_sigma``, at least
   ``grassroots_min_size``): most unions are small, a few are very large. A
   union that would straddle two counties is cut at the county boundary, so the
   last union of a county can be smaller than the minimum.
4. Each county union is attached to a province industry union with probability
   ``industry_attachment_share`` (picked by ``industry_unions`` weight), else to
   its county federation, and gets an employer type drawn by ``employer_shares``.

A draw of some cities only (``cities``) allocates the whole province as above
and keeps what falls in those cities: the same members per county, the named
units of those cities and the spread units' members there. Only the cut into
grassroots unions differs, because it is drawn for those counties alone.
"""

from __future__ import annotations

import numpy as np

from twin.population.params import EMPLOYER_TYPES, NamedUnit, ParamsError, PopulationParams
from twin.population.regions import County, Divisions
from twin.population.streams import Streams
from twin.population.unions import (
    PROVINCE_FEDERATION,
    Federation,
    GrassrootsUnions,
    Unions,
)

__all__ = [
    "allocate_unions",
    "apportion",
    "county_member_counts",
    "county_shares",
    "drawn_cities",
    "seat_county",
]


def county_shares(params: PopulationParams, division: Divisions) -> np.ndarray:
    """Return each county's share of the province's members (float64, sums to 1)."""
    total_residents = sum(params.city_residents.values())
    shares = np.zeros(len(division.counties))
    for city in division.cities:
        counties = division.counties_of(city.index)
        weights = np.array([params.county_weights.get(c.kind, 0.0) for c in counties])
        if weights.sum() <= 0:
            weights = np.ones(len(counties))
        city_share = params.city_residents.get(city.name, 0) / total_residents
        for county, weight in zip(counties, weights / weights.sum(), strict=True):
            shares[county.index] = city_share * weight
    return shares


def county_member_counts(params: PopulationParams, division: Divisions) -> np.ndarray:
    """Return the number of members of each county (int64, by county index)."""
    return apportion(params.member_count, county_shares(params, division))


def drawn_cities(params: PopulationParams, division: Divisions) -> np.ndarray:
    """Return which cities the draw keeps (bool, by city index): ``params.cities``, or all."""
    if not params.cities:
        return np.ones(len(division.cities), dtype=bool)
    return np.array([city.name in params.cities for city in division.cities])


def apportion(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` into whole numbers in proportion to ``shares`` (largest remainder)."""
    quotas = np.asarray(shares, dtype=float) / np.sum(shares) * total
    counts = np.floor(quotas).astype(np.int64)
    remainder = total - int(counts.sum())
    order = np.argsort(-(quotas - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts


def seat_county(division: Divisions, city: int) -> County:
    """Return the county that hosts a city's federation: its first district in code order."""
    counties = division.counties_of(city)
    return next((c for c in counties if c.kind == "district"), counties[0])


def allocate_unions(
    params: PopulationParams, division: Divisions, streams: Streams
) -> tuple[Unions, np.ndarray]:
    """Build the union hierarchy and return it with each member's county (int16).

    Members are numbered in union order, so the returned county array is
    aligned with ``first_member`` and ``size`` of the grassroots unions.
    """
    federations = _federations(params, division)
    pool = county_member_counts(params, division)
    units = _named_units(params, division)

    # Named units take their members out of the county pool first. Whether a
    # unit fits is judged at full scale, so that rounding at a tiny scale
    # (a county of 0 members) shrinks the unit instead of failing.
    unit_counties: list[np.ndarray] = []
    spread_rng = streams.stream("unions/spread")
    full_pool = county_shares(params, division) * params.members
    for unit, county in units:
        full_pool = _take_full_scale(unit, county, full_pool)
        size = max(1, round(unit.members * params.scale))
        if county is None:
            size = min(size, int(pool.sum()))
            counts = spread_rng.multivariate_hypergeometric(pool, size)
        else:
            size = min(size, int(pool[county.index]))
            counts = np.zeros_like(pool)
            counts[county.index] = size
        pool = pool - counts
        unit_counties.append(np.repeat(np.arange(len(pool), dtype=np.int16), counts))

    # A draw of some cities keeps their part of the province and no more.
    kept = drawn_cities(params, division)[division.county_city()]
    if not kept.all():
        pool = np.where(kept, pool, 0)
        placed = [
            (unit, county, members[kept[members]])
            for (unit, county), members in zip(units, unit_counties, strict=True)
            if county is None or kept[county.index]
        ]
        units = [(unit, county) for unit, county, _ in placed]
        unit_counties = [members for _, _, members in placed]

    # The rest of each county is cut into grassroots unions.
    piece_sizes, piece_county = _cut_into_unions(params, pool, streams.stream("unions/sizes"))
    parents = _attach(params, division, federations, piece_county, streams.stream("unions/parent"))
    employer = (
        streams.stream("unions/employer")
        .choice(
            len(EMPLOYER_TYPES),
            size=len(piece_sizes),
            p=_probabilities(params.employer_shares, EMPLOYER_TYPES),
        )
        .astype(np.int8)
    )

    # Assemble the columns: named units first, then county unions by county.
    federation_index = {f.name: f.index for f in federations}
    named_parent = [_parent_index(unit, division, federation_index) for unit, _ in units]
    named_county = [-1 if county is None else county.index for _, county in units]
    named_sizes = [len(c) for c in unit_counties]
    county_city = division.county_city()

    size = np.concatenate([np.array(named_sizes, dtype=np.int32), piece_sizes.astype(np.int32)])
    county = np.concatenate([np.array(named_county, dtype=np.int16), piece_county.astype(np.int16)])
    city = np.where(county >= 0, county_city[np.maximum(county, 0)], -1).astype(np.int8)
    first_member = np.zeros(len(size), dtype=np.int64)
    np.cumsum(size[:-1], out=first_member[1:])
    named_employer = [EMPLOYER_TYPES.index(unit.employer_type) for unit, _ in units]

    grassroots = GrassrootsUnions(
        parent=np.concatenate([np.array(named_parent, dtype=np.int16), parents]),
        city=city,
        county=county,
        size=size,
        first_member=first_member,
        employer_type=np.concatenate([np.array(named_employer, dtype=np.int8), employer]),
        has_corporate_account=np.ones(len(size), dtype=bool),
        pilot=np.zeros(len(size), dtype=bool),
        names={i: unit.name for i, (unit, _) in enumerate(units)},
        name_key=streams.key64("unions/names"),
    )
    _mark_pilots(params, division, grassroots)
    member_county = np.concatenate(
        [*unit_counties, np.repeat(piece_county.astype(np.int16), piece_sizes)]
    )
    county_names = tuple(c.name for c in division.counties)
    return Unions(tuple(federations), grassroots, county_names), member_county


# Private interface


def _federations(params: PopulationParams, division: Divisions) -> list[Federation]:
    federations = [Federation(0, PROVINCE_FEDERATION, "province", -1, -1, -1)]
    city_federation: dict[int, int] = {}
    for city in division.cities:
        city_federation[city.index] = len(federations)
        federations.append(
            Federation(len(federations), f"{city.name}总工会", "city", 0, city.index, -1)
        )
    for county in division.counties:
        name = f"{division.cities[county.city].name}{county.name}总工会"
        parent = city_federation[county.city]
        federations.append(
            Federation(len(federations), name, "county", parent, county.city, county.index)
        )
    for name in params.industry_unions:
        federations.append(Federation(len(federations), name, "industry", 0, -1, -1))
    return federations


def _take_full_scale(unit: NamedUnit, county: County | None, full_pool: np.ndarray) -> np.ndarray:
    """Return the full-scale pool without ``unit``; raise ParamsError when the unit does not fit."""
    if county is None:
        left = float(full_pool.sum())
        if unit.members > left:
            raise ParamsError(
                "named_units",
                unit.name,
                f"at most {left:,.0f} members left in the province at full scale; lower the unit's members",
            )
        return full_pool - unit.members * full_pool / left
    left = float(full_pool[county.index])
    if unit.members > left:
        raise ParamsError(
            "named_units",
            unit.name,
            f"at most {left:,.0f} members in {county.name} at full scale; lower the unit's members",
        )
    remaining = full_pool.copy()
    remaining[county.index] -= unit.members
    return remaining


def _named_units(
    params: PopulationParams, division: Divisions
) -> list[tuple[NamedUnit, County | None]]:
    units = list(params.named_units)
    names = {unit.name for unit in units}
    for city in division.cities:
        name = f"{city.name}总工会机关工会"
        if name not in names:
            seat = seat_county(division, city.index)
            members = params.city_office_union_members
            units.append(NamedUnit(name, "city", city.name, seat.name, members, "government"))
    placed: list[tuple[NamedUnit, County | None]] = []
    for unit in units:
        try:
            county = division.county(unit.city, unit.county)
        except KeyError as error:
            raise ParamsError("named_units", unit.name, error.args[0]) from None
        placed.append((unit, None if unit.spread else county))
    return placed


def _parent_index(unit: NamedUnit, division: Divisions, federation_index: dict[str, int]) -> int:
    if unit.parent == "province":
        return federation_index[PROVINCE_FEDERATION]
    if unit.parent == "city":
        return federation_index[f"{division.city(unit.city).name}总工会"]
    return federation_index[unit.parent]


def _cut_into_unions(
    params: PopulationParams, pool: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    total = int(pool.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sigma = params.grassroots_size_sigma
    mu = np.log(params.grassroots_mean_size) - sigma**2 / 2

    # Draw sizes until they cover every member, then cut at county boundaries.
    sizes: list[np.ndarray] = []
    drawn = 0
    while drawn < total:
        batch = int((total - drawn) / params.grassroots_mean_size * 1.1) + 64
        draw = np.maximum(params.grassroots_min_size, np.rint(rng.lognormal(mu, sigma, batch)))
        sizes.append(draw.astype(np.int64))
        drawn += int(sizes[-1].sum())
    union_ends = np.cumsum(np.concatenate(sizes))
    union_ends = union_ends[union_ends < total]
    county_ends = np.cumsum(pool)
    ends = np.union1d(union_ends, county_ends)
    ends = ends[ends > 0]
    starts = np.concatenate([[0], ends[:-1]])
    county = np.searchsorted(county_ends, starts, side="right")
    return ends - starts, county


def _attach(
    params: PopulationParams,
    division: Divisions,
    federations: list[Federation],
    county: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    county_federation = np.array(
        [f.index for f in federations if f.level == "county"], dtype=np.int16
    )
    industry = np.array([f.index for f in federations if f.level == "industry"], dtype=np.int16)
    parent = county_federation[county]
    if len(industry) == 0 or params.industry_attachment_share == 0:
        return parent
    attached = rng.random(len(county)) < params.industry_attachment_share
    weights = np.array(list(params.industry_unions.values()), dtype=float)
    picks = rng.choice(len(industry), size=int(attached.sum()), p=weights / weights.sum())
    parent[attached] = industry[picks]
    return parent


def _probabilities(weights: dict[str, float], order: tuple[str, ...]) -> np.ndarray:
    values = np.array([weights.get(key, 0.0) for key in order], dtype=float)
    return values / values.sum()


def _mark_pilots(
    params: PopulationParams, division: Divisions, grassroots: GrassrootsUnions
) -> None:
    for index, name in grassroots.names.items():
        if name in params.pilot_units:
            grassroots.pilot[index] = True
    named = {unit.name for unit, _ in _named_units(params, division)}
    missing = set(params.pilot_units) - named
    if missing:
        raise ParamsError(
            "pilot_units", sorted(missing)[0], "the name of a named unit or city office union"
        )
    for city, county_name in params.pilot_counties:
        try:
            county = division.county(city, county_name)
        except KeyError as error:
            raise ParamsError("pilot_counties", (city, county_name), error.args[0]) from None
        grassroots.pilot |= grassroots.county == county.index

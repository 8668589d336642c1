"""Merchants that accept the card, per city and county.

The number of merchants follows the members (``merchants_per_10k_members``,
scaled), split between cities in proportion to their members, at least one per
city. Inside a city a merchant's county is drawn in proportion to the
counties' members. Each merchant gets a merchant category code (MCC) drawn by
``mcc_shares``. A share of merchants are designated merchants, where the
welfare account pays, and a share of the designated merchants run a CCB union
card campaign (a discount).

A draw of some cities only (``cities``) keeps the merchants that the whole
province has in those cities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin.population.allocation import apportion, county_shares, drawn_cities
from twin.population.params import PopulationParams
from twin.population.regions import Divisions
from twin.population.streams import Streams, counter_hash

__all__ = ["MCC_NAMES", "Merchants", "build_merchants"]

#: A shop-name word for each MCC the twin models.
MCC_NAMES = {
    "5411": "超市",
    "5812": "餐厅",
    "5541": "加油站",
    "4111": "公交客运",
    "5912": "大药房",
    "7832": "影城",
    "5499": "便利店",
    "5311": "百货",
}

_BRANDS = (
    "惠民",
    "洪城",
    "万家",
    "赣味",
    "天虹",
    "瓷都",
    "老表",
    "庐山",
    "井冈",
    "滕王阁",
    "百姓",
    "家乐",
    "福满",
    "鄱湖",
    "红谷",
    "金穗",
    "康泰",
    "同心",
    "好又多",
    "四季",
)


@dataclass
class Merchants:
    """Merchants as columns; ``mcc`` indexes ``mcc_codes``."""

    city: np.ndarray  # int8
    county: np.ndarray  # int16
    mcc: np.ndarray  # int8
    designated: np.ndarray  # bool
    campaign: np.ndarray  # bool
    mcc_codes: tuple[str, ...]
    name_key: int
    county_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.city)

    @staticmethod
    def merchant_id(index: int) -> str:
        """Return the merchant id of ``index``, as terminals and reports show it."""
        return f"m{index:07d}"

    def mcc_code(self, index: int) -> str:
        return self.mcc_codes[int(self.mcc[index])]

    def name(self, index: int) -> str:
        """Return a display name built from the county, a brand word and the category.

        Names may repeat; the merchant id identifies a merchant.
        """
        hashed = int(counter_hash(self.name_key, index))
        brand = _BRANDS[hashed % len(_BRANDS)]
        county = self.county_names[int(self.county[index])]
        return f"{county}{brand}{MCC_NAMES.get(self.mcc_code(index), '商户')}"


def build_merchants(params: PopulationParams, division: Divisions, streams: Streams) -> Merchants:
    """Draw the merchants of the province."""
    shares = county_shares(params, division)
    county_city = division.county_city()
    city_shares = np.bincount(county_city, weights=shares, minlength=len(division.cities))
    wanted = round(params.member_count / 10_000 * params.merchants_per_10k_members)
    city_count = len(division.cities)
    per_city = 1 + apportion(max(wanted - city_count, 0), city_shares)
    per_city[~drawn_cities(params, division)] = 0
    city = np.repeat(np.arange(city_count, dtype=np.int8), per_city)
    total = len(city)

    # A county inside the city, by the counties' shares of the city.
    rng = streams.stream("merchants")
    county = np.empty(total, dtype=np.int16)
    for c in range(city_count):
        rows = np.flatnonzero(city == c)
        counties = np.flatnonzero(county_city == c)
        weights = shares[counties]
        weights = (
            weights / weights.sum()
            if weights.sum() > 0
            else np.full(len(counties), 1 / len(counties))
        )
        county[rows] = rng.choice(counties, size=len(rows), p=weights)

    codes = params.mcc_codes
    mcc_weights = np.array([params.mcc_shares.get(code, 0.0) for code in codes])
    mcc = rng.choice(len(codes), size=total, p=mcc_weights / mcc_weights.sum()).astype(np.int8)
    designated = rng.random(total) < params.designated_share
    campaign = designated & (rng.random(total) < params.campaign_share)
    return Merchants(
        city=city,
        county=county,
        mcc=mcc,
        designated=designated,
        campaign=campaign,
        mcc_codes=codes,
        name_key=streams.key64("merchants/names"),
        county_names=tuple(c.name for c in division.counties),
    )

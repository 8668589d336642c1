"""Unit selectors of rollout waves, disbursements and faults, as masks over grassroots unions.

A selector names unions by where they sit in the federation tree:

``all``            every grassroots union
``pilot``          the pilot units (the named units and the whole pilot counties)
``city:南昌市``     unions under the city's federation: its office union and every
                   union of its county federations. Units attached to an industry
                   union or directly to the province federation are not included,
                   because they report outside the city.
``county:安义县``   unions under that county's federation
``industry:教育``   unions attached to a province industry union whose name contains
                   the text, or that the sector table below places there
``unit:<name>``    the named grassroots union of that name
``union:<id>``     a scenario actor; it selects no union of the synthetic crowd
"""

from __future__ import annotations

import logging

import numpy as np

from twin.population import Province

__all__ = ["select_unions", "INDUSTRY_SECTORS"]

log = logging.getLogger(__name__)

#: Sectors that scenario files name, and the province industry union whose
#: members work in them, for sectors that its name does not spell out.
INDUSTRY_SECTORS = {
    "电力": "江西省能源化学地质工会",
    "能源": "江西省能源化学地质工会",
    "教育": "江西省教科文卫体工会",
    "卫生": "江西省教科文卫体工会",
    "金融": "江西省财贸轻纺烟草工会",
    "商贸": "江西省财贸轻纺烟草工会",
    "邮政": "江西省交通运输邮电工会",
    "机关": "江西省直机关工会工作委员会",
}


def select_unions(province: Province, selector: str) -> np.ndarray:
    """Return a bool per grassroots union: selected by ``selector``."""
    unions = province.unions
    grassroots = unions.grassroots
    count = len(grassroots)
    if selector == "all":
        return np.ones(count, dtype=bool)
    if selector == "pilot":
        return grassroots.pilot.copy()

    kind, _, name = selector.partition(":")
    federations = unions.federations
    if kind == "city":
        city = province.division.city(name).index
        tree = [f.index for f in federations if f.level in ("city", "county") and f.city == city]
        return np.isin(grassroots.parent, tree)
    if kind == "county":
        tree = [f.index for f in federations if f.level == "county" and f.county >= 0
                and province.division.counties[f.county].name == name]
        return np.isin(grassroots.parent, tree)
    if kind == "industry":
        target = INDUSTRY_SECTORS.get(name)
        tree = [f.index for f in federations if f.level == "industry" and (name in f.name or f.name == target)]
        if not tree:
            log.warning("selector %s matches no industry union", selector)
        return np.isin(grassroots.parent, tree)
    if kind == "unit":
        mask = np.zeros(count, dtype=bool)
        for index, unit_name in grassroots.names.items():
            if unit_name == name:
                mask[index] = True
        return mask
    # union:<id> names a scenario actor, which the crowd does not hold.
    return np.zeros(count, dtype=bool)


def select_any(province: Province, selectors: list[str]) -> np.ndarray:
    """Return a bool per grassroots union: selected by at least one of ``selectors``."""
    mask = np.zeros(len(province.unions.grassroots), dtype=bool)
    for selector in selectors:
        mask |= select_unions(province, selector)
    return mask

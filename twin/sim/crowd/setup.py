"""The province's unions and merchants, opened at the bank when the run starts.

Every grassroots union gets a corporate account funded with the scenario's
``corporate_balance_per_member`` times its members, and again on each
1 January of the run: the union's welfare budget for the year. Every merchant
is added to the issuer with its category and designated flag; a merchant that
matches a scenario campaign (designated only if the campaign says so, its
categories and cities if it lists them) gets that campaign's discount, paid
from the campaign's own subsidy account.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from twin.authorization import Campaign
from twin.calendar import to_local

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["MerchantDirectory", "open_unions", "add_merchants", "fund_unions_yearly"]


class MerchantDirectory:
    """The crowd's merchants by city: all of them, and the designated ones."""

    def __init__(self, crowd: Crowd) -> None:
        merchants = crowd.province.merchants
        cities = len(crowd.province.division.cities)
        self.ids = [f"c:{merchants.merchant_id(index)}" for index in range(len(merchants))]
        self.designated = merchants.designated
        self.all_in_city = [np.flatnonzero(merchants.city == city) for city in range(cities)]
        self.designated_in_city = [np.flatnonzero((merchants.city == city) & merchants.designated)
                                   for city in range(cities)]
        cinema = np.flatnonzero(np.array(merchants.mcc_codes)[merchants.mcc] == "7832")
        #: Merchants that sell the app's flash-sale tickets (cinemas, or any merchant if there is none).
        self.ticket_sellers = cinema if len(cinema) else np.arange(len(merchants))

    def pick(self, city: int, designated: bool, unit: float) -> int:
        """Return a merchant of ``city`` chosen by ``unit`` in [0, 1): a designated one if asked and any exists."""
        pool = self.designated_in_city[city] if designated else self.all_in_city[city]
        if not len(pool):
            pool = self.all_in_city[city]
        return int(pool.item(min(int(unit * len(pool)), len(pool) - 1)))


def open_unions(crowd: Crowd) -> None:
    """Open and fund a corporate account for every grassroots union."""
    per_member = crowd.scenario.province.unions.corporate_balance_per_member
    issuer = crowd.world.issuer
    sizes = crowd.province.unions.grassroots.size
    for union in range(len(sizes)):
        issuer.open_union_account(crowd.state.union_id(union), int(sizes[union]) * per_member)


def fund_unions_yearly(crowd: Crowd):
    """SimPy process: pay each union its yearly welfare budget on every 1 January of the run."""
    world = crowd.world
    per_member = crowd.scenario.province.unions.corporate_balance_per_member
    sizes = crowd.province.unions.grassroots.size
    year = world.now().year
    while True:
        year += 1
        new_year = to_local(dt.datetime(year, 1, 1))
        if new_year >= crowd.scenario.end:
            return
        yield world.env.timeout(world.clock.seconds_until(new_year))
        for union in range(len(sizes)):
            world.issuer.fund_union(crowd.state.union_id(union), int(sizes[union]) * per_member)


def add_merchants(crowd: Crowd, directory: MerchantDirectory) -> None:
    """Add every merchant to the issuer, with the first scenario campaign it takes part in."""
    merchants = crowd.province.merchants
    issuer = crowd.world.issuer
    city_names = [city.name for city in crowd.province.division.cities]
    campaigns = []
    for spec in crowd.scenario.province.merchants.campaigns:
        subsidy = issuer.open_campaign_account(f"crowd:{spec.name}")
        campaign = Campaign(
            spec.name,
            Decimal(1) - Decimal(spec.discount),
            subsidy,
            max_discount=spec.max_discount_per_purchase or 0,
            starts=spec.start,
            ends=spec.end,
        )
        campaigns.append((spec, campaign))
    for index in range(len(merchants)):
        mcc = merchants.mcc_code(index)
        designated = bool(merchants.designated[index])
        city = city_names[int(merchants.city[index])]
        chosen = None
        for spec, campaign in campaigns:
            if spec.designated_only and not designated:
                continue
            if spec.mcc and mcc not in spec.mcc:
                continue
            if spec.cities and city not in spec.cities:
                continue
            chosen = campaign
            break
        issuer.add_merchant(directory.ids[index], merchants.name(index), mcc, designated, chosen)

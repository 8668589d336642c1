"""The Nanchang transit wallet (洪城一卡通): top-ups, rides and their clearing.

When a member of 南昌市 activates a card, they start riding with it with the
scenario's ``transit.uptake``, drawn among those who ride buses or the metro
at all (the population's ``transit_user``), and top the wallet up at once.
Each day a rider takes Poisson ``rides_per_day`` rides at commuting hours, on
the metro with ``metro_share`` over a log-normal distance, else by bus in
their county (进贤县 pays the full fare). Fares come from
:mod:`twin.sim.fares`.

A ride is paid offline from the chip's e-purse. When the purse cannot pay,
the rider first tops it up at a kiosk: a request with the PIN through the
core, from the main account to the wallet account. A rider whose top-up
fails pays cash, which is counted. At 23:30 the operator clears the day's rides:
each one a transfer from the member's wallet account to the transit clearing
account.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from twin.authorization import Channel, Kind
from twin.ledger import Transfer, TransferCode, TransferResult
from twin.sim.crowd.plan import Planned
from twin.sim.crowd.state import CardState
from twin.sim.crowd.terminals import kiosk_terminal
from twin.sim.fares import bus_fare, metro_fare

if TYPE_CHECKING:
    from twin.sim.crowd.crowd import Crowd

__all__ = ["Transit", "COMMUTE_PROFILE", "METRO_DISTANCE_KM"]

#: Relative ride activity in each local hour: morning and evening commutes.
#: NOTE: a modelling estimate of a city's transit day.
COMMUTE_PROFILE = (0, 0, 0, 0, 0, 0.3, 1.2, 3.0, 3.2, 1.5, 1.0, 1.0, 1.2, 1.0, 1.0, 1.1, 1.4,
                   2.8, 3.0, 1.6, 1.0, 0.7, 0.4, 0.1)

#: Median and spread (sigma of the underlying normal) of a metro trip in km,
#: kept between 1 and 40 km. NOTE: a modelling estimate.
METRO_DISTANCE_KM = (8.0, 0.6)

#: Local time the operator clears the day's rides to the ledger.
CLEARING_AT = 23.5 * 3600
_CITY = "南昌市"


class Transit:
    """Riders of the Nanchang network and their wallets."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        self.state = crowd.state
        self.behaviour = crowd.scenario.behaviour.transit
        self.rules = crowd.scenario.programme.transit
        self._rng = crowd.streams.stream("transit")
        members = crowd.province.members
        self.city = crowd.province.division.city(_CITY).index
        in_city = members.city == self.city
        users = float(members.transit_user[in_city].mean()) if in_city.any() else 0.0
        #: Chance that a transit user of the city rides with the card, so that
        #: ``uptake`` of the city's card holders do.
        self.rider_chance = min(1.0, self.behaviour.uptake / users) if users else 0.0
        profile = np.array(COMMUTE_PROFILE, dtype=float)
        self._hours = profile / profile.sum()
        self._county_names = [county.name for county in crowd.province.division.counties]
        self._rides: list[tuple[int, int]] = []

    def card_activated(self, member: int, before_run: bool) -> None:
        """Decide whether a member who just activated rides with the card, and top the wallet up."""
        members = self.crowd.province.members
        if members.city[member] != self.city or not members.transit_user[member]:
            return
        if self._rng.random() >= self.rider_chance:
            return
        self.state.transit[member] = True
        if not before_run:
            self.world.recorder.count("transit_signups")
            self.top_up(member)

    # The day

    def plan_day(self, day: dt.date, first_second: float) -> list[Planned]:
        riders = np.flatnonzero(self.state.transit & (self.state.card == CardState.ACTIVE))
        plans = []
        counts = self._rng.poisson(self.behaviour.rides_per_day, len(riders))
        passengers = np.repeat(riders, counts)
        if len(passengers):
            count = len(passengers)
            times = self._rng.choice(24, count, p=self._hours) * 3600.0 + self._rng.random(count) * 3600.0
            metro = self._rng.random(count) < self.behaviour.metro_share
            median, sigma = METRO_DISTANCE_KM
            distance = np.clip(median * np.exp(sigma * self._rng.standard_normal(count)), 1.0, 40.0)
            keep = times >= first_second
            passengers, times, metro, distance = passengers[keep], times[keep], metro[keep], distance[keep]

            def ride(row: int) -> None:
                self.ride(int(passengers[row]), bool(metro[row]), float(distance[row]))

            plans.append(Planned(times, ride))
        if first_second <= CLEARING_AT:
            plans.append(Planned(np.array([CLEARING_AT]), lambda row: self.clear(day)))
        return plans

    def ride(self, member: int, metro: bool, distance_km: float) -> None:
        """Pay one ride from the chip's e-purse, topping it up first if it cannot pay."""
        if self.state.card.item(member) != CardState.ACTIVE:
            return
        if metro:
            fare = metro_fare(self.rules, Decimal(f"{distance_km:.1f}"))
        else:
            fare = bus_fare(self.rules, self._county_names[int(self.crowd.province.members.county[member])])
        terminals = self.crowd.terminals
        if terminals.purse_balance(member) < fare:
            self.top_up(member)
        if terminals.purse_balance(member) < fare:
            self.world.recorder.count("transit_rides_paid_cash")
            return
        terminals.debit_purse(member, fare)
        self._rides.append((member, fare))

    def top_up(self, member: int) -> None:
        """Top the wallet up at a kiosk: main account to wallet account, then load the e-purse."""
        self.crowd.terminals.chip(member)
        card = self.crowd.card(member)
        ledger = self.world.ledger
        room = self.rules.epurse_cap - ledger.account(card.accounts.transit_wallet).balance
        spec = self.behaviour.topup
        drawn = int(round(spec.median * float(np.exp(spec.sigma * self._rng.standard_normal())), -2))
        amount = min(max(drawn, 1000), room)
        if amount < 100 or not self.crowd.spending.make_room(member, amount):
            return
        county = int(self.crowd.province.members.county[member])
        response = self.crowd.terminals.send(member, Kind.TRANSIT_TOPUP, Channel.TRANSIT_KIOSK,
                                             kiosk_terminal(county), amount=amount, pin=self.state.pin(member))
        if response is not None and response.approved:
            self.crowd.terminals.load_purse(member, amount)

    def clear(self, day: dt.date) -> None:
        """Clear the day's rides: a transfer per ride from the wallet account to the operator."""
        rides, self._rides = self._rides, []
        if not rides:
            return
        world = self.world
        clearing = world.issuer.system.transit_clearing
        transfers = []
        for member, fare in rides:
            card = self.crowd.card(member)
            transfers.append(Transfer(world.ledger.new_id(), card.accounts.transit_wallet, clearing, fare,
                                      TransferCode.TRANSIT_FARE, batch_id=f"transit:{day:%Y%m%d}"))
        results = world.ledger.create_transfers(transfers)
        for (member, fare), result in zip(rides, results, strict=True):
            if result is TransferResult.OK:
                world.recorder.ride(self.crowd.city_name(member), fare)
            else:
                world.recorder.count(f"transit_clearing_{result.value}")

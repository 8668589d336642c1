"""The synthetic province: members, unions, branches, service centres and merchants.

:func:`build_province` draws everything from a :class:`PopulationParams` and a
seed. The same parameters and seed give identical arrays in any process, and
:meth:`Province.member_identity` gives the same name and ID number for a member
every time.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

import numpy as np

from twin.population.allocation import allocate_unions
from twin.population.branches import Branches, ServiceCentres, build_branches, build_service_centres
from twin.population.identity import MemberIdentity
from twin.population.members import Members, generate_members
from twin.population.merchants import Merchants, build_merchants
from twin.population.params import PopulationParams
from twin.population.regions import Divisions, divisions
from twin.population.registry import RealNameRegistry
from twin.population.streams import Streams
from twin.population.unions import Unions

__all__ = ["Province", "build_province"]

logger = logging.getLogger(__name__)

_EPOCH = dt.date(1970, 1, 1)


@dataclass
class Province:
    """Everything the province model is made of, drawn once per run."""

    params: PopulationParams
    seed: int
    division: Divisions
    members: Members
    unions: Unions
    branches: Branches
    service_centres: ServiceCentres
    merchants: Merchants

    def member_identity(self, member: int) -> MemberIdentity:
        """Return the personal data of ``member`` (unmasked: mask it before showing it)."""
        if not 0 <= member < len(self.members):
            raise IndexError(f"member {member} does not exist (0 to {len(self.members) - 1})")
        members = self.members
        county = self.division.counties[int(members.county[member])]
        return MemberIdentity(
            index=member,
            name=members.names(np.array([member]))[0],
            sex=int(members.sex[member]),
            birth_date=_EPOCH + dt.timedelta(days=int(members.birth_day[member])),
            id_number=str(members.id_numbers(np.array([member]))[0]),
            city=self.division.cities[county.city].name,
            county=county.name,
        )

    def pilot_unions(self) -> np.ndarray:
        """Return the indices of the pilot grassroots unions (int64, ascending)."""
        return np.flatnonzero(self.unions.grassroots.pilot)

    def pilot_members(self) -> np.ndarray:
        """Return the indices of the members of pilot units (int64, ascending)."""
        return np.flatnonzero(self.unions.grassroots.pilot[self.members.union])

    def members_of_union(self, union: int) -> np.ndarray:
        """Return the member indices of grassroots union ``union``."""
        span = self.unions.grassroots.members_of(union)
        return np.arange(span.start, span.stop, dtype=np.int64)

    def registry(self) -> RealNameRegistry:
        """Return a new real-name registry holding the members enrolled at the start."""
        return RealNameRegistry(len(self.members), self.members.enrolled)

    def memory_bytes(self) -> dict[str, int]:
        """Return the bytes held by the arrays of members, grassroots unions and merchants."""
        merchants = self.merchants
        merchant_bytes = sum(
            a.nbytes
            for a in (
                merchants.city,
                merchants.county,
                merchants.mcc,
                merchants.designated,
                merchants.campaign,
            )
        )
        return {
            "members": self.members.nbytes,
            "grassroots_unions": self.unions.grassroots.nbytes,
            "merchants": merchant_bytes,
        }


def build_province(params: PopulationParams, seed: int) -> Province:
    """Draw the synthetic province from ``params`` with the streams of ``seed``."""
    started = time.perf_counter()
    streams = Streams(seed).child("population")
    division = divisions()
    unions, member_county = allocate_unions(params, division, streams)
    members = generate_members(params, division, unions, member_county, streams)
    branches = build_branches(params, division, streams)
    federation_index = {f.name: f.index for f in unions.federations}
    centres = build_service_centres(params, division, federation_index, branches, streams)
    merchants = build_merchants(params, division, streams)
    logger.info(
        "built province: %d members, %d grassroots unions, %d branches, %d merchants in %.2f s",
        len(members),
        len(unions.grassroots),
        len(branches),
        len(merchants),
        time.perf_counter() - started,
    )
    return Province(params, seed, division, members, unions, branches, centres, merchants)

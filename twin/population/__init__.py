"""The synthetic province of Jiangxi: union members, unions, branches and merchants.

Build it with :func:`build_province` from :class:`PopulationParams` and a seed.
Members live in columnar numpy arrays (:class:`Members`); names and ID numbers
are composed on demand (:meth:`Province.member_identity`). :class:`Streams`
gives the named, seeded random streams that the rest of the twin uses too.
"""

from twin.population.branches import Branches, ServiceCentres
from twin.population.identity import (
    SEX_FEMALE,
    SEX_MALE,
    MemberIdentity,
    mask_id_number,
    mask_name,
)
from twin.population.members import Members, ages_on, days_since_epoch
from twin.population.merchants import MCC_NAMES, Merchants
from twin.population.params import (
    ACCOUNT_CLASSES,
    EMPLOYER_TYPES,
    MCC_CODES,
    AgeBand,
    NamedUnit,
    ParamsError,
    PopulationParams,
)
from twin.population.province import Province, build_province
from twin.population.regions import CENSUS_2020_RESIDENTS, City, County, Divisions, divisions
from twin.population.registry import CardRequestResult, RealNameRegistry
from twin.population.streams import Streams, counter_hash, hash_to_unit
from twin.population.unions import Federation, GrassrootsUnions, Unions

__all__ = [
    "ACCOUNT_CLASSES",
    "CENSUS_2020_RESIDENTS",
    "EMPLOYER_TYPES",
    "MCC_CODES",
    "MCC_NAMES",
    "SEX_FEMALE",
    "SEX_MALE",
    "AgeBand",
    "Branches",
    "CardRequestResult",
    "City",
    "County",
    "Divisions",
    "Federation",
    "GrassrootsUnions",
    "MemberIdentity",
    "Members",
    "Merchants",
    "NamedUnit",
    "ParamsError",
    "PopulationParams",
    "Province",
    "RealNameRegistry",
    "ServiceCentres",
    "Streams",
    "Unions",
    "ages_on",
    "build_province",
    "counter_hash",
    "days_since_epoch",
    "divisions",
    "hash_to_unit",
    "mask_id_number",
    "mask_name",
]

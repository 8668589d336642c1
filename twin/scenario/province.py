"""The province section: the synthetic crowd of members, unions, branches and merchants.

Every number here is a modelling estimate unless its docstring names a source,
and every one can be set in the scenario file.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from twin.money import yuan
from twin.scenario.base import ScenarioModel
from twin.scenario.fields import City, Discount, LocalDate, LocalTime, Mcc, PositiveFen, Share

__all__ = [
    "EmployerKind",
    "Population",
    "UnionParameters",
    "BranchParameters",
    "Campaign",
    "MerchantParameters",
    "Province",
    "CENSUS_2020_RESIDENTS",
]

#: Residents per city in the 2020 (seventh) national census, the default weights
#: for spreading members over the cities.
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

#: Kinds of employer behind a grassroots union.
EmployerKind = Literal[
    "government_agency",
    "public_institution",
    "state_enterprise",
    "private_enterprise",
    "other",
]


def _default_employer_mix() -> dict[str, float]:
    return {
        "government_agency": 0.12,
        "public_institution": 0.18,
        "state_enterprise": 0.20,
        "private_enterprise": 0.45,
        "other": 0.05,
    }


def _positive_total(weights: dict[str, float]) -> dict[str, float]:
    if sum(weights.values()) <= 0:
        raise PydanticCustomError("weights_zero", "weights_zero: {value}", {"value": str(weights)})
    return weights


def _weights(key: type) -> type:
    return Annotated[dict[key, Annotated[float, Field(ge=0)]], AfterValidator(_positive_total)]


_CityWeights = _weights(City)
_EmployerWeights = _weights(EmployerKind)
_MccWeights = _weights(Mcc)


class Population(ScenarioModel):
    """Union members of the province and how their traits are spread."""

    members: int = Field(default=8_000_000, ge=0)
    """Union members in the province at full scale (about 8 million, a modelling estimate)."""

    city_weights: _CityWeights = Field(default_factory=lambda: dict(CENSUS_2020_RESIDENTS))
    """Relative weight of each city when spreading members (default: 2020 census residents); normalised by the engine."""

    cities: list[City] = Field(default_factory=list)
    """Cities the run draws (empty: every city). Each keeps the members, units, branches and merchants it has in the whole province."""

    class_ii_share: Share = 0.8
    """Share of members whose card accounts are class II (the others are class I, without limits)."""

    enrolled_share: Share = 0.95
    """Share of members already recorded in the real-name registry at the start."""

    car_ownership: Share = 0.35
    """Share of members whose household owns a car (those may sign up for ETC)."""

    app_use: Share = 0.6
    """Share of members with a smartphone who would use the member app and mobile banking."""

    employer_mix: _EmployerWeights = Field(default_factory=_default_employer_mix)
    """Relative weight of each kind of employer; normalised by the engine."""


class UnionParameters(ScenarioModel):
    """Grassroots unions and their federations."""

    mean_members: float = Field(default=100.0, gt=0)
    """Mean members per grassroots union (national 2020: about 272 million members in 2.5 million unions)."""

    size_sigma: float = Field(default=1.0, ge=0)
    """Sigma of the log-normal spread of union sizes (0: every union has the mean size)."""

    industry_share: Share = 0.2
    """Share of grassroots unions that report to an industry union instead of a county federation."""

    corporate_balance_per_member: PositiveFen = yuan(2000)
    """Money on a union's corporate account at the start, per member, in yuan."""


class BranchParameters(ScenarioModel):
    """CCB branches that issue and activate cards."""

    count: int = Field(default=450, ge=1)
    """Branches in the province at full scale, spread over counties by members."""

    counters: int = Field(default=3, ge=1)
    """Counters per branch that serve card business."""

    opens: LocalTime = dt.time(9, 0)
    """Opening time on working days."""

    closes: LocalTime = dt.time(17, 0)
    """Closing time on working days."""

    service_minutes: float = Field(default=12.0, gt=0)
    """Mean minutes a counter spends on one activation, issuance or card service."""

    onsite_teams_per_city: int = Field(default=2, ge=0)
    """Teams per city that activate cards on site at large units."""

    onsite_min_members: int = Field(default=200, ge=1)
    """Smallest union that gets an on-site activation visit."""

    onsite_activations_per_day: int = Field(default=300, ge=1)
    """Activations one on-site team completes in a working day."""

    @model_validator(mode="after")
    def _opens_before_closes(self) -> BranchParameters:
        if self.opens >= self.closes:
            raise PydanticCustomError(
                "opening_hours",
                "opening_hours: {value}",
                {"value": f"{self.opens:%H:%M}-{self.closes:%H:%M}"},
            )
        return self


class Campaign(ScenarioModel):
    """A CCB union-card discount campaign at merchants; both accounts get the discount."""

    name: str = Field(min_length=1)
    """Name of the campaign, referred to by merchant actors."""

    start: LocalDate
    """First day of the campaign."""

    end: LocalDate
    """Last day of the campaign (inclusive)."""

    discount: Discount
    """Price multiplier: the member pays amount × discount (0.90 is 10% off)."""

    designated_only: bool = True
    """Whether only designated merchants take part."""

    mcc: list[Mcc] = Field(default_factory=list)
    """Merchant category codes taking part (empty: every category)."""

    cities: list[City] = Field(default_factory=list)
    """Cities taking part (empty: the whole province)."""

    max_discount_per_purchase: PositiveFen | None = None
    """Largest discount on one purchase in yuan (none: no cap)."""

    @model_validator(mode="after")
    def _start_before_end(self) -> Campaign:
        if self.end < self.start:
            raise PydanticCustomError(
                "date_order", "date_order: {value}", {"value": f"{self.start} > {self.end}"}
            )
        return self


def _default_mcc_mix() -> dict[str, float]:
    # Supermarkets, grocery, restaurants, department stores, drug stores, petrol.
    return {"5411": 0.35, "5499": 0.2, "5812": 0.2, "5311": 0.1, "5912": 0.1, "5541": 0.05}


class MerchantParameters(ScenarioModel):
    """Merchants where members spend."""

    count: int = Field(default=50_000, ge=1)
    """Merchants at full scale that members of the programme buy from."""

    designated_share: Share = 0.2
    """Share of merchants that are designated (their sales may be paid from the welfare account)."""

    mcc_mix: _MccWeights = Field(default_factory=_default_mcc_mix)
    """Relative weight of each merchant category code; normalised by the engine."""

    campaigns: list[Campaign] = Field(default_factory=list)
    """Discount campaigns (none by default)."""


class Province(ScenarioModel):
    """The synthetic province: who is there, at what scale."""

    scale: float = Field(default=0.001, ge=0, le=1)
    """Fraction of the province to simulate (1: all members; 0: no synthetic crowd, only the actors)."""

    regression_scale: float = Field(default=0.0001, ge=0, le=1)
    """Scale the regression test suite runs this scenario at."""

    population: Population = Field(default_factory=Population)
    """Members and their traits."""

    unions: UnionParameters = Field(default_factory=UnionParameters)
    """Grassroots unions."""

    branches: BranchParameters = Field(default_factory=BranchParameters)
    """Bank branches."""

    merchants: MerchantParameters = Field(default_factory=MerchantParameters)
    """Merchants and campaigns."""


def smallest_scale(members: int) -> float:
    """Return the smallest scale, rounded up to two significant digits, that draws at least one of ``members``."""
    exact = 1 / members
    step = 10 ** (math.floor(math.log10(exact)) - 1)
    return round(math.ceil(exact / step) * step, 12)

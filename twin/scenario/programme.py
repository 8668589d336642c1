"""The programme section: the card's rules and parameters.

Defaults follow the programme's rules where they give a number (class II limits,
the initial PIN 955330, the transit and ETC discounts, 5 to 7 working days of
card production) and are marked modelling estimates where they do not.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from twin.money import yuan
from twin.scenario.base import ScenarioModel
from twin.scenario.fields import (
    FESTIVALS,
    County,
    Discount,
    Fen,
    FestivalName,
    Pin,
    PositiveFen,
    Rate,
)

__all__ = [
    "Fees",
    "WelfareRules",
    "MetroFareBand",
    "TransitRules",
    "EtcRules",
    "WorkingDayRange",
    "Programme",
]


class Fees(ScenarioModel):
    """Fees charged to members; the programme waives all of them for life."""

    card_production: Fen = 0
    """Fee for making a card, in yuan."""

    small_balance_management: Fen = 0
    """Monthly fee on a small balance, in yuan."""

    annual: Fen = 0
    """Yearly card fee, in yuan."""


class WelfareRules(ScenarioModel):
    """Limits on welfare paid into the welfare account."""

    yearly_cap: PositiveFen = yuan(1800)
    """Festival welfare one member may receive in a calendar year, in yuan (modelling estimate)."""

    birthday_cap: PositiveFen = yuan(300)
    """Birthday welfare one member may receive in a year, in yuan (modelling estimate)."""

    festivals: list[FestivalName] = Field(default_factory=lambda: list(FESTIVALS))
    """Festivals at which unions may pay welfare."""


class MetroFareBand(ScenarioModel):
    """One band of the metro fare table: trips up to ``up_to_km`` cost ``fare``."""

    up_to_km: Decimal | None = Field(default=None, gt=0)
    """Upper end of the band in km (none: the last band, open-ended)."""

    fare: PositiveFen | None = None
    """Fare of a trip in this band, in yuan (for a fixed band)."""

    every_km: Decimal | None = Field(default=None, gt=0)
    """For a stepped band: one more ``step`` per this many km past the previous band."""

    step: PositiveFen | None = None
    """For a stepped band: the fare added per ``every_km``, in yuan."""

    @model_validator(mode="after")
    def _fixed_or_stepped(self) -> MetroFareBand:
        fixed = self.fare is not None
        stepped = self.every_km is not None and self.step is not None
        if fixed == stepped or (not stepped and (self.every_km or self.step)):
            raise PydanticCustomError("fare_band", "fare_band: {value}", {"value": ""})
        return self


def _default_metro_bands() -> list[MetroFareBand]:
    # 2 yuan up to 6 km, then 1 yuan more per 6 km to 12 km, per 8 km to 28 km,
    # and per 10 km beyond (the Nanchang metro's distance table).
    return [
        MetroFareBand(up_to_km=Decimal(6), fare="2"),
        MetroFareBand(up_to_km=Decimal(12), every_km=Decimal(6), step="1"),
        MetroFareBand(up_to_km=Decimal(28), every_km=Decimal(8), step="1"),
        MetroFareBand(every_km=Decimal(10), step="1"),
    ]


class TransitRules(ScenarioModel):
    """The Nanchang transit wallet (洪城一卡通) on the card."""

    bus_base_fare: PositiveFen = yuan(2)
    """Bus fare before the member discount, in yuan (modelling estimate)."""

    bus_discount: Discount = Decimal("0.70")
    """Multiplier on bus fares for members: 0.70 pays 70%."""

    bus_discount_exempt: list[County] = Field(default_factory=lambda: ["进贤县"])
    """Counties where buses charge members the full fare."""

    metro_discount: Discount = Decimal("0.90")
    """Multiplier on metro fares for members: 0.90 pays 90%."""

    metro_fares: list[MetroFareBand] = Field(default_factory=_default_metro_bands, min_length=1)
    """Metro fare by distance, bands in increasing order of distance."""

    epurse_cap: PositiveFen = yuan(1000)
    """Largest balance of the transit e-purse, in yuan."""

    @model_validator(mode="after")
    def _bands_in_order(self) -> TransitRules:
        ends = [band.up_to_km for band in self.metro_fares]
        bounded = ends[:-1]
        if None in bounded or bounded != sorted(bounded) or len(set(bounded)) != len(bounded):
            raise PydanticCustomError(
                "fare_bands_order", "fare_bands_order: {value}", {"value": ""}
            )
        if ends[-1] is not None and bounded and ends[-1] <= bounded[-1]:
            raise PydanticCustomError(
                "fare_bands_order", "fare_bands_order: {value}", {"value": ""}
            )
        return self


class EtcRules(ScenarioModel):
    """The 赣通卡 ETC account signed through the card."""

    discount: Discount = Decimal("0.95")
    """Multiplier on expressway tolls: 0.95 pays 95%."""

    obu_value: Fen = yuan(300)
    """Value of the free on-board unit given at sign-up, in yuan."""


class WorkingDayRange(ScenarioModel):
    """A number of working days drawn between ``min`` and ``max`` (inclusive)."""

    min: int = Field(default=5, ge=0)
    """Minimum number of working days."""

    max: int = Field(default=7, ge=0)
    """Maximum number of working days."""

    @model_validator(mode="after")
    def _min_not_above_max(self) -> WorkingDayRange:
        if self.min > self.max:
            raise PydanticCustomError(
                "range_order", "range_order: {value}", {"value": f"{self.min} > {self.max}"}
            )
        return self


class Programme(ScenarioModel):
    """Rules and parameters of the card programme."""

    bin: str = Field(default="621799", pattern=r"^[0-9]{6}$")
    """Six-digit card number prefix of every card in the programme (a synthetic default)."""

    fees: Fees = Field(default_factory=Fees)
    """Fees, all zero by default."""

    class_ii_daily_limit: PositiveFen = yuan(10_000)
    """Class II limit on money in, and separately on money out, per local day, in yuan."""

    class_ii_yearly_limit: PositiveFen = yuan(200_000)
    """Class II limit on money in, and separately on money out, per calendar year, in yuan."""

    limit_mode: Literal["per_day_total", "per_transaction"] = "per_day_total"
    """Whether the daily limit caps the day's total (default) or each transaction."""

    demand_interest_rate: Rate = Decimal("0.0035")
    """Yearly demand deposit rate for both accounts (0.35%, written 0.0035 or "0.35%")."""

    initial_pin: Pin = "955330"
    """PIN of batch-issued cards before activation."""

    pin_tries_per_day: int = Field(default=3, ge=1)
    """Wrong PINs in a local day after which PIN use is locked until the next day."""

    card_production_working_days: WorkingDayRange = Field(default_factory=WorkingDayRange)
    """Working days the bank takes to make batch cards."""

    closure_policy: Literal["by_payment_order", "pro_rata", "province_union"] = "by_payment_order"
    """Destination of a closed card's welfare balance: back to the unions that paid it, in order of
    payment (by_payment_order), to each of them in proportion to what it paid (pro_rata), or to
    the provincial federation (province_union)."""

    card_crypto: Literal["sm4", "3des"] = "sm4"
    """Block cipher of the card's keys and cryptograms (SM4 under PBOC 3.0, or 3DES)."""

    welfare: WelfareRules = Field(default_factory=WelfareRules)
    """Welfare caps and festivals."""

    transit: TransitRules = Field(default_factory=TransitRules)
    """Transit wallet fares and caps."""

    etc: EtcRules = Field(default_factory=EtcRules)
    """ETC discount and on-board unit."""

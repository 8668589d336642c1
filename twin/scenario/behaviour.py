"""The behaviour section: how the synthetic members use their cards.

Rates are per member with an active card per day unless the field's docstring
states otherwise. Every default is a modelling estimate.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from twin.money import yuan
from twin.scenario.base import ScenarioModel
from twin.scenario.fields import LocalDateTime, PositiveFen, Share

__all__ = [
    "AmountDistribution",
    "ActivationBehaviour",
    "HolidaySurge",
    "TransitBehaviour",
    "EtcBehaviour",
    "AppBehaviour",
    "FlashSale",
    "Behaviour",
]


def _default_hourly_profile() -> list[float]:
    # Night, morning rise, lunch and evening peaks of card payments.
    return [
        0.2,
        0.1,
        0.05,
        0.05,
        0.05,
        0.1,
        0.4,
        1.0,
        1.6,
        1.8,
        2.0,
        2.4,
        2.6,
        2.0,
        1.8,
        1.8,
        2.0,
        2.4,
        2.8,
        2.6,
        2.0,
        1.4,
        0.8,
        0.4,
    ]


def _hourly_profile(weights: list[float]) -> list[float]:
    if len(weights) != 24:
        raise PydanticCustomError(
            "hourly_profile", "hourly_profile: {value}", {"value": len(weights)}
        )
    if sum(weights) <= 0:
        raise PydanticCustomError("weights_zero", "weights_zero: {value}", {"value": str(weights)})
    return weights


class AmountDistribution(ScenarioModel):
    """A log-normal spread of amounts around a median.

    Built from Python, the median is yuan like in a file (``median="50"``),
    because the field's validator turns yuan into fen.
    """

    median: PositiveFen
    """Median amount, in yuan."""

    sigma: float = Field(default=0.8, ge=0)
    """Sigma of the underlying normal distribution (0: every amount is the median)."""


class ActivationBehaviour(ScenarioModel):
    """Activation of batch-issued cards by their holders."""

    share: Share = 0.85
    """Share of batch cards that their holders activate at all."""

    mean_delay_days: float = Field(default=10.0, ge=0)
    """Mean days between handing out a card and its activation, for those who activate."""

    onsite_share: Share = 0.5
    """Share of activations at large units done by on-site teams."""


class HolidaySurge(ScenarioModel):
    """Extra spending around festivals and official holidays."""

    factor: float = Field(default=2.0, ge=0)
    """Multiplier on purchase rates on surge days."""

    days_before: int = Field(default=3, ge=0)
    """Days before a holiday that also surge."""


class TransitBehaviour(ScenarioModel):
    """Use of the Nanchang transit wallet."""

    uptake: Share = 0.3
    """Share of Nanchang members who ride with the card."""

    rides_per_day: float = Field(default=1.6, ge=0)
    """Rides per riding member per day."""

    metro_share: Share = 0.35
    """Share of rides taken on the metro (the rest by bus)."""

    topup: AmountDistribution = Field(
        default_factory=lambda: AmountDistribution(median="50", sigma=0.4)
    )
    """Amount of one e-purse top-up."""


class EtcBehaviour(ScenarioModel):
    """Use of the ETC sign-up and tolls."""

    uptake: Share = 0.2
    """Share of car-owning members who sign up for ETC through the card."""

    tolls_per_month: float = Field(default=2.0, ge=0)
    """Expressway tolls per signed-up member per month."""

    toll: AmountDistribution = Field(
        default_factory=lambda: AmountDistribution(median="45", sigma=0.7)
    )
    """Toll before the discount."""


class AppBehaviour(ScenarioModel):
    """Registration and use of the member app."""

    registration: Share = 0.5
    """Share of app-using members who register over the run."""

    daily_active: Share = 0.1
    """Share of registered members who open the app on a day."""


class FlashSale(ScenarioModel):
    """A flash sale (for example movie tickets) in the member zone of the app."""

    name: str = Field(min_length=1)
    """Name shown in reports."""

    at: LocalDateTime
    """Moment the sale opens."""

    items: int = Field(ge=1)
    """Items for sale."""

    participation: Share = 0.05
    """Share of registered members who try to buy in the first minute."""

    price: PositiveFen = yuan(9.9)
    """Price of one item, in yuan."""


class Behaviour(ScenarioModel):
    """Card use of the synthetic members."""

    purchases_per_day: float = Field(default=0.3, ge=0)
    """Card purchases per member with an active card per day."""

    purchase_amount: AmountDistribution = Field(
        default_factory=lambda: AmountDistribution(median="60", sigma=0.9)
    )
    """Amount of one purchase."""

    designated_preference: Share = 0.6
    """Chance that a member with welfare money picks a designated merchant for a purchase."""

    qr_share: Share = 0.3
    """Share of purchases paid by mobile QR code instead of the chip."""

    hourly_profile: Annotated[
        list[Annotated[float, Field(ge=0)]], AfterValidator(_hourly_profile)
    ] = Field(default_factory=_default_hourly_profile)
    """Relative activity in each local hour, 24 weights from midnight."""

    holiday_surge: HolidaySurge = Field(default_factory=HolidaySurge)
    """Extra spending around holidays."""

    refund_rate: Share = 0.01
    """Share of purchases refunded later."""

    void_rate: Share = 0.005
    """Share of purchases voided the same day."""

    preauth_share: Share = 0.01
    """Share of purchases made as a pre-authorization and completed later."""

    wrong_pin_rate: Share = 0.02
    """Chance that a PIN entry is wrong."""

    withdrawals_per_day: float = Field(default=0.02, ge=0)
    """Cash withdrawals from the main account per member per day."""

    withdrawal_amount: AmountDistribution = Field(
        default_factory=lambda: AmountDistribution(median="500", sigma=0.6)
    )
    """Amount of one cash withdrawal."""

    deposits_per_day: float = Field(default=0.01, ge=0)
    """Deposits into the main account per member per day."""

    deposit_amount: AmountDistribution = Field(
        default_factory=lambda: AmountDistribution(median="1000", sigma=0.8)
    )
    """Amount of one deposit."""

    balance_inquiries_per_day: float = Field(default=0.05, ge=0)
    """Balance inquiries per member per day."""

    activation: ActivationBehaviour = Field(default_factory=ActivationBehaviour)
    """Card activation."""

    transit: TransitBehaviour = Field(default_factory=TransitBehaviour)
    """Transit wallet use."""

    etc: EtcBehaviour = Field(default_factory=EtcBehaviour)
    """ETC use."""

    app: AppBehaviour = Field(default_factory=AppBehaviour)
    """Member app use."""

    flash_sales: list[FlashSale] = Field(default_factory=list)
    """Flash sales in the app."""

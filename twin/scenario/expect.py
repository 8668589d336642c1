"""Expectations: on one script step, and on the finished run."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from twin.scenario.base import ScenarioModel
from twin.scenario.fields import Fen, Identifier, ResponseCode

__all__ = ["BalanceExpect", "StepExpect", "MetricRange", "RunExpect", "PayingAccount"]

#: Accounts that pay for or receive a card transaction.
PayingAccount = Literal["main", "welfare", "transit_wallet"]


class BalanceExpect(ScenarioModel):
    """Expected posted balances of one actor, in yuan; accounts not given are not checked.

    ``main``, ``welfare`` and ``transit_wallet`` belong to a member's card,
    ``corporate`` to a union. A hold (pre-authorization) does not change a
    posted balance until it is completed.
    """

    main: Fen | None = None
    """Posted balance of the main account."""

    welfare: Fen | None = None
    """Posted balance of the welfare account."""

    transit_wallet: Fen | None = None
    """Posted balance of the transit wallet account (rides count once cleared)."""

    corporate: Fen | None = None
    """Posted balance of a union's corporate account."""

    @model_validator(mode="after")
    def _not_empty(self) -> BalanceExpect:
        if self.given() == {}:
            raise PydanticCustomError("balance_empty", "balance_empty: {value}", {"value": "{}"})
        return self

    def given(self) -> dict[str, int]:
        """Return the expected balances in fen, keyed by account name, without the unset ones."""
        values = {
            "main": self.main,
            "welfare": self.welfare,
            "transit_wallet": self.transit_wallet,
            "corporate": self.corporate,
        }
        return {name: fen for name, fen in values.items() if fen is not None}


class StepExpect(ScenarioModel):
    """Expected outcome of one step; anything not given is not checked."""

    response: ResponseCode | None = None
    """ISO 8583 response code of a card request (``"00"`` approved, ``"51"`` insufficient funds ...)."""

    approved: bool | None = None
    """Whether the step succeeded (for every kind of step, card request or not)."""

    paid_from: PayingAccount | None = None
    """Account that paid the purchase, withdrawal, top-up or fare."""

    paid_to: PayingAccount | None = None
    """Account that received a refund, void, reversal or deposit."""

    balances: dict[Identifier, BalanceExpect] = Field(default_factory=dict)
    """Balances right after the step, by actor id."""

    @model_validator(mode="after")
    def _response_matches_approved(self) -> StepExpect:
        if self.response is not None and self.approved is not None:
            if self.approved != (self.response == "00"):
                raise PydanticCustomError(
                    "approved_mismatch",
                    "approved_mismatch: {value}",
                    {"value": self.response, "approved": str(self.approved).lower()},
                )
        return self


class MetricRange(ScenarioModel):
    """Bounds on one metric of ``metrics.json``; either bound may be left out.

    Bounds of amounts (``flows.*``, ``welfare_disbursed`` ...) are yuan, like
    every amount in a scenario file, although ``metrics.json`` keeps fen.
    """

    min: float | None = None
    """Smallest acceptable value (inclusive)."""

    max: float | None = None
    """Largest acceptable value (inclusive)."""

    @model_validator(mode="after")
    def _bounds(self) -> MetricRange:
        if self.min is None and self.max is None:
            raise PydanticCustomError("metric_empty", "metric_empty: {value}", {"value": "{}"})
        if self.min is not None and self.max is not None and self.min > self.max:
            raise PydanticCustomError(
                "range_order", "range_order: {value}", {"value": f"{self.min:g} > {self.max:g}"}
            )
        return self

    def holds(self, value: float) -> bool:
        """Tell whether ``value`` lies within the bounds."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class RunExpect(ScenarioModel):
    """Expected state of the finished run; ``twin run`` exits 1 when any of it fails."""

    balances: dict[Identifier, BalanceExpect] = Field(default_factory=dict)
    """Balances at the end of the run, by actor id."""

    ledger_balanced: bool | None = None
    """Whether the ledger audit should pass (debits equal credits, no rule broken)."""

    metrics: dict[str, MetricRange] = Field(default_factory=dict)
    """Bounds on metrics, keyed by their dotted path in ``metrics.json``."""

"""Rollout waves and the disbursement calendar."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from twin.scenario.base import ScenarioModel
from twin.scenario.fields import FestivalName, LocalDate, PositiveFen, Share, UnitSelector

__all__ = ["RolloutWave", "Disbursement"]


class RolloutWave(ScenarioModel):
    """A stage of the rollout: the units whose members get cards between ``start`` and ``end``.

    A wave may start before the run: the run then begins with the coverage the
    wave would have reached by its ``start``, so a wave that ended before the run
    means its members already hold cards.
    """

    name: str = Field(min_length=1)
    """Name shown in reports (``pilot``, ``南昌市全面推广``)."""

    start: LocalDate
    """First day that unions of the wave submit batch applications."""

    end: LocalDate
    """Day by which the wave should reach its target coverage."""

    units: list[UnitSelector] = Field(min_length=1)
    """Units in the wave, as selectors (``pilot``, ``city:南昌市``, ``county:安义县``, ``industry:电力``)."""

    target_coverage: Share = 0.9
    """Share of the units' members who should hold a card by ``end``."""

    individual_share: Share = 0.05
    """Share of the wave's cards issued individually at a branch instead of in batches."""

    @model_validator(mode="after")
    def _start_before_end(self) -> RolloutWave:
        if self.end < self.start:
            raise PydanticCustomError(
                "date_order", "date_order: {value}", {"value": f"{self.start} > {self.end}"}
            )
        return self


class Disbursement(ScenarioModel):
    """A festival welfare payment that unions make to their members' welfare accounts."""

    festival: FestivalName
    """Festival of the payment, named as in the chinese-calendar package."""

    date: LocalDate
    """Day by which the unions pay (they upload their files in the working days before it)."""

    amount: PositiveFen
    """Amount per member, in yuan."""

    unions: list[UnitSelector] = Field(default_factory=lambda: ["all"], min_length=1)
    """Unions that pay (default: every union with welfare accounts open)."""

    participation: Share = 1.0
    """Share of those unions that pay at this festival."""

    lead_working_days: int = Field(default=3, ge=0)
    """Working days before ``date`` over which the unions' files arrive."""

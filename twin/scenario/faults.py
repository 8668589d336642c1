"""The faults section: outages and operator mistakes injected into a run."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from twin.scenario.base import ScenarioModel
from twin.scenario.fields import (
    County,
    FestivalName,
    Identifier,
    LocalDateTime,
    UnitSelector,
)

__all__ = ["Window", "BranchClosed", "CoreSlow", "CoreUnavailable", "DuplicateFile", "Faults"]


class Window(ScenarioModel):
    """A stretch of time from ``from`` up to (not including) ``to``."""

    from_: LocalDateTime = Field(alias="from")
    """Start of the fault."""

    to: LocalDateTime
    """End of the fault."""

    @model_validator(mode="after")
    def _from_before_to(self) -> Window:
        if self.to <= self.from_:
            raise PydanticCustomError(
                "time_order",
                "time_order: {value}",
                {"value": f"{self.from_:%Y-%m-%d %H:%M} >= {self.to:%Y-%m-%d %H:%M}"},
            )
        return self

    def covers(self, moment: dt.datetime) -> bool:
        """Tell whether ``moment`` falls inside the window."""
        return self.from_ <= moment < self.to


class BranchClosed(Window):
    """Branches that do not open: one actor branch, or every branch of a county."""

    branch: Identifier | None = None
    """Id of a branch among the actors."""

    county: County | None = None
    """County whose branches all close."""

    @model_validator(mode="after")
    def _branch_or_county(self) -> BranchClosed:
        if (self.branch is None) == (self.county is None):
            raise PydanticCustomError(
                "branch_or_county", "branch_or_county: {value}", {"value": ""}
            )
        return self


class CoreSlow(Window):
    """The authorization core responds slowly."""

    latency_ms: float = Field(gt=0)
    """Extra median latency of each request, in milliseconds."""


class CoreUnavailable(Window):
    """The authorization core does not respond, so terminals time out and send reversals."""


class DuplicateFile(ScenarioModel):
    """A union uploads its disbursement file for a festival twice."""

    union: UnitSelector
    """Unions that upload twice (``union:u1``, ``city:南昌市`` ...)."""

    festival: FestivalName
    """Festival whose disbursement file is duplicated."""

    confirm: bool = False
    """Whether the union's operator confirms the second file (it is paid only then)."""


class Faults(ScenarioModel):
    """Faults to inject; every list is empty by default."""

    branch_closed: list[BranchClosed] = Field(default_factory=list)
    """Branch closures."""

    core_slow: list[CoreSlow] = Field(default_factory=list)
    """Periods of slow authorization."""

    core_unavailable: list[CoreUnavailable] = Field(default_factory=list)
    """Periods when the core does not respond."""

    duplicate_file: list[DuplicateFile] = Field(default_factory=list)
    """Duplicate disbursement files."""

"""The scenario: one YAML file, validated into one frozen model."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from twin.scenario.actors import Actors
from twin.scenario.base import ScenarioModel
from twin.scenario.behaviour import Behaviour
from twin.scenario.expect import RunExpect
from twin.scenario.faults import Faults
from twin.scenario.fields import LocalDateTime, ScenarioName
from twin.scenario.programme import Programme
from twin.scenario.province import Province
from twin.scenario.rollout import Disbursement, RolloutWave
from twin.scenario.steps import Step

__all__ = ["Scenario"]


class Scenario(ScenarioModel):
    """A run of the twin: who takes part, under which rules, what happens and what should result.

    Build one with :func:`twin.scenario.load_scenario`, which also checks what the
    model alone cannot: that ids refer to declared actors and earlier steps, and
    that script times move forward inside ``start`` to ``end``.
    """

    name: ScenarioName
    """Short name, also the default report folder (``lifecycle-demo``)."""

    description: str = ""
    """Purpose of the scenario, for the reader of the report."""

    seed: int = Field(ge=0)
    """Root seed of every random stream of the run."""

    start: LocalDateTime
    """Moment the run starts."""

    end: LocalDateTime
    """Moment the run ends."""

    province: Province = Field(default_factory=Province)
    """The synthetic province and its scale."""

    programme: Programme = Field(default_factory=Programme)
    """Rules and parameters of the card programme."""

    rollout: list[RolloutWave] = Field(default_factory=list)
    """Rollout waves of the synthetic crowd."""

    disbursements: list[Disbursement] = Field(default_factory=list)
    """Festival welfare payments of the synthetic crowd's unions."""

    behaviour: Behaviour = Field(default_factory=Behaviour)
    """Card use of the synthetic members."""

    faults: Faults = Field(default_factory=Faults)
    """Outages and mistakes to inject."""

    actors: Actors = Field(default_factory=Actors)
    """Named unions, members, merchants and branches that the script uses."""

    script: list[Step] = Field(default_factory=list)
    """Explicit steps, in order."""

    expect: RunExpect = Field(default_factory=RunExpect)
    """Expected state of the finished run."""

    def step_times(self) -> list[dt.datetime]:
        """Return the moment each script step happens (see :mod:`twin.scenario.timeline`)."""
        from twin.scenario.timeline import step_times

        return step_times(self.start, self.script)

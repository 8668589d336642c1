"""Scenario files: pydantic models of a run, and a loader that reports problems by line.

>>> from twin.scenario import load_scenario
>>> scenario = load_scenario("scenarios/lifecycle_demo.yaml")  # doctest: +SKIP
>>> scenario.script[0].do  # doctest: +SKIP
'apply_batch'

Amounts are integer fen, times aware Asia/Shanghai datetimes, rates and
discounts :class:`decimal.Decimal`. An invalid file raises :class:`ScenarioError`,
whose ``problems`` list every problem with its file, line, field path, value,
message and fix, in Chinese or English.
"""

from twin.scenario.actors import Actor, Actors, BranchActor, MemberActor, MerchantActor, UnionActor
from twin.scenario.behaviour import Behaviour
from twin.scenario.expect import BalanceExpect, MetricRange, RunExpect, StepExpect
from twin.scenario.faults import BranchClosed, CoreSlow, CoreUnavailable, DuplicateFile, Faults
from twin.scenario.fields import RESPONSE_CODES
from twin.scenario.loader import load_scenario, parse_scenario
from twin.scenario.model import Scenario
from twin.scenario.problems import Problem, ScenarioError
from twin.scenario.programme import Programme
from twin.scenario.province import Province
from twin.scenario.rollout import Disbursement, RolloutWave
from twin.scenario.schema import scenario_json_schema
from twin.scenario.steps import CARD_ACTIONS, OF_ACTIONS, STEP_TYPES, Step, StepBase
from twin.scenario.timeline import step_times

__all__ = [
    "Actor",
    "Actors",
    "BalanceExpect",
    "Behaviour",
    "BranchActor",
    "BranchClosed",
    "CARD_ACTIONS",
    "CoreSlow",
    "CoreUnavailable",
    "Disbursement",
    "DuplicateFile",
    "Faults",
    "MemberActor",
    "MerchantActor",
    "MetricRange",
    "OF_ACTIONS",
    "Problem",
    "Programme",
    "Province",
    "RESPONSE_CODES",
    "RolloutWave",
    "RunExpect",
    "STEP_TYPES",
    "Scenario",
    "ScenarioError",
    "Step",
    "StepBase",
    "StepExpect",
    "UnionActor",
    "load_scenario",
    "parse_scenario",
    "scenario_json_schema",
    "step_times",
]

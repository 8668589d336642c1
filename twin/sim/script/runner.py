"""Run a scenario's script: each step at its time, its outcome checked against ``expect``.

The runner is a SimPy process. Before each step it lets simulated time run to
the step's moment, so the bank's own processes (card production, interest,
hold expiry) happen in between exactly as they would for the crowd.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from twin.authorization import Kind
from twin.scenario import Step
from twin.scenario.timeline import advanced
from twin.sim.script.admin import AdminActions
from twin.sim.script.cards import CardActions
from twin.sim.script.expectations import check_step
from twin.sim.script.outcome import StepOutcome

if TYPE_CHECKING:
    from twin.sim.world import World

__all__ = ["ScriptRunner"]

log = logging.getLogger(__name__)


class ScriptRunner:
    """Performs the script's steps in order and keeps their outcomes."""

    def __init__(self, world: World, on_step=None) -> None:
        self.world = world
        self.outcomes: list[StepOutcome] = []
        self.by_id: dict[str, StepOutcome] = {}
        #: Each performed step by its index, for follow-ups whose original has no outcome detail.
        self.steps: dict[int, Step] = {}
        self.cards = CardActions(self)
        self.admin = AdminActions(self)
        self.on_step = on_step
        cards, admin = self.cards, self.admin
        self._actions = {
            "enrol": admin.enrol,
            "apply_batch": admin.apply_batch,
            "issue_card": admin.issue_card,
            "activate": cards.activate,
            "open_welfare_account": admin.open_welfare_account,
            "deposit": cards.deposit,
            "disburse": admin.disburse,
            "purchase": cards.purchase,
            "preauthorize": cards.preauthorize,
            "void_purchase": lambda i, s: cards.follow_up(i, s, Kind.VOID),
            "reverse": lambda i, s: cards.follow_up(i, s, Kind.REVERSAL),
            "cancel_preauth": lambda i, s: cards.follow_up(i, s, Kind.CANCELLATION),
            "refund": lambda i, s: cards.follow_up(i, s, Kind.REFUND, s.amount),
            "complete_preauth": lambda i, s: cards.follow_up(i, s, Kind.COMPLETION, s.amount),
            "withdraw": cards.withdraw,
            "transfer": cards.transfer,
            "balance": cards.balance,
            "change_pin": cards.change_pin,
            "transit_topup": cards.transit_topup,
            "ride": cards.ride,
            "etc_signup": admin.etc_signup,
            "toll": cards.toll,
            "report_loss": admin.report_loss,
            "replace_card": admin.replace_card,
            "close_card": admin.close_card,
            "advance": admin.advance,
        }

    def run(self):
        """The SimPy process: every step at its moment."""
        world = self.world
        for index, step in enumerate(world.scenario.script):
            if step.at is not None:
                yield world.env.timeout(world.clock.seconds_until(step.at))
            if step.do == "advance":
                target = advanced(world.now(), step)
                yield world.env.timeout(world.clock.seconds_until(target))
            outcome = self.perform(index, step)
            self.outcomes.append(outcome)
            if step.id:
                self.by_id[step.id] = outcome
            if self.on_step is not None:
                self.on_step(outcome)

    def perform(self, index: int, step: Step) -> StepOutcome:
        """Carry out one step now and check its expectations."""
        self.steps[index] = step
        if self._at_closed_branch(step):
            outcome = self.outcome(index, step, False, "branch_closed")
        else:
            outcome = self._actions[step.do](index, step)
        if step.expect is not None:
            outcome.expectations = check_step(self.world, step, outcome)
        log.debug("step %d %s: %s %s", index, step.do, outcome.response, outcome.reason)
        return outcome

    def _at_closed_branch(self, step: Step) -> bool:
        """Tell whether the step needs a branch that a fault has closed now."""
        branch_id = getattr(step, "branch", None)
        if branch_id is None or getattr(step, "channel", None) == "onsite":
            return False
        branch = self.world.branches.get(branch_id)
        county = branch.county if branch is not None else None
        return self.world.faults.branch_closed(branch_id, county, self.world.now())

    def earlier(self, step_id: str) -> StepOutcome:
        return self.by_id[step_id]

    def outcome(self, index: int, step: Step, approved: bool, reason: str, **fields) -> StepOutcome:
        return StepOutcome(index, step.do, self.world.now(), approved, reason, step_id=step.id, **fields)

    def now(self) -> dt.datetime:
        return self.world.now()

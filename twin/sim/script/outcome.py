"""What a script step did, and how its expectations came out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = ["StepOutcome", "ExpectationResult"]


@dataclass(frozen=True)
class ExpectationResult:
    """One checked expectation: where it was, what was expected and what happened."""

    scope: str  # "step" or "run"
    field: str
    expected: object
    actual: object
    ok: bool
    step: int | None = None
    step_id: str | None = None

    def to_dict(self) -> dict:
        return {
            "scope": self.scope,
            "step": self.step,
            "step_id": self.step_id,
            "field": self.field,
            "expected": self.expected,
            "actual": self.actual,
            "ok": self.ok,
        }


@dataclass
class StepOutcome:
    """The result of one step: the core's response for card requests, a reason otherwise."""

    index: int
    do: str
    at: dt.datetime
    approved: bool
    reason: str
    step_id: str | None = None
    response: str | None = None
    paid_from: str | None = None
    paid_to: str | None = None
    amount: int | None = None
    authorization_id: str = ""
    transfer_ids: tuple[int, ...] = ()
    detail: dict = field(default_factory=dict)
    expectations: list[ExpectationResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.expectations)

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "id": self.step_id,
            "do": self.do,
            "at": self.at.isoformat(),
            "approved": self.approved,
            "response": self.response,
            "reason": self.reason,
            "paid_from": self.paid_from,
            "paid_to": self.paid_to,
            "amount": self.amount,
            "transfer_ids": list(self.transfer_ids),
            "detail": self.detail,
            "ok": self.ok,
        }

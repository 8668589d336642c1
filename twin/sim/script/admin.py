"""Script actions at the branch and the union: enrolment, issuance, welfare, loss and closure."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from twin.authorization import CardStatus
from twin.calendar import add_working_days, to_local
from twin.devices.banking import DisbursementRow
from twin.ledger import AccountClass
from twin.sim.script.outcome import StepOutcome

if TYPE_CHECKING:
    from twin.sim.script.runner import ScriptRunner

__all__ = ["AdminActions"]

#: Batch cards come out of production at this local time on their last working day.
_PRODUCTION_READY = dt.time(8, 30)


class AdminActions:
    """Steps that are not card requests."""

    def __init__(self, runner: ScriptRunner) -> None:
        self.runner = runner
        self.world = runner.world
        self._production = self.world.streams.stream("script/card_production")

    def enrol(self, index, step) -> StepOutcome:
        member = self.world.member(step.member)
        already = member.enrolled
        member.enrolled = True
        if not already:
            self.world.recorder.enrolled(member.city)
        return self.runner.outcome(index, step, True, "already_enrolled" if already else "enrolled")

    def apply_batch(self, index, step) -> StepOutcome:
        world = self.world
        members = step.members or [m.id for m in world.scenario.actors.members_of(step.union)]
        accepted, rejected = [], {}
        for member_id in members:
            member = world.member(member_id)
            card = world.issuer.card_of(member_id)
            if not member.enrolled:
                rejected[member_id] = "not_enrolled"
            elif member.union != step.union:
                rejected[member_id] = "not_member_of_union"
            elif card is not None and card.status is not CardStatus.CLOSED:
                rejected[member_id] = "member_has_card"
            else:
                accepted.append(member_id)
        low = world.scenario.programme.card_production_working_days.min
        high = world.scenario.programme.card_production_working_days.max
        days = int(self._production.integers(low, high + 1))
        ready_day = add_working_days(world.now().date(), days)
        ready = to_local(dt.datetime.combine(ready_day, _PRODUCTION_READY))
        if accepted:
            world.env.process(self._produce(accepted, ready))
        outcome = self.runner.outcome(index, step, bool(accepted), "application_accepted" if accepted else "application_rejected")
        outcome.detail.update({"accepted": accepted, "rejected": rejected, "ready": ready.isoformat(), "working_days": days})
        return outcome

    def _produce(self, members: list[str], ready: dt.datetime):
        """Card production: the cards exist (inactive, initial PIN) once it is done."""
        world = self.world
        yield world.env.timeout(world.clock.seconds_until(ready))
        for member_id in members:
            member = world.member(member_id)
            card, _ = world.issuer.issue_card(member_id, AccountClass(member.account_class), batch=True)
            if card is not None:
                world.recorder.card_issued(member.city)

    def issue_card(self, index, step) -> StepOutcome:
        world = self.world
        member = world.member(step.member)
        if not member.enrolled:
            return self.runner.outcome(index, step, False, "not_enrolled")
        card, reason = world.issuer.issue_card(step.member, AccountClass(member.account_class), batch=False, pin=step.pin)
        if card is not None:
            member.pin = step.pin
            world.recorder.card_issued(member.city, active=True)
        return self.runner.outcome(index, step, card is not None, "issued" if card else reason)

    def open_welfare_account(self, index, step) -> StepOutcome:
        world = self.world
        members = step.members or [m.id for m in world.scenario.actors.members_of(step.union)]
        opened, rejected = [], {}
        for member_id in members:
            if world.member(member_id).union != step.union:
                rejected[member_id] = "not_member_of_union"
                continue
            account_id, reason = world.issuer.open_welfare_account(member_id)
            if account_id:
                opened.append(member_id)
            else:
                rejected[member_id] = reason
        outcome = self.runner.outcome(index, step, bool(opened), "opened" if opened else "not_opened")
        outcome.detail.update({"opened": opened, "rejected": rejected})
        return outcome

    def disburse(self, index, step) -> StepOutcome:
        """Upload a disbursement file through enterprise online banking; each row gets its own result."""
        world = self.world
        file_id = step.file_id or f"{step.union}-{world.now():%Y%m%d%H%M}-{index}"
        rows, results = [], []
        for row in step.rows:
            card = world.issuer.card_of(row.member)
            member = world.members.get(row.member)
            if card is None or member is None:
                results.append({"member": row.member, "amount": row.amount, "result": "no_card"})
                continue
            name = row.name if row.name is not None else member.name
            rows.append((row.member, DisbursementRow(name, card.pan, row.amount)))
        uploaded = world.banking.upload(
            step.union, file_id, [row for _, row in rows], confirm_duplicate=step.confirm_duplicate
        )
        for (member_id, _), row_result in zip(rows, uploaded.rows, strict=False):
            results.append({"member": member_id, "amount": row_result.amount, "result": row_result.status})
            if row_result.accepted:
                world.recorder.disbursed(world.member(member_id).city, row_result.amount)
        if uploaded.status in ("duplicate_file", "duplicate_period"):
            world.recorder.count("duplicate_files_rejected")
        elif step.confirm_duplicate:
            world.recorder.count("duplicate_files_confirmed")
        paid = uploaded.paid_amount
        approved = uploaded.status == "accepted" and paid > 0
        if approved:
            reason = "file_processed"
        elif uploaded.status == "accepted":
            reason = "no_row_paid"
        else:
            reason = uploaded.status
        outcome = self.runner.outcome(index, step, approved, reason, amount=paid,
                                      transfer_ids=tuple(r.transfer_id for r in uploaded.rows if r.accepted))
        outcome.paid_to = "welfare" if approved else None
        outcome.detail.update({"file_id": file_id, "period": uploaded.period, "rows": results, "total": paid})
        return outcome

    def etc_signup(self, index, step) -> StepOutcome:
        member = self.world.member(step.member)
        card = self.world.issuer.card_of(step.member)
        if card is None or card.status is not CardStatus.ACTIVE:
            return self.runner.outcome(index, step, False, "card_not_active")
        if not member.car:
            return self.runner.outcome(index, step, False, "no_car")
        if member.etc_signed:
            return self.runner.outcome(index, step, False, "etc_already_signed")
        member.etc_signed = True
        member.obu = True
        outcome = self.runner.outcome(index, step, True, "etc_signed")
        outcome.detail["obu_value"] = self.world.scenario.programme.etc.obu_value
        return outcome

    def report_loss(self, index, step) -> StepOutcome:
        reason = self.world.issuer.report_loss(step.member)
        return self.runner.outcome(index, step, reason == "ok", "card_reported_lost" if reason == "ok" else reason)

    def replace_card(self, index, step) -> StepOutcome:
        """Replace a lost card; the member keeps the PIN they know, set again at the counter."""
        member = self.world.member(step.member)
        pin = member.pin or self.world.scenario.programme.initial_pin
        card, reason = self.world.issuer.replace_card(step.member, pin=pin)
        outcome = self.runner.outcome(index, step, card is not None, "card_replaced" if card else reason)
        return outcome

    def close_card(self, index, step) -> StepOutcome:
        member = self.world.member(step.member)
        card = self.world.issuer.card_of(step.member)
        was_active = card is not None and card.status is CardStatus.ACTIVE
        reason = self.world.close_card(step.member, member.city)
        if reason == "ok":
            self.world.recorder.card_closed(member.city, was_active=was_active)
        outcome = self.runner.outcome(index, step, reason == "ok", "card_closed" if reason == "ok" else reason)
        return outcome

    def advance(self, index, step) -> StepOutcome:
        outcome = self.runner.outcome(index, step, True, "advanced")
        outcome.detail["now"] = self.world.now().isoformat()
        return outcome

"""A trainer's session: one scenario's world, driven one step at a time.

The trainer walks the scenario's script (:meth:`TrainerSession.next_step`) or
performs free actions built on the spot (:meth:`TrainerSession.perform`). Each
step is carried out by the same :class:`~twin.sim.script.runner.ScriptRunner`
as in a run, so the core, the ledger and the bank's own processes (card
production, hold expiry) behave exactly as they do there. Simulated time moves
only forward: a scripted step whose time has passed happens at once.

For every step the session keeps a :class:`~tui.stepreport.StepReport`. It
has the request as the card holder made it (card number masked) and the core's
decision. It also has the ledger transfers the step posted, and the balances of
the member's accounts and of their union before and after. Only the member the
trainer follows is named in full; every other person's name is masked.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path

from tui.ledgerdb import LedgerReader
from tui.stepreport import (
    BALANCE_KINDS,
    AccountRef,
    MerchantView,
    StepReport,
    TransferLine,
    balance_lines,
)
from tui.synthetic import adopt_member, start_crowd, sync_pin
from tui.text import masked_name, masked_pan
from twin.calendar import to_local
from twin.scenario import Scenario, Step
from twin.scenario.timeline import advanced
from twin.sim.recorder import Recorder
from twin.sim.script.outcome import StepOutcome
from twin.sim.script.runner import ScriptRunner
from twin.sim.world import World

__all__ = ["TrainerSession", "FREE_ACTION_GAP"]

log = logging.getLogger(__name__)

#: Simulated time between two free actions, so each has its own moment in the log.
FREE_ACTION_GAP = dt.timedelta(minutes=1)


class TrainerSession:
    """The world of one scenario, a trainer's chosen member and the steps done so far."""

    def __init__(self, scenario: Scenario, member_id: str | None = None) -> None:
        self.scenario = scenario
        self._folder = Path(tempfile.mkdtemp(prefix="twin-trainer-"))
        self.db_path = self._folder / "ledger.db"
        self.world = World(scenario, self.db_path, recorder=Recorder())
        self.runner = ScriptRunner(self.world)
        self.reader = LedgerReader(self.db_path)
        self.reports: list[StepReport] = []
        self.next_index = 0
        self._planned = scenario.step_times()
        self._free_count = 0
        self._closed = False
        self.crowd = start_crowd(self.world)
        self.synthetic_id = adopt_member(self.crowd) if self.crowd is not None else None
        if member_id is None and self.member_ids:
            member_id = self.member_ids[0]
        if member_id is not None and member_id not in self.world.members:
            raise KeyError(f"member {member_id!r} is not an actor of scenario {scenario.name}")
        self.member_id = member_id

    def close(self) -> None:
        """Close the ledger and remove the session's working folder; a second call does nothing."""
        if self._closed:
            return
        self._closed = True
        self.reader.close()
        self.world.ledger.flush()
        self.world.ledger.store.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    # What the session is at

    @property
    def member_ids(self) -> list[str]:
        """Return the members a trainer may follow: the scenario's named ones, then the crowd's one."""
        ids = [member.id for member in self.scenario.actors.members]
        if self.synthetic_id is not None:
            ids.append(self.synthetic_id)
        return ids

    @property
    def script(self) -> list[Step]:
        return list(self.scenario.script)

    @property
    def script_done(self) -> bool:
        return self.next_index >= len(self.scenario.script)

    def now(self) -> dt.datetime:
        return self.world.now()

    def planned_time(self, index: int) -> dt.datetime:
        """Return when the script's step ``index`` happens if nothing else moves the clock."""
        return self._planned[index]

    def member_name(self, member_id: str) -> str:
        """Return a member's name: in full for the followed member, masked for anyone else."""
        member = self.world.members.get(member_id)
        if member is None:
            return member_id
        return member.name if member_id == self.member_id else masked_name(member.name)

    def card_view(self, member_id: str | None = None) -> tuple[str | None, str | None]:
        """Return the member's current card number (masked) and its status."""
        card = self.world.issuer.card_of(member_id or self.member_id or "")
        if card is None:
            return None, None
        return masked_pan(card.pan), card.status.value

    def balances(self, member_id: str | None = None) -> dict[str, tuple[int, int, int] | None]:
        """Return (account id, posted balance, available) of each kind of account, None where there is none."""
        member_id = member_id or self.member_id
        ledger = self.world.ledger
        ids: dict[str, int] = dict.fromkeys(BALANCE_KINDS, 0)
        card = self.world.issuer.card_of(member_id) if member_id else None
        if card is not None:
            ids.update(main=card.accounts.main, welfare=card.accounts.welfare, transit_wallet=card.accounts.transit_wallet)
        member = self.world.members.get(member_id or "")
        if member is not None and member.union in self.world.issuer.unions():
            ids["corporate"] = self.world.issuer.union_account(member.union)
        result: dict[str, tuple[int, int, int] | None] = {}
        for kind, account_id in ids.items():
            account = ledger.get_account(account_id) if account_id else None
            result[kind] = None if account is None else (account_id, account.balance, account.available)
        return result

    def merchants(self) -> list[MerchantView]:
        """Return the merchants a free purchase may go to: the scenario's, then a few of the crowd's.

        For a followed crowd member, the crowd adds the first two designated
        merchants of the member's city and the first two others.
        """
        views = [self.merchant_view(merchant.id) for merchant in self.scenario.actors.merchants]
        if self.crowd is not None and self.member_id == self.synthetic_id:
            directory = self.crowd.merchants
            city = int(self.crowd.province.members.city[int(self.synthetic_id.partition(":")[2])])
            designated = list(directory.designated_in_city[city][:2])
            others = [index for index in directory.all_in_city[city] if not directory.designated[index]][:2]
            views += [self.merchant_view(directory.ids[index]) for index in designated + others]
        return [view for view in views if view is not None]

    def earlier_steps(self, actions: frozenset[str]) -> list[StepReport]:
        """Return the approved steps with an id whose action is one of ``actions``, oldest first."""
        return [
            report
            for report in self.reports
            if report.outcome.step_id and report.outcome.approved and report.step.do in actions
        ]

    # Doing steps

    def next_step(self) -> StepReport:
        """Perform the next step of the script at its moment; ``IndexError`` once the script is done."""
        if self.script_done:
            raise IndexError("the script has no more steps")
        index = self.next_index
        step = self.scenario.script[index]
        self.next_index += 1
        return self._carry_out(index, step, scripted=True)

    def perform(self, step: Step) -> StepReport:
        """Perform a step built by the trainer, a minute after the last one."""
        index = len(self.scenario.script) + sum(1 for report in self.reports if not report.scripted)
        if step.id is None and step.do != "advance":
            step = step.model_copy(update={"id": self._free_id()})
        self._advance_to(self.now() + FREE_ACTION_GAP)
        return self._carry_out(index, step, scripted=False)

    def follow(self, member_id: str) -> None:
        """Follow another of the members in :attr:`member_ids` (the world stays as it is)."""
        if member_id not in self.world.members:
            raise KeyError(f"member {member_id!r} is not an actor of scenario {self.scenario.name}")
        self.member_id = member_id

    # Private interface

    def _carry_out(self, index: int, step: Step, *, scripted: bool) -> StepReport:
        world = self.world
        seq = self.reader.last_seq()
        late = step.at is not None and step.at < self.now()
        member_id = self._member_of(step)
        before = self.balances(member_id) if member_id else {}
        pan, _ = self.card_view(member_id) if member_id else (None, None)

        # Let time run to the step's moment, as the runner's SimPy process does. What
        # the bank does meanwhile (card production, expiries) is part of the step's report.
        if step.at is not None:
            self._advance_to(step.at)
        if step.do == "advance":
            self._advance_to(advanced(self.now(), step))

        outcome = self.runner.perform(index, step)
        self.runner.outcomes.append(outcome)
        if step.id:
            self.runner.by_id[step.id] = outcome
        world.ledger.flush()
        if self.synthetic_id is not None:
            sync_pin(self.crowd, self.synthetic_id)
        after = self.balances(member_id) if member_id else {}
        new_pan, status = self.card_view(member_id) if member_id else (None, None)

        report = StepReport(
            index=index,
            step=step,
            outcome=outcome,
            scripted=scripted,
            late=late,
            member_id=member_id,
            member_name=self.member_name(member_id) if member_id else "",
            pan=pan or new_pan,
            card_status=status,
            new_pan=new_pan if pan and new_pan != pan else None,
            merchant=self._merchant_of(step),
            transfers=self._transfers(seq, outcome, before, after),
            balances=balance_lines(before, after),
        )
        self.reports.append(report)
        log.debug("trainer step %d %s: %s %s", index, step.do, outcome.response, outcome.reason)
        return report

    def _advance_to(self, moment: dt.datetime) -> None:
        world = self.world
        target = world.clock.at(moment)
        if target <= world.env.now:
            return
        # One batch per day, as in a run, so a crowd's day is written in one group.
        while world.env.now < target:
            day_end = world.clock.at(to_local(dt.datetime.combine(self.now().date() + dt.timedelta(days=1), dt.time())))
            with world.ledger.batch():
                world.env.run(until=min(target, day_end))
                world.ledger.expire_pending()

    def _member_of(self, step: Step) -> str | None:
        member = getattr(step, "member", None)
        if member:
            return member
        of = getattr(step, "of", None)
        if of and of in self.runner.by_id:
            return self.runner.by_id[of].detail.get("member")
        members = getattr(step, "members", None)
        if members and len(members) == 1:
            return members[0]
        rows = getattr(step, "rows", None)
        if rows and len(rows) == 1:
            return rows[0].member
        return self.member_id

    def _merchant_of(self, step: Step) -> MerchantView | None:
        merchant_id = getattr(step, "merchant", None)
        of = getattr(step, "of", None)
        if not merchant_id and of and of in self.runner.by_id:
            merchant_id = self.runner.by_id[of].detail.get("merchant")
        return self.merchant_view(merchant_id) if merchant_id else None

    def merchant_view(self, merchant_id: str) -> MerchantView | None:
        """Return what the trainer shows of a merchant, or None for an unknown id."""
        merchant = self.world.issuer.merchant(merchant_id)
        if merchant is None:
            return None
        return MerchantView(merchant.id, merchant.name, merchant.designated, merchant.mcc)

    def _transfers(self, seq: int, outcome: StepOutcome, before: dict, after: dict) -> list[TransferLine]:
        """Return the transfers of this step: those it names and those that moved the member's or union's money.

        Transfers of other members (the synthetic crowd, while time ran to the
        step) are left out.
        """
        watched = {entry[0] for entry in (*before.values(), *after.values()) if entry is not None}
        named = set(outcome.transfer_ids)
        lines = []
        for transfer in self.reader.transfers_after(seq):
            if transfer.id not in named and not ({transfer.debit_account_id, transfer.credit_account_id} & watched):
                continue
            lines.append(
                TransferLine(
                    transfer.id,
                    self._account_ref(transfer.debit_account_id),
                    self._account_ref(transfer.credit_account_id),
                    transfer.amount,
                    transfer.code.value,
                    int(transfer.flags),
                    transfer.pending_id,
                )
            )
        return lines

    def _account_ref(self, account_id: int) -> AccountRef:
        account = self.world.ledger.get_account(account_id)
        if account is None:
            return AccountRef(account_id, "", "", "")
        kind, _, key = account.owner.partition(":")
        if account.owner == "union:province":
            # The provincial federation's account, which receives unspent welfare at closure.
            kind = "province"
        return AccountRef(account_id, account.code.value, kind, self._owner_name(kind, key))

    def _owner_name(self, kind: str, key: str) -> str:
        if kind == "member":
            return self.member_name(key)
        if kind == "union":
            return self.world.union_names.get(key, "")
        if kind == "merchant":
            merchant = self.world.issuer.merchant(key)
            return merchant.name if merchant else key
        if kind == "campaign":
            return key
        return ""

    def _free_id(self) -> str:
        """Return an id for a free step that no scripted step uses, so later steps can refer to it."""
        while True:
            self._free_count += 1
            candidate = f"trainer-{self._free_count}"
            if candidate not in self.runner.by_id:
                return candidate

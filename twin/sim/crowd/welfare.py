"""Welfare accounts and festival disbursements (代发) through enterprise online banking.

The branch opens welfare accounts in bulk from a union's roster: with a batch
application, and before each festival file for members who got their card
another way. For each of the scenario's disbursements, ``participation`` of
the selected unions pay. Each uploads its file in office hours on one of the
``lead_working_days`` working days before the festival date, or on the date
itself when that is 0. A file has a row for every member with a
card and a welfare account, for the festival amount, cut so that no member gets
more than the programme's ``welfare.yearly_cap`` in a calendar year.

The bank's enterprise online banking (:class:`~twin.devices.banking.EnterpriseBanking`)
checks each row (name against the registry, card, welfare account) and pays
the accepted ones from the union's corporate account in one ledger batch. It
rejects a second upload of the same file, or a second file of the union for
the same festival, as a duplicate unless the union's operator confirms it,
and a file larger than the union's available balance. The bank does not know
the yearly cap, so a confirmed duplicate can take a member past it, which is
counted. Disbursements dated before the run started are not replayed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from twin.calendar import is_working_day
from twin.devices.banking import DisbursementRow, EnterpriseBanking
from twin.sim.crowd.plan import Planned
from twin.sim.crowd.selectors import select_any
from twin.sim.crowd.state import CardState

if TYPE_CHECKING:
    from twin.scenario import Disbursement
    from twin.sim.crowd.crowd import Crowd

__all__ = ["Welfare", "DUPLICATE_DELAY_MINUTES"]

log = logging.getLogger(__name__)

#: Minutes after the first upload that a duplicate upload arrives.
DUPLICATE_DELAY_MINUTES = (10, 60)

_OFFICE_OPENS = 9 * 3600
_OFFICE_CLOSES = 17 * 3600
_PAYABLE = (CardState.INACTIVE, CardState.ACTIVE)


class Welfare:
    """Opens welfare accounts and pays the scenario's festival welfare."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        self.state = crowd.state
        self.cap = crowd.scenario.programme.welfare.yearly_cap
        self._rng = crowd.streams.stream("welfare")
        #: The bank's enterprise online banking; it looks names up in the file being uploaded.
        self.bank = EnterpriseBanking(crowd.world.issuer, lambda member_id: self._names.get(member_id))
        self._names: dict[str, str] = {}
        self._uploaded: set[str] = set()
        self._uploads: dict[dt.date, list[tuple[int, Disbursement]]] = defaultdict(list)
        self._schedule_uploads()

    # Welfare accounts

    def open_accounts(self, members: np.ndarray, count: bool = True) -> None:
        """Open welfare accounts on the cards of ``members`` (the union's roster); ``count`` them in the metrics."""
        issuer = self.world.issuer
        opened = 0
        for member in members[~self.state.welfare[members]]:
            member = int(member)
            account, reason = issuer.open_welfare_account(self.state.member_id(member))
            if account:
                self.state.welfare[member] = True
                opened += 1
        if opened and count:
            self.world.recorder.count("welfare_accounts_opened", opened)

    # The day's uploads

    def plan_day(self, day: dt.date, first_second: float) -> list[Planned]:
        uploads = self._uploads.pop(day, [])
        if not uploads:
            return []
        times = _OFFICE_OPENS + self._rng.random(len(uploads)) * (_OFFICE_CLOSES - _OFFICE_OPENS)
        times = np.maximum(times, first_second)

        def upload(row: int) -> None:
            union, disbursement = uploads[row]
            self.upload(union, disbursement)

        return [Planned(times, upload)]

    def upload(self, union: int, disbursement: Disbursement) -> None:
        """Prepare and upload a union's festival file, and upload it again under a duplicate-file fault."""
        members, amounts = self._rows(union, disbursement.amount)
        if not len(members):
            return
        file_id = f"{disbursement.festival}-{disbursement.date:%Y%m%d}-u{union}"
        period = f"{disbursement.date.year}:{disbursement.festival}"
        self.process_file(union, file_id, period, members, amounts, confirm=False)
        rule = self.crowd.faults.duplicate_rule(union, disbursement.festival)
        if rule is not None:
            self.world.env.process(self._upload_again(union, file_id, period, members, amounts, rule.confirm))

    def process_file(self, union: int, file_id: str, period: str, members: np.ndarray, amounts: np.ndarray,
                     confirm: bool) -> int:
        """Upload a disbursement file to the bank's enterprise online banking; return the fen paid."""
        recorder = self.world.recorder
        issuer = self.world.issuer
        names = self.crowd.province.members.names(members)
        rows = []
        for member, name, amount in zip(members, names, amounts, strict=True):
            card = issuer.card_of(self.state.member_id(int(member)))
            rows.append(DisbursementRow(name, card.pan, int(amount)))
        self._names = {self.state.member_id(int(member)): name for member, name in zip(members, names, strict=True)}
        result = self.bank.upload(self.state.union_id(union), file_id, rows, period=period, confirm_duplicate=confirm)
        self._names = {}

        if result.status in ("duplicate_file", "duplicate_period"):
            recorder.count("duplicate_files_rejected")
            return 0
        if result.status != "accepted":
            recorder.count(f"disbursement_files_{result.status}")
            return 0
        recorder.count("duplicate_files_confirmed" if file_id in self._uploaded else "disbursement_files")
        self._uploaded.add(file_id)

        # Rows the bank rejected are counted by reason; the paid ones count toward the cap.
        self._start_year(members, self.world.now().year)
        paid = 0
        for member, amount, row in zip(members, amounts, result.rows, strict=True):
            if not row.accepted:
                recorder.count(f"disbursement_rows_{row.status}")
                continue
            self.state.welfare_paid[member] += amount
            recorder.disbursed(self.crowd.city_name(int(member)), int(amount))
            paid += int(amount)
        over = int((self.state.welfare_paid[members] > self.cap).sum())
        if over:
            recorder.count("members_paid_over_cap", over)
        return paid

    # Private interface

    def _rows(self, union: int, amount: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the file's members and amounts: card holders with a welfare account, within the cap."""
        members = self.crowd.province.members_of_union(union)
        holders = members[np.isin(self.state.card[members], _PAYABLE)]
        holders = holders[self.crowd.registry.is_enrolled(holders)]
        self.open_accounts(holders)
        holders = holders[self.state.welfare[holders]]
        self._start_year(holders, self.world.now().year)
        room = self.cap - self.state.welfare_paid[holders]
        amounts = np.minimum(amount, room)
        keep = amounts > 0
        return holders[keep], amounts[keep].astype(np.int64)

    def _start_year(self, members: np.ndarray, year: int) -> None:
        stale = members[self.state.welfare_year[members] != year]
        self.state.welfare_paid[stale] = 0
        self.state.welfare_year[stale] = year

    def _upload_again(self, union: int, file_id: str, period: str, members: np.ndarray, amounts: np.ndarray,
                      confirm: bool):
        low, high = DUPLICATE_DELAY_MINUTES
        yield self.world.env.timeout(float(self._rng.integers(low, high + 1)) * 60.0)
        self.process_file(union, file_id, period, members, amounts, confirm=confirm)

    def _schedule_uploads(self) -> None:
        province = self.crowd.province
        start = self.crowd.scenario.start.date()
        allowed = set(self.crowd.scenario.programme.welfare.festivals)
        for disbursement in self.crowd.scenario.disbursements:
            if disbursement.date < start:
                log.info("disbursement for %s on %s is before the run; not replayed",
                         disbursement.festival, disbursement.date)
                continue
            if disbursement.festival not in allowed:
                log.warning("disbursement for %s skipped: the programme allows no welfare at it",
                            disbursement.festival)
                continue
            selected = select_any(province, disbursement.unions)
            paying = np.flatnonzero(selected & (self._rng.random(len(selected)) < disbursement.participation))
            days = _days_before(disbursement.date, disbursement.lead_working_days)
            picks = self._rng.integers(0, len(days), len(paying))
            for union, pick in zip(paying, picks, strict=True):
                day = max(days[int(pick)], start)
                self._uploads[day].append((int(union), disbursement))


def _days_before(date: dt.date, working_days: int) -> list[dt.date]:
    """Return the ``working_days`` working days before ``date``, or ``[date]`` when that is 0."""
    if working_days <= 0:
        return [date]
    days = []
    day = date
    while len(days) < working_days:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            days.append(day)
    return sorted(days)

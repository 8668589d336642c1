"""The trainer's report of one step: the request's actors, transfers and balances.

These are plain values, filled by :class:`~tui.session.TrainerSession` and
drawn by :mod:`tui.widgets.step_view`. Names in them are already masked where
they must be, and card numbers are masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from twin.scenario import Step
from twin.sim.script.outcome import StepOutcome

__all__ = ["AccountRef", "TransferLine", "BalanceLine", "MerchantView", "StepReport", "BALANCE_KINDS", "balance_lines"]

#: The accounts shown for a member: the card's three and their union's corporate account.
BALANCE_KINDS = ("main", "welfare", "transit_wallet", "corporate")


@dataclass(frozen=True)
class AccountRef:
    """One side of a transfer: the account, what it is for and whose it is.

    ``owner_kind`` is the first part of the ledger's owner field (``member``,
    ``union``, ``merchant``, ``bank`` ...). ``owner_name`` is the name to show,
    empty for the bank's own accounts.
    """

    id: int
    code: str
    owner_kind: str
    owner_name: str


@dataclass(frozen=True)
class TransferLine:
    id: int
    debit: AccountRef
    credit: AccountRef
    amount: int
    code: str
    flags: int
    pending_id: int


@dataclass(frozen=True)
class BalanceLine:
    """A posted balance before and after a step; ``available`` also subtracts open holds."""

    kind: str
    account_id: int
    before: int | None
    after: int | None
    available: int | None


@dataclass(frozen=True)
class MerchantView:
    id: str
    name: str
    designated: bool
    mcc: str


@dataclass
class StepReport:
    """The result of one step, in the terms a trainer explains to a class."""

    index: int
    step: Step
    outcome: StepOutcome
    scripted: bool
    late: bool
    member_id: str | None
    member_name: str
    pan: str | None
    card_status: str | None
    new_pan: str | None = None
    merchant: MerchantView | None = None
    transfers: list[TransferLine] = field(default_factory=list)
    balances: list[BalanceLine] = field(default_factory=list)

    @property
    def welfare_before(self) -> int | None:
        for line in self.balances:
            if line.kind == "welfare":
                return line.before
        return None


def balance_lines(before: dict, after: dict) -> list[BalanceLine]:
    """Pair the balances of each kind of account before and after a step; kinds with no account are left out."""
    lines = []
    for kind in BALANCE_KINDS:
        old, new = before.get(kind), after.get(kind)
        if old is None and new is None:
            continue
        lines.append(
            BalanceLine(
                kind,
                (new or old)[0],
                None if old is None else old[1],
                None if new is None else new[1],
                None if new is None else new[2],
            )
        )
    return lines

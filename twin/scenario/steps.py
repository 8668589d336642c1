"""Script steps: one model per action, distinguished by the ``do`` key.

A step happens at its ``at`` time if it gives one, else right after the step
before it (see :func:`twin.scenario.timeline.step_times`). Steps that send a
request through the authorization core (:data:`CARD_ACTIONS`) may name the
terminal and STAN, so a script can replay a request to show duplicate detection.
Steps that act on an earlier step name it in ``of`` (:data:`OF_ACTIONS` lists
which actions each may name).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from twin.scenario.base import ScenarioModel
from twin.scenario.expect import StepExpect
from twin.scenario.fields import (
    County,
    Fen,
    Identifier,
    LocalDateTime,
    Pin,
    Stan,
    TerminalId,
)

__all__ = [
    "StepBase",
    "CardStep",
    "Enrol",
    "ApplyBatch",
    "IssueCard",
    "Activate",
    "OpenWelfareAccount",
    "Deposit",
    "DisbursementRow",
    "Disburse",
    "Purchase",
    "Preauthorize",
    "VoidPurchase",
    "Reverse",
    "CancelPreauth",
    "Refund",
    "CompletePreauth",
    "Withdraw",
    "Transfer",
    "Balance",
    "ChangePin",
    "TransitTopup",
    "Ride",
    "EtcSignup",
    "Toll",
    "ReportLoss",
    "ReplaceCard",
    "CloseCard",
    "Advance",
    "Step",
    "STEP_TYPES",
    "CARD_ACTIONS",
    "OF_ACTIONS",
]


class StepBase(ScenarioModel):
    """Fields every step may have."""

    id: Identifier | None = None
    """Name of the step, for later steps to refer to in ``of``."""

    at: LocalDateTime | None = None
    """When the step happens (default: right after the previous step)."""

    expect: StepExpect | None = None
    """Expected outcome of the step."""


class CardStep(StepBase):
    """A step that sends a request through the authorization core."""

    terminal: TerminalId | None = None
    """Terminal id (ISO 8583 field 41); default: the merchant's POS, the branch's ATM or counter."""

    stan: Stan | None = None
    """System trace audit number (field 11); default: the terminal's next number."""


# Membership and cards


class Enrol(StepBase):
    """Record a member in the real-name registry."""

    do: Literal["enrol"] = "enrol"
    member: Identifier
    """Member to record."""


class ApplyBatch(StepBase):
    """A union submits a batch card application at a branch; cards are made in 5 to 7 working days."""

    do: Literal["apply_batch"] = "apply_batch"
    union: Identifier
    """Union that applies."""

    members: list[Identifier] | None = None
    """Members to include (default: every member of the union)."""

    branch: Identifier
    """Branch that receives the application and makes the cards."""


class IssueCard(StepBase):
    """A member gets a card in person at a branch; the card is active at once."""

    do: Literal["issue_card"] = "issue_card"
    member: Identifier
    """Member who applies."""

    branch: Identifier
    """Branch where the member applies."""

    pin: Pin
    """PIN the member chooses."""


class Activate(StepBase):
    """A member activates a batch card and replaces the initial PIN with their own."""

    do: Literal["activate"] = "activate"
    member: Identifier
    """Member whose card is activated."""

    pin: Pin
    """New PIN."""

    initial_pin: Pin | None = None
    """PIN entered as the current one (default: the programme's initial PIN, 955330)."""

    channel: Literal["counter", "teller", "onsite"] = "counter"
    """Where: a branch counter, a smart teller machine, or an on-site team."""

    branch: Identifier | None = None
    """Branch where it happens (default: the branch that made the card)."""


class OpenWelfareAccount(StepBase):
    """A union's branch opens welfare accounts in bulk on members' cards."""

    do: Literal["open_welfare_account"] = "open_welfare_account"
    union: Identifier
    """Union that submits the roster."""

    members: list[Identifier] | None = None
    """Members on the roster (default: every member of the union)."""


class ReportLoss(StepBase):
    """A member reports the card lost; the card declines with 41 from then on."""

    do: Literal["report_loss"] = "report_loss"
    member: Identifier
    """Member who reports."""


class ReplaceCard(StepBase):
    """A member gets a new card for a lost one; all money and the welfare account move to it."""

    do: Literal["replace_card"] = "replace_card"
    member: Identifier
    """Member whose card is replaced."""

    branch: Identifier | None = None
    """Branch where it happens (default: the branch that made the card)."""


class CloseCard(StepBase):
    """A member closes the card; the main balance is paid out and welfare money settled."""

    do: Literal["close_card"] = "close_card"
    member: Identifier
    """Member whose card is closed."""

    branch: Identifier | None = None
    """Branch where it happens (default: the branch that made the card)."""


# Money in


class Deposit(CardStep):
    """Cash into an account of the card (only the main account accepts it)."""

    do: Literal["deposit"] = "deposit"
    member: Identifier
    """Card holder."""

    amount: Fen
    """Amount in yuan."""

    account: Literal["main", "welfare"] = "main"
    """Account credited; a deposit into the welfare account is declined."""

    channel: Literal["counter", "atm"] = "counter"
    """Branch counter or cash deposit machine."""


class DisbursementRow(ScenarioModel):
    """One row of a disbursement file: a member and an amount."""

    member: Identifier
    """Member paid."""

    amount: Fen
    """Amount in yuan."""

    name: str | None = None
    """Name written in the file (default: the member's name; another name makes the row fail)."""


class Disburse(StepBase):
    """A union pays welfare from its corporate account by an online-banking batch file."""

    do: Literal["disburse"] = "disburse"
    union: Identifier
    """Union that pays."""

    rows: list[DisbursementRow] = Field(min_length=1)
    """Rows of the file."""

    file_id: str | None = Field(default=None, min_length=1, max_length=64)
    """Id of the file (default: one derived from the step); a repeated id is a duplicate file."""

    confirm_duplicate: bool = False
    """Whether the operator confirms a file the bank flags as a duplicate."""


# Card payments


class Purchase(CardStep):
    """A purchase (消费) at a merchant; at a designated merchant the welfare account pays first."""

    do: Literal["purchase"] = "purchase"
    member: Identifier
    """Card holder."""

    merchant: Identifier
    """Merchant."""

    amount: Fen
    """Amount in yuan."""

    pin: Pin | None = None
    """PIN entered (none: no PIN entered)."""

    channel: Literal["chip", "qr"] = "chip"
    """The card's chip at the POS, or the bank app's QR code."""


class Preauthorize(Purchase):
    """A pre-authorization (预授权): a hold on the amount, completed or cancelled later."""

    do: Literal["preauthorize"] = "preauthorize"  # type: ignore[assignment]


class VoidPurchase(CardStep):
    """The void of a purchase (消费撤销), on the same local day, for the whole amount."""

    do: Literal["void_purchase"] = "void_purchase"
    of: Identifier
    """Id of the purchase."""


class Reverse(CardStep):
    """A reversal (冲正) that the terminal sends for an earlier request."""

    do: Literal["reverse"] = "reverse"
    of: Identifier
    """Id of the request reversed."""


class CancelPreauth(CardStep):
    """Cancel a pre-authorization and release its hold."""

    do: Literal["cancel_preauth"] = "cancel_preauth"
    of: Identifier
    """Id of the pre-authorization."""


class Refund(CardStep):
    """A refund (退货) of a purchase, to the account that paid it; partial amounts allowed."""

    do: Literal["refund"] = "refund"
    of: Identifier
    """Id of the purchase or pre-authorization completion."""

    amount: Fen | None = None
    """Amount in yuan (default: the whole amount not yet refunded)."""


class CompletePreauth(CardStep):
    """Complete (预授权完成) a pre-authorization; the part not completed is released."""

    do: Literal["complete_preauth"] = "complete_preauth"
    of: Identifier
    """Id of the pre-authorization."""

    amount: Fen | None = None
    """Amount in yuan (default: the amount held)."""


class Withdraw(CardStep):
    """A cash withdrawal; only the main account pays out cash."""

    do: Literal["withdraw"] = "withdraw"
    member: Identifier
    """Card holder."""

    amount: Fen
    """Amount in yuan."""

    pin: Pin | None = None
    """PIN entered."""

    channel: Literal["atm", "counter"] = "atm"
    """ATM or branch counter."""

    account: Literal["main", "welfare"] = "main"
    """Account debited; a withdrawal from the welfare account is declined."""


class Transfer(CardStep):
    """A transfer from an account of the card; the welfare account can neither send nor receive one."""

    do: Literal["transfer"] = "transfer"
    member: Identifier
    """Card holder."""

    amount: Fen
    """Amount in yuan."""

    from_: Literal["main", "welfare"] = Field(default="main", alias="from")
    """Account debited."""

    to: str
    """``main``, ``welfare``, or an outside account number of 10 to 30 digits."""

    pin: Pin | None = None
    """PIN entered."""

    @field_validator("to", mode="before")
    @classmethod
    def _account_or_number(cls, value: object) -> object:
        if value in ("main", "welfare"):
            return value
        if (
            isinstance(value, str)
            and value.isascii()
            and value.isdigit()
            and 10 <= len(value) <= 30
        ):
            return value
        raise PydanticCustomError("transfer_to", "transfer_to: {value}", {"value": str(value)})


class Balance(CardStep):
    """A balance inquiry; the welfare balance is not shown at ATMs or smart tellers."""

    do: Literal["balance"] = "balance"
    member: Identifier
    """Card holder."""

    account: Literal["main", "welfare"] = "main"
    """Account asked about."""

    channel: Literal["atm", "teller", "counter", "mobile", "wechat", "sms"] = "counter"
    """Channel of the inquiry."""

    pin: Pin | None = None
    """PIN entered (ATM and smart teller)."""


class ChangePin(CardStep):
    """A PIN change with the old PIN."""

    do: Literal["change_pin"] = "change_pin"
    member: Identifier
    """Card holder."""

    old: Pin
    """Current PIN."""

    new: Pin
    """New PIN."""

    channel: Literal["atm", "teller", "counter"] = "atm"
    """Channel of the PIN change."""


# Transit and ETC


class TransitTopup(CardStep):
    """Move money from the main account into the transit e-purse."""

    do: Literal["transit_topup"] = "transit_topup"
    member: Identifier
    """Card holder."""

    amount: Fen
    """Amount in yuan."""

    pin: Pin | None = None
    """PIN entered at the kiosk."""


class Ride(StepBase):
    """A bus or metro ride paid offline from the e-purse at the member's fare.

    The gate debits the card's e-purse at once. The transit operator uploads the
    day's rides in a clearing batch after the end of the day, and the ledger's
    ``transit_wallet`` balance changes only then.
    """

    do: Literal["ride"] = "ride"
    member: Identifier
    """Card holder."""

    mode: Literal["bus", "metro"]
    """Bus or metro."""

    county: County | None = None
    """County of a bus ride (进贤县 charges the full fare); default: a Nanchang city district."""

    distance_km: Decimal | None = Field(default=None, gt=0)
    """Length of a metro trip in km, which sets the fare."""

    @model_validator(mode="after")
    def _distance_for_metro_only(self) -> Ride:
        if (self.mode == "metro") != (self.distance_km is not None):
            raise PydanticCustomError(
                "ride_distance", "ride_distance: {value}", {"value": self.mode}
            )
        return self


class EtcSignup(StepBase):
    """Sign the 赣通卡 ETC account through the card and get a free on-board unit."""

    do: Literal["etc_signup"] = "etc_signup"
    member: Identifier
    """Card holder (needs ``car: true``)."""


class Toll(StepBase):
    """An expressway toll at the member's ETC discount, cleared to the main account when the step runs."""

    do: Literal["toll"] = "toll"
    member: Identifier
    """Card holder."""

    amount: Fen
    """Toll before the discount, in yuan."""

    section: str | None = None
    """Expressway section, for the trace (``昌九高速 南昌北-九江``)."""


# Time


class Advance(StepBase):
    """Move the script's clock: exactly one of ``days``, ``hours``, ``minutes``, ``working_days``, ``until``.

    ``working_days: n`` moves to the same time of day on the n-th working day
    after the current day.
    """

    do: Literal["advance"] = "advance"
    days: int | None = Field(default=None, ge=1)
    """Calendar days."""

    hours: int | None = Field(default=None, ge=1)
    """Hours."""

    minutes: int | None = Field(default=None, ge=1)
    """Minutes."""

    working_days: int | None = Field(default=None, ge=1)
    """Working days (official holidays and weekends skipped, make-up working days counted)."""

    until: LocalDateTime | None = None
    """A moment to move to."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Advance:
        given = [name for name in ADVANCE_UNITS if getattr(self, name) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "advance_one_of", "advance_one_of: {value}", {"value": ", ".join(given) or "-"}
            )
        return self


ADVANCE_UNITS = ("days", "hours", "minutes", "working_days", "until")

_STEP_CLASSES = (
    Enrol,
    ApplyBatch,
    IssueCard,
    Activate,
    OpenWelfareAccount,
    Deposit,
    Disburse,
    Purchase,
    Preauthorize,
    VoidPurchase,
    Reverse,
    CancelPreauth,
    Refund,
    CompletePreauth,
    Withdraw,
    Transfer,
    Balance,
    ChangePin,
    TransitTopup,
    Ride,
    EtcSignup,
    Toll,
    ReportLoss,
    ReplaceCard,
    CloseCard,
    Advance,
)

#: Model class of each action, keyed by the value of ``do``.
STEP_TYPES: dict[str, type[StepBase]] = {
    cls.model_fields["do"].default: cls for cls in _STEP_CLASSES
}

#: One script step: any of the step models, chosen by ``do``.
Step = Annotated[
    Enrol
    | ApplyBatch
    | IssueCard
    | Activate
    | OpenWelfareAccount
    | Deposit
    | Disburse
    | Purchase
    | Preauthorize
    | VoidPurchase
    | Reverse
    | CancelPreauth
    | Refund
    | CompletePreauth
    | Withdraw
    | Transfer
    | Balance
    | ChangePin
    | TransitTopup
    | Ride
    | EtcSignup
    | Toll
    | ReportLoss
    | ReplaceCard
    | CloseCard
    | Advance,
    Field(discriminator="do"),
]

#: Actions that send a request through the authorization core.
CARD_ACTIONS: frozenset[str] = frozenset(
    action for action, cls in STEP_TYPES.items() if issubclass(cls, CardStep)
)

#: For each action with ``of``, the actions of the steps it may refer to.
OF_ACTIONS: dict[str, frozenset[str]] = {
    "void_purchase": frozenset({"purchase"}),
    "reverse": frozenset(
        {
            "purchase",
            "preauthorize",
            "complete_preauth",
            "cancel_preauth",
            "void_purchase",
            "refund",
            "withdraw",
            "deposit",
            "transfer",
            "transit_topup",
        }
    ),
    "cancel_preauth": frozenset({"preauthorize"}),
    "refund": frozenset({"purchase", "complete_preauth"}),
    "complete_preauth": frozenset({"preauthorize"}),
}

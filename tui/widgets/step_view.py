"""The trainer's view of a step: the request, the decision and its rule, transfers and balances.

:func:`report_text` draws a step that was done (a :class:`~tui.stepreport.StepReport`),
:func:`plan_text` one of the script still to come. Card numbers are masked and
PINs are never shown, only that one was entered.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from tui.session import TrainerSession
from tui.stepreport import MerchantView, StepReport, TransferLine
from tui.text import (
    action_label,
    explain_reason,
    has_text,
    masked_pan,
    moment_text,
    signed_yuan,
    tr,
    transfer_phase,
    yuan,
)
from twin.i18n import t
from twin.scenario import Step

__all__ = ["StepView", "report_text", "plan_text", "step_summary"]

#: Step fields shown in the request, in this order. Member and merchant are shown apart, and so
#: are terminal and STAN, from what the request carried.
_REQUEST_FIELDS = (
    "amount", "account", "from_", "to", "channel", "mode", "county", "distance_km", "section",
    "of", "union", "members", "rows", "branch", "initial_pin", "pin", "old", "new",
    "days", "hours", "minutes", "working_days", "until", "file_id",
)
_PIN_FIELDS = ("initial_pin", "pin", "old", "new")
_CHOICE_FIELDS = ("account", "from_", "channel", "mode")


class StepView(Static):
    """The detail of one step, done or to come."""

    def show_report(self, report: StepReport, session: TrainerSession, lang: str) -> None:
        self.update(report_text(report, session, lang))

    def show_plan(self, index: int, step: Step, session: TrainerSession, lang: str) -> None:
        self.update(plan_text(index, step, session, lang))


def step_summary(step: Step, session: TrainerSession, lang: str) -> str:
    """Return one line for a step in the script list: its action and main values."""
    parts = [action_label(lang, step.do)]
    amount = getattr(step, "amount", None)
    if isinstance(amount, int):
        parts.append(yuan(amount))
    rows = getattr(step, "rows", None)
    if rows:
        parts.append(yuan(sum(row.amount for row in rows)))
    merchant_id = getattr(step, "merchant", None)
    if merchant_id:
        merchant = session.world.issuer.merchant(merchant_id)
        parts.append(merchant.name if merchant else merchant_id)
    of = getattr(step, "of", None)
    if of:
        parts.append(f"← {of}")
    return " ".join(parts)


def report_text(report: StepReport, session: TrainerSession, lang: str) -> Text:
    outcome = report.outcome
    text = Text()
    kind = tr(lang, "trainer.scripted") if report.scripted else tr(lang, "trainer.free")
    text.append(f"#{report.index + 1} {action_label(lang, report.step.do)}", style="bold")
    text.append(f" · {moment_text(lang, outcome.at)} · {kind}\n", style="dim")
    if report.late:
        text.append(tr(lang, "trainer.late") + "\n", style="yellow")

    _section(text, tr(lang, "trainer.request"))
    text.append_text(_request(report.step, session, lang, report.member_name, report.pan, report.merchant))
    if outcome.detail.get("terminal"):
        text.append(
            f"  {tr(lang, 'field.terminal')} {outcome.detail['terminal']} · {tr(lang, 'field.stan')} {outcome.detail.get('stan', '')}\n",
            style="dim",
        )

    _section(text, tr(lang, "trainer.decision"))
    text.append_text(_decision(report, lang))

    _section(text, tr(lang, "trainer.transfers"))
    if not report.transfers:
        text.append("  " + tr(lang, "trainer.no_transfers") + "\n", style="dim")
    for line in report.transfers:
        text.append_text(_transfer(line, lang))

    if report.balances:
        _section(text, tr(lang, "trainer.balances", name=report.member_name))
        text.append_text(_balances(report, lang))

    if outcome.expectations:
        _section(text, tr(lang, "trainer.expectations"))
        for result in outcome.expectations:
            mark, style = ("✓", "green") if result.ok else ("✗", "bold red")
            text.append(f"  {mark} ", style=style)
            text.append(f"{result.field}: {_expected(result.field, result.expected, lang)}")
            if not result.ok:
                text.append(" " + tr(lang, "trainer.actual", value=_expected(result.field, result.actual, lang)), style="red")
            text.append("\n")
    return text


def plan_text(index: int, step: Step, session: TrainerSession, lang: str) -> Text:
    text = Text()
    text.append(f"#{index + 1} {action_label(lang, step.do)}", style="bold")
    when = moment_text(lang, session.planned_time(index))
    text.append(f" · {when} · {tr(lang, 'trainer.upcoming')}\n", style="dim")
    member_id = getattr(step, "member", None) or session.member_id
    _section(text, tr(lang, "trainer.request"))
    pan, _ = session.card_view(member_id)
    merchant_id = getattr(step, "merchant", None)
    merchant = session.merchant_view(merchant_id) if merchant_id else None
    text.append_text(_request(step, session, lang, session.member_name(member_id) if member_id else "", pan, merchant))
    if step.expect is not None:
        _section(text, tr(lang, "trainer.expected"))
        expect = step.expect
        for name in ("response", "approved", "paid_from", "paid_to"):
            value = getattr(expect, name)
            if value is not None:
                text.append(f"  {name}: {_expected(name, value, lang)}\n")
        for actor, balances in expect.balances.items():
            for account, fen in balances.given().items():
                text.append(f"  balances.{actor}.{account}: {yuan(fen)}\n")
    text.append("\n" + tr(lang, "trainer.press_next") + "\n", style="dim italic")
    return text


# Private interface


def _section(text: Text, title: str) -> None:
    text.append(f"\n{title}\n", style="bold underline")


def _request(
    step: Step, session: TrainerSession, lang: str, member_name: str, pan: str | None, merchant: MerchantView | None
) -> Text:
    text = Text()
    if getattr(step, "member", None) or member_name:
        text.append(f"  {tr(lang, 'field.member')} {member_name}")
        text.append(f" · {tr(lang, 'field.card')} {masked_pan(pan)}\n")
    if merchant is not None:
        kind = tr(lang, "trainer.designated") if merchant.designated else tr(lang, "trainer.not_designated")
        text.append(f"  {tr(lang, 'field.merchant')} {merchant.name} ({kind}, MCC {merchant.mcc})\n")
    for name in _REQUEST_FIELDS:
        value = getattr(step, name, None)
        if value is None or value == []:
            continue
        text.append(f"  {tr(lang, 'field.' + name.rstrip('_'))} {_value(name, value, session, lang)}\n")
    return text


def _value(name: str, value: object, session: TrainerSession, lang: str) -> str:
    if name in _PIN_FIELDS:
        return "●" * 6
    if name == "amount" and isinstance(value, int):
        return f"{yuan(value)} {tr(lang, 'yuan')}"
    if name in _CHOICE_FIELDS and has_text(f"choice.{value}"):
        return tr(lang, f"choice.{value}")
    if name == "to":
        return tr(lang, f"choice.{value}") if value in ("main", "welfare") else masked_pan(str(value))
    if name == "members":
        return ", ".join(session.member_name(member) for member in value)
    if name == "rows":
        return ", ".join(f"{session.member_name(row.member)} {yuan(row.amount)}" for row in value)
    if name == "union":
        return session.world.union_names.get(str(value), str(value))
    if name == "until":
        return moment_text(lang, value)
    return str(value)


def _decision(report: StepReport, lang: str) -> Text:
    outcome = report.outcome
    text = Text("  ")
    if outcome.approved:
        text.append("✓ " + tr(lang, "trainer.approved"), style="bold green")
    else:
        text.append("✗ " + tr(lang, "trainer.declined"), style="bold red")
    if outcome.response:
        meaning = tr(lang, f"response.{outcome.response}") if has_text(f"response.{outcome.response}") else ""
        text.append(f"  {tr(lang, 'trainer.code')} {outcome.response} {meaning}", style="bold")
    text.append("\n")
    if outcome.reason != "approved":
        # An approval broke no rule, so only a decline or a step's own result names one.
        text.append(f"  {tr(lang, 'trainer.rule')} ", style="dim")
        text.append(f"{outcome.reason}", style="italic")
        text.append(f" — {explain_reason(lang, outcome.reason, card_request=outcome.response is not None)}\n")
    if report.new_pan:
        text.append(f"  {tr(lang, 'trainer.new_card')} {report.new_pan}\n", style="bold")
    if outcome.paid_from:
        text.append(f"  {tr(lang, 'trainer.paid_from')} {tr(lang, 'choice.' + outcome.paid_from)}\n")
    if outcome.paid_to:
        text.append(f"  {tr(lang, 'trainer.paid_to')} {tr(lang, 'choice.' + outcome.paid_to)}\n")
    note = _selection_note(report)
    if note:
        text.append("  " + tr(lang, f"trainer.selection.{note}") + "\n", style="cyan")
    discount = outcome.detail.get("discount")
    if discount:
        text.append(f"  {tr(lang, 'trainer.discount')} {yuan(discount)}\n")
    return text


def _selection_note(report: StepReport) -> str | None:
    """Name the account-selection rule an approved purchase shows, if any."""
    outcome = report.outcome
    if report.step.do not in ("purchase", "preauthorize") or not outcome.approved or report.merchant is None:
        return None
    if not report.merchant.designated:
        return "not_designated"
    if outcome.paid_from == "welfare":
        return "welfare_first"
    return "welfare_short" if report.welfare_before is not None else "no_welfare_account"


def _transfer(line: TransferLine, lang: str) -> Text:
    text = Text("  ")
    text.append(f"#{line.id} ", style="dim")
    debit, credit = _account_label(line.debit, lang), _account_label(line.credit, lang)
    if debit == credit:
        # A replacement moves money between two accounts of the same kind: tell them apart by id.
        debit, credit = f"{debit} #{line.debit.id}", f"{credit} #{line.credit.id}"
    text.append(debit)
    text.append(" → ")
    text.append(credit)
    text.append(f"  {yuan(line.amount)}", style="bold")
    code = tr(lang, f"transfer_code.{line.code}") if has_text(f"transfer_code.{line.code}") else line.code
    text.append(f"  {code}")
    phase = transfer_phase(line.flags)
    if phase:
        text.append(f" · {tr(lang, 'phase.' + phase)}", style="yellow")
    text.append("\n")
    return text


def _account_label(account, lang: str) -> str:
    code = tr(lang, f"account_code.{account.code}") if has_text(f"account_code.{account.code}") else account.code
    owner = account.owner_name
    if not owner and has_text(f"owner.{account.owner_kind}"):
        owner = tr(lang, f"owner.{account.owner_kind}")
    return f"{owner} {code}".strip()


def _balances(report: StepReport, lang: str) -> Text:
    text = Text()
    for line in report.balances:
        change = ""
        if line.before is not None and line.after is not None and line.after != line.before:
            change = signed_yuan(line.after - line.before)
        elif line.before is None and line.after is not None:
            change = tr(lang, "trainer.opened")
        text.append("  " + _pad(tr(lang, f"choice.{line.kind}"), 14))
        text.append(_pad(yuan(line.after), 14, right=True), style="bold")
        text.append(f"  {change}", style="cyan")
        if line.available is not None and line.after is not None and line.available != line.after:
            text.append("  " + tr(lang, "trainer.available", amount=yuan(line.available)), style="yellow")
        text.append("\n")
    return text


def _pad(value: str, width: int, *, right: bool = False) -> str:
    """Pad ``value`` to ``width`` terminal cells (a Chinese character takes two)."""
    fill = " " * max(0, width - cell_len(value))
    return fill + value if right else value + fill


def _expected(field: str, value: object, lang: str) -> str:
    """Show an expected or actual value: yuan for balances, 是/否 for yes and no, a code with its meaning."""
    if isinstance(value, bool):
        return t("common.yes" if value else "common.no", lang)
    if field.startswith("balances.") and isinstance(value, int):
        return yuan(value)
    if field == "response" and isinstance(value, str) and has_text(f"response.{value}"):
        return f"{value} {tr(lang, f'response.{value}')}"
    return str(value)

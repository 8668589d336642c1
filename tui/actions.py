"""Free actions of the trainer: which fields each asks for, and the script step it makes.

A free action is a script step built on the spot for the member the trainer
follows. The form requests only what a card holder or clerk would give (an
amount, a merchant, a PIN), and fills in the member, their union and the branch
in. The step is validated by the scenario's own step models, so a bad value
gets the same message, in the same language, as in a scenario file.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from tui.session import TrainerSession
from tui.synthetic import is_script_id
from twin.i18n import t
from twin.scenario import OF_ACTIONS, STEP_TYPES, Step
from twin.scenario.problems import issues_from_validation, to_problem

__all__ = ["Field", "FREE_ACTIONS", "StepInputError", "build_step", "field_defaults", "of_choices"]


@dataclass(frozen=True)
class Field:
    """One input of an action's form.

    ``kind`` is how it is entered: ``amount`` (yuan), ``pin`` (hidden digits),
    ``merchant`` or ``of`` (a choice among the scenario's merchants or the
    earlier steps it may refer to), ``choice`` (one of ``choices``), ``text`` or
    ``number``.
    """

    name: str
    kind: str
    default: str = ""
    choices: tuple[str, ...] = ()
    optional: bool = False


_AMOUNT = Field("amount", "amount", "100")
_PIN = Field("pin", "pin")

#: The trainer's free actions in the order of a card's life, with the fields of each form.
FREE_ACTIONS: dict[str, tuple[Field, ...]] = {
    "enrol": (),
    "apply_batch": (),
    "advance": (Field("unit", "choice", "days", ("days", "working_days", "hours")), Field("count", "number", "1")),
    "issue_card": (Field("pin", "pin"),),
    "activate": (Field("initial_pin", "pin"), Field("pin", "pin"), Field("channel", "choice", "counter", ("counter", "teller", "onsite"))),
    "open_welfare_account": (),
    "deposit": (_AMOUNT, Field("account", "choice", "main", ("main", "welfare"))),
    "disburse": (Field("amount", "amount", "500"),),
    "purchase": (Field("merchant", "merchant"), Field("amount", "amount", "30"), _PIN, Field("channel", "choice", "chip", ("chip", "qr"))),
    "preauthorize": (Field("merchant", "merchant"), Field("amount", "amount", "500"), _PIN),
    "complete_preauth": (Field("of", "of"), Field("amount", "amount", "", optional=True)),
    "cancel_preauth": (Field("of", "of"),),
    "void_purchase": (Field("of", "of"),),
    "refund": (Field("of", "of"), Field("amount", "amount", "", optional=True)),
    "reverse": (Field("of", "of"),),
    "withdraw": (_AMOUNT, _PIN, Field("account", "choice", "main", ("main", "welfare")), Field("channel", "choice", "atm", ("atm", "counter"))),
    "transfer": (_AMOUNT, Field("from", "choice", "main", ("main", "welfare")), Field("to", "text", "6222020200112233445"), _PIN),
    "balance": (Field("account", "choice", "main", ("main", "welfare")), Field("channel", "choice", "counter", ("counter", "atm", "teller", "mobile", "wechat", "sms")), _PIN),
    "change_pin": (Field("old", "pin"), Field("new", "pin")),
    "transit_topup": (Field("amount", "amount", "50"), _PIN),
    "ride": (Field("mode", "choice", "bus", ("bus", "metro")), Field("distance_km", "number", "8", optional=True)),
    "etc_signup": (),
    "toll": (_AMOUNT, Field("section", "text", "", optional=True)),
    "report_loss": (),
    "replace_card": (),
    "close_card": (),
}


class StepInputError(Exception):
    """Form values that do not make a valid step; ``messages`` state what to fix, in the app's language."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


def field_defaults(session: TrainerSession, action: str) -> dict[str, str]:
    """Return the starting value of each field of ``action``'s form for the followed member."""
    member = session.world.members.get(session.member_id or "")
    values = {}
    for spec in FREE_ACTIONS[action]:
        value = spec.default
        if spec.kind == "pin":
            if spec.name == "initial_pin":
                value = session.scenario.programme.initial_pin
            elif spec.name in ("pin", "old") and member is not None and member.pin and action != "issue_card":
                # The member types the PIN they chose; the world remembers it for them.
                value = member.pin
        values[spec.name] = value
    return values


def build_step(session: TrainerSession, action: str, values: dict[str, str], lang: str) -> Step:
    """Make the script step for ``action`` from form ``values``; raise :class:`StepInputError` if invalid."""
    data = _step_data(session, action, values)
    model = STEP_TYPES[action]

    # A crowd member's ids (c:12, c:u3) are no script ids: validate with stand-ins, then put them back.
    stand_ins = _stand_ins(data)
    try:
        step = model.model_validate(_replaced(data, stand_ins))
    except ValidationError as error:
        problems = [to_problem(issue, None, "", lang) for issue in issues_from_validation(error, model)]
        raise StepInputError([_problem_text(problem) for problem in problems]) from None
    return _restored(step, {stand_in: real for real, stand_in in stand_ins.items()})


def of_choices(session: TrainerSession, action: str) -> list[str]:
    """Return the ids of the earlier approved steps that ``action`` may refer to."""
    allowed = OF_ACTIONS.get(action, frozenset())
    return [report.outcome.step_id for report in session.earlier_steps(allowed) if report.outcome.step_id]


# Private interface


def _step_data(session: TrainerSession, action: str, values: dict[str, str]) -> dict:
    member_id = session.member_id
    member = session.world.members.get(member_id or "")
    data: dict[str, object] = {"do": action}
    for spec in FREE_ACTIONS[action]:
        value = values.get(spec.name, "").strip()
        if not value and (spec.optional or spec.kind == "pin"):
            # An empty PIN means no PIN entered, and the step model decides whether one is needed.
            continue
        data[spec.name] = value

    # What the form does not ask: who, which union, which branch.
    if action == "advance":
        unit = str(data.pop("unit"))
        count = data.pop("count")
        data[unit] = count
        return data
    if action in ("apply_batch", "open_welfare_account"):
        data.update(union=member.union if member else "", members=[member_id])
    elif action == "disburse":
        data = {"do": action, "union": member.union if member else "", "rows": [{"member": member_id, "amount": data.get("amount", "")}]}
    elif "of" not in data:
        data["member"] = member_id
    if action in ("apply_batch", "issue_card"):
        data["branch"] = _branch_for(session)
    return data


#: Step fields that name an actor, and so must be script ids.
_ACTOR_FIELDS = ("member", "union", "merchant")


def _stand_ins(data: dict) -> dict[str, str]:
    """Map each actor id in ``data`` that script steps reject (a crowd id) to one they accept."""
    found = [data.get(name) for name in _ACTOR_FIELDS]
    found += list(data.get("members") or [])
    found += [row.get("member") for row in data.get("rows") or []]
    rejected = sorted({value for value in found if isinstance(value, str) and value and not is_script_id(value)})
    return {value: f"trainer-id-{position}" for position, value in enumerate(rejected)}


def _replaced(data, stand_ins: dict[str, str]):
    if isinstance(data, dict):
        return {key: _replaced(value, stand_ins) for key, value in data.items()}
    if isinstance(data, list):
        return [_replaced(value, stand_ins) for value in data]
    if isinstance(data, str):
        return stand_ins.get(data, data)
    return data


def _restored(step: Step, originals: dict[str, str]) -> Step:
    if not originals:
        return step
    update: dict[str, object] = {}
    for name in _ACTOR_FIELDS:
        value = getattr(step, name, None)
        if value in originals:
            update[name] = originals[value]
    members = getattr(step, "members", None)
    if members:
        update["members"] = [originals.get(member, member) for member in members]
    rows = getattr(step, "rows", None)
    if rows:
        update["rows"] = [row.model_copy(update={"member": originals.get(row.member, row.member)}) for row in rows]
    return step.model_copy(update=update)


def _branch_for(session: TrainerSession) -> str:
    """Return the branch in the followed member's city, else the scenario's first branch."""
    branches = session.scenario.actors.branches
    member = session.world.members.get(session.member_id or "")
    for branch in branches:
        if member is not None and branch.city == member.city:
            return branch.id
    return branches[0].id if branches else ""


def _problem_text(problem) -> str:
    text = t("scenario.problem", problem.lang, message=problem.message, fix=problem.fix)
    return f"{problem.path}: {text}" if problem.path else text

"""The trainer's free actions: a menu of actions and a form for the chosen one.

:class:`ActionMenu` returns the chosen action's name. :class:`ActionForm`
asks for the action's fields (see :data:`tui.actions.FREE_ACTIONS`) and
returns the script step they make; values that make no valid step keep the
form open with the problems shown under it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tui.actions import FREE_ACTIONS, Field, StepInputError, build_step, field_defaults, of_choices
from tui.session import TrainerSession
from tui.text import action_label, localize_bindings, tr
from tui.widgets.step_view import step_summary
from twin.scenario import Step

__all__ = ["ActionMenu", "ActionForm"]


class ActionMenu(ModalScreen[str | None]):
    """Choose a free action for the followed member."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self, self.app.lang)

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(classes="dialog"):
            yield Label(tr(lang, "actions.title"), classes="dialog-title")
            yield OptionList(*[Option(action_label(lang, action), id=action) for action in FREE_ACTIONS], id="action-list")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ActionForm(ModalScreen[Step | None]):
    """Ask for the fields of one free action and build its step."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, session: TrainerSession, action: str) -> None:
        super().__init__()
        self.session = session
        self.action = action
        localize_bindings(self, self.app.lang)

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        defaults = field_defaults(self.session, self.action)
        member = self.session.member_name(self.session.member_id) if self.session.member_id else ""
        with Vertical(classes="dialog"):
            yield Label(f"{action_label(lang, self.action)} · {member}", classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                if not FREE_ACTIONS[self.action]:
                    yield Label(tr(lang, "actions.no_fields"), classes="dim")
                for spec in FREE_ACTIONS[self.action]:
                    with Horizontal(classes="form-row"):
                        yield Label(tr(lang, f"field.{spec.name}"), classes="form-label")
                        yield self._input(spec, defaults.get(spec.name, ""))
            yield Static(id="form-errors")
            with Horizontal(classes="button-row"):
                yield Button(tr(lang, "button.perform"), id="perform", variant="primary", compact=True)
                yield Button(tr(lang, "button.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        inputs = self.query("#form-fields Input, #form-fields Select")
        if inputs:
            inputs.first().focus()
        else:
            self.query_one("#perform", Button).focus()

    def _input(self, spec: Field, value: str):
        lang = self.app.lang
        widget_id = f"field-{spec.name}"
        if spec.kind == "merchant":
            options = [
                (f"{merchant.name} · {tr(lang, 'trainer.designated' if merchant.designated else 'trainer.not_designated')}", merchant.id)
                for merchant in self.session.merchants()
            ]
            return Select(options, allow_blank=not options, value=options[0][1] if options else Select.NULL, compact=True, id=widget_id)
        if spec.kind == "of":
            reports = {report.outcome.step_id: report for report in self.session.reports}
            choices = of_choices(self.session, self.action)
            options = [(f"{step_id} · {step_summary(reports[step_id].step, self.session, lang)}", step_id) for step_id in reversed(choices)]
            return Select(options, allow_blank=not options, prompt=tr(lang, "actions.none_to_refer"), compact=True, id=widget_id)
        if spec.kind == "choice":
            options = [(tr(lang, f"choice.{choice}"), choice) for choice in spec.choices]
            return Select(options, allow_blank=False, value=value or spec.choices[0], compact=True, id=widget_id)
        placeholder = tr(lang, f"placeholder.{spec.kind}")
        if spec.optional:
            placeholder = tr(lang, "placeholder.optional", hint=placeholder)
        return Input(value, placeholder=placeholder, password=spec.kind == "pin", compact=True, id=widget_id)

    def values(self) -> dict[str, str]:
        """Return the form's values by field name, as text."""
        values = {}
        for spec in FREE_ACTIONS[self.action]:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, Select):
                values[spec.name] = "" if widget.value is Select.NULL else str(widget.value)
            else:
                values[spec.name] = widget.value
        return values

    @on(Input.Submitted)
    @on(Button.Pressed, "#perform")
    def _submit(self) -> None:
        try:
            step = build_step(self.session, self.action, self.values(), self.app.lang)
        except StepInputError as error:
            self.query_one("#form-errors", Static).update("\n".join(error.messages))
            return
        self.dismiss(step)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

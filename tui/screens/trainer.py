"""The card lifecycle trainer: walk a scenario's script or act freely, one step at a time.

The left list contains the steps done (scripted and free, marked ✓ approved,
✗ declined, ‼ not as the script expects) followed by the script still to come.
The right pane explains the highlighted step: the request, the core's decision
and the rule behind it, the ledger transfers and the member's balances. Steps
are carried out in a worker thread so that a synthetic crowd, if the scenario
has one, never freezes the screen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tui.actions import FREE_ACTIONS
from tui.session import TrainerSession
from tui.stepreport import StepReport
from tui.text import action_label, localize_bindings, masked_name, moment_text, yuan
from tui.widgets.step_view import StepView, step_summary
from twin.scenario import Scenario, Step
from twin.scenario.steps import Advance

__all__ = ["TrainerScreen"]

log = logging.getLogger(__name__)


class TrainerScreen(Screen):
    """Steps of one member's card, explained as they happen."""

    BINDINGS = [
        Binding("n", "next_step", "key.next_step"),
        Binding("a", "free_action", "key.free_action"),
        Binding("d", "advance_day", "key.advance_day"),
        Binding("l", "ledger", "key.ledger"),
        Binding("escape", "back", "key.back"),
    ]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario
        self.session: TrainerSession | None = None
        self.busy = False
        self._closing = False
        localize_bindings(self, self.app.lang)

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield Header()
        with Horizontal(id="trainer-top"):
            yield Select([], prompt=tr("trainer.member"), compact=True, id="member")
            yield Static(id="card-line")
        with Horizontal(id="trainer-main"):
            with Vertical(id="steps-pane"):
                yield Label(tr("trainer.steps"), classes="section-title")
                yield OptionList(id="steps")
            with VerticalScroll(id="step-pane"):
                yield StepView(id="step-view")
        with Horizontal(classes="button-row"):
            yield Button(tr("button.next_step"), id="next_step", variant="primary", compact=True)
            yield Button(tr("button.free_action"), id="free_action", compact=True)
            yield Button(tr("button.advance_day"), id="advance_day", compact=True)
            yield Button(tr("button.ledger"), id="ledger", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.app.tr("trainer.title", name=self.scenario.name)
        self.query_one("#card-line", Static).update(self.app.tr("trainer.preparing"))
        self._open_session()

    def on_unmount(self) -> None:
        # A step still running in the worker closes the session when it ends.
        self._closing = True
        if self.session is not None and not self.busy:
            self.session.close()

    # The session

    @work(thread=True, exclusive=True, group="trainer")
    def _open_session(self) -> None:
        try:
            session = TrainerSession(self.scenario)
        except Exception as error:  # the UI edge: a world that cannot be built is shown, not raised
            log.exception("trainer session for %s failed", self.scenario.name)
            self._post(self._step_failed, error)
            return
        if self._closing or not self._post(self._session_ready, session):
            session.close()

    def _post(self, callback, *arguments) -> bool:
        """Run ``callback`` in the UI thread; return False once the app has stopped."""
        try:
            self.app.call_from_thread(callback, *arguments)
        except RuntimeError:
            return False
        return True

    def _session_ready(self, session: TrainerSession) -> None:
        if not self.is_mounted:
            session.close()
            return
        self.session = session
        select = self.query_one("#member", Select)
        select.set_options([(self._member_label(member_id), member_id) for member_id in session.member_ids])
        if session.member_id is not None:
            select.value = session.member_id
        self._refresh_steps(select_next=True)
        self.query_one("#steps", OptionList).focus()

    @work(thread=True, exclusive=True, group="trainer")
    def _carry_out(self, step: Step | None) -> None:
        """Perform ``step``, or the next scripted step if None, in this worker thread."""
        session = self.session
        try:
            report = session.next_step() if step is None else session.perform(step)
        except Exception as error:  # the UI edge: show it, keep the session
            log.exception("trainer step failed")
            callback, value = self._step_failed, error
        else:
            callback, value = self._step_done, report
        if self._closing or not self._post(callback, value):
            session.close()

    def _member_label(self, member_id: str) -> str:
        """Label a member in the chooser: id and masked name, and a mark for the crowd's member."""
        session = self.session
        name = masked_name(session.world.members[member_id].name)
        if member_id == session.synthetic_id:
            return f"{self.app.tr('trainer.synthetic')} {name}"
        return f"{member_id} {name}"

    def _start(self, step: Step | None) -> None:
        if self.session is None or self.busy:
            return
        if step is None and self.session.script_done:
            self.notify(self.app.tr("trainer.script_done"))
            return
        self.busy = True
        self._show_card_line()
        self._carry_out(step)

    def _step_done(self, report: StepReport) -> None:
        self.busy = False
        if self._closing:
            self.session.close()
            return
        self._refresh_steps(select_index=len(self.session.reports) - 1)
        if not report.outcome.ok:
            self.notify(self.app.tr("trainer.expectation_failed", index=report.index + 1), severity="warning")

    def _step_failed(self, error: Exception) -> None:
        self.busy = False
        if self._closing:
            if self.session is not None:
                self.session.close()
            return
        self.notify(self.app.tr("error.step_failed", detail=str(error)), severity="error", timeout=10)
        if self.session is not None:
            self._show_card_line()

    # The list of steps

    def _refresh_steps(self, *, select_index: int | None = None, select_next: bool = False) -> None:
        session = self.session
        lang = self.app.lang
        options = self.query_one("#steps", OptionList)
        entries: list[Option] = []
        for report in session.reports:
            label = Text.assemble(
                _mark(report),
                f"{report.outcome.at:%m-%d %H:%M} ",
                (step_summary(report.step, session, lang), "" if report.scripted else "italic"),
                no_wrap=True,
                overflow="ellipsis",
            )
            entries.append(Option(label))
        for index in range(session.next_index, len(session.script)):
            step = session.script[index]
            mark = ("▶ ", "bold") if index == session.next_index else ("· ", "")
            when = f"{session.planned_time(index):%m-%d %H:%M} "
            label = Text.assemble(mark, when, step_summary(step, session, lang), style="dim", no_wrap=True, overflow="ellipsis")
            entries.append(Option(label))
        options.clear_options()
        options.add_options(entries)
        if select_next:
            select_index = len(session.reports)
        if entries and select_index is not None:
            options.highlighted = min(select_index, len(entries) - 1)
        self._show_card_line()
        self._show_selected()

    @on(OptionList.OptionHighlighted, "#steps")
    def _show_selected(self) -> None:
        session = self.session
        if session is None:
            return
        view = self.query_one(StepView)
        index = self.query_one("#steps", OptionList).highlighted
        if index is None:
            if not session.reports and not session.script:
                name = session.member_name(session.member_id) if session.member_id else ""
                view.update(Text(self.app.tr("trainer.empty", name=name), style="dim italic"))
            return
        if index < len(session.reports):
            view.show_report(session.reports[index], session, self.app.lang)
        else:
            script_index = session.next_index + index - len(session.reports)
            if script_index < len(session.script):
                view.show_plan(script_index, session.script[script_index], session, self.app.lang)
        self.query_one("#step-pane").scroll_home(animate=False)

    def _show_card_line(self) -> None:
        session = self.session
        tr, lang = self.app.tr, self.app.lang
        pan, status = session.card_view()
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.busy:
            text.append(tr("trainer.working") + " ", style="bold yellow")
        text.append(moment_text(lang, session.now()), style="bold")
        text.append(f" · {tr('field.card')} {pan or '—'}")
        if status:
            text.append(f" ({tr('card_status.' + status)})")
        balances = session.balances()
        for kind in ("main", "welfare", "transit_wallet"):
            entry = balances.get(kind)
            if entry is not None:
                text.append(f" · {tr('short.' + kind)} {yuan(entry[1])}")
        self.query_one("#card-line", Static).update(text)

    @on(Select.Changed, "#member")
    def _member_changed(self, event: Select.Changed) -> None:
        if self.session is None or event.value is Select.NULL:
            return
        self.session.follow(str(event.value))
        self._refresh_steps(select_index=self.query_one("#steps", OptionList).highlighted)

    # Actions

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        await self.run_action(event.button.id or "")

    def action_next_step(self) -> None:
        self._start(None)

    def action_advance_day(self) -> None:
        self._start(Advance(days=1))

    def action_free_action(self) -> None:
        from tui.screens.actions import ActionMenu

        if self.session is None or self.busy:
            return
        self.app.push_screen(ActionMenu(), self._action_chosen)

    def _action_chosen(self, action: str | None) -> None:
        from tui.screens.actions import ActionForm

        if action is None:
            return
        if not FREE_ACTIONS[action]:
            self.perform_free(action)
            return
        self.app.push_screen(ActionForm(self.session, action), self._form_done)

    def _form_done(self, step: Step | None) -> None:
        """Perform the step the form built; a cancelled form (None) does nothing."""
        if step is not None:
            self._start(step)

    def perform_free(self, action: str, **values: str) -> None:
        """Perform a free action with ``values`` for its fields (the defaults for the rest)."""
        from tui.actions import StepInputError, build_step, field_defaults

        fields = field_defaults(self.session, action)
        fields.update(values)
        try:
            step = build_step(self.session, action, fields, self.app.lang)
        except StepInputError as error:
            self.notify("\n".join(error.messages), severity="error")
            return
        self._start(step)

    def action_ledger(self) -> None:
        if self.session is not None:
            self.session.world.ledger.flush()
            self.app.open_ledger(self.session.db_path, self.scenario.name)

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> Iterable[SystemCommand]:
        tr, lang = self.app.tr, self.app.lang
        yield SystemCommand(tr("command.next_step"), tr("command.next_step_help"), self.action_next_step)
        yield SystemCommand(tr("command.advance_day"), tr("command.advance_day_help"), self.action_advance_day)
        for action in FREE_ACTIONS:
            yield SystemCommand(
                tr("command.free", action=action_label(lang, action)),
                tr("command.free_help"),
                partial(self._action_chosen, action),
            )


def _mark(report: StepReport) -> tuple[str, str]:
    """Mark a done step: ✓ approved, ✗ declined, ‼ when the script expected something else."""
    if not report.outcome.ok:
        return "‼ ", "bold red"
    if report.outcome.approved:
        return "✓ ", "green"
    return "✗ ", "yellow"

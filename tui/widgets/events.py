"""The event log of the dashboard: trace events up to the clock, filtered by type and text.

It shows the newest :data:`SHOWN_EVENTS` events that pass the filter, newest
first. Names, card numbers and ID numbers in an event are masked before they
are shown.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Select

from tui.replay import TraceEvent
from tui.text import action_label, explain_reason, masked_name, masked_pan, tr, yuan
from twin.report.labels import message_or

__all__ = ["EventLog", "describe_event", "SHOWN_EVENTS"]

#: Events listed at most; older ones that pass the filter are counted, not listed.
SHOWN_EVENTS = 200

_MASKS = {"name": masked_name, "pan": masked_pan, "id_number": lambda value: "*" * len(value)}


def describe_event(event: TraceEvent, lang: str) -> str:
    """Return a one-line description of an event of the trace."""
    data = event.data
    if event.type == "step":
        member = (data.get("detail") or {}).get("member", "")
        parts = [action_label(lang, str(data.get("do", "")))]
        if member:
            parts.append(str(member))
        if data.get("response"):
            parts.append(str(data["response"]))
        card_request = data.get("response") is not None
        parts.append(explain_reason(lang, str(data.get("reason", "")), card_request=card_request))
        return " · ".join(parts)
    if event.type == "authorization":
        return _describe_authorization(data, lang)
    if event.type == "day":
        summary = data.get("summary", {})
        return tr(
            lang,
            "events.day",
            members=summary.get("members", 0),
            issued=summary.get("cards_issued", 0),
            activated=summary.get("cards_activated", 0),
        )
    return " ".join(f"{key}={_shown(key, value)}" for key, value in sorted(data.items()))


def _describe_authorization(data: dict, lang: str) -> str:
    # The trace's sample of a crowd's card requests: kind, city, card, amount, account and decision.
    parts = [
        message_or(f"report.kind.{data.get('kind', '')}", str(data.get("kind", "")), lang),
        message_or(f"report.channel.{data.get('channel', '')}", str(data.get("channel", "")), lang),
        str(data.get("city", "")),
        masked_pan(str(data.get("pan", ""))),
    ]
    amount = data.get("amount")
    if isinstance(amount, int) and amount:
        parts.append(f"{yuan(amount)} {tr(lang, 'yuan')}")
    account = data.get("account")
    if account:
        parts.append(message_or(f"common.account.{account}", str(account), lang))
    code = str(data.get("code", ""))
    parts.append(f"{code} {explain_reason(lang, str(data.get('reason', '')))}".strip())
    return " · ".join(part for part in parts if part)


def _shown(key: str, value: object) -> str:
    mask = _MASKS.get(key)
    if mask is not None and isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_shown(k, v)}" for k, v in sorted(value.items())) + "}"
    return str(value)


class EventLog(Vertical):
    """A filter row (event type and text) over a table of events."""

    DEFAULT_CSS = """
    EventLog {
        height: 1fr;
    }
    EventLog > Horizontal {
        height: 1;
    }
    EventLog Select {
        width: 24;
    }
    EventLog Input {
        width: 1fr;
    }
    EventLog #event-count {
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    EventLog DataTable {
        height: 1fr;
    }
    """

    def __init__(self, lang: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self.events: list[TraceEvent] = []
        self._types: list[str] = []

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Select(
                [],
                prompt=tr(self.lang, "events.all_types"),
                compact=True,
                id="event-type",
            )
            yield Input(placeholder=tr(self.lang, "events.search"), compact=True, id="event-search")
            yield Label(id="event-count")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="event-table")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(tr(self.lang, "events.time"), key="time", width=16)
        table.add_column(tr(self.lang, "events.type"), key="type", width=13)
        table.add_column(tr(self.lang, "events.what"), key="what")

    def show(self, events: list[TraceEvent]) -> None:
        """Show ``events`` (the trace up to the clock), keeping the filter."""
        self.events = events
        types = sorted({event.type for event in events})
        if types != self._types:
            self._types = types
            select = self.query_one(Select)
            value = select.value
            select.set_options([(kind, kind) for kind in types])
            if value in types:
                select.value = value
        self._refill()

    @property
    def matching(self) -> list[TraceEvent]:
        """Return the events that pass the type and text filters, oldest first."""
        kind = self.query_one(Select).value
        text = self.query_one(Input).value.strip().lower()
        found = []
        for event in self.events:
            if kind is not Select.NULL and event.type != kind:
                continue
            if text and text not in f"{event.moment} {event.type} {describe_event(event, self.lang)}".lower():
                continue
            found.append(event)
        return found

    @on(Select.Changed)
    @on(Input.Changed)
    def _filter_changed(self) -> None:
        self._refill()

    def _refill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        matching = self.matching
        for event in reversed(matching[-SHOWN_EVENTS:]):
            table.add_row(
                event.moment[:16].replace("T", " "),
                Text(event.type, style="bold" if event.type == "step" else "dim"),
                describe_event(event, self.lang),
            )
        shown = min(len(matching), SHOWN_EVENTS)
        self.query_one("#event-count", Label).update(tr(self.lang, "events.count", shown=shown, total=len(matching)))

"""Texts of the terminal UI and how values read on screen.

Every label, help line and message comes from the ``tui`` area of the message
catalogue (``twin/i18n/messages/tui.yaml``), looked up in the language the app
was started with. Key bindings name their description by catalogue key
(``key.quit``); :func:`localize_bindings` puts the text in place when a screen
is created, because Textual reads binding descriptions from the class.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from textual.binding import BindingsMap
from textual.dom import DOMNode

from twin.i18n import catalogue, t
from twin.ledger import TransferFlags
from twin.money import format_yuan
from twin.pan import mask_pan
from twin.population.identity import mask_name
from twin.report.labels import reason_text

__all__ = [
    "tr",
    "has_text",
    "explain_reason",
    "action_label",
    "yuan",
    "signed_yuan",
    "percent",
    "moment_text",
    "masked_pan",
    "masked_name",
    "transfer_phase",
    "localize_bindings",
]

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def tr(lang: str, key: str, **values: object) -> str:
    """Return the TUI message ``key`` in ``lang``, filled with ``values``."""
    return t(f"tui.{key}", lang, **values)


def has_text(key: str) -> bool:
    """Tell whether the TUI catalogue has the message ``key``."""
    return f"tui.{key}" in catalogue()


def explain_reason(lang: str, reason: str, *, card_request: bool = True) -> str:
    """Explain a decision's reason in plain words, or return the reason's name if none is written.

    The lookup is the report's (:func:`twin.report.labels.reason_text`), with the
    TUI's longer ``tui.outcome.<name>`` sentences read first for a step that is
    not a card request.
    """
    first = () if card_request else ("tui.outcome.{}",)
    return reason_text(reason, lang, card_request=card_request, first=first) or reason


def action_label(lang: str, action: str) -> str:
    """Return the name of a script action (``purchase`` reads 消费 in Chinese)."""
    return tr(lang, f"action.{action}") if has_text(f"action.{action}") else action


def yuan(fen: int | None) -> str:
    """Format fen as yuan with two decimals, or a dash for no value."""
    return "—" if fen is None else format_yuan(int(fen))


def signed_yuan(fen: int) -> str:
    """Format a change in fen with its sign (``+100.00``, ``-30.00``)."""
    return ("+" if fen > 0 else "") + format_yuan(fen)


def percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.1f}%"


def moment_text(lang: str, moment: dt.datetime) -> str:
    """Show a local time as ``2020-01-17 11:00 周五``."""
    weekday = tr(lang, f"weekday.{_WEEKDAYS[moment.weekday()]}")
    return f"{moment:%Y-%m-%d %H:%M} {weekday}"


def masked_pan(pan: str | None) -> str:
    return "—" if not pan else mask_pan(pan)


def masked_name(name: str) -> str:
    return mask_name(name) if name else name


def transfer_phase(flags: int) -> str | None:
    """Name the two-phase step a transfer is (``pending``, ``posted``, ``voided``, ``expired``), or None."""
    for flag, name in (
        (TransferFlags.EXPIRED, "expired"),
        (TransferFlags.PENDING, "pending"),
        (TransferFlags.POST_PENDING, "posted"),
        (TransferFlags.VOID_PENDING, "voided"),
    ):
        if flag in TransferFlags(flags):
            return name
    return None


def localize_bindings(node: DOMNode, lang: str) -> None:
    """Replace the catalogue keys in ``node``'s binding descriptions with their text.

    NOTE: Textual keeps a node's bindings in the private ``_bindings`` map,
    copied from the class when the node is created; this swaps in a
    translated copy, since Textual offers no public way to relabel a binding.
    """
    translated: dict[str, list] = {}
    for key, binding in node._bindings:
        description = binding.description
        if description and has_text(description):
            binding = dataclasses.replace(binding, description=tr(lang, description))
        translated.setdefault(key, []).append(binding)
    node._bindings = BindingsMap.from_keys(translated)

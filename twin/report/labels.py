"""Names a reader sees for the keys, reasons, response codes and cities of a run.

Every lookup falls back to the raw key when the catalogue has no entry, so a
metric or reason added by the engine still shows, as its key, before anyone has
written its label.
"""

from __future__ import annotations

from twin.i18n import catalogue, t

__all__ = ["metric_label", "reason_text", "STEP_REASON_KEYS", "code_text", "city_name", "has_message", "message_or"]


def has_message(key: str) -> bool:
    return key in catalogue()


def message_or(key: str, fallback: str, lang: str, **values: object) -> str:
    """Return the message ``key`` in ``lang``, or ``fallback`` when the catalogue lacks it."""
    return t(key, lang, **values) if has_message(key) else fallback


def metric_label(key: str, lang: str) -> str:
    """Return the reader's name of a metric key (``cards_issued`` -> 已发卡数)."""
    return message_or(f"report.metric.{key}", key, lang)


#: Catalogue prefixes that explain a script step's reason, in lookup order for a step that is not a card request.
#: The issuer's results (``devices.card.no_card``), the bank's results for a disbursement file
#: (``devices.disbursement.file.duplicate_period``) and the ledger's results of a cleared ride
#: (``authorization.reason.ledger_exceeds_credits``) are written once, where they are produced.
STEP_REASON_KEYS = (
    "report.outcome.{}",
    "tui.outcome.{}",
    "devices.card.{}",
    "devices.disbursement.file.{}",
    "authorization.reason.{}",
    "authorization.reason.ledger_{}",
)


def reason_text(reason: str, lang: str, *, card_request: bool = True, first: tuple[str, ...] = ()) -> str | None:
    """Return a sentence that explains a decline or step reason, or None when none is written.

    The authorization core's reasons are explained under ``authorization.reason.<name>``;
    outcomes of script steps that are not card requests under the keys of
    :data:`STEP_REASON_KEYS`. Some names are both (``card_closed`` is a decline
    of a closed card and the outcome of closing one), so ``card_request``
    decides which is read first. ``first`` gives key patterns to try before
    all others (the TUI reads its longer ``tui.outcome.{}`` sentences first).
    """
    order = STEP_REASON_KEYS
    if card_request:
        order = ("authorization.reason.{}", *order)
    for pattern in (*first, *order):
        key = pattern.format(reason)
        if has_message(key):
            return t(key, lang)
    return None


def code_text(code: str, lang: str) -> str:
    """Return the meaning of an ISO 8583 response code (``51`` -> 余额不足)."""
    for key in (f"authorization.code.{code}", f"report.code.{code}"):
        if has_message(key):
            return t(key, lang)
    return code


def city_name(city: str, lang: str) -> str:
    """Return a city's name in ``lang``: Chinese names stay, English ones come from the catalogue."""
    if lang == "zh":
        return city
    return message_or(f"report.city.{city}", city, lang)

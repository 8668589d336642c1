"""The checks every request passes before money moves: format, card, chip and PIN.

Each check returns ``None`` when the request passes, or a ``(code, reason)``
pair that declines it.
"""

from __future__ import annotations

import datetime as dt

from twin.authorization.codes import ResponseCode as C
from twin.authorization.cryptograms import ChipSession, ChipVerifier
from twin.authorization.issuer import CardRecord, CardStatus, Issuer
from twin.authorization.requests import CNY, Channel, Kind, Request
from twin.pan import expiry_last_day, is_luhn_valid

__all__ = ["check_format", "check_card_status", "check_chip", "check_pin", "needs_pin", "needs_chip", "chip_needed"]

Decline = tuple[C, str]

#: Largest amount in one request, in fen: 100 million yuan. ISO 8583 field 4
#: (12 digits) could carry ten times more; no card request here comes close.
MAX_REQUEST_AMOUNT = 10_000_000_000

_MONEY_KINDS = frozenset(
    {
        Kind.PURCHASE,
        Kind.REFUND,
        Kind.PREAUTHORIZATION,
        Kind.COMPLETION,
        Kind.WITHDRAWAL,
        Kind.DEPOSIT,
        Kind.TRANSFER,
        Kind.TRANSIT_TOPUP,
        Kind.ETC_TOLL,
    }
)
_MERCHANT_KINDS = frozenset({Kind.PURCHASE, Kind.PREAUTHORIZATION, Kind.REFUND, Kind.VOID, Kind.COMPLETION, Kind.CANCELLATION})
_FOLLOW_UP_KINDS = frozenset({Kind.VOID, Kind.REFUND, Kind.REVERSAL, Kind.COMPLETION, Kind.CANCELLATION})
_CHIP_CHANNELS = frozenset({Channel.POS_CHIP, Channel.ATM})
_CHIP_KINDS = frozenset({Kind.PURCHASE, Kind.PREAUTHORIZATION, Kind.WITHDRAWAL, Kind.BALANCE})
_PIN_CHANNELS = frozenset({Channel.POS_CHIP, Channel.ATM, Channel.SMART_TELLER, Channel.COUNTER, Channel.TRANSIT_KIOSK})
_PIN_KINDS = frozenset({Kind.PURCHASE, Kind.PREAUTHORIZATION, Kind.WITHDRAWAL, Kind.TRANSFER, Kind.TRANSIT_TOPUP})
_ALWAYS_PIN_KINDS = frozenset({Kind.ACTIVATION, Kind.PIN_CHANGE})
_BALANCE_PIN_CHANNELS = frozenset({Channel.ATM, Channel.SMART_TELLER})
# Members read on every request, as module names: on Python 3.11 reading a
# member from its enum class costs several times a global name.
_TRANSFER, _REVERSAL, _ACTIVATION, _BALANCE = Kind.TRANSFER, Kind.REVERSAL, Kind.ACTIVATION, Kind.BALANCE
_LOST, _REPLACED, _CLOSED, _INACTIVE = CardStatus.LOST, CardStatus.REPLACED, CardStatus.CLOSED, CardStatus.INACTIVE


def needs_chip(request: Request) -> bool:
    return request.channel in _CHIP_CHANNELS and request.kind in _CHIP_KINDS


def chip_needed(kind: Kind, channel: Channel) -> bool:
    """Tell whether a request of ``kind`` on ``channel`` carries an ARQC, before the request is built."""
    return channel in _CHIP_CHANNELS and kind in _CHIP_KINDS


def needs_pin(request: Request) -> bool:
    """Tell whether a request must carry the card holder's PIN.

    Activation and PIN change always do; payments, cash and transfers do on
    card-present channels; a QR payment is authenticated by the bank's app,
    and merchant follow-ups (void, refund, completion) and ETC tolls by the
    merchant or the lane.
    """
    kind = request.kind
    if kind in _ALWAYS_PIN_KINDS:
        return True
    if kind is _BALANCE:
        return request.channel in _BALANCE_PIN_CHANNELS
    return kind in _PIN_KINDS and request.channel in _PIN_CHANNELS


def check_format(request: Request, known_card: bool = False) -> Decline | None:
    """Check the fields of a request (ISO 8583 format rules and amount).

    ``known_card`` is True when the PAN belongs to an issued card. Such a PAN
    was made with its Luhn check digit, so the digit is not computed again.
    """
    pan = request.pan
    if not isinstance(pan, str) or not pan.isascii() or not pan.isdigit() or not 13 <= len(pan) <= 19:
        return C.FORMAT_ERROR, "pan_format"
    if not known_card and not is_luhn_valid(pan):
        return C.INVALID_CARD, "pan_check_digit"
    if request.currency != CNY:
        return C.FORMAT_ERROR, "currency_not_supported"
    if not isinstance(request.stan, str) or not isinstance(request.terminal_id, str):
        return C.FORMAT_ERROR, "stan_format"
    if request.stan and (len(request.stan) != 6 or not request.stan.isdigit()):
        return C.FORMAT_ERROR, "stan_format"
    if len(request.terminal_id) > 8 or len(request.merchant_id) > 15:
        return C.FORMAT_ERROR, "terminal_or_merchant_id_format"
    if request.kind in _MERCHANT_KINDS and not request.merchant_id:
        return C.FORMAT_ERROR, "merchant_id_missing"
    if request.kind in _FOLLOW_UP_KINDS and not request.original_authorization_id:
        if request.kind is not Kind.REVERSAL or not request.original_stan:
            return C.FORMAT_ERROR, "original_missing"
    if request.original_stan and (
        len(request.original_stan) != 6 or not request.original_stan.isdigit() or not request.terminal_id
    ):
        return C.FORMAT_ERROR, "original_stan_format"
    if not isinstance(request.amount, int) or isinstance(request.amount, bool):
        return C.FORMAT_ERROR, "amount_format"
    if request.amount < 0 or request.amount > MAX_REQUEST_AMOUNT:
        return C.INVALID_AMOUNT, "amount_out_of_range"
    if request.kind in _MONEY_KINDS and request.amount == 0:
        return C.INVALID_AMOUNT, "amount_zero"
    if request.kind is _TRANSFER and request.to_account is None:
        return C.FORMAT_ERROR, "transfer_destination_missing"
    return None


def check_card_status(card: CardRecord | None, request: Request, today: dt.date) -> Decline | None:
    """Check that the card exists and may make this request today."""
    if card is None:
        return C.INVALID_CARD, "card_unknown"
    if request.kind is _REVERSAL:
        # A reversal undoes what was already approved, whatever happened to the card since.
        return None
    status = card.status
    if status is _LOST:
        return C.LOST_CARD, "card_lost"
    if status is _REPLACED:
        return C.LOST_CARD, "card_replaced"
    if status is _CLOSED:
        return C.RESTRICTED_CARD, "card_closed"
    if card.valid_until is None:
        card.valid_until = expiry_last_day(card.expiry)
    if today > card.valid_until:
        return C.EXPIRED_CARD, "card_expired"
    if request.kind is _ACTIVATION:
        if status is not _INACTIVE:
            return C.INVALID_TRANSACTION, "card_already_active"
        return None
    if status is _INACTIVE:
        return C.RESTRICTED_CARD, "card_not_activated"
    return None


def check_chip(
    verifier: ChipVerifier, issuer: Issuer, card: CardRecord, request: Request, today: dt.date
) -> tuple[Decline | None, ChipSession | None]:
    """Verify the ARQC and the ATC, and return the decline (or None) and the chip session.

    The session signs the ARPC of the response. It is None when the ARQC was
    not verified, because no ARPC is due then.
    """
    chip = request.chip
    if chip is None:
        return (C.FORMAT_ERROR, "chip_data_missing"), None
    data = chip.data
    if data.amount_authorised != request.amount:
        return (C.SECURITY_VIOLATION, "arqc_amount_mismatch"), None
    if data.transaction_date != today:
        return (C.SECURITY_VIOLATION, "arqc_date_mismatch"), None
    session = verifier.open_session(card.card_key or issuer.card_key(card), data.atc)
    if not session.verify_arqc(data, chip.arqc):
        return (C.SECURITY_VIOLATION, "arqc_invalid"), None
    if data.atc <= card.last_atc:
        return (C.SECURITY_VIOLATION, "atc_replay"), session
    card.last_atc = data.atc
    return None, session


def check_pin(issuer: Issuer, card: CardRecord, request: Request, day: int) -> Decline | None:
    """Verify the PIN block and keep the card's count of wrong tries for the local day."""
    limit = issuer.settings.pin_tries_per_day
    if card.pin_failure_day != day:
        card.pin_failure_day = day
        card.pin_failures = 0
    if card.pin_failures >= limit:
        return C.PIN_TRIES_EXCEEDED, "pin_tries_exceeded"
    if request.pin_block is None:
        return C.INCORRECT_PIN, "pin_required"
    if issuer.pins.verify(card.pan, card.pin_value, request.pin_block, issuer.keys.zone_pin_key):
        card.pin_failures = 0
        return None
    card.pin_failures += 1
    if card.pin_failures >= limit:
        return C.PIN_TRIES_EXCEEDED, "pin_tries_exceeded"
    return C.INCORRECT_PIN, "pin_incorrect"

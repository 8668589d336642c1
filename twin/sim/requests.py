"""Card requests as a terminal builds them, shared by the script and the crowd.

The chip computes an ARQC only where the channel needs one (a POS or an ATM),
and the PIN pad encrypts what the member types, so both paths draw the same
random bytes in the same order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from twin.authorization import AccountType, CardRecord, Channel, Kind, Request
from twin.authorization.checks import chip_needed
from twin.devices.card import EmulatedCard, PinPad

__all__ = ["build_card_request", "reversal_of"]

#: Transaction type (tag 9C) by kind, the first two digits of the ISO 8583
#: processing code: 00 purchase, 01 cash, 03 pre-authorization, 31 balance inquiry.
_TRANSACTION_TYPES = {Kind.WITHDRAWAL: 0x01, Kind.PREAUTHORIZATION: 0x03, Kind.BALANCE: 0x31}


def build_card_request(
    card: CardRecord,
    kind: Kind,
    channel: Channel,
    now: dt.datetime,
    *,
    chip: Callable[[], EmulatedCard],
    unpredictable_number: Callable[[], bytes],
    pin_pad: PinPad,
    amount: int = 0,
    terminal: str = "",
    stan: str = "",
    merchant: str = "",
    pin: str | None = None,
    new_pin: str | None = None,
    account: AccountType = AccountType.MAIN,
    to_account: AccountType | None = None,
    original: str = "",
) -> Request:
    """Build the request a terminal sends for ``card``, with chip data and PIN blocks where they belong."""
    pan = card.pan
    chip_data = None
    if chip_needed(kind, channel):
        chip_data = chip().generate_arqc(amount, now.date(), unpredictable_number(), _TRANSACTION_TYPES.get(kind, 0))
    return Request(
        kind,
        channel,
        pan,
        amount=amount,
        psn=card.psn,
        expiry=card.expiry,
        terminal_id=terminal,
        merchant_id=merchant,
        stan=stan,
        local_time=now,
        pin_block=pin_pad.encrypt(pin, pan) if pin else None,
        new_pin_block=pin_pad.encrypt(new_pin, pan) if new_pin else None,
        chip=chip_data,
        account=account,
        to_account=to_account,
        original_authorization_id=original,
    )


def reversal_of(original: Request, stan: str, now: dt.datetime) -> Request:
    """Return the reversal (冲正) a terminal or the switch sends for ``original``, named by its STAN."""
    return Request(
        Kind.REVERSAL,
        original.channel,
        original.pan,
        amount=original.amount,
        psn=original.psn,
        expiry=original.expiry,
        terminal_id=original.terminal_id,
        merchant_id=original.merchant_id,
        stan=stan,
        local_time=now,
        original_stan=original.stan,
    )

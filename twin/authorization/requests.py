"""Requests to the authorization core and its responses, as typed values.

A device builds a :class:`Request`, the core returns a :class:`Response`. The
fields follow ISO 8583 where one exists (PAN, STAN, terminal id, amount in fen,
currency 156, field 55 chip data); :mod:`twin.authorization.iso8583_map` turns
them into and out of ISO 8583 messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from twin.authorization.codes import ResponseCode
from twin.authorization.crypto import CryptogramData
from twin.pan import mask_pan

__all__ = ["Kind", "Channel", "AccountType", "ChipData", "Request", "Response", "CNY"]

#: ISO 4217 numeric code of the renminbi.
CNY = "156"


class Kind(StrEnum):
    """The operation a request performs."""

    PURCHASE = "purchase"
    VOID = "void"  # 消费撤销: cancel a purchase on the same local day
    REFUND = "refund"  # 退货: return part or all of a settled purchase
    REVERSAL = "reversal"  # 冲正: undo a request whose response the terminal never got
    PREAUTHORIZATION = "preauthorization"
    COMPLETION = "completion"  # 预授权完成
    CANCELLATION = "cancellation"  # 预授权撤销
    WITHDRAWAL = "withdrawal"
    DEPOSIT = "deposit"
    TRANSFER = "transfer"
    BALANCE = "balance"
    ACTIVATION = "activation"
    PIN_CHANGE = "pin_change"
    TRANSIT_TOPUP = "transit_topup"
    ETC_TOLL = "etc_toll"


class Channel(StrEnum):
    """The channel a request comes from."""

    POS_CHIP = "pos_chip"
    QR = "qr"  # CCB app QR payment (龙支付)
    ATM = "atm"
    SMART_TELLER = "smart_teller"
    COUNTER = "counter"
    ONSITE = "onsite"  # a bank team activating cards at a large employer
    MOBILE = "mobile"
    WECHAT = "wechat"
    SMS = "sms"
    TRANSIT_KIOSK = "transit_kiosk"
    ETC_CLEARING = "etc_clearing"


class AccountType(StrEnum):
    """An account of the card: the one a request names, or the one that paid."""

    MAIN = "main"
    WELFARE = "welfare"
    TRANSIT_WALLET = "transit_wallet"
    OUTSIDE = "outside"


@dataclass(frozen=True, slots=True)
class ChipData:
    """The chip fields of a request (ISO 8583 field 55): the ARQC and the data it covers."""

    arqc: bytes
    data: CryptogramData


@dataclass(frozen=True, slots=True, repr=False)
class Request:
    """One request to the core. Amounts are fen; ``local_time`` is the terminal's.

    Its repr masks the card number and the destination account number and
    leaves out PIN blocks and chip data, so a request can be logged.
    """

    kind: Kind
    channel: Channel
    pan: str
    amount: int = 0
    currency: str = CNY
    psn: str = "01"
    expiry: str = ""
    terminal_id: str = ""
    merchant_id: str = ""
    stan: str = ""
    local_time: dt.datetime | None = None
    pin_block: bytes | None = None
    new_pin_block: bytes | None = None
    chip: ChipData | None = None
    account: AccountType = AccountType.MAIN
    to_account: AccountType | None = None
    to_account_number: str = ""
    #: The authorization id of the request this one voids, refunds, reverses or completes.
    original_authorization_id: str = ""
    #: The STAN of the request a reversal undoes, sent by the same terminal today
    #: or yesterday (ISO 8583 field 90). A terminal whose response timed out never
    #: learnt the authorization id, so it names the original this way.
    original_stan: str = ""

    def duplicate_key(self) -> tuple[str, str, dt.date | None]:
        """Return the key that identifies a retransmission: terminal, STAN and local date."""
        return (self.terminal_id, self.stan, self.local_time.date() if self.local_time else None)

    def __repr__(self) -> str:
        shown = [
            f"kind={self.kind.value}",
            f"channel={self.channel.value}",
            f"pan={mask_pan(str(self.pan))}",
            f"amount={self.amount!r}",
            f"terminal_id={self.terminal_id!r}",
            f"merchant_id={self.merchant_id!r}",
            f"stan={self.stan!r}",
            f"account={self.account.value}",
        ]
        if self.to_account_number:
            shown.append(f"to_account_number={mask_pan(self.to_account_number)}")
        if self.original_authorization_id:
            shown.append(f"original_authorization_id={self.original_authorization_id!r}")
        if self.original_stan:
            shown.append(f"original_stan={self.original_stan!r}")
        for name in ("pin_block", "new_pin_block", "chip"):
            if getattr(self, name) is not None:
                shown.append(f"{name}=<hidden>")
        return f"Request({', '.join(shown)})"


@dataclass(slots=True)
class Response:
    """The core's response: a response code with the rule that decided it."""

    code: ResponseCode
    reason: str
    authorization_id: str = ""
    account: AccountType | None = None
    amount: int = 0
    discount: int = 0
    balance: int | None = None
    available: int | None = None
    arpc: bytes | None = None
    approval_code: str = ""
    transfer_ids: tuple[int, ...] = ()
    #: Step outcomes for trainers when the core keeps traces. They are not part of
    #: the ISO message. Empty otherwise: a shared tuple, so no list per response.
    trace: Sequence[str] = ()

    @property
    def approved(self) -> bool:
        return self.code is ResponseCode.APPROVED

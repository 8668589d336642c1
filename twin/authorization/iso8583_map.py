"""Requests and responses of the core as ISO 8583 messages, and back.

:func:`request_to_fields` turns a :class:`~twin.authorization.Request` into the
field dict of :mod:`twin.authorization.iso8583` (``{"t": "0200", "2": pan, ...}``),
:func:`request_from_fields` reads one back; the ``response_*`` pair does the
same for responses. :func:`encode_request` and :func:`decode_request` go all
the way to bytes.

What each kind of request looks like::

    kind               MTI   field 3   field 60 type
    purchase           0200  00xx00    22        (UnionPay POS type codes:
    void               0200  20xx00    23         22, 23, 25, 10, 11, 20, 01)
    refund             0220  20xx00    25
    preauthorization   0100  03xx00    10
    cancellation       0100  20xx00    11
    completion         0200  00xx00    20
    balance            0200  31xx00    01
    withdrawal         0200  01xx00    31        (31 and up: the twin's own)
    deposit            0200  21xx00    32
    transfer           0200  40xxyy    33
    transit_topup      0200  40xx92    51
    etc_toll           0200  00xx00    52
    activation         0100  90xx00    41
    pin_change         0100  92xx00    42
    reversal           0400  00xx00    40

``xx`` and ``yy`` in field 3 are the account: ``00`` main, ``91`` welfare,
``92`` transit wallet, ``93`` an outside account (ISO 8583 leaves 90-99 to
private use). Field 60 is the type code followed by the 2-digit channel code
of :data:`CHANNEL_CODES`.

Other fields: 4 amount in fen, 11 STAN, 12 and 13 local time and date, 14
expiry, 23 PSN, 37 the original's authorization id in a follow-up (the
response's own id in a response), 41 terminal id, 42 merchant id, 49
currency, 52 the PIN block, 48 the new PIN block of an activation or PIN
change (``NP`` and the block in hex), 55 the chip data with the ARQC (tag
9F26), 90 the original's STAN in a reversal that names it that way, 103 the
account number of a transfer's destination.

A response carries 38 the approval code, 39 the response code, 54 the balance
and available balance (and the campaign discount), 55 tag 91 with the ARPC
followed by the response code, and 63 the reason and the account that paid,
as ``reason|account``.

Field 13 has no year: :func:`request_from_fields` takes the year from a
reference date, choosing the date closest to it. Seconds are the finest time
a message carries. A response's ``transfer_ids`` and ``trace`` are not sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from twin.authorization.codes import ResponseCode
from twin.authorization.crypto import DEFAULT_ALGORITHM, Algorithm, CryptogramData
from twin.authorization.iso8583 import (
    OriginalData,
    decode_message,
    encode_message,
    icc_field,
    icc_tags,
)
from twin.authorization.requests import AccountType, Channel, ChipData, Kind, Request, Response
from twin.calendar import TZ

__all__ = [
    "CHANNEL_CODES",
    "MappingError",
    "decode_request",
    "decode_response",
    "encode_request",
    "encode_response",
    "request_from_fields",
    "request_to_fields",
    "response_from_fields",
    "response_to_fields",
]


class MappingError(ValueError):
    """A message whose fields do not describe a request or response of the core; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field {field}: {message}")
        self.field = field


#: (MTI, transaction type of field 3, type code of field 60) for each kind.
_KINDS: dict[Kind, tuple[str, str, str]] = {
    Kind.PURCHASE: ("0200", "00", "22"),
    Kind.VOID: ("0200", "20", "23"),
    Kind.REFUND: ("0220", "20", "25"),
    Kind.PREAUTHORIZATION: ("0100", "03", "10"),
    Kind.CANCELLATION: ("0100", "20", "11"),
    Kind.COMPLETION: ("0200", "00", "20"),
    Kind.BALANCE: ("0200", "31", "01"),
    Kind.WITHDRAWAL: ("0200", "01", "31"),
    Kind.DEPOSIT: ("0200", "21", "32"),
    Kind.TRANSFER: ("0200", "40", "33"),
    Kind.TRANSIT_TOPUP: ("0200", "40", "51"),
    Kind.ETC_TOLL: ("0200", "00", "52"),
    Kind.ACTIVATION: ("0100", "90", "41"),
    Kind.PIN_CHANGE: ("0100", "92", "42"),
    Kind.REVERSAL: ("0400", "00", "40"),
}
_KIND_OF_TYPE = {type_code: kind for kind, (_, _, type_code) in _KINDS.items()}

#: Two-digit channel codes of field 60.
CHANNEL_CODES: dict[Channel, str] = {
    Channel.POS_CHIP: "01",
    Channel.QR: "02",
    Channel.ATM: "03",
    Channel.SMART_TELLER: "04",
    Channel.COUNTER: "05",
    Channel.ONSITE: "06",
    Channel.MOBILE: "07",
    Channel.WECHAT: "08",
    Channel.SMS: "09",
    Channel.TRANSIT_KIOSK: "10",
    Channel.ETC_CLEARING: "11",
}
_CHANNEL_OF_CODE = {code: channel for channel, code in CHANNEL_CODES.items()}

_ACCOUNT_CODES: dict[AccountType, str] = {
    AccountType.MAIN: "00",
    AccountType.WELFARE: "91",
    AccountType.TRANSIT_WALLET: "92",
    AccountType.OUTSIDE: "93",
}
_ACCOUNT_OF_CODE = {code: account for account, code in _ACCOUNT_CODES.items()}

# Amount types of field 54: ledger balance, available balance and (the twin's own) campaign discount.
_BALANCE, _AVAILABLE, _DISCOUNT = "01", "02", "90"
_NEW_PIN_TAG = "NP"


# Requests


def request_to_fields(request: Request) -> dict[str, str]:
    """Return the ISO 8583 fields of ``request``."""
    mti, transaction_type, type_code = _KINDS[request.kind]
    to_account = request.to_account
    if request.kind is Kind.TRANSIT_TOPUP:
        to_account = AccountType.TRANSIT_WALLET
    fields = {
        "t": mti,
        "2": request.pan,
        "3": transaction_type + _ACCOUNT_CODES[request.account] + (_ACCOUNT_CODES[to_account] if to_account else "00"),
        "4": f"{request.amount:012d}",
        "49": request.currency,
        "60": type_code + CHANNEL_CODES[request.channel],
    }
    if request.stan:
        fields["11"] = request.stan
    if request.local_time is not None:
        local = request.local_time.astimezone(TZ)
        fields["12"] = local.strftime("%H%M%S")
        fields["13"] = local.strftime("%m%d")
    if request.expiry:
        fields["14"] = request.expiry
    if request.psn:
        fields["23"] = request.psn.rjust(3, "0")
    if request.original_authorization_id:
        fields["37"] = request.original_authorization_id
    if request.terminal_id:
        fields["41"] = request.terminal_id
    if request.merchant_id:
        fields["42"] = request.merchant_id
    if request.new_pin_block is not None:
        fields["48"] = _NEW_PIN_TAG + request.new_pin_block.hex().upper()
    if request.pin_block is not None:
        fields["52"] = request.pin_block.hex().upper()
    if request.chip is not None:
        fields["55"] = icc_field({"9F26": request.chip.arqc, **request.chip.data.to_tags()})
    if request.original_stan:
        fields["90"] = OriginalData("0000", request.original_stan, "0000000000").to_field()
    if request.to_account_number:
        fields["103"] = request.to_account_number
    return fields


def request_from_fields(fields: Mapping[str, str], reference: dt.date) -> Request:
    """Rebuild a request; ``reference`` is the receiver's local date, for the year of field 13.

    Raises :class:`MappingError` naming the field that does not fit.
    """
    type_code, channel_code = _field_60(fields)
    kind = _KIND_OF_TYPE.get(type_code)
    if kind is None:
        raise MappingError("60", f"type code {type_code!r} is unknown; expected one of {sorted(_KIND_OF_TYPE)}")
    channel = _CHANNEL_OF_CODE.get(channel_code)
    if channel is None:
        raise MappingError("60", f"channel code {channel_code!r} is unknown; expected one of {sorted(_CHANNEL_OF_CODE)}")
    mti = _KINDS[kind][0]
    if fields.get("t") != mti:
        raise MappingError("t", f"message type {fields.get('t')!r} does not fit a {kind.value}; expected {mti}")

    processing = _required(fields, "3")
    account = _account(processing[2:4], "3")
    to_account = _account(processing[4:6], "3") if kind is Kind.TRANSFER else None
    values: dict = {
        "amount": int(_required(fields, "4")),
        "currency": fields.get("49", "156"),
        "psn": fields["23"][-2:] if "23" in fields else "01",
        "expiry": fields.get("14", ""),
        "terminal_id": fields.get("41", ""),
        "merchant_id": fields.get("42", ""),
        "stan": fields.get("11", ""),
        "local_time": _local_time(fields, reference),
        "account": account,
        "to_account": to_account,
        "to_account_number": fields.get("103", ""),
        "original_authorization_id": fields.get("37", ""),
    }
    if "52" in fields:
        values["pin_block"] = _hex(fields["52"], "52")
    if "48" in fields:
        values["new_pin_block"] = _new_pin_block(fields["48"])
    if "55" in fields:
        values["chip"] = _chip(fields["55"])
    if "90" in fields:
        try:
            values["original_stan"] = OriginalData.from_field(fields["90"]).stan
        except ValueError as error:
            raise MappingError("90", str(error)) from None
    return Request(kind, channel, _required(fields, "2"), **values)


def encode_request(request: Request, algorithm: Algorithm = DEFAULT_ALGORITHM) -> bytes:
    """Encode ``request`` as an ISO 8583 message; raises ``iso8583.EncodeError`` naming a field."""
    return encode_message(request_to_fields(request), algorithm)


def decode_request(data: bytes, reference: dt.date, algorithm: Algorithm = DEFAULT_ALGORITHM) -> Request:
    return request_from_fields(decode_message(data, algorithm), reference)


# Responses


def response_to_fields(response: Response, request: Request) -> dict[str, str]:
    """Return the ISO 8583 fields of the response to ``request``."""
    request_fields = request_to_fields(request)
    fields = {
        key: request_fields[key]
        for key in ("2", "3", "11", "12", "13", "41", "42", "49", "60")
        if key in request_fields
    }
    fields["t"] = f"{int(request_fields['t']) + 10:04d}"
    fields["4"] = f"{response.amount:012d}"
    fields["39"] = response.code.value
    if response.authorization_id:
        fields["37"] = response.authorization_id
    if response.approval_code:
        fields["38"] = response.approval_code
    account_code = _ACCOUNT_CODES[response.account] if response.account is not None else "00"
    amounts = []
    if response.balance is not None:
        amounts.append(_additional_amount(account_code, _BALANCE, response.balance))
    if response.available is not None:
        amounts.append(_additional_amount(account_code, _AVAILABLE, response.available))
    if response.discount:
        amounts.append(_additional_amount(account_code, _DISCOUNT, response.discount))
    if amounts:
        fields["54"] = "".join(amounts)
    if response.arpc is not None:
        fields["55"] = icc_field({"91": response.arpc + response.code.value.encode()})
    fields["63"] = f"{response.reason}|{response.account.value if response.account is not None else ''}"
    return fields


def response_from_fields(fields: Mapping[str, str]) -> Response:
    """Rebuild a response; raises :class:`MappingError` naming the field that does not fit."""
    try:
        code = ResponseCode(_required(fields, "39"))
    except ValueError:
        raise MappingError("39", f"response code {fields['39']!r} is not one the core uses") from None
    reason, _, account_text = _required(fields, "63").partition("|")
    try:
        account = AccountType(account_text) if account_text else None
    except ValueError:
        raise MappingError("63", f"account {account_text!r} is unknown") from None
    response = Response(
        code, reason, fields.get("37", ""), account,
        amount=int(fields.get("4", "0")), approval_code=fields.get("38", ""),
    )
    for amount_type, value in _additional_amounts(fields.get("54", "")):
        if amount_type == _BALANCE:
            response.balance = value
        elif amount_type == _AVAILABLE:
            response.available = value
        elif amount_type == _DISCOUNT:
            response.discount = value
    if "55" in fields:
        tags = _tags(fields["55"])
        if "91" in tags:
            response.arpc = tags["91"][:8]
    return response


def encode_response(response: Response, request: Request, algorithm: Algorithm = DEFAULT_ALGORITHM) -> bytes:
    return encode_message(response_to_fields(response, request), algorithm)


def decode_response(data: bytes, algorithm: Algorithm = DEFAULT_ALGORITHM) -> Response:
    return response_from_fields(decode_message(data, algorithm))


# Private interface


def _required(fields: Mapping[str, str], key: str) -> str:
    value = fields.get(key)
    if value is None:
        raise MappingError(key, "is missing")
    return value


def _field_60(fields: Mapping[str, str]) -> tuple[str, str]:
    value = _required(fields, "60")
    if len(value) != 4 or not value.isdigit():
        raise MappingError("60", f"{value!r} is invalid; expected a 2-digit type code and a 2-digit channel code")
    return value[:2], value[2:]


def _account(code: str, key: str) -> AccountType:
    account = _ACCOUNT_OF_CODE.get(code)
    if account is None:
        raise MappingError(key, f"account code {code!r} is unknown; expected one of {sorted(_ACCOUNT_OF_CODE)}")
    return account


def _local_time(fields: Mapping[str, str], reference: dt.date) -> dt.datetime | None:
    if "12" not in fields or "13" not in fields:
        return None
    time_text, date_text = fields["12"], fields["13"]
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(dt.datetime.strptime(f"{year}{date_text}{time_text}", "%Y%m%d%H%M%S"))
        except ValueError:
            continue
    if not candidates:
        raise MappingError("13", f"local date {date_text!r} with time {time_text!r} is not a valid date and time")
    closest = min(candidates, key=lambda moment: abs(moment.date() - reference))
    return closest.replace(tzinfo=TZ)


def _hex(value: str, key: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise MappingError(key, "is not hex data") from None


def _new_pin_block(value: str) -> bytes:
    if not value.startswith(_NEW_PIN_TAG):
        raise MappingError("48", f"expected the new PIN block as {_NEW_PIN_TAG} followed by hex digits")
    return _hex(value[len(_NEW_PIN_TAG):], "48")


def _tags(value: str) -> dict[str, bytes]:
    try:
        return icc_tags(value)
    except ValueError as error:
        raise MappingError("55", str(error)) from None


def _chip(value: str) -> ChipData:
    tags = _tags(value)
    if "9F26" not in tags:
        raise MappingError("55", "ICC data lacks the ARQC (tag 9F26)")
    try:
        data = CryptogramData.from_tags(tags)
    except ValueError as error:
        raise MappingError("55", str(error)) from None
    return ChipData(tags["9F26"], data)


def _additional_amount(account_code: str, amount_type: str, value: int) -> str:
    sign = "C" if value >= 0 else "D"
    return f"{account_code}{amount_type}156{sign}{abs(value):012d}"


def _additional_amounts(value: str) -> list[tuple[str, int]]:
    if len(value) % 20:
        raise MappingError("54", f"is {len(value)} characters; each additional amount takes 20")
    amounts = []
    for start in range(0, len(value), 20):
        part = value[start:start + 20]
        sign, digits = part[7], part[8:]
        if sign not in "CD" or not digits.isdigit():
            raise MappingError("54", f"additional amount {part!r} is invalid; expected C or D and 12 digits")
        amounts.append((part[2:4], int(digits) if sign == "C" else -int(digits)))
    return amounts

"""Field types shared by the scenario models: amounts, times, ids, PINs and selectors.

Each type is an ``Annotated`` alias whose validator turns what a person writes in
YAML into the value the engine uses: yuan into integer fen, local times into
aware Asia/Shanghai datetimes, ``"0.35%"`` into ``Decimal("0.0035")``. Invalid
input raises :class:`pydantic_core.PydanticCustomError` whose ``type`` names a
message in the ``scenario`` catalogue (``scenario.error.<type>`` and
``scenario.fix.<type>``), so the loader can report it in Chinese or English.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from twin.calendar import TZ, CalendarRangeError, check_in_range, parse_local, to_local
from twin.money import MAX_AMOUNT_FEN, AmountError, format_yuan, parse_yuan
from twin.scenario.geography import CITIES, county_city

__all__ = [
    "Fen",
    "PositiveFen",
    "LocalDateTime",
    "LocalDate",
    "LocalTime",
    "Identifier",
    "ScenarioName",
    "Pin",
    "Mcc",
    "TerminalId",
    "Stan",
    "Rate",
    "Discount",
    "Share",
    "City",
    "County",
    "UnitSelector",
    "ResponseCode",
    "RESPONSE_CODES",
    "AccountName",
    "FestivalName",
    "FESTIVALS",
]


def _error(kind: str, value: object, **context: object) -> PydanticCustomError:
    # The English template is a fallback only; the loader translates by ``kind``.
    return PydanticCustomError(kind, f"{kind}: {{value}}", {"value": _shown(value), **context})


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


# Amounts


def _to_fen(value: Any, *, allow_zero: bool = True) -> int:
    try:
        return parse_yuan(value, allow_zero=allow_zero)
    except AmountError as error:
        raise _error(f"amount_{error.code}", value, maximum=format_yuan(MAX_AMOUNT_FEN)) from None


_YUAN_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "multipleOf": 0.01},
        {"type": "string", "pattern": r"^\s*[0-9][0-9,_]*(\.[0-9]{1,2})?\s*$"},
    ],
    "description": "Yuan as a number or a string, at most two decimals (stored as integer fen).",
    "x-unit": "yuan",
}

#: An amount written in yuan (``500``, ``"500.00"``, ``12.35``), stored as integer fen, zero allowed.
#: Input is yuan from Python too: ``BalanceExpect(main="10.50")`` stores 1050 fen.
Fen = Annotated[int, BeforeValidator(_to_fen), WithJsonSchema(_YUAN_SCHEMA)]

#: An amount in yuan that must be more than zero, stored as integer fen.
PositiveFen = Annotated[
    int,
    BeforeValidator(lambda value: _to_fen(value, allow_zero=False)),
    WithJsonSchema(_YUAN_SCHEMA),
]


# Times


def _to_moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = to_local(value)
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(), TZ)
    elif isinstance(value, str):
        try:
            moment = parse_local(value)
        except ValueError:
            raise _error("datetime_text", value) from None
    else:
        raise _error("datetime_text", value)
    _check_calendar(value, moment.date())
    return moment


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _error("date_text", value)
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _error("date_text", value) from None
    else:
        raise _error("date_text", value)
    _check_calendar(value, day)
    return day


def _check_calendar(value: object, day: dt.date) -> None:
    try:
        check_in_range(day)
    except CalendarRangeError as error:
        raise _error(
            "calendar_range", value, first=error.first.isoformat(), last=error.last.isoformat()
        ) from None


def _to_time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}(:00)?", value.strip()):
        hours, minutes = (int(part) for part in value.strip().split(":")[:2])
        if hours < 24 and minutes < 60:
            return dt.time(hours, minutes)
    raise _error("time_text", value)


#: A moment in local time: ISO 8601 with an offset (``2020-01-06T09:00:00+08:00``)
#: or local ``YYYY-MM-DD HH:MM``; a bare date means local midnight. Stored as an
#: aware datetime in Asia/Shanghai, inside the holiday calendar's years.
LocalDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_to_moment),
    WithJsonSchema(
        {
            "type": "string",
            "description": "ISO 8601 with an offset, or local 'YYYY-MM-DD HH:MM' (Asia/Shanghai).",
        }
    ),
]

#: A local calendar date written ``YYYY-MM-DD``, inside the holiday calendar's years.
LocalDate = Annotated[
    dt.date,
    BeforeValidator(_to_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]

#: A local time of day written ``HH:MM`` (24-hour clock).
LocalTime = Annotated[
    dt.time,
    BeforeValidator(_to_time),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}(:00)?$"}),
]


# Identifiers and card data


def _text_matching(kind: str, pattern: str) -> BeforeValidator:
    compiled = re.compile(pattern)

    def check(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _error(kind, value)
        if isinstance(value, int):
            raise _error(f"{kind}_not_quoted", value)
        if not compiled.fullmatch(value):
            raise _error(kind, value)
        return value

    return BeforeValidator(check)


#: An actor or step id: letters, digits, ``_`` and ``-``, starting with a letter or digit, at most 32.
Identifier = Annotated[
    str,
    BeforeValidator(lambda value: _identifier(value)),
    WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"}),
]

_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


def _identifier(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        raise _error("identifier_not_quoted", value)
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise _error("identifier", value)
    return value


#: A scenario name, used as the report folder name: lower-case letters, digits, ``_`` and ``-``.
ScenarioName = Annotated[
    str,
    _text_matching("scenario_name", r"[a-z0-9][a-z0-9_-]{0,63}"),
    WithJsonSchema({"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]{0,63}$"}),
]

#: A PIN of 4 to 12 digits, written in quotes so leading zeros survive.
Pin = Annotated[
    str,
    _text_matching("pin", r"[0-9]{4,12}"),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{4,12}$"}),
]

#: A merchant category code of four digits, written in quotes (``"5411"``).
Mcc = Annotated[
    str,
    _text_matching("mcc", r"[0-9]{4}"),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{4}$"}),
]

#: A card acceptor terminal id (ISO 8583 field 41): 1 to 8 letters or digits.
TerminalId = Annotated[
    str,
    _text_matching("terminal", r"[A-Za-z0-9]{1,8}"),
    WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9]{1,8}$"}),
]

#: A system trace audit number (ISO 8583 field 11): 1 to 999999.
Stan = Annotated[int, Field(ge=1, le=999_999)]


# Rates and shares


def _to_rate(value: Any) -> Any:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return Decimal(value.strip()[:-1].strip()) / 100
        except InvalidOperation:
            raise _error("rate_text", value) from None
    return value


#: A yearly rate as a fraction (``0.0035``) or a percentage string (``"0.35%"``), stored as Decimal.
Rate = Annotated[Decimal, BeforeValidator(_to_rate), Field(ge=0, le=1)]

#: A price multiplier: the member pays price × discount (``0.70`` is 70% of the fare), stored as Decimal.
Discount = Annotated[Decimal, Field(gt=0, le=1)]

#: A probability or a share of a whole, from 0 to 1.
Share = Annotated[float, Field(ge=0, le=1)]


# Places and units


def _city(value: Any) -> str:
    if value not in CITIES:
        raise _city_error(value)
    return value


def _city_error(value: Any) -> PydanticCustomError:
    # A string is quoted so that stray spaces show, as in " 南昌市 ". The loader
    # joins the tuple of names with the separator of the message's language.
    display = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else value
    return _error("city", display, expected=CITIES)


def _county(value: Any) -> str:
    if not isinstance(value, str) or county_city(value) is None:
        raise _error("county", value)
    return value


#: One of Jiangxi's 11 cities, in Chinese (``南昌市``).
City = Annotated[str, BeforeValidator(_city), WithJsonSchema({"enum": list(CITIES)})]

#: A county-level division of Jiangxi, in Chinese (``安义县``, ``东湖区``, ``瑞金市``).
County = Annotated[str, BeforeValidator(_county), WithJsonSchema({"type": "string"})]

_SELECTOR_KINDS = ("city", "county", "industry", "union", "unit")


def _unit_selector(value: Any) -> str:
    if not isinstance(value, str):
        raise _error("unit_selector", value)
    if value in ("all", "pilot"):
        return value
    kind, colon, name = value.partition(":")
    if not colon or kind not in _SELECTOR_KINDS or not name.strip():
        raise _error("unit_selector", value)
    if kind == "city" and name not in CITIES:
        raise _city_error(name)
    if kind == "county" and county_city(name) is None:
        raise _error("county", name)
    if kind == "union" and not _IDENTIFIER.fullmatch(name):
        raise _error("identifier", name)
    return value


#: Which unions a rollout wave or disbursement covers: ``all``; ``pilot`` (the pilot
#: units, see :data:`twin.scenario.geography.PILOT_UNITS`); ``city:南昌市``;
#: ``county:安义县``; ``industry:<industry union>``; ``union:<actor id>``; or
#: ``unit:<organisation name>`` for a named grassroots union such as ``unit:省总工会机关工会``.
UnitSelector = Annotated[
    str,
    BeforeValidator(_unit_selector),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(all|pilot|(city|county|industry|union|unit):.+)$",
        }
    ),
]


# Codes and names

#: The response codes a script may expect, with their meaning (ISO 8583 / UnionPay usage);
#: the same set as :class:`twin.authorization.codes.ResponseCode`.
RESPONSE_CODES: dict[str, str] = {
    "00": "approved",
    "03": "invalid merchant",
    "12": "invalid transaction",
    "13": "invalid amount",
    "14": "invalid card number",
    "25": "original transaction not found",
    "30": "format error",
    "41": "lost card",
    "51": "insufficient funds",
    "54": "expired card",
    "55": "incorrect PIN",
    "57": "transaction not permitted to cardholder",
    "61": "exceeds withdrawal amount limit",
    "62": "restricted card (not activated or closed)",
    "63": "security violation (cryptogram check failed)",
    "64": "original amount incorrect",
    "65": "exceeds withdrawal count or yearly limit",
    "75": "allowable PIN tries exceeded",
    "91": "issuer or switch inoperative",
    "94": "duplicate transmission",
    "96": "system malfunction",
}


def _response_code(value: Any) -> Any:
    # YAML reads an unquoted 00 or 51 as a number; two digits are unambiguous.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 99:
        return f"{value:02d}"
    return value


#: A two-digit response code from :data:`RESPONSE_CODES`; an unquoted number is read as two digits.
ResponseCode = Annotated[
    Literal[
        "00",
        "03",
        "12",
        "13",
        "14",
        "25",
        "30",
        "41",
        "51",
        "54",
        "55",
        "57",
        "61",
        "62",
        "63",
        "64",
        "65",
        "75",
        "91",
        "94",
        "96",
    ],
    BeforeValidator(_response_code),
]

#: An account of a member's card or a union: the main demand account, the welfare
#: account, the transit e-purse, or a union's corporate account.
AccountName = Literal["main", "welfare", "transit_wallet", "corporate"]

#: Festivals at which unions pay welfare, named as in the chinese-calendar package.
FestivalName = Literal[
    "new_years_day",
    "spring_festival",
    "tomb_sweeping_day",
    "labour_day",
    "dragon_boat_festival",
    "mid_autumn_festival",
    "national_day",
]

FESTIVALS: tuple[str, ...] = FestivalName.__args__

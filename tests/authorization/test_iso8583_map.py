"""Requests and responses through ISO 8583 messages (pyiso8583) and back."""

import dataclasses
import datetime as dt

import iso8583 as pyiso8583
import pytest

from twin.authorization import AccountType, Channel, Kind, Response, ResponseCode
from twin.authorization import iso8583 as messages
from twin.authorization.iso8583_map import (
    MappingError,
    decode_request,
    decode_response,
    encode_request,
    encode_response,
    request_from_fields,
    request_to_fields,
    response_from_fields,
)
from twin.calendar import TZ

from .conftest import PIN

TODAY = dt.date(2020, 1, 6)


def round_trip(request, algorithm):
    return decode_request(encode_request(request, algorithm), TODAY, algorithm)


def requests(world):
    record, chip = world.card(main=50_000)
    pan = chip.pan
    pin = world.pin(pan)
    return {
        "purchase": world.purchase(chip, 12_345),
        "qr_purchase": world.purchase(chip, 12_345, channel=Channel.QR),
        "void": world.follow_up(Kind.VOID, chip, "000000000042", 12_345),
        "refund": world.follow_up(Kind.REFUND, chip, "000000000042", 345),
        "reversal": world.follow_up(Kind.REVERSAL, chip, "000000000042", 12_345),
        "reversal_by_stan": world.follow_up(Kind.REVERSAL, chip, "", 12_345, original_stan="000017"),
        "preauthorization": world.preauthorize(chip, 80_000),
        "completion": world.follow_up(Kind.COMPLETION, chip, "000000000043", 60_000),
        "cancellation": world.follow_up(Kind.CANCELLATION, chip, "000000000043"),
        "withdrawal": world.atm(Kind.WITHDRAWAL, chip, 10_000),
        "balance_welfare": world.plain(Kind.BALANCE, Channel.WECHAT, pan, account=AccountType.WELFARE),
        "deposit": world.plain(Kind.DEPOSIT, Channel.COUNTER, pan, 5_000, psn="02", expiry="3001"),
        "transfer": world.plain(Kind.TRANSFER, Channel.COUNTER, pan, 5_000, pin_block=pin,
                                to_account=AccountType.OUTSIDE, to_account_number="6222021234567890123"),
        "transit_topup": world.plain(Kind.TRANSIT_TOPUP, Channel.TRANSIT_KIOSK, pan, 5_000, pin_block=pin),
        "etc_toll": world.plain(Kind.ETC_TOLL, Channel.ETC_CLEARING, pan, 950),
        "activation": world.plain(Kind.ACTIVATION, Channel.ONSITE, pan, pin_block=world.pin(pan, "955330"),
                                  new_pin_block=pin),
        "pin_change": world.plain(Kind.PIN_CHANGE, Channel.SMART_TELLER, pan, pin_block=pin,
                                  new_pin_block=world.pin(pan, "258147")),
    }


NAMES = ["purchase", "qr_purchase", "void", "refund", "reversal", "reversal_by_stan", "preauthorization",
         "completion", "cancellation", "withdrawal", "balance_welfare", "deposit", "transfer", "transit_topup",
         "etc_toll", "activation", "pin_change"]


def without_micros(request):
    return dataclasses.replace(request, local_time=request.local_time.replace(microsecond=0))


@pytest.mark.parametrize("name", NAMES)
def test_request_round_trip(world, name):
    request = without_micros(requests(world)[name])
    assert round_trip(request, world.bank.keys.algorithm) == request


@pytest.mark.parametrize("name", ["purchase", "withdrawal", "transfer"])
def test_request_round_trip_tdes(name):
    from twin.authorization.crypto import Algorithm
    from twin.devices.bank import Bank

    from .conftest import START, Programme

    world = Programme(Bank.open(START, seed=7, algorithm=Algorithm.TDES))
    request = without_micros(requests(world)[name])
    assert len(request.pin_block) == 8
    assert round_trip(request, Algorithm.TDES) == request


def test_decoded_purchase_is_approved(world):
    record, chip = world.card(main=50_000)
    request = round_trip(world.purchase(chip, 1_000), world.bank.keys.algorithm)
    assert world.authorize(request).approved


def test_purchase_fields(world):
    fields = request_to_fields(requests(world)["purchase"])
    assert (fields["t"], fields["3"], fields["4"], fields["49"], fields["60"]) == (
        "0200", "000000", "000000012345", "156", "2201")
    assert len(fields["2"]) == 19


def test_nineteen_digit_pan_encodes(world):
    request = requests(world)["purchase"]
    raw = encode_request(request, world.bank.keys.algorithm)
    assert messages.decode_message(raw, world.bank.keys.algorithm)["2"] == request.pan


def test_over_long_pan_rejected(world):
    request = dataclasses.replace(requests(world)["purchase"], pan="6" * 20)
    with pytest.raises(pyiso8583.EncodeError, match="field 2"):
        encode_request(request, world.bank.keys.algorithm)


def test_over_long_variable_field_rejected_on_decode(world):
    raw = bytearray(encode_request(requests(world)["purchase"], world.bank.keys.algorithm))
    # Field 2 follows the MTI and the 8-byte bitmap: claim 20 digits instead of 19.
    assert raw[12:14] == b"19"
    raw[12:14] = b"20"
    with pytest.raises(pyiso8583.DecodeError, match="field 2"):
        decode_request(bytes(raw), TODAY, world.bank.keys.algorithm)


def test_over_long_merchant_id_rejected(world):
    request = dataclasses.replace(requests(world)["purchase"], merchant_id="M" * 16)
    with pytest.raises(pyiso8583.EncodeError, match="field 42"):
        encode_request(request, world.bank.keys.algorithm)


def test_year_from_reference_date(world):
    request = dataclasses.replace(requests(world)["deposit"], local_time=dt.datetime(2019, 12, 31, 23, 59, 59, tzinfo=TZ))
    decoded = decode_request(encode_request(request), dt.date(2020, 1, 1))
    assert decoded.local_time == request.local_time


def test_unknown_type_code(world):
    fields = request_to_fields(requests(world)["purchase"])
    fields["60"] = "9901"
    with pytest.raises(MappingError, match="field 60: type code '99' is unknown"):
        request_from_fields(fields, TODAY)


def test_wrong_message_type(world):
    fields = request_to_fields(requests(world)["purchase"])
    fields["t"] = "0100"
    with pytest.raises(MappingError, match="field t: message type '0100' does not fit a purchase; expected 0200"):
        request_from_fields(fields, TODAY)


def test_missing_chip_arqc(world):
    fields = request_to_fields(requests(world)["purchase"])
    tags = messages.icc_tags(fields["55"])
    del tags["9F26"]
    fields["55"] = messages.icc_field(tags)
    with pytest.raises(MappingError, match=r"field 55: ICC data lacks the ARQC \(tag 9F26\)"):
        request_from_fields(fields, TODAY)


def test_approved_purchase_response_round_trip(world):
    record, chip = world.card(main=50_000, welfare=20_000)
    request = world.purchase(chip, 10_000, merchant="shop1")
    response = world.authorize(request)
    decoded = decode_response(encode_response(response, request, world.bank.keys.algorithm),
                              world.bank.keys.algorithm)
    assert decoded == dataclasses.replace(response, transfer_ids=(), trace=())
    assert chip.check_arpc(request.chip, decoded.code.value, decoded.arpc)
    assert decoded.account is AccountType.WELFARE
    assert decoded.discount == 1_000


def test_balance_response_round_trip(world):
    record, chip = world.card(main=50_000)
    request = world.plain(Kind.BALANCE, Channel.MOBILE, chip.pan)
    response = world.authorize(request)
    fields = messages.decode_message(encode_response(response, request))
    assert fields["t"] == "0210"
    assert fields["54"] == "0001156C0000000500000002156C000000050000"
    assert response_from_fields(fields) == response


def test_decline_response_round_trip(world):
    record, chip = world.card(main=100)
    request = world.atm(Kind.WITHDRAWAL, chip, 10_000)
    response = world.authorize(request)
    decoded = decode_response(encode_response(response, request))
    assert (decoded.code, decoded.reason, decoded.account) == (ResponseCode.INSUFFICIENT_FUNDS, "insufficient_funds", None)


def test_refund_response_message_type(world):
    request = requests(world)["refund"]
    fields = messages.decode_message(encode_response(Response(ResponseCode.APPROVED, "approved"), request))
    assert fields["t"] == "0230"


def test_unknown_response_code(world):
    request = requests(world)["purchase"]
    fields = messages.decode_message(encode_response(Response(ResponseCode.APPROVED, "approved"), request))
    fields["39"] = "Q1"
    with pytest.raises(MappingError, match="field 39"):
        response_from_fields(fields)


def test_reversal_carries_original_stan_in_field_90(world):
    fields = request_to_fields(requests(world)["reversal_by_stan"])
    assert fields["t"] == "0400"
    assert messages.OriginalData.from_field(fields["90"]).stan == "000017"


def test_pin_is_never_in_clear(world):
    request = requests(world)["activation"]
    raw = encode_request(request)
    assert PIN.encode() not in raw
    assert b"955330" not in raw

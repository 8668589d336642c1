"""The retransmission cache keeps a content hash and the response's fields, with the old behaviour."""

import dataclasses
import datetime as dt

import pytest

from twin.authorization import AccountType, Channel, Kind, Request, Response, ResponseCode
from twin.authorization.records import DuplicateCache
from twin.calendar import TZ

NOW = dt.datetime(2020, 1, 6, 9, 0, tzinfo=TZ)


def request(stan="000001", amount=100, when=NOW, **fields):
    values = {"amount": amount, "terminal_id": "T0000001", "merchant_id": "shop1", "stan": stan, "local_time": when}
    values.update(fields)
    return Request(Kind.PURCHASE, Channel.POS_CHIP, "6217990000000012340", **values)


RESPONSES = [
    Response(ResponseCode.APPROVED, "approved", "000000000017", AccountType.WELFARE, amount=90, discount=10,
             arpc=b"12345678", approval_code="000017", transfer_ids=(15, 16, 17)),
    Response(ResponseCode.APPROVED, "approved", "000000000018", AccountType.MAIN, approval_code="ABC123",
             balance=5, available=4, trace=["format:ok"]),
    Response(ResponseCode.INSUFFICIENT_FUNDS, "insufficient_funds"),
]


@pytest.mark.parametrize("response", RESPONSES)
def test_retransmission_gets_equal_response(response):
    cache = DuplicateCache()
    cache.remember(request(), response)
    assert cache.lookup(request()) == (True, response)


@pytest.mark.parametrize("response", RESPONSES)
def test_response_for_stan(response):
    cache = DuplicateCache()
    cache.remember(request(), response)
    assert cache.response_for("T0000001", "000001", NOW.date()) == (Kind.PURCHASE, response)


@pytest.mark.parametrize("fields", [{"amount": 101}, {"merchant_id": "shop2"}, {"original_authorization_id": "1"},
                                    {"account": AccountType.WELFARE}])
def test_other_content_is_duplicate(fields):
    cache = DuplicateCache()
    cache.remember(request(), RESPONSES[0])
    assert cache.lookup(request(**fields)) == (True, None)


def test_unknown_key_not_seen():
    cache = DuplicateCache()
    cache.remember(request(), RESPONSES[0])
    assert cache.lookup(request(stan="000002")) == (False, None)
    assert cache.lookup(request(when=NOW + dt.timedelta(days=1))) == (False, None)
    assert cache.response_for("T0000001", "000001", NOW.date() + dt.timedelta(days=1)) is None


def test_request_without_stan_not_kept():
    cache = DuplicateCache()
    cache.remember(request(stan=""), RESPONSES[0])
    assert len(cache) == 0


def test_days_before_yesterday_dropped():
    cache = DuplicateCache()
    for day in range(10):
        for stan in range(3):
            cache.remember(request(f"{stan:06d}", when=NOW + dt.timedelta(days=day)), RESPONSES[2])
    assert len(cache) == 6
    assert cache.response_for("T0000001", "000000", (NOW + dt.timedelta(days=8)).date()) is not None
    assert cache.response_for("T0000001", "000000", (NOW + dt.timedelta(days=7)).date()) is None


def test_requests_without_local_time_kept():
    cache = DuplicateCache()
    cache.remember(request(when=None), RESPONSES[2])
    cache.remember(request(when=NOW + dt.timedelta(days=5)), RESPONSES[2])
    assert cache.lookup(request(when=None)) == (True, RESPONSES[2])


@pytest.mark.parametrize("transfer_ids", [(), (5,), (5, 6), (5, 6, 7), (5, 7), (7, 6), (1, 2, 3, 4), (0,), (14, 15),
                                          (14, 15, 16), (13, 14, 15), (14, 16)])
def test_transfer_ids_come_back(transfer_ids):
    cache = DuplicateCache()
    response = Response(ResponseCode.APPROVED, "approved", "000000000017", transfer_ids=transfer_ids)
    cache.remember(request(), response)
    assert cache.lookup(request())[1].transfer_ids == transfer_ids


def test_plain_string_kind_matches_enum():
    cache = DuplicateCache()
    cache.remember(request(), RESPONSES[2])
    plain = dataclasses.replace(request(), kind="purchase")
    assert cache.lookup(plain) == (True, RESPONSES[2])


@pytest.mark.parametrize("extra", [{"trace": []}, {"balance": 0}, {"available": 0}, {"approval_code": "000018"}])
def test_single_extra_field_comes_back(extra):
    cache = DuplicateCache()
    response = Response(ResponseCode.APPROVED, "approved", "000000000017", **extra)
    cache.remember(request(), response)
    found = cache.lookup(request())[1]
    assert found == response
    assert type(found.trace) is type(response.trace)


def test_entries_share_kind_code_reason_account():
    cache = DuplicateCache()
    cache.remember(request("000001"), RESPONSES[0])
    cache.remember(request("000002"), dataclasses.replace(RESPONSES[0], authorization_id="000000000021"))
    first, second = cache._days[NOW.date()].values()
    assert first[1] is second[1]
    assert len(first) == 7


def test_other_account_keeps_own_shape():
    cache = DuplicateCache()
    cache.remember(request("000001"), RESPONSES[0])
    cache.remember(request("000002"), dataclasses.replace(RESPONSES[0], account=AccountType.MAIN))
    assert cache.lookup(request("000001"))[1].account is AccountType.WELFARE
    assert cache.lookup(request("000002"))[1].account is AccountType.MAIN


@pytest.mark.parametrize(("authorization_id", "transfer_ids", "packed"), [
    ("000000000017", (14, 15, 16), -3), ("000000000017", (14, 15), -2), ("000000000018", (14, 15), 14 << 2 | 2),
    ("", (14, 15), 14 << 2 | 2), ("x17", (14, 15), 14 << 2 | 2),
])
def test_purchase_transfer_ids_kept_from_id(authorization_id, transfer_ids, packed):
    cache = DuplicateCache()
    response = Response(ResponseCode.APPROVED, "approved", authorization_id, transfer_ids=transfer_ids)
    cache.remember(request(), response)
    assert next(iter(cache._days[NOW.date()].values()))[6] == packed
    assert cache.lookup(request()) == (True, response)

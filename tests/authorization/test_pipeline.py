"""The pipeline's checks in order: format, card, chip, PIN, duplicates; availability and metrics."""

import dataclasses
import datetime as dt
import threading

import pytest

from twin.authorization import AccountType, Channel, Kind, Request, ResponseCode
from twin.authorization.pin import INITIAL_PIN
from twin.calendar import TZ
from twin.pan import make_pan

from .conftest import UN

C = ResponseCode


def decision(response):
    return response.code, response.reason


# Format


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (dict(pan="62179900000000A0014"), (C.FORMAT_ERROR, "pan_format")),
        (dict(pan="621799000001"), (C.FORMAT_ERROR, "pan_format")),
        (dict(pan="62179900000000000141"), (C.FORMAT_ERROR, "pan_format")),
        (dict(pan="6217990000000000015"), (C.INVALID_CARD, "pan_check_digit")),
        (dict(currency="840"), (C.FORMAT_ERROR, "currency_not_supported")),
        (dict(stan="12345"), (C.FORMAT_ERROR, "stan_format")),
        (dict(stan="12345a"), (C.FORMAT_ERROR, "stan_format")),
        (dict(terminal_id="T00000001"), (C.FORMAT_ERROR, "terminal_or_merchant_id_format")),
        (dict(merchant_id="M" * 16), (C.FORMAT_ERROR, "terminal_or_merchant_id_format")),
        (dict(merchant_id=""), (C.FORMAT_ERROR, "merchant_id_missing")),
        (dict(amount=12.5), (C.FORMAT_ERROR, "amount_format")),
        (dict(amount=True), (C.FORMAT_ERROR, "amount_format")),
        (dict(amount=-1), (C.INVALID_AMOUNT, "amount_out_of_range")),
        (dict(amount=10_000_000_001), (C.INVALID_AMOUNT, "amount_out_of_range")),
        (dict(amount=0), (C.INVALID_AMOUNT, "amount_zero")),
    ],
)
def test_format_errors(world, change, expected):
    record, chip = world.card(main=10_000)
    request = dataclasses.replace(world.purchase(chip, 1_000), **change)
    assert decision(world.authorize(request)) == expected


def test_follow_up_without_original_is_format_error(world):
    record, chip = world.card(main=10_000)
    request = world.follow_up(Kind.REFUND, chip, "", 100)
    assert decision(world.authorize(request)) == (C.FORMAT_ERROR, "original_missing")


def test_transfer_without_destination_is_format_error(world):
    record, chip = world.card(main=10_000)
    request = world.plain(Kind.TRANSFER, Channel.COUNTER, chip.pan, 100, pin_block=world.pin(chip.pan))
    assert decision(world.authorize(request)) == (C.FORMAT_ERROR, "transfer_destination_missing")


def test_format_error_moves_nothing(world):
    record, chip = world.card(main=10_000)
    before = world.transfers()
    world.authorize(dataclasses.replace(world.purchase(chip, 1_000), currency="840"))
    assert world.transfers() == before


# Card


def test_unknown_card(world):
    record, chip = world.card(main=10_000)
    request = dataclasses.replace(world.purchase(chip, 1_000), pan=make_pan(999_999))
    assert decision(world.authorize(request)) == (C.INVALID_CARD, "card_unknown")


def test_batch_card_not_activated(world):
    record, chip = world.batch_card()
    world.deposit(record, 10_000)
    response = world.authorize(world.purchase(chip, 1_000, pin=INITIAL_PIN))
    assert decision(response) == (C.RESTRICTED_CARD, "card_not_activated")


def test_lost_card(world):
    record, chip = world.card(main=10_000)
    world.issuer.report_loss("m1")
    assert decision(world.authorize(world.purchase(chip, 1_000))) == (C.LOST_CARD, "card_lost")


def test_replaced_card(world):
    record, chip = world.card(main=10_000)
    world.issuer.report_loss("m1")
    world.issuer.replace_card("m1", pin="246810")
    assert decision(world.authorize(world.purchase(chip, 1_000))) == (C.LOST_CARD, "card_replaced")


def test_closed_card(world):
    record, chip = world.card(main=10_000)
    world.issuer.close_card("m1")
    assert decision(world.authorize(world.purchase(chip, 1_000))) == (C.RESTRICTED_CARD, "card_closed")


def test_expired_card(world):
    record, chip = world.card(main=10_000)
    assert record.expiry == "3001"
    world.clock.set(dt.datetime(2030, 2, 1, 0, 0, tzinfo=TZ))
    assert decision(world.authorize(world.purchase(chip, 1_000))) == (C.EXPIRED_CARD, "card_expired")


def test_card_valid_through_expiry_month(world):
    record, chip = world.card(main=10_000)
    world.clock.set(dt.datetime(2030, 1, 31, 23, 59, tzinfo=TZ))
    assert world.authorize(world.purchase(chip, 1_000)).approved


def test_activation_of_active_card(world):
    record, chip = world.card()
    request = world.plain(Kind.ACTIVATION, Channel.COUNTER, chip.pan, pin_block=world.pin(chip.pan),
                          new_pin_block=world.pin(chip.pan, "246810"))
    assert decision(world.authorize(request)) == (C.INVALID_TRANSACTION, "card_already_active")


# Chip


def test_chip_purchase_approved_with_arpc(world):
    record, chip = world.card(main=10_000)
    request = world.purchase(chip, 1_000)
    response = world.authorize(request)
    assert response.approved
    assert chip.check_arpc(request.chip, "00", response.arpc)


_FIELD_CHANGES = {
    "amount_other": 1,
    "terminal_country_code": 344,
    "tvr": b"\x00\x00\x00\x00\x01",
    "transaction_currency_code": 840,
    "transaction_type": 1,
    "unpredictable_number": b"\x01\x02\x03\x05",
    "aip": b"\x7c\x01",
    "atc": 2,
}


@pytest.mark.parametrize("field", sorted(_FIELD_CHANGES))
def test_tampered_chip_field_fails(world, field):
    record, chip = world.card(main=10_000)
    request = world.purchase(chip, 1_000)
    data = dataclasses.replace(request.chip.data, **{field: _FIELD_CHANGES[field]})
    tampered = dataclasses.replace(request, chip=dataclasses.replace(request.chip, data=data))
    assert decision(world.authorize(tampered)) == (C.SECURITY_VIOLATION, "arqc_invalid")


def test_tampered_cvr_fails(world):
    record, chip = world.card(main=10_000)
    request = world.purchase(chip, 1_000)
    iad = bytearray(request.chip.data.issuer_application_data)
    iad[4] ^= 0x01
    data = dataclasses.replace(request.chip.data, issuer_application_data=bytes(iad))
    tampered = dataclasses.replace(request, chip=dataclasses.replace(request.chip, data=data))
    assert decision(world.authorize(tampered)) == (C.SECURITY_VIOLATION, "arqc_invalid")


@pytest.mark.parametrize("index", range(8))
def test_tampered_arqc_byte_fails(world, index):
    record, chip = world.card(main=10_000)
    request = world.purchase(chip, 1_000)
    arqc = bytearray(request.chip.arqc)
    arqc[index] ^= 0x80
    tampered = dataclasses.replace(request, chip=dataclasses.replace(request.chip, arqc=bytes(arqc)))
    assert decision(world.authorize(tampered)) == (C.SECURITY_VIOLATION, "arqc_invalid")


def test_every_byte_of_covered_data_is_covered(world):
    """Each of the 37 bytes the ARQC covers changes the MAC input when flipped."""
    record, chip = world.card()
    data = world.purchase(chip, 1_000).chip.data
    covered = data.to_bytes()
    assert len(covered) == 37
    fields = dataclasses.asdict(data)
    changed = [
        dataclasses.replace(data, **{name: value}).to_bytes()
        for name, value in _FIELD_CHANGES.items()
        if name in fields
    ]
    assert all(other != covered for other in changed)


def test_amount_mismatch(world):
    record, chip = world.card(main=10_000)
    request = dataclasses.replace(world.purchase(chip, 1_000), amount=900)
    assert decision(world.authorize(request)) == (C.SECURITY_VIOLATION, "arqc_amount_mismatch")


def test_amount_changed_in_chip_data_too(world):
    record, chip = world.card(main=10_000)
    request = world.purchase(chip, 1_000)
    data = dataclasses.replace(request.chip.data, amount_authorised=900)
    tampered = dataclasses.replace(request, amount=900, chip=dataclasses.replace(request.chip, data=data))
    assert decision(world.authorize(tampered)) == (C.SECURITY_VIOLATION, "arqc_invalid")


def test_date_mismatch(world):
    record, chip = world.card(main=10_000)
    request = world.purchase(chip, 1_000)
    request = dataclasses.replace(
        request, chip=chip.generate_arqc(1_000, world.now().date() - dt.timedelta(days=1), UN)
    )
    assert decision(world.authorize(request)) == (C.SECURITY_VIOLATION, "arqc_date_mismatch")


def test_atc_replay(world):
    record, chip = world.card(main=10_000)
    first = world.purchase(chip, 1_000)
    assert world.authorize(first).approved
    replay = dataclasses.replace(first, stan=world.stan())
    assert decision(world.authorize(replay)) == (C.SECURITY_VIOLATION, "atc_replay")


def test_older_atc_rejected(world):
    record, chip = world.card(main=10_000)
    older = world.purchase(chip, 1_000)
    newer = world.purchase(chip, 1_000)
    assert world.authorize(newer).approved
    assert decision(world.authorize(older)) == (C.SECURITY_VIOLATION, "atc_replay")


def test_chip_missing(world):
    record, chip = world.card(main=10_000)
    request = dataclasses.replace(world.purchase(chip, 1_000), chip=None)
    assert decision(world.authorize(request)) == (C.FORMAT_ERROR, "chip_data_missing")


def test_chip_decline_carries_arpc(world):
    record, chip = world.card(main=100)
    request = world.purchase(chip, 1_000)
    response = world.authorize(request)
    assert decision(response) == (C.INSUFFICIENT_FUNDS, "insufficient_funds")
    assert chip.check_arpc(request.chip, "51", response.arpc)


# PIN


def test_wrong_pin(world):
    record, chip = world.card(main=10_000)
    assert decision(world.authorize(world.purchase(chip, 100, pin="246810"))) == (C.INCORRECT_PIN, "pin_incorrect")


def test_missing_pin(world):
    record, chip = world.card(main=10_000)
    request = dataclasses.replace(world.purchase(chip, 100), pin_block=None)
    assert decision(world.authorize(request)) == (C.INCORRECT_PIN, "pin_required")


def test_third_wrong_pin_locks_until_local_midnight(world):
    record, chip = world.card(main=10_000)
    world.clock.set(dt.datetime(2020, 1, 6, 23, 50, tzinfo=TZ))
    codes = [world.authorize(world.purchase(chip, 100, pin="246810")).code for _ in range(3)]
    assert codes == [C.INCORRECT_PIN, C.INCORRECT_PIN, C.PIN_TRIES_EXCEEDED]
    assert decision(world.authorize(world.purchase(chip, 100))) == (C.PIN_TRIES_EXCEEDED, "pin_tries_exceeded")

    # 23:59:59 local is still the same day.
    world.clock.set(dt.datetime(2020, 1, 6, 23, 59, 59, tzinfo=TZ))
    assert world.authorize(world.purchase(chip, 100)).code is C.PIN_TRIES_EXCEEDED

    # 00:00:01 local is 16:00:01 UTC of the same UTC day: the lock ends at local midnight.
    world.clock.set(dt.datetime(2020, 1, 7, 0, 0, 1, tzinfo=TZ))
    assert world.clock.now().astimezone(dt.UTC).date() == dt.date(2020, 1, 6)
    assert world.authorize(world.purchase(chip, 100)).approved


def test_locked_pin_stays_locked_at_midday(world):
    record, chip = world.card(main=10_000)
    for _ in range(3):
        world.authorize(world.purchase(chip, 100, pin="246810"))
    world.clock.advance(hours=6)
    assert world.authorize(world.purchase(chip, 100)).code is C.PIN_TRIES_EXCEEDED


def test_correct_pin_resets_tries(world):
    record, chip = world.card(main=10_000)
    for _ in range(2):
        world.authorize(world.purchase(chip, 100, pin="246810"))
    assert world.authorize(world.purchase(chip, 100)).approved
    codes = [world.authorize(world.purchase(chip, 100, pin="246810")).code for _ in range(2)]
    assert codes == [C.INCORRECT_PIN, C.INCORRECT_PIN]


def test_pin_change_resets_tries(world):
    record, chip = world.card(main=10_000)
    for _ in range(2):
        world.authorize(world.purchase(chip, 100, pin="246810"))
    change = world.plain(Kind.PIN_CHANGE, Channel.SMART_TELLER, chip.pan, pin_block=world.pin(chip.pan),
                         new_pin_block=world.pin(chip.pan, "258147"))
    assert world.authorize(change).approved
    codes = [world.authorize(world.purchase(chip, 100, pin="246810")).code for _ in range(2)]
    assert codes == [C.INCORRECT_PIN, C.INCORRECT_PIN]
    assert world.authorize(world.purchase(chip, 100, pin="258147")).approved


def test_wrong_pin_on_other_channel_counts(world):
    record, chip = world.card(main=10_000)
    for _ in range(2):
        world.authorize(world.atm(Kind.WITHDRAWAL, chip, 100, pin="246810"))
    assert world.authorize(world.purchase(chip, 100, pin="246810")).code is C.PIN_TRIES_EXCEEDED


def test_batch_card_accepts_only_activation(world):
    record, chip = world.batch_card()
    world.deposit(record, 10_000)
    balance = world.plain(Kind.BALANCE, Channel.SMART_TELLER, chip.pan, pin_block=world.pin(chip.pan, INITIAL_PIN))
    assert decision(world.authorize(balance)) == (C.RESTRICTED_CARD, "card_not_activated")
    activation = world.plain(Kind.ACTIVATION, Channel.SMART_TELLER, chip.pan,
                             pin_block=world.pin(chip.pan, INITIAL_PIN), new_pin_block=world.pin(chip.pan))
    assert world.authorize(activation).approved
    assert world.authorize(world.purchase(chip, 100)).approved


def test_activation_needs_initial_pin(world):
    record, chip = world.batch_card()
    activation = world.plain(Kind.ACTIVATION, Channel.COUNTER, chip.pan,
                             pin_block=world.pin(chip.pan, "111222"), new_pin_block=world.pin(chip.pan))
    assert decision(world.authorize(activation)) == (C.INCORRECT_PIN, "pin_incorrect")


@pytest.mark.parametrize(
    ("new_pin", "reason"), [(INITIAL_PIN, "new_pin_is_initial"), ("123456", "new_pin_simple"), ("888888", "new_pin_simple")]
)
def test_activation_rejects_weak_pin(world, new_pin, reason):
    record, chip = world.batch_card()
    activation = world.plain(Kind.ACTIVATION, Channel.COUNTER, chip.pan,
                             pin_block=world.pin(chip.pan, INITIAL_PIN), new_pin_block=world.pin(chip.pan, new_pin))
    assert decision(world.authorize(activation)) == (C.INVALID_TRANSACTION, reason)


def test_activation_without_new_pin(world):
    record, chip = world.batch_card()
    activation = world.plain(Kind.ACTIVATION, Channel.COUNTER, chip.pan, pin_block=world.pin(chip.pan, INITIAL_PIN))
    assert decision(world.authorize(activation)) == (C.FORMAT_ERROR, "new_pin_missing")


def test_initial_pin_fails_after_activation(world):
    record, chip = world.batch_card()
    world.deposit(record, 10_000)
    world.authorize(world.plain(Kind.ACTIVATION, Channel.COUNTER, chip.pan,
                                pin_block=world.pin(chip.pan, INITIAL_PIN), new_pin_block=world.pin(chip.pan)))
    assert world.authorize(world.purchase(chip, 100, pin=INITIAL_PIN)).code is C.INCORRECT_PIN


def test_qr_purchase_needs_no_pin_or_chip(world):
    record, chip = world.card(main=10_000)
    response = world.authorize(world.purchase(chip, 100, channel=Channel.QR))
    assert response.approved


# Duplicates


def test_retransmission_gets_original_response(world):
    record, chip = world.card(main=10_000)
    request = world.purchase(chip, 1_000)
    first = world.authorize(request)
    count = world.transfers()
    again = world.authorize(request)
    assert again.authorization_id == first.authorization_id
    assert again.code is C.APPROVED
    assert world.transfers() == count
    assert world.balance(record.accounts.main) == 9_000


def test_retransmission_of_decline_gets_decline(world):
    record, chip = world.card(main=100)
    request = world.purchase(chip, 1_000)
    assert world.authorize(request).code is C.INSUFFICIENT_FUNDS
    world.deposit(record, 10_000)
    assert world.authorize(request).code is C.INSUFFICIENT_FUNDS


def test_same_stan_other_content(world):
    record, chip = world.card(main=10_000)
    first = world.purchase(chip, 1_000)
    world.authorize(first)
    other = world.purchase(chip, 2_000, stan=first.stan)
    count = world.transfers()
    assert decision(world.authorize(other)) == (C.DUPLICATE, "duplicate_transmission")
    assert world.transfers() == count


def test_same_stan_next_day(world):
    record, chip = world.card(main=10_000)
    first = world.purchase(chip, 1_000)
    world.authorize(first)
    world.clock.advance(days=1)
    again = world.purchase(chip, 1_000, stan=first.stan)
    assert world.authorize(again).approved
    assert world.balance(record.accounts.main) == 8_000


def test_same_stan_other_terminal(world):
    record, chip = world.card(main=10_000)
    first = world.purchase(chip, 1_000)
    world.authorize(first)
    other = world.purchase(chip, 1_000, stan=first.stan, terminal_id="T0000002")
    assert world.authorize(other).approved


# Availability and metrics


def test_core_unavailable(world):
    record, chip = world.card(main=10_000)
    world.core.available = False
    count = world.transfers()
    assert decision(world.authorize(world.purchase(chip, 100))) == (C.ISSUER_UNAVAILABLE, "issuer_unavailable")
    assert world.transfers() == count


def test_metrics_count_and_time(world):
    record, chip = world.card(main=10_000)
    world.authorize(world.purchase(chip, 100))
    world.authorize(world.purchase(chip, 100, pin="246810"))
    world.authorize(world.purchase(chip, 100_000))
    snapshot = world.core.metrics.snapshot()
    assert snapshot["responses"] == {"00": 1, "51": 1, "55": 1}
    assert snapshot["reasons"] == {"approved": 1, "insufficient_funds": 1, "pin_incorrect": 1}
    assert snapshot["kinds"] == {"purchase": 3}
    assert snapshot["steps"]["pin:pin_incorrect"] == 1
    assert snapshot["steps"]["chip:pass"] == 3
    total = snapshot["latency"]["total"]
    assert total["count"] == 3
    assert 0 < total["p50_us"] <= total["p99_us"] <= total["p999_us"] <= total["max_us"]
    assert {"format", "card", "chip", "pin", "process"} <= set(snapshot["latency"])


def test_trace_lists_steps(bank):
    from twin.authorization import CoreSettings
    from twin.devices.bank import Bank

    from .conftest import START, Programme

    traced = Programme(Bank.open(START, seed=7, core_settings=CoreSettings(trace=True)))
    record, chip = traced.card(main=10_000)
    response = traced.authorize(traced.purchase(chip, 100))
    assert response.trace == ["format:ok", "duplicate:ok", "card:ok", "chip:ok", "pin:ok", "process:ok"]


# Threads


def test_concurrent_purchases_balance(world):
    cards = [world.card(f"t{i}", main=100_000) for i in range(8)]
    results = []
    lock = threading.Lock()

    def shop(record, chip, terminal):
        for number in range(1, 31):
            request = Request(
                Kind.PURCHASE, Channel.POS_CHIP, chip.pan, amount=1_000, terminal_id=terminal, merchant_id="shop2",
                stan=f"{number:06d}", local_time=world.now(), pin_block=world.pin(chip.pan),
                chip=chip.generate_arqc(1_000, world.now().date(), UN),
            )
            response = world.authorize(request)
            with lock:
                results.append(response.code)

    threads = [
        threading.Thread(target=shop, args=(record, chip, f"T{index:07d}"))
        for index, (record, chip) in enumerate(cards)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(C.APPROVED) == 240
    assert world.balance(world.plain_shop.settlement_account_id) == 240_000
    assert all(world.balance(record.accounts.main) == 70_000 for record, _ in cards)
    assert world.audit().ok


def test_balance_inquiry_has_no_pin_at_counter(world):
    record, chip = world.card(main=10_000)
    response = world.authorize(world.plain(Kind.BALANCE, Channel.COUNTER, chip.pan, account=AccountType.MAIN))
    assert response.balance == 10_000


def test_unexpected_error_is_96(caplog):
    from twin.devices.bank import Bank

    from .conftest import START, Programme

    world = Programme(Bank.open(START, seed=7))
    record, chip = world.card(main=10_000)
    world.ledger.store.close()
    response = world.authorize(world.purchase(chip, 100))
    assert decision(response) == (C.SYSTEM_MALFUNCTION, "system_malfunction")
    assert "system malfunction" in caplog.text
    assert chip.pan not in caplog.text


def test_request_repr_hides_card_data(world):
    record, chip = world.card(main=10_000)
    request = world.purchase(chip, 100, to_account_number="6222021234567890123")
    text = repr(request)
    assert chip.pan not in text
    assert "6222021234567890123" not in text
    assert request.pin_block.hex() not in text
    assert "pin_block=<hidden>" in text
    assert "chip=<hidden>" in text


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("channel", list(Channel))
def test_chip_needed_as_needs_chip(kind, channel):
    from twin.authorization.checks import chip_needed, needs_chip

    assert chip_needed(kind, channel) == needs_chip(Request(kind, channel, "6217990000000012340"))

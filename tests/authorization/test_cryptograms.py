"""The core's chip verifier gives the results of the general cryptogram functions, with kept contexts."""

import datetime as dt
import logging

import pytest

from twin.authorization import Channel, Kind, ResponseCode, crypto
from twin.authorization.crypto import Algorithm, CryptogramData
from twin.authorization.cryptograms import ChipVerifier
from twin.devices.bank import Bank

from .conftest import START, UN, Programme

SM4, TDES = Algorithm.SM4, Algorithm.TDES
IMK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
PAN = "6217990000000012340"


def card_key(algorithm, pan=PAN):
    return crypto.derive_card_key(IMK, pan, "01", algorithm)


def data(atc=7, amount=30_000):
    return CryptogramData(
        amount_authorised=amount,
        transaction_date=dt.date(2020, 1, 20),
        transaction_type=0,
        unpredictable_number=UN,
        atc=atc,
        issuer_application_data=crypto.build_issuer_application_data(crypto.CVR_ARQC, SM4),
    )


def arqc(algorithm, key, atc=7, amount=30_000):
    session_key = crypto.derive_session_key(key, atc, algorithm)
    return crypto.generate_arqc(session_key, data(atc, amount), algorithm)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_true_arqc_verifies(algorithm):
    key = card_key(algorithm)
    session = ChipVerifier(algorithm).open_session(key, 7)
    assert session.verify_arqc(data(), arqc(algorithm, key))


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_arqc_of_other_amount_fails(algorithm):
    key = card_key(algorithm)
    session = ChipVerifier(algorithm).open_session(key, 7)
    assert not session.verify_arqc(data(amount=30_001), arqc(algorithm, key))


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_arqc_of_other_atc_fails(algorithm):
    key = card_key(algorithm)
    session = ChipVerifier(algorithm).open_session(key, 8)
    assert not session.verify_arqc(data(atc=8), arqc(algorithm, key, atc=7))


@pytest.mark.parametrize("algorithm", [SM4, TDES])
@pytest.mark.parametrize("arc", [b"00", b"51", b"63"])
def test_arpc_matches_general_function(algorithm, arc):
    key = card_key(algorithm)
    cryptogram = arqc(algorithm, key)
    session = ChipVerifier(algorithm).open_session(key, 7)
    session.verify_arqc(data(), cryptogram)
    expected = crypto.generate_arpc(crypto.derive_session_key(key, 7, algorithm), cryptogram, arc, algorithm)
    assert session.arpc(cryptogram, arc) == expected


def test_second_arpc_of_a_session_is_the_same():
    key = card_key(SM4)
    cryptogram = arqc(SM4, key)
    session = ChipVerifier(SM4).open_session(key, 7)
    session.verify_arqc(data(), cryptogram)
    first = session.arpc(cryptogram, b"00")
    assert session.arpc(cryptogram, b"00") == first


def test_arpc_without_verified_arqc_matches_general_function():
    key = card_key(SM4)
    cryptogram = arqc(SM4, key)
    session = ChipVerifier(SM4).open_session(key, 7)
    expected = crypto.generate_arpc(crypto.derive_session_key(key, 7, SM4), cryptogram, b"00", SM4)
    assert session.arpc(cryptogram, b"00") == expected


def test_arpc_rejects_short_arqc():
    session = ChipVerifier(SM4).open_session(card_key(SM4), 7)
    with pytest.raises(ValueError, match="ARQC must be 8 bytes"):
        session.arpc(bytes(7), b"00")


def test_card_contexts_are_kept_per_card():
    verifier = ChipVerifier(SM4)
    for atc in (1, 2, 3):
        verifier.open_session(card_key(SM4), atc)
    assert len(verifier) == 1


def test_card_contexts_stay_within_bound():
    verifier = ChipVerifier(SM4, max_cards=2)
    pans = ["6217990000000012340", "6217990000000012357", "6217990000000012365"]
    for pan in pans:
        verifier.open_session(card_key(SM4, pan), 1)
    assert len(verifier) <= 2


def test_dropped_card_context_verifies_again():
    verifier = ChipVerifier(SM4, max_cards=1)
    verifier.open_session(card_key(SM4), 1)
    verifier.open_session(card_key(SM4, "6217990000000012357"), 1)
    session = verifier.open_session(card_key(SM4), 7)
    assert session.verify_arqc(data(), arqc(SM4, card_key(SM4)))


def test_bad_atc_is_rejected():
    with pytest.raises(ValueError, match="ATC"):
        ChipVerifier(SM4).open_session(card_key(SM4), 0x10000)


def test_reprs_show_no_key():
    key = card_key(SM4)
    verifier = ChipVerifier(SM4)
    session = verifier.open_session(key, 7)
    text = repr(verifier) + repr(session)
    assert key.hex() not in text.lower()


def test_request_logs_no_key_or_pin(caplog):
    bank = Bank.open(START, seed=7)
    try:
        world = Programme(bank)
        record, chip = world.card(main=10_000)
        with caplog.at_level(logging.DEBUG):
            world.authorize(world.purchase(chip, 100))
            world.authorize(world.purchase(chip, 100, pin="246810"))
        keys = bank.issuer.keys
        secrets = [keys.ac_master_key, keys.pin_verification_key, keys.zone_pin_key, bank.issuer.card_key(record)]
        logged = caplog.text.lower()
        assert not any(secret.hex() in logged for secret in secrets)
    finally:
        bank.close()


def test_request_writes_no_key_or_pin_to_disk(tmp_path):
    bank = Bank.open(START, seed=7, path=tmp_path / "ledger.db")
    try:
        world = Programme(bank)
        record, chip = world.card(main=10_000)
        world.authorize(world.purchase(chip, 100))
        bank.ledger.flush()
        keys = bank.issuer.keys
        secrets = [keys.ac_master_key, keys.pin_verification_key, keys.zone_pin_key, bank.issuer.card_key(record)]
        secrets += [secret.hex().encode() for secret in secrets] + [b"135790"]
        written = b"".join(path.read_bytes() for path in tmp_path.iterdir())
        assert [secret for secret in secrets if secret in written] == []
    finally:
        bank.close()


# The caches keep keys and PAN data only: a card's state is read on every request.


def test_lost_card_is_declined_at_once(world):
    record, chip = world.card(main=10_000)
    assert world.authorize(world.purchase(chip, 100)).approved
    world.issuer.report_loss("m1")
    assert world.authorize(world.purchase(chip, 100)).code is ResponseCode.LOST_CARD


def test_changed_pin_is_checked_at_once(world):
    record, chip = world.card(main=10_000)
    assert world.authorize(world.purchase(chip, 100)).approved
    change = world.plain(Kind.PIN_CHANGE, Channel.SMART_TELLER, chip.pan, pin_block=world.pin(chip.pan),
                         new_pin_block=world.pin(chip.pan, "258147"))
    assert world.authorize(change).approved
    assert world.authorize(world.purchase(chip, 100)).code is ResponseCode.INCORRECT_PIN


def test_new_pin_verifies_at_once(world):
    record, chip = world.card(main=10_000)
    assert world.authorize(world.purchase(chip, 100)).approved
    change = world.plain(Kind.PIN_CHANGE, Channel.SMART_TELLER, chip.pan, pin_block=world.pin(chip.pan),
                         new_pin_block=world.pin(chip.pan, "258147"))
    world.authorize(change)
    assert world.authorize(world.purchase(chip, 100, pin="258147")).approved


@pytest.mark.parametrize("algorithm", [SM4, TDES])
@pytest.mark.parametrize("atc", [1, 7, 0xFFFF])
def test_session_arqc_matches_general_function(algorithm, atc):
    key = card_key(algorithm)
    session = ChipVerifier(algorithm).open_session(key, atc)
    assert session.arqc(data(atc)) == arqc(algorithm, key, atc)


def test_arpc_after_session_arqc_matches_general_function():
    key = card_key(SM4)
    session = ChipVerifier(SM4).open_session(key, 7)
    computed = session.arqc(data())
    session_key = crypto.derive_session_key(key, 7, SM4)
    assert session.arpc(computed, b"00") == crypto.generate_arpc(session_key, computed, b"00", SM4)


def test_session_context_encrypts_as_cipher():
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from twin.authorization.cryptograms import _session_context

    key = bytes(range(16))
    block = bytes(range(16, 64))
    expected = Cipher(algorithms.SM4(key), modes.CBC(bytes(16))).encryptor().update(block)
    assert _session_context(key).update(block) == expected


def test_session_context_rejects_short_key():
    from twin.authorization.cryptograms import _session_context

    with pytest.raises(ValueError):
        _session_context(bytes(8))

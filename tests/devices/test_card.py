"""Emulated chips and PIN pads give the bytes of the general functions, with kept contexts."""

import datetime as dt

import numpy as np
import pytest

from twin.authorization import crypto
from twin.authorization.crypto import Algorithm, CryptogramData
from twin.authorization.pin import encrypt_pin_block
from twin.devices import card as card_module
from twin.devices.card import EmulatedCard, PinPad

SM4, TDES = Algorithm.SM4, Algorithm.TDES
IMK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
ZPK = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
DATE = dt.date(2020, 1, 20)


def pan(number):
    return f"621799{number:012d}0"


def chip(algorithm, number=1, atc=0):
    key = crypto.derive_card_key(IMK, pan(number), "01", algorithm)
    return EmulatedCard(pan(number), "01", "2912", key, algorithm, atc=atc)


def general_arqc(card, data):
    session_key = crypto.derive_session_key(card.card_key, data.atc, card.algorithm)
    return crypto.generate_arqc(session_key, data, card.algorithm)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_arqc_matches_general_function(algorithm):
    card = chip(algorithm)
    for amount in (0, 1, 30_000, 999_999_999_999):
        chip_data = card.generate_arqc(amount, DATE, b"\x01\x02\x03\x04", 0x01)
        assert chip_data.arqc == general_arqc(card, chip_data.data)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_arqc_of_many_cards_matches(algorithm):
    cards = [chip(algorithm, number) for number in range(50)]
    for card in cards * 2:
        chip_data = card.generate_arqc(500, DATE, b"\xaa\xbb\xcc\xdd")
        assert chip_data.arqc == general_arqc(card, chip_data.data)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_arqc_at_last_atc_matches(algorithm):
    card = chip(algorithm, atc=0xFFFE)
    chip_data = card.generate_arqc(100, DATE, bytes(4))
    assert chip_data.arqc == general_arqc(card, chip_data.data)


def test_arqc_data_carries_issuer_application_data():
    chip_data = chip(SM4).generate_arqc(100, DATE, bytes(4))
    assert chip_data.data.issuer_application_data == crypto.build_issuer_application_data(b"\x03\xa0\x00\x00", SM4)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_card_checks_issuer_arpc(algorithm):
    card = chip(algorithm)
    chip_data = card.generate_arqc(100, DATE, bytes(4))
    session_key = crypto.derive_session_key(card.card_key, chip_data.data.atc, algorithm)
    arpc = crypto.generate_arpc(session_key, chip_data.arqc, b"00", algorithm)
    assert card.check_arpc(chip_data, "00", arpc)


def test_card_key_contexts_stay_within_bound():
    verifier = card_module._card_key_contexts(SM4)
    for number in range(20):
        chip(SM4, number).generate_arqc(100, DATE, bytes(4))
    assert len(verifier) <= verifier._max_cards


@pytest.mark.parametrize("algorithm", [SM4, TDES])
@pytest.mark.parametrize("pin", ["1234", "135790", "955330"])
def test_pin_pad_matches_general_function(algorithm, pin):
    pad = PinPad(ZPK, algorithm, np.random.default_rng(11))
    expected_rng = np.random.default_rng(11)
    for number in range(20):
        expected = encrypt_pin_block(pin, pan(number), ZPK, algorithm, rng=expected_rng)
        assert pad.encrypt(pin, pan(number)) == expected


def test_pin_pad_after_odd_draw_matches():
    rng, expected_rng = np.random.default_rng(5), np.random.default_rng(5)
    rng.integers(0, 2**32, size=1, dtype=np.uint32)
    expected_rng.integers(0, 2**32, size=1, dtype=np.uint32)
    pad = PinPad(ZPK, SM4, rng)
    for number in range(3):
        assert pad.encrypt("135790", pan(number)) == encrypt_pin_block("135790", pan(number), ZPK, SM4, rng=expected_rng)


def test_random_fill_leaves_generator_state():
    rng, expected_rng = np.random.default_rng(8), np.random.default_rng(8)
    for _ in range(5):
        assert card_module._random_fill(rng) == expected_rng.bytes(8)
    # ``uinteger`` is a spare half output, unread while ``has_uint32`` is 0.
    state, expected = rng.bit_generator.state, expected_rng.bit_generator.state
    assert state["state"] == expected["state"]
    assert state["has_uint32"] == expected["has_uint32"] == 0


def test_random_fill_of_other_generator_matches():
    rng = np.random.Generator(np.random.Philox(4))
    expected_rng = np.random.Generator(np.random.Philox(4))
    assert card_module._random_fill(rng) == expected_rng.bytes(8)


def test_pin_pad_rejects_bad_pin():
    pad = PinPad(ZPK, SM4, np.random.default_rng(1))
    with pytest.raises(ValueError, match="PIN is invalid"):
        pad.encrypt("12x456", pan(1))


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_reprs_hide_keys(algorithm):
    card = chip(algorithm)
    text = repr(card) + repr(PinPad(ZPK, algorithm, np.random.default_rng(1)))
    text += repr(card_module._card_key_contexts(algorithm))
    for key in (card.card_key, ZPK):
        assert key.hex() not in text.lower()


def test_cryptogram_data_type_unchanged():
    assert isinstance(chip(SM4).generate_arqc(1, DATE, bytes(4)).data, CryptogramData)

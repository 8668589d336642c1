import logging

import numpy as np
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from twin import i18n
from twin.authorization import pin as pins
from twin.authorization.crypto import Algorithm, IssuerKeys, encrypt_blocks
from twin.authorization.pin import PinBlockError, PinFormatError, PinProblem, PinVerifier

SM4, TDES = Algorithm.SM4, Algorithm.TDES
KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
PAN = "6217990000000012340"
OTHER_PAN = "6217990000000012357"


def rng() -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(7).spawn(1)[0])


def issuer(algorithm: Algorithm) -> tuple[PinVerifier, bytes]:
    keys = IssuerKeys.from_seed(11, algorithm)
    return PinVerifier(keys.pin_verification_key, algorithm), keys.zone_pin_key


# PIN format and policy.


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("135790", None),
        (pins.INITIAL_PIN, None),
        ("000000", None),
        ("1234", PinProblem.TOO_SHORT),
        ("12345", PinProblem.TOO_SHORT),
        ("1234567", PinProblem.TOO_LONG),
        ("12345a", PinProblem.NOT_DIGITS),
        ("12 345", PinProblem.NOT_DIGITS),
        ("", PinProblem.NOT_DIGITS),
        ("１２３４５６", PinProblem.NOT_DIGITS),
        (135790, PinProblem.NOT_DIGITS),
        (None, PinProblem.NOT_DIGITS),
    ],
)
def test_pin_format_problem(pin, problem):
    assert pins.pin_format_problem(pin) == problem


@pytest.mark.parametrize("pin", ["111111", "000000", "123456", "654321", "890123", "210987"])
def test_simple_pins(pin):
    assert pins.is_simple_pin(pin)


@pytest.mark.parametrize("pin", ["135790", "955330", "112233", "123457", "121212"])
def test_not_simple_pins(pin):
    assert not pins.is_simple_pin(pin)


def test_policy_rejects_simple_pin():
    assert pins.pin_policy_problem("123456") == PinProblem.SIMPLE


def test_policy_reports_format_before_simplicity():
    assert pins.pin_policy_problem("1111") == PinProblem.TOO_SHORT


def test_policy_accepts_initial_pin():
    assert pins.pin_policy_problem(pins.INITIAL_PIN) is None


@pytest.mark.parametrize("problem", list(PinProblem))
def test_every_problem_has_messages(problem):
    for lang in i18n.LANGUAGES:
        assert i18n.t(f"pin.problem.{problem.value}", lang, length=pins.PIN_LENGTH)


def test_format_error_message_hides_pin():
    with pytest.raises(PinFormatError) as caught:
        PinVerifier(KEY, SM4).make_verification_value(PAN, "98765")
    assert caught.value.problem == PinProblem.TOO_SHORT
    assert "98765" not in str(caught.value)
    assert (
        str(caught.value)
        == "PIN is invalid: it has fewer than 6 digits; a card PIN is exactly 6 digits"
    )


# PIN block layouts. Format 0 vectors are from the psec library tests
# (knovichikhin/psec); the format 4 vectors, computed with AES as ISO 9564-1
# defines the format, are from the paysec crate's tests.


def test_iso0_known_block():
    assert pins.iso0_pin_block("1234", "5555555551234567").hex().upper() == "041261AAAAEDCBA9"


def test_iso0_known_block_long_pin():
    assert (
        pins.iso0_pin_block("123456789012", "5555555551234567").hex().upper() == "0C1261032D8226A9"
    )


def test_iso0_uses_digits_before_check_digit():
    # PIN field 06 135790 FF.. xor 0000 + 000000001234.
    assert pins.iso0_pin_block("135790", PAN).hex().upper() == "06135790FFFFEDCB"


def test_iso4_pin_field_layout():
    field = pins.iso4_pin_field("135790", bytes(range(8)))
    assert field.hex().upper() == "46135790AAAAAAAA0001020304050607"


def test_iso4_pan_field_19_digits():
    assert (
        pins.iso4_pan_field("1234567890123456789").hex().upper()
        == "71234567890123456789000000000000"
    )


def test_iso4_pan_field_short_pan_padded():
    assert pins.iso4_pan_field("12345678901").hex().upper() == "00123456789010000000000000000000"


def test_iso4_with_aes_matches_published_block():
    key = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
    pin_field = pins.iso4_pin_field("1234", b"\xff" * 8)
    pan_field = pins.iso4_pan_field("1234567890123456789")
    first = Cipher(algorithms.AES(key), modes.ECB()).encryptor().update(pin_field)
    mixed = bytes(a ^ b for a, b in zip(first, pan_field, strict=True))
    block = Cipher(algorithms.AES(key), modes.ECB()).encryptor().update(mixed)
    assert block.hex().upper() == "28B41FDDD29B743E93124BD8E32D921E"


def test_iso4_with_aes_published_block_decodes():
    key = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
    block = bytes.fromhex("52DB178C6EDCE52E3A70F7FBC8E9C758")
    first = Cipher(algorithms.AES(key), modes.ECB()).decryptor().update(block)
    mixed = bytes(
        a ^ b for a, b in zip(first, pins.iso4_pan_field("1234567890123456"), strict=True)
    )
    pin_field = Cipher(algorithms.AES(key), modes.ECB()).decryptor().update(mixed)
    assert pin_field[:8].hex().upper() == "441234AAAAAAAAAA"


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4"])
def test_pin_block_rejects_pin_outside_iso_range(pin):
    with pytest.raises(ValueError, match="4 to 12 digits"):
        pins.iso0_pin_block(pin, PAN)


def test_pin_block_rejects_short_pan():
    with pytest.raises(ValueError, match="at least 13"):
        pins.iso0_pin_block("135790", "123456789012")


# Encrypted PIN blocks.


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_pin_block_roundtrip(algorithm):
    block = pins.encrypt_pin_block("135790", PAN, KEY, algorithm, rng=rng())
    assert len(block) == algorithm.block_size
    assert pins.decrypt_pin_block(block, PAN, KEY, algorithm) == "135790"


def test_tdes_block_is_encrypted_format_0():
    expected = encrypt_blocks(KEY, pins.iso0_pin_block("135790", PAN), TDES)
    assert pins.encrypt_pin_block("135790", PAN, KEY, TDES) == expected


def test_sm4_block_is_randomised():
    stream = rng()
    first = pins.encrypt_pin_block("135790", PAN, KEY, SM4, rng=stream)
    second = pins.encrypt_pin_block("135790", PAN, KEY, SM4, rng=stream)
    assert first != second


def test_sm4_block_is_reproducible_from_seed():
    assert pins.encrypt_pin_block("135790", PAN, KEY, SM4, rng=rng()) == pins.encrypt_pin_block(
        "135790", PAN, KEY, SM4, rng=rng()
    )


def test_sm4_block_needs_rng():
    with pytest.raises(ValueError, match="needs rng"):
        pins.encrypt_pin_block("135790", PAN, KEY, SM4)


def test_decrypt_rejects_wrong_size():
    with pytest.raises(PinBlockError, match="sm4 PIN block must be 16 bytes, got 8"):
        pins.decrypt_pin_block(bytes(8), PAN, KEY, SM4)


def test_decrypt_rejects_wrong_control_field():
    clear = bytes.fromhex("16135790FFFFEDCB")  # control nibble 1, not 0
    block = encrypt_blocks(KEY, clear, TDES)
    with pytest.raises(PinBlockError, match="control field is 1, expected 0"):
        pins.decrypt_pin_block(block, PAN, KEY, TDES)


def test_decrypt_rejects_bad_fill():
    clear = bytes.fromhex("06135790FFFFEDCA")  # last fill nibble E, not F
    block = encrypt_blocks(KEY, clear, TDES)
    with pytest.raises(PinBlockError, match="malformed"):
        pins.decrypt_pin_block(block, PAN, KEY, TDES)


# IBM 3624 offsets. Vectors from the psec library tests (knovichikhin/psec).


def test_natural_pin_known_value():
    natural = pins.natural_pin(KEY, bytes.fromhex("1122334455667788"), TDES, 4, "1234567890123456")
    assert natural == "4524"


def test_natural_pin_known_value_padded_validation_data():
    natural = pins.natural_pin(KEY, bytes.fromhex("11223344556677FF"), TDES, 4, "1234567890123456")
    assert natural == "5518"


def test_offset_known_value():
    assert pins.pin_offset("1234", "4524") == "7710"


def test_offset_of_natural_pin_is_zero():
    assert pins.pin_offset("4524", "4524") == "0000"


def test_natural_pin_rejects_bad_table():
    with pytest.raises(ValueError, match="16 decimal digits"):
        pins.natural_pin(KEY, bytes(8), TDES, 4, "0123456789ABCDEF")


def test_offset_rejects_length_mismatch():
    with pytest.raises(ValueError, match="differ in length"):
        pins.pin_offset("1234", "12345")


# The issuer's PinVerifier.


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_right_pin_verifies(algorithm):
    verifier, zone_key = issuer(algorithm)
    offset = verifier.make_verification_value(PAN, "135790")
    block = pins.encrypt_pin_block("135790", PAN, zone_key, algorithm, rng=rng())
    assert verifier.verify(PAN, offset, block, zone_key)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_wrong_pin_fails(algorithm):
    verifier, zone_key = issuer(algorithm)
    offset = verifier.make_verification_value(PAN, "135790")
    block = pins.encrypt_pin_block("135791", PAN, zone_key, algorithm, rng=rng())
    assert not verifier.verify(PAN, offset, block, zone_key)


def test_initial_pin_verifies():
    verifier, zone_key = issuer(SM4)
    offset = verifier.make_verification_value(PAN, pins.INITIAL_PIN)
    block = pins.encrypt_pin_block(pins.INITIAL_PIN, PAN, zone_key, SM4, rng=rng())
    assert verifier.verify(PAN, offset, block, zone_key)


def test_offset_is_six_digits():
    verifier, _ = issuer(SM4)
    offset = verifier.make_verification_value(PAN, "135790")
    assert len(offset) == 6
    assert offset.isdigit()


def test_same_pin_gives_different_offsets_per_pan():
    verifier, _ = issuer(SM4)
    assert verifier.make_verification_value(PAN, "135790") != verifier.make_verification_value(
        OTHER_PAN, "135790"
    )


def test_offset_depends_on_key():
    first = PinVerifier(IssuerKeys.from_seed(1).pin_verification_key, SM4)
    second = PinVerifier(IssuerKeys.from_seed(2).pin_verification_key, SM4)
    assert first.make_verification_value(PAN, "135790") != second.make_verification_value(
        PAN, "135790"
    )


def test_offset_is_not_the_pin():
    verifier, _ = issuer(SM4)
    assert verifier.make_verification_value(PAN, "135790") != "135790"


def test_offsets_spread_over_all_digits():
    # Over many cards with one PIN, each offset digit takes every value 0-9.
    verifier, _ = issuer(SM4)
    offsets = [verifier.make_verification_value(f"621799{n:012d}0", "955330") for n in range(200)]
    for position in range(6):
        assert {offset[position] for offset in offsets} == set("0123456789"), position


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_tampered_block_fails(algorithm):
    verifier, zone_key = issuer(algorithm)
    offset = verifier.make_verification_value(PAN, "135790")
    block = pins.encrypt_pin_block("135790", PAN, zone_key, algorithm, rng=rng())
    for index in range(len(block)):
        changed = bytearray(block)
        changed[index] ^= 0x01
        assert not verifier.verify(PAN, offset, bytes(changed), zone_key), index


def test_block_for_other_pan_fails():
    verifier, zone_key = issuer(TDES)
    offset = verifier.make_verification_value(PAN, "135790")
    block = pins.encrypt_pin_block("135790", OTHER_PAN, zone_key, TDES)
    assert not verifier.verify(PAN, offset, block, zone_key)


def test_block_under_other_zone_key_fails():
    verifier, zone_key = issuer(SM4)
    offset = verifier.make_verification_value(PAN, "135790")
    block = pins.encrypt_pin_block("135790", PAN, KEY, SM4, rng=rng())
    assert not verifier.verify(PAN, offset, block, zone_key)


# verify() keeps its cipher contexts and each PAN's account data between calls.


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_verifier_follows_a_new_zone_key(algorithm):
    verifier, zone_key = issuer(algorithm)
    offset = verifier.make_verification_value(PAN, "135790")
    verifier.verify(PAN, offset, pins.encrypt_pin_block("135790", PAN, zone_key, algorithm, rng=rng()), zone_key)
    block = pins.encrypt_pin_block("135790", PAN, KEY, algorithm, rng=rng())
    assert verifier.verify(PAN, offset, block, KEY)


def test_verifier_drops_the_old_zone_key():
    verifier, zone_key = issuer(SM4)
    offset = verifier.make_verification_value(PAN, "135790")
    verifier.verify(PAN, offset, pins.encrypt_pin_block("135790", PAN, KEY, SM4, rng=rng()), KEY)
    block = pins.encrypt_pin_block("135790", PAN, KEY, SM4, rng=rng())
    assert not verifier.verify(PAN, offset, block, zone_key)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_verifier_keeps_pans_apart(algorithm):
    verifier, zone_key = issuer(algorithm)
    offsets = {pan: verifier.make_verification_value(pan, "135790") for pan in (PAN, OTHER_PAN)}
    results = [
        verifier.verify(pan, offsets[pan], pins.encrypt_pin_block("135790", pan, zone_key, algorithm, rng=rng()), zone_key)
        for pan in (PAN, OTHER_PAN, PAN)
    ]
    assert results == [True, True, True]


def test_verifier_account_data_stays_within_bound(monkeypatch):
    monkeypatch.setattr(pins, "_MAX_ACCOUNTS", 2)
    verifier, zone_key = issuer(SM4)
    pans = [PAN, OTHER_PAN, "6217990000000012365"]
    for pan in pans:
        offset = verifier.make_verification_value(pan, "135790")
        verifier.verify(pan, offset, pins.encrypt_pin_block("135790", pan, zone_key, SM4, rng=rng()), zone_key)
    assert len(verifier._accounts) <= 2


def test_verifier_sees_a_new_offset_at_once():
    verifier, zone_key = issuer(SM4)
    old = verifier.make_verification_value(PAN, "135790")
    new = verifier.make_verification_value(PAN, "258147")
    assert verifier.verify(PAN, old, pins.encrypt_pin_block("135790", PAN, zone_key, SM4, rng=rng()), zone_key)
    assert not verifier.verify(PAN, new, pins.encrypt_pin_block("135790", PAN, zone_key, SM4, rng=rng()), zone_key)


def test_verifier_rejects_short_zone_key():
    verifier, zone_key = issuer(SM4)
    offset = verifier.make_verification_value(PAN, "135790")
    with pytest.raises(ValueError, match="16 bytes"):
        verifier.verify(PAN, offset, bytes(16), zone_key[:8])


def test_digit_sum_matches_digit_by_digit():
    draws = np.random.default_rng(5).integers(0, 10, (2_000, 2, pins.PIN_LENGTH))
    pairs = [("".join(map(str, a)), "".join(map(str, b))) for a, b in draws] + [("999999", "999999"), ("000000", "000000")]
    wrong = []
    for natural, offset in pairs:
        expected = "".join(str((int(n) + int(o)) % 10) for n, o in zip(natural, offset, strict=True))
        if pins._add_digits(natural.encode(), offset.encode()).decode() != expected:
            wrong.append((natural, offset))
    assert wrong == []


def test_block_of_wrong_size_fails():
    verifier, zone_key = issuer(SM4)
    offset = verifier.make_verification_value(PAN, "135790")
    assert not verifier.verify(PAN, offset, bytes(8), zone_key)


def test_four_digit_pin_in_valid_block_fails():
    verifier, zone_key = issuer(TDES)
    offset = verifier.make_verification_value(PAN, "135790")
    block = pins.encrypt_pin_block("1357", PAN, zone_key, TDES)
    assert not verifier.verify(PAN, offset, block, zone_key)


def test_verify_rejects_corrupt_stored_offset():
    verifier, zone_key = issuer(TDES)
    block = pins.encrypt_pin_block("135790", PAN, zone_key, TDES)
    with pytest.raises(ValueError, match="stored PIN offset is invalid"):
        verifier.verify(PAN, "12345", block, zone_key)


def test_verification_value_from_block():
    verifier, zone_key = issuer(SM4)
    block = pins.encrypt_pin_block("135790", PAN, zone_key, SM4, rng=rng())
    assert verifier.make_verification_value_from_block(
        PAN, block, zone_key
    ) == verifier.make_verification_value(PAN, "135790")


def test_verification_value_from_block_rejects_short_pin():
    verifier, zone_key = issuer(SM4)
    block = pins.encrypt_pin_block("1357", PAN, zone_key, SM4, rng=rng())
    with pytest.raises(PinFormatError) as caught:
        verifier.make_verification_value_from_block(PAN, block, zone_key)
    assert caught.value.problem == PinProblem.TOO_SHORT


@pytest.mark.parametrize("pin", ["1234", "12345", "12345a", "1234567"])
def test_make_verification_value_rejects_bad_pin(pin):
    verifier, _ = issuer(SM4)
    with pytest.raises(PinFormatError):
        verifier.make_verification_value(PAN, pin)


def test_verifier_repr_hides_key():
    keys = IssuerKeys.from_seed(11)
    verifier = PinVerifier(keys.pin_verification_key, SM4)
    assert keys.pin_verification_key.hex() not in repr(verifier).lower()
    assert repr(verifier).startswith("PinVerifier(algorithm=sm4, pin_verification_key=KCV:")


def test_verifier_rejects_short_key():
    with pytest.raises(ValueError, match="16 bytes"):
        PinVerifier(KEY[:8], TDES)


def test_verifier_logs_no_pin(caplog):
    verifier, zone_key = issuer(TDES)
    offset = verifier.make_verification_value(PAN, "135790")
    block = bytearray(pins.encrypt_pin_block("135790", PAN, zone_key, TDES))
    block[0] ^= 0xFF
    with caplog.at_level(logging.DEBUG, logger="twin.authorization.pin"):
        verifier.verify(PAN, offset, bytes(block), zone_key)
    assert "135790" not in caplog.text
    assert offset not in caplog.text


@pytest.mark.parametrize("pin", ["1234", "135790", "123456789012"])
def test_kept_encryptor_matches_function_tdes(pin):
    key = bytes(range(16))
    encryptor = pins.PinBlockEncryptor(key, Algorithm.TDES)
    expected = pins.encrypt_pin_block(pin, "6217990000000012340", key, Algorithm.TDES)
    assert encryptor.encrypt(pin, "6217990000000012340") == expected


@pytest.mark.parametrize("pin", ["1234", "135790", "123456789012"])
def test_kept_encryptor_matches_function_sm4(pin):
    key = bytes(range(16))
    encryptor = pins.PinBlockEncryptor(key, Algorithm.SM4)
    fill = np.random.default_rng(3).bytes(8)
    rng = np.random.default_rng(3)
    expected = pins.encrypt_pin_block(pin, "6217990000000012340", key, Algorithm.SM4, rng=rng)
    assert encryptor.encrypt(pin, "6217990000000012340", fill) == expected


def test_kept_encryptor_rejects_bad_pin():
    encryptor = pins.PinBlockEncryptor(bytes(range(16)), Algorithm.SM4)
    with pytest.raises(ValueError, match="PIN is invalid"):
        encryptor.encrypt("12a4", "6217990000000012340", bytes(8))


def test_kept_encryptor_repr_hides_key():
    key = bytes(range(16))
    assert key.hex() not in repr(pins.PinBlockEncryptor(key, Algorithm.SM4)).lower()


def test_simple_six_digit_pins_match_the_rule():
    # Every 37th PIN, and each repeated digit and run with its neighbours.
    values = set(range(0, 1_000_000, 37))
    for first in range(10):
        for step in (0, 1, 9):
            run = int("".join(str((first + step * place) % 10) for place in range(6)))
            values.update(value for value in (run - 1, run, run + 1) if 0 <= value < 1_000_000)
    sample = [f"{value:06d}" for value in sorted(values)]
    assert [pin for pin in sample if pins.is_simple_pin(pin) != pins._is_simple(pin)] == []


@pytest.mark.parametrize("pin", ["1111", "98765", "12345678"])
def test_simple_pins_of_other_lengths(pin):
    assert pins.is_simple_pin(pin)

import dataclasses
import datetime as dt

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from twin.authorization import crypto
from twin.authorization.crypto import Algorithm, CryptogramData, IssuerKeys

SM4, TDES = Algorithm.SM4, Algorithm.TDES
KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
PAN = "6217990000000012340"


def sample_data(**changes) -> CryptogramData:
    values = dict(
        amount_authorised=30_000,
        transaction_date=dt.date(2020, 1, 20),
        transaction_type=0,
        unpredictable_number=bytes.fromhex("3804823E"),
        atc=7,
        issuer_application_data=crypto.build_issuer_application_data(crypto.CVR_ARQC, SM4),
    )
    values.update(changes)
    return CryptogramData(**values)


# Known-answer tests. The SM4 vectors are the examples of GB/T 32907-2016 as
# repeated in the IETF draft draft-ribose-cfrg-sm4. The EMV vectors are the
# examples published with the pyemv library (knovichikhin/pyemv, kd.py and
# ac.py). 08D7B4 is the widely published check value of the test key.


def test_sm4_standard_vector():
    expected = bytes.fromhex("681EDF34D206965E86B3E94F536E4246")
    assert crypto.encrypt_blocks(KEY, KEY, SM4) == expected


def test_sm4_standard_vector_decrypts():
    ciphertext = bytes.fromhex("681EDF34D206965E86B3E94F536E4246")
    assert crypto.decrypt_blocks(KEY, ciphertext, SM4) == KEY


def test_sm4_standard_million_iterations():
    # CBC with a zero IV over the block followed by zero blocks chains
    # C[i] = E(C[i-1]), so the last block is the million-fold encryption.
    encryptor = Cipher(algorithms.SM4(KEY), modes.CBC(bytes(16))).encryptor()
    last = encryptor.update(KEY + bytes(16 * 999_999))[-16:]
    assert last == bytes.fromhex("595298C7C6FD271F0402F804C33D3F66")


def test_tdes_key_check_value():
    assert crypto.key_check_value(KEY, TDES) == "08D7B4"


def test_tdes_roundtrip():
    data = bytes(range(16))
    assert crypto.decrypt_blocks(KEY, crypto.encrypt_blocks(KEY, data, TDES), TDES) == data


def test_card_key_emv_option_a_vector():
    card_key = crypto.derive_card_key(KEY, "12345678901234567", "01", TDES)
    assert card_key.hex().upper() == "73AD54688CEF2934B0979857E3C719F1"


def test_session_key_emv_common_vector():
    session_key = crypto.derive_session_key(KEY, 0x001C, TDES)
    assert session_key.hex().upper() == "E9FB384AF807B940FEDCEA613461B0C4"


def test_retail_mac_emv_vector():
    session_key = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB")
    data = bytes.fromhex("000000002000000000000000012400000080000124110309003804823E58000001")
    assert crypto.compute_mac(session_key, data, TDES).hex().upper() == "3B76CF10FECD8789"


def test_arpc_method_1_vector():
    session_key = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB")
    arpc = crypto.generate_arpc(session_key, bytes.fromhex("1234567890ABCDEF"), bytes(2), TDES)
    assert arpc.hex().upper() == "F5E6F44147E2F1B0"


# Properties of the twin's own SM4 adaptations.


def test_sm4_mac_is_cbc_mac_with_padding_method_2():
    data = b"union card"
    encryptor = Cipher(algorithms.SM4(KEY), modes.CBC(bytes(16))).encryptor()
    expected = encryptor.update(data + b"\x80" + bytes(5))[-16:][:8]
    assert crypto.compute_mac(KEY, data, SM4) == expected


def test_mac_pads_a_whole_block_after_full_block():
    # Padding method 2 always adds the 0x80 byte, so 16 bytes become 32.
    encryptor = Cipher(algorithms.SM4(KEY), modes.CBC(bytes(16))).encryptor()
    expected = encryptor.update(bytes(16) + b"\x80" + bytes(15))[-16:][:8]
    assert crypto.compute_mac(KEY, bytes(16), SM4) == expected


def test_mac_length_option():
    assert len(crypto.compute_mac(KEY, b"x", SM4, length=16)) == 16


def test_mac_rejects_bad_length():
    with pytest.raises(ValueError, match="from 4 to 8 bytes"):
        crypto.compute_mac(KEY, b"x", TDES, length=16)


def test_sm4_card_key_encrypts_y_and_its_complement():
    y = bytes.fromhex("9000000001234000")  # last 16 digits of PAN || PSN "00"
    expected = crypto.encrypt_blocks(KEY, y + bytes(b ^ 0xFF for b in y), SM4)
    assert crypto.derive_card_key(KEY, PAN, "00", SM4) == expected


def test_sm4_session_key_is_one_block():
    expected = crypto.encrypt_blocks(KEY, bytes.fromhex("0007F0") + bytes(13), SM4)
    assert crypto.derive_session_key(KEY, 7, SM4) == expected


def test_tdes_keys_have_odd_parity():
    card_key = crypto.derive_card_key(KEY, PAN, "00", TDES)
    assert all(bin(b).count("1") % 2 == 1 for b in card_key)
    session_key = crypto.derive_session_key(card_key, 1, TDES)
    assert all(bin(b).count("1") % 2 == 1 for b in session_key)


def test_card_keys_differ_by_psn():
    assert crypto.derive_card_key(KEY, PAN, "00", SM4) != crypto.derive_card_key(
        KEY, PAN, "01", SM4
    )


def test_card_keys_differ_by_algorithm():
    assert (
        crypto.derive_card_key(KEY, PAN, "00", SM4)[:8]
        != crypto.derive_card_key(KEY, PAN, "00", TDES)[:8]
    )


@pytest.mark.parametrize("pan", ["12345678901", "12345678901234567890", "62179900000000123a0", ""])
def test_card_key_rejects_bad_pan(pan):
    with pytest.raises(ValueError, match="12 to 19 digits"):
        crypto.derive_card_key(KEY, pan, "00", SM4)


@pytest.mark.parametrize("psn", ["0", "001", "a1"])
def test_card_key_rejects_bad_psn(psn):
    with pytest.raises(ValueError, match="two digits"):
        crypto.derive_card_key(KEY, PAN, psn, SM4)


def test_card_key_rejects_short_master_key():
    with pytest.raises(ValueError, match="issuer master key must be 16 bytes, got 8 bytes"):
        crypto.derive_card_key(KEY[:8], PAN, "00", SM4)


@pytest.mark.parametrize("atc", [-1, 0x10000, True, "1"])
def test_session_key_rejects_bad_atc(atc):
    with pytest.raises(ValueError, match="ATC"):
        crypto.derive_session_key(KEY, atc, SM4)


def test_blocks_reject_partial_block():
    with pytest.raises(ValueError, match="not a whole number of 8-byte 3des blocks"):
        crypto.encrypt_blocks(KEY, bytes(12), TDES)


# Cryptogram data and the ARQC / ARPC exchange.


def test_cryptogram_data_serialises_in_cdol1_order():
    expected = bytes.fromhex(
        "000000030000"  # 9F02 amount authorised, 300.00 yuan in fen
        "000000000000"  # 9F03 amount other
        "0156"  # 9F1A terminal country code
        "0000000000"  # 95 TVR
        "0156"  # 5F2A transaction currency code
        "200120"  # 9A transaction date
        "00"  # 9C transaction type
        "3804823E"  # 9F37 unpredictable number
        "7C00"  # 82 AIP
        "0007"  # 9F36 ATC
        "03A00000"  # CVR from 9F10
    )
    assert sample_data().to_bytes() == expected


def test_cryptogram_data_transaction_type_is_bcd():
    assert sample_data(transaction_type=20).to_bytes()[24] == 0x20


def test_issuer_application_data_layout():
    iad = crypto.build_issuer_application_data(crypto.CVR_ARQC, SM4, key_index=2)
    assert iad.hex().upper() == "07020103A0000004"


def test_issuer_application_data_tdes_identifier():
    iad = crypto.build_issuer_application_data(crypto.CVR_ARQC, TDES)
    assert iad[-1] == 0x01


def test_issuer_application_data_rejects_bad_cvr():
    with pytest.raises(ValueError, match="CVR must be 4 bytes starting with its length byte 03"):
        crypto.build_issuer_application_data(bytes.fromhex("A0000000"), SM4)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount_authorised": -1}, "amount_authorised"),
        ({"amount_authorised": 10**12}, "amount_authorised"),
        ({"transaction_type": 100}, "transaction_type"),
        ({"atc": 70000}, "ATC"),
        ({"unpredictable_number": b"abc"}, "unpredictable_number must be 4 bytes, got 3 bytes"),
        ({"tvr": bytes(4)}, "tvr must be 5 bytes"),
        ({"aip": "7C00"}, "aip must be 2 bytes, got str"),
        ({"issuer_application_data": bytes(3)}, "at least 7 bytes"),
        ({"transaction_date": dt.date(1999, 12, 31)}, "2000 to 2099"),
        ({"transaction_date": "2020-01-20"}, "2000 to 2099"),
        ({"terminal_country_code": 1000}, "terminal_country_code"),
    ],
)
def test_cryptogram_data_rejects(changes, message):
    with pytest.raises(ValueError, match=message):
        sample_data(**changes)


def test_cryptogram_data_tags_roundtrip():
    data = sample_data(amount_other=500, tvr=bytes.fromhex("0000008000"))
    assert CryptogramData.from_tags(data.to_tags()) == data


def test_cryptogram_data_missing_tag():
    tags = sample_data().to_tags()
    del tags["9F36"]
    with pytest.raises(ValueError, match="lacks tag\\(s\\) 9F36"):
        CryptogramData.from_tags(tags)


def test_cryptogram_data_amount_other_optional():
    tags = sample_data().to_tags()
    del tags["9F03"]
    assert CryptogramData.from_tags(tags).amount_other == 0


def test_cryptogram_data_rejects_wrong_tag_size():
    tags = sample_data().to_tags()
    tags["9F02"] = bytes.fromhex("030000")
    with pytest.raises(ValueError, match="tag 9F02 must be 6 bytes, got 3"):
        CryptogramData.from_tags(tags)


def test_cryptogram_data_rejects_non_bcd_amount():
    tags = sample_data().to_tags()
    tags["9F02"] = bytes.fromhex("00000003000A")
    with pytest.raises(ValueError, match="tag 9F02 is not packed decimal"):
        CryptogramData.from_tags(tags)


def test_cryptogram_data_rejects_impossible_date():
    tags = sample_data().to_tags()
    tags["9A"] = bytes.fromhex("200231")
    with pytest.raises(ValueError, match="ICC data is invalid"):
        CryptogramData.from_tags(tags)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_arqc_roundtrip(algorithm):
    session_key = crypto.derive_session_key(
        crypto.derive_card_key(KEY, PAN, "00", algorithm), 7, algorithm
    )
    arqc = crypto.generate_arqc(session_key, sample_data(), algorithm)
    assert len(arqc) == 8
    assert crypto.verify_arqc(session_key, sample_data(), arqc, algorithm)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_arqc_fails_for_any_changed_byte(algorithm):
    session_key = crypto.derive_session_key(KEY, 7, algorithm)
    data = sample_data()
    arqc = crypto.generate_arqc(session_key, data, algorithm)
    serialised = data.to_bytes()
    for index in range(len(serialised)):
        changed = bytearray(serialised)
        changed[index] ^= 0x01
        # Verify against the changed serialisation, as an issuer would see it.
        assert crypto.compute_mac(session_key, bytes(changed), algorithm) != arqc, index


@pytest.mark.parametrize(
    "changes",
    [
        {"amount_authorised": 30_001},
        {"amount_other": 1},
        {"terminal_country_code": 344},
        {"tvr": bytes.fromhex("0000008000")},
        {"transaction_currency_code": 840},
        {"transaction_date": dt.date(2020, 1, 21)},
        {"transaction_type": 1},
        {"unpredictable_number": bytes.fromhex("3804823F")},
        {"aip": bytes.fromhex("5C00")},
        {
            "issuer_application_data": crypto.build_issuer_application_data(
                bytes.fromhex("03200000"), SM4
            )
        },
    ],
)
def test_arqc_fails_for_changed_field(changes):
    session_key = crypto.derive_session_key(KEY, 7, SM4)
    arqc = crypto.generate_arqc(session_key, sample_data(), SM4)
    assert not crypto.verify_arqc(session_key, sample_data(**changes), arqc, SM4)


def test_arqc_fails_for_wrong_atc():
    card_key = crypto.derive_card_key(KEY, PAN, "00", SM4)
    arqc = crypto.generate_arqc(crypto.derive_session_key(card_key, 7, SM4), sample_data(), SM4)
    wrong_session = crypto.derive_session_key(card_key, 8, SM4)
    assert not crypto.verify_arqc(wrong_session, sample_data(atc=8), arqc, SM4)


def test_arqc_fails_for_other_card():
    other_card = crypto.derive_card_key(KEY, "6217990000000012357", "00", SM4)
    card_key = crypto.derive_card_key(KEY, PAN, "00", SM4)
    arqc = crypto.generate_arqc(crypto.derive_session_key(card_key, 7, SM4), sample_data(), SM4)
    assert not crypto.verify_arqc(
        crypto.derive_session_key(other_card, 7, SM4), sample_data(), arqc, SM4
    )


def test_arqc_fails_for_truncated_cryptogram():
    session_key = crypto.derive_session_key(KEY, 7, SM4)
    arqc = crypto.generate_arqc(session_key, sample_data(), SM4)
    assert not crypto.verify_arqc(session_key, sample_data(), arqc[:7], SM4)


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_arpc_roundtrip(algorithm):
    session_key = crypto.derive_session_key(KEY, 7, algorithm)
    arqc = crypto.generate_arqc(session_key, sample_data(), algorithm)
    arpc = crypto.generate_arpc(session_key, arqc, b"00", algorithm)
    assert crypto.verify_arpc(session_key, arqc, b"00", arpc, algorithm)


def test_arpc_binds_response_code():
    session_key = crypto.derive_session_key(KEY, 7, SM4)
    arqc = crypto.generate_arqc(session_key, sample_data(), SM4)
    arpc = crypto.generate_arpc(session_key, arqc, b"51", SM4)
    assert not crypto.verify_arpc(session_key, arqc, b"00", arpc, SM4)


def test_arpc_rejects_short_arc():
    with pytest.raises(ValueError, match="response code must be 2 bytes, got 1"):
        crypto.generate_arpc(KEY, bytes(8), b"0", SM4)


def test_arpc_rejects_short_arqc():
    with pytest.raises(ValueError, match="ARQC must be 8 bytes, got 4"):
        crypto.generate_arpc(KEY, bytes(4), b"00", SM4)


# Issuer keys.


def test_issuer_keys_deterministic():
    assert IssuerKeys.from_seed(7) == IssuerKeys.from_seed(7)


def test_issuer_keys_differ_by_seed():
    assert IssuerKeys.from_seed(7).ac_master_key != IssuerKeys.from_seed(8).ac_master_key


def test_issuer_keys_differ_by_key_index():
    assert (
        IssuerKeys.from_seed(7, key_index=1).ac_master_key
        != IssuerKeys.from_seed(7, key_index=2).ac_master_key
    )


def test_issuer_keys_are_distinct():
    keys = IssuerKeys.from_seed(7)
    values = {keys.ac_master_key, keys.pin_verification_key, keys.zone_pin_key, keys.mac_key}
    assert len(values) == 4


def test_issuer_keys_bytes_seed():
    assert IssuerKeys.from_seed(b"\x00" * 7 + b"\x07") == IssuerKeys.from_seed(7)


def test_issuer_keys_tdes_parity():
    keys = IssuerKeys.from_seed(7, TDES)
    assert all(bin(b).count("1") % 2 == 1 for b in keys.ac_master_key)


def test_issuer_keys_repr_hides_keys():
    keys = IssuerKeys.from_seed(7)
    text = repr(keys) + str(keys)
    for name in ("ac_master_key", "pin_verification_key", "zone_pin_key", "mac_key"):
        key = getattr(keys, name)
        assert key.hex() not in text.lower()
        assert repr(key) not in text


def test_issuer_keys_repr_shows_check_values():
    keys = IssuerKeys.from_seed(7)
    assert f"ac_master_key=KCV:{crypto.key_check_value(keys.ac_master_key, SM4)}" in repr(keys)


def test_issuer_keys_replace_keeps_repr_hidden():
    keys = dataclasses.replace(IssuerKeys.from_seed(7), key_index=3)
    assert keys.mac_key.hex() not in repr(keys).lower()


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_issuer_keys_reject_bad_seed(seed):
    with pytest.raises((TypeError, ValueError), match="seed"):
        IssuerKeys.from_seed(seed)


def test_issuer_keys_reject_short_key():
    with pytest.raises(ValueError, match="mac_key must be 16 bytes, got 15 bytes"):
        IssuerKeys(ac_master_key=KEY, pin_verification_key=KEY, zone_pin_key=KEY, mac_key=KEY[:15])


def test_key_error_messages_hide_key_bytes():
    with pytest.raises(ValueError) as caught:
        crypto.derive_session_key(KEY[:15], 1, SM4)
    assert KEY[:15].hex() not in str(caught.value).lower()


def usual_fields() -> dict:
    """Return the fields of a plain cryptogram data record, for tests to change one of."""
    return {
        "amount_authorised": 100,
        "transaction_date": dt.date(2020, 1, 20),
        "transaction_type": 0,
        "unpredictable_number": bytes(4),
        "atc": 1,
        "issuer_application_data": bytes.fromhex("07010A03A00000"),
    }


@pytest.mark.parametrize(
    "field, value",
    [
        ("amount_authorised", True),
        ("amount_authorised", -1),
        ("amount_other", 10**12),
        ("terminal_country_code", 1000),
        ("transaction_type", 100),
        ("atc", 0x10000),
        ("unpredictable_number", bytearray(4)),
        ("tvr", bytes(4)),
        ("aip", bytes(3)),
        ("transaction_date", dt.date(1999, 12, 31)),
        ("issuer_application_data", bytes.fromhex("07010A04A00000")),
    ],
)
def test_cryptogram_data_rejects_field(field, value):
    fields = usual_fields()
    fields[field] = value
    with pytest.raises(ValueError):
        CryptogramData(**fields)


def test_cryptogram_data_takes_bytes_subclass():
    class Tagged(bytes):
        pass

    data = CryptogramData(**{**usual_fields(), "unpredictable_number": Tagged(4)})
    assert data.unpredictable_number == bytes(4)


def test_cryptogram_data_kept_bytes_follow_replace():
    data = CryptogramData(**usual_fields())
    first = data.to_bytes()
    assert dataclasses.replace(data, atc=2).to_bytes() != first


def test_cryptogram_data_kept_bytes_not_compared():
    fields = usual_fields()
    serialised = CryptogramData(**fields)
    serialised.to_bytes()
    assert serialised == CryptogramData(**fields)

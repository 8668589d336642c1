import datetime as dt
import re

import iso8583 as pyiso8583
import pytest

from twin.authorization import crypto
from twin.authorization import iso8583 as messages
from twin.authorization.crypto import Algorithm, CryptogramData, IssuerKeys
from twin.authorization.iso8583 import DecodeError, EncodeError, OriginalData, TlvError
from twin.pan import mask_pan

SM4, TDES = Algorithm.SM4, Algorithm.TDES
PAN = "6217990000000012340"


def chip_tags() -> dict[str, bytes]:
    data = CryptogramData(
        amount_authorised=30_000,
        transaction_date=dt.date(2020, 1, 20),
        transaction_type=0,
        unpredictable_number=bytes.fromhex("3804823E"),
        atc=7,
        issuer_application_data=crypto.build_issuer_application_data(crypto.CVR_ARQC, SM4),
    )
    return {"9F26": bytes.fromhex("1122334455667788"), **data.to_tags()}


def purchase_request(**changes: str) -> dict[str, str]:
    fields = {
        "t": "0200",
        "2": PAN,
        "3": "000000",
        "4": "000000030000",
        "7": "0120101530",
        "11": "000123",
        "12": "101530",
        "13": "0120",
        "14": "3001",
        "18": "5411",
        "22": "051",
        "23": "000",
        "25": "00",
        "32": "01050000",
        "37": "002010153001",
        "41": "T0000001",
        "42": "105360054110001",
        "43": "职工超市 南昌市",
        "49": "156",
        "52": "00" * 16,
        "55": messages.icc_field(chip_tags()),
        "60": "pos_chip",
    }
    fields.update(changes)
    return fields


def numbered(fields: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in fields.items() if key != "p"}


# Round trips.


def test_purchase_request_roundtrip():
    request = purchase_request()
    decoded = messages.decode_message(messages.encode_message(request))
    assert numbered(decoded) == request


def test_purchase_response_roundtrip():
    response = {
        "t": "0210",
        "2": PAN,
        "3": "000000",
        "4": "000000030000",
        "11": "000123",
        "37": "002010153001",
        "38": "A1B2C3",
        "39": "00",
        "41": "T0000001",
        "42": "105360054110001",
        "55": messages.icc_field({"91": bytes.fromhex("0102030405060708") + b"00"}),
    }
    decoded = messages.decode_message(messages.encode_message(response))
    assert numbered(decoded) == response


def test_decoded_message_encodes_to_same_bytes():
    raw = messages.encode_message(purchase_request())
    assert messages.encode_message(messages.decode_message(raw)) == raw


def test_decoded_message_has_bitmap():
    decoded = messages.decode_message(messages.encode_message(purchase_request()))
    assert decoded["p"] == "723C468108E09210"


def test_encoding_leaves_input_unchanged():
    request = purchase_request()
    copy = dict(request)
    messages.encode_message(request)
    assert request == copy


def test_wire_layout_starts_with_mti_and_binary_bitmap():
    raw = messages.encode_message({"t": "0800", "11": "000001"})
    assert raw == b"0800" + bytes.fromhex("0020000000000000") + b"000001"


def test_nineteen_digit_pan_has_llvar_prefix():
    raw = messages.encode_message({"t": "0200", "2": PAN})
    assert raw[12:33] == b"19" + PAN.encode()


def test_processing_code_all_zeros():
    decoded = messages.decode_message(messages.encode_message({"t": "0200", "3": "000000"}))
    assert decoded["3"] == "000000"


def test_fixed_text_fields_padded_on_wire():
    raw = messages.encode_message({"t": "0200", "41": "T01"})
    assert raw.endswith(b"T01     ")


def test_fixed_text_fields_stripped_on_decode():
    decoded = messages.decode_message(messages.encode_message({"t": "0200", "41": "T01"}))
    assert decoded["41"] == "T01"


def test_merchant_name_is_gbk_padded_to_40_bytes():
    raw = messages.encode_message({"t": "0200", "43": "职工超市"})
    assert raw.endswith("职工超市".encode("gbk") + b" " * 32)


def test_secondary_bitmap_for_account_fields():
    decoded = messages.decode_message(
        messages.encode_message(
            {"t": "0200", "3": "400000", "102": "621799000000001234", "103": "6222000011112222"}
        )
    )
    assert decoded["102"] == "621799000000001234"
    assert decoded["103"] == "6222000011112222"


@pytest.mark.parametrize(("algorithm", "size"), [(TDES, 8), (SM4, 16)])
def test_pin_block_length_follows_algorithm(algorithm, size):
    decoded = messages.decode_message(
        messages.encode_message({"t": "0200", "52": "AB" * size}, algorithm), algorithm
    )
    assert decoded["52"] == "AB" * size


def test_pin_block_wrong_length_rejected():
    with pytest.raises(EncodeError, match="Field data is 16 bytes, expecting 8: field 52"):
        messages.encode_message({"t": "0200", "52": "00" * 16}, TDES)


def test_unknown_field_still_decodes():
    raw, _ = pyiso8583.encode({"t": "0200", "48": "extra"}, messages.spec_for())
    assert messages.decode_message(bytes(raw))["48"] == "extra"


def test_spec_for_returns_a_copy():
    spec = messages.spec_for(SM4)
    spec["2"]["max_len"] = 99
    assert messages.spec_for(SM4)["2"]["max_len"] == 19


# Rejections, with pyiso8583's error types.


def test_overlong_pan_rejected():
    with pytest.raises(
        EncodeError, match="Field data is 20 bytes, larger than maximum 19: field 2"
    ):
        messages.encode_message({"t": "0200", "2": PAN + "1"})


def test_overlong_private_field_rejected():
    with pytest.raises(EncodeError, match="larger than maximum 100: field 60"):
        messages.encode_message({"t": "0200", "60": "x" * 101})


def test_short_amount_rejected():
    with pytest.raises(EncodeError, match="Field data is 3 bytes, expecting 12: field 4"):
        messages.encode_message({"t": "0200", "4": "100"})


def test_letters_in_amount_rejected():
    with pytest.raises(EncodeError, match="must contain only digits 0-9: '00000000010A': field 4"):
        messages.encode_message({"t": "0200", "4": "00000000010A"})


def test_letters_in_pan_rejected_without_showing_it():
    with pytest.raises(EncodeError) as caught:
        messages.encode_message({"t": "0200", "2": "62179900000000A2340"})
    assert str(caught.value) == "Field data must contain only digits 0-9: field 2"


def test_non_string_value_rejected():
    with pytest.raises(EncodeError, match="must be a str, not int: 123: field 11"):
        messages.encode_message({"t": "0200", "11": 123})


def test_bad_mti_rejected():
    with pytest.raises(EncodeError, match="field t"):
        messages.encode_message({"t": "02A0", "11": "000001"})


def test_control_character_in_text_rejected():
    with pytest.raises(EncodeError, match=re.escape("control characters: '10536\\n': field 42")):
        messages.encode_message({"t": "0200", "42": "10536\n"})


def test_track2_separator_accepted():
    decoded = messages.decode_message(messages.encode_message({"t": "0200", "35": PAN + "=3001"}))
    assert decoded["35"] == PAN + "=3001"


def test_track2_letters_rejected():
    with pytest.raises(EncodeError, match="separator = or D: field 35"):
        messages.encode_message({"t": "0200", "35": PAN + "X3001"})


def test_non_hex_icc_data_rejected():
    with pytest.raises(EncodeError, match="non-hex data: field 55"):
        messages.encode_message({"t": "0200", "55": "ZZ"})


def test_decode_rejects_letters_in_numeric_field():
    raw = messages.encode_message({"t": "0200", "11": "000123"})
    tampered = raw[:-6] + b"00A123"
    with pytest.raises(
        DecodeError, match="must contain only digits 0-9: '00A123': field 11 pos 12"
    ):
        messages.decode_message(tampered)


def test_decode_rejects_truncated_message():
    raw = messages.encode_message(purchase_request())
    with pytest.raises(DecodeError):
        messages.decode_message(raw[:-3])


def test_decode_rejects_extra_bytes():
    raw = messages.encode_message({"t": "0200", "11": "000123"})
    with pytest.raises(DecodeError, match="Extra data after last field"):
        messages.decode_message(raw + b"0")


# Field 55 TLV.


def test_tlv_roundtrip():
    tags = chip_tags()
    assert messages.decode_tlv(messages.encode_tlv(tags)) == tags


def test_icc_field_roundtrip():
    tags = chip_tags()
    assert messages.icc_tags(messages.icc_field(tags)) == tags


def test_icc_field_through_message():
    decoded = messages.decode_message(messages.encode_message(purchase_request()))
    tags = messages.icc_tags(decoded["55"])
    assert CryptogramData.from_tags(tags).atc == 7
    assert tags["9F26"] == bytes.fromhex("1122334455667788")


def test_tlv_known_encoding():
    tags = {
        "9F36": bytes.fromhex("0007"),
        "82": bytes.fromhex("7C00"),
        "5F2A": bytes.fromhex("0156"),
    }
    assert messages.encode_tlv(tags).hex().upper() == "9F3602000782027C005F2A020156"


def test_tlv_long_form_length():
    value = bytes(200)
    encoded = messages.encode_tlv({"71": value})
    assert encoded[:3] == bytes.fromhex("7181C8")
    assert messages.decode_tlv(encoded) == {"71": value}


def test_tlv_two_byte_length():
    value = bytes(300)
    encoded = messages.encode_tlv({"72": value})
    assert encoded[:4] == bytes.fromhex("7282012C")
    assert messages.decode_tlv(encoded) == {"72": value}


def test_tlv_three_byte_tag():
    assert messages.decode_tlv(bytes.fromhex("DF810101AA")) == {"DF8101": b"\xaa"}


def test_tlv_skips_zero_padding():
    assert messages.decode_tlv(bytes.fromhex("008202007C0000")) == {"82": bytes.fromhex("007C")}


def test_tlv_empty_value():
    assert messages.decode_tlv(bytes.fromhex("9F0300")) == {"9F03": b""}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("9F", "cut off"),
        ("9F36", "has no length"),
        ("9F360500", "declares 5 bytes, only 1 remain"),
        ("9F3683000001", "invalid length field 83"),
        ("9F3680", "invalid length field 80"),
        ("82017C82017C", "tag 82 occurs twice"),
    ],
)
def test_tlv_decode_rejects(data, message):
    with pytest.raises(TlvError, match=message):
        messages.decode_tlv(bytes.fromhex(data))


@pytest.mark.parametrize("tag", ["9F", "82FF", "XYZ", "", "00", "9F8181"])
def test_tlv_encode_rejects_bad_tag(tag):
    with pytest.raises(TlvError):
        messages.encode_tlv({tag: b"\x00"})


def test_icc_tags_rejects_non_hex():
    with pytest.raises(TlvError, match="not hex"):
        messages.icc_tags("9F3G")


# Message MAC.


@pytest.mark.parametrize("algorithm", [SM4, TDES])
def test_signed_message_verifies(algorithm):
    keys = IssuerKeys.from_seed(3, algorithm)
    request = purchase_request(**{"52": "00" * algorithm.block_size})
    raw = messages.sign_message(request, keys.mac_key, algorithm)
    assert messages.verify_message_mac(raw, keys.mac_key, algorithm)


def test_signed_message_uses_field_64_without_secondary_bitmap():
    raw = messages.sign_message({"t": "0200", "11": "000001"}, IssuerKeys.from_seed(3).mac_key)
    assert "64" in messages.decode_message(raw)


def test_signed_message_uses_field_128_with_secondary_bitmap():
    raw = messages.sign_message(
        {"t": "0420", "11": "000002", "90": "0" * 42}, IssuerKeys.from_seed(3).mac_key
    )
    decoded = messages.decode_message(raw)
    assert "128" in decoded
    assert "64" not in decoded


def test_signed_message_any_changed_byte_fails():
    key = IssuerKeys.from_seed(3).mac_key
    raw = messages.sign_message({"t": "0200", "4": "000000030000", "11": "000001"}, key)
    for index in range(len(raw)):
        changed = bytearray(raw)
        changed[index] ^= 0x01
        assert not messages.verify_message_mac(bytes(changed), key), index


def test_signed_message_wrong_key_fails():
    raw = messages.sign_message({"t": "0200", "11": "000001"}, IssuerKeys.from_seed(3).mac_key)
    assert not messages.verify_message_mac(raw, IssuerKeys.from_seed(4).mac_key)


def test_unsigned_message_fails_mac_check():
    raw = messages.encode_message({"t": "0200", "11": "000001"})
    assert not messages.verify_message_mac(raw, IssuerKeys.from_seed(3).mac_key)


def test_mac_covers_bitmap_with_mac_bit():
    key = IssuerKeys.from_seed(3).mac_key
    raw = messages.sign_message({"t": "0200", "11": "000001"}, key)
    assert raw[-8:] == crypto.compute_mac(key, raw[:-8], SM4)
    assert raw[4:12] == bytes.fromhex("0020000000000001")


# Reversal data and redaction.


def test_original_data_roundtrip():
    original = OriginalData("0200", "000123", "0120101530", "1050000", "")
    value = original.to_field()
    assert value == "020000012301201015300000105000000000000000"
    assert OriginalData.from_field(value) == OriginalData(
        "0200", "000123", "0120101530", "00001050000", "00000000000"
    )


def test_original_data_in_reversal_message():
    value = OriginalData("0200", "000123", "0120101530").to_field()
    decoded = messages.decode_message(
        messages.encode_message({"t": "0420", "11": "000124", "90": value})
    )
    assert OriginalData.from_field(decoded["90"]).stan == "000123"


@pytest.mark.parametrize(
    "original",
    [
        OriginalData("200", "000123", "0120101530"),
        OriginalData("0200", "123", "0120101530"),
        OriginalData("0200", "000123", "012010153"),
        OriginalData("0200", "000123", "0120101530", "123456789012"),
        OriginalData("0200", "00012A", "0120101530"),
    ],
)
def test_original_data_rejects(original):
    with pytest.raises(ValueError, match="original data"):
        original.to_field()


def test_original_data_from_short_field():
    with pytest.raises(ValueError, match="must be 42 digits"):
        OriginalData.from_field("0200")


def test_redact_masks_pan_like_mask_pan():
    assert messages.redact({"2": PAN})["2"] == mask_pan(PAN)


def test_redact_hides_secrets():
    safe = messages.redact(purchase_request(**{"35": PAN + "=3001"}))
    assert safe["52"] == "<32 characters>"
    assert safe["35"] == "<24 characters>"
    assert safe["55"].startswith("<")
    assert safe["4"] == "000000030000"


def test_redact_short_pan():
    assert messages.redact({"2": "12345"})["2"] == "*****"

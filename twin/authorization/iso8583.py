"""ISO 8583 messages of the twin: field layout, encoding, ICC data and message MAC.

Messages follow ISO 8583:1987 with ASCII text fields and binary bitmaps, no
header: the MTI as 4 ASCII digits, then the 8-byte primary bitmap, the secondary
bitmap when a field above 64 is present, then the fields in order. Variable
fields carry an ASCII length prefix of 2 (LLVAR) or 3 (LLLVAR) digits. Binary
fields (52 PIN block, 55 ICC data, 64/128 MAC) are raw bytes on the wire and
uppercase hex strings in the decoded dict, as pyiso8583 represents them.

The API is dict in, bytes out: :func:`encode_message` takes ``{"t": "0200",
"2": pan, "3": "000000", ...}`` and :func:`decode_message` returns the same
shape. Field 55 is a BER-TLV list of EMV data elements. :func:`icc_field` and
:func:`icc_tags` convert between that hex string and ``{"9F26": arqc, ...}``.

Errors: the encoder raises :class:`iso8583.EncodeError` and the decoder
:class:`iso8583.DecodeError`, both ValueErrors naming the field. The twin adds
its own content checks (digits in numeric fields, printable text) to those of
pyiso8583, with the same two error types, so a caller catches one type per
direction and replies with response code 30, format error.
"""

from __future__ import annotations

import copy
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import iso8583
from iso8583 import DecodeError, EncodeError
from iso8583.specs import default as _base_spec

from twin.authorization.crypto import DEFAULT_ALGORITHM, Algorithm, compute_mac

__all__ = [
    "FIELDS",
    "FieldFormat",
    "DecodeError",
    "EncodeError",
    "TlvError",
    "spec_for",
    "encode_message",
    "decode_message",
    "sign_message",
    "verify_message_mac",
    "encode_tlv",
    "decode_tlv",
    "icc_field",
    "icc_tags",
    "OriginalData",
    "redact",
]


@dataclass(frozen=True, slots=True)
class FieldFormat:
    """Layout of one field: content kind, length prefix digits (0 = fixed) and maximum length."""

    kind: str  # n digits, an letters/digits, ans printable text, z track 2, b binary
    prefix: int
    max_len: int
    description: str
    encoding: str = "ascii"


#: The fields the twin reads and writes. Other fields still decode with the
#: layout of pyiso8583's ``default`` spec, so unknown fields do not break a message.
FIELDS: dict[str, FieldFormat] = {
    "2": FieldFormat("n", 2, 19, "Primary account number (PAN)"),
    "3": FieldFormat("n", 0, 6, "Processing code"),
    "4": FieldFormat("n", 0, 12, "Amount, transaction (fen)"),
    "7": FieldFormat("n", 0, 10, "Transmission date and time, MMDDhhmmss"),
    "11": FieldFormat("n", 0, 6, "System trace audit number (STAN)"),
    "12": FieldFormat("n", 0, 6, "Local transaction time, hhmmss"),
    "13": FieldFormat("n", 0, 4, "Local transaction date, MMDD"),
    "14": FieldFormat("n", 0, 4, "Expiration date, YYMM"),
    "18": FieldFormat("n", 0, 4, "Merchant category code"),
    "22": FieldFormat("n", 0, 3, "POS entry mode"),
    "23": FieldFormat("n", 0, 3, "Card sequence number (PSN)"),
    "25": FieldFormat("n", 0, 2, "POS condition code"),
    "32": FieldFormat("n", 2, 11, "Acquiring institution identification code"),
    "33": FieldFormat("n", 2, 11, "Forwarding institution identification code"),
    "35": FieldFormat("z", 2, 37, "Track 2 equivalent data"),
    "37": FieldFormat("an", 0, 12, "Retrieval reference number"),
    "38": FieldFormat("an", 0, 6, "Authorization identification response"),
    "39": FieldFormat("an", 0, 2, "Response code"),
    "41": FieldFormat("ans", 0, 8, "Card acceptor terminal identification"),
    "42": FieldFormat("ans", 0, 15, "Card acceptor identification code"),
    # Merchant names are Chinese, so field 43 is GBK text: 40 bytes hold 20 Chinese characters.
    "43": FieldFormat("ans", 0, 40, "Card acceptor name/location", encoding="gbk"),
    "49": FieldFormat("n", 0, 3, "Currency code, transaction"),
    "52": FieldFormat("b", 0, 8, "PIN block (16 bytes with SM4)"),
    "54": FieldFormat("an", 3, 120, "Additional amounts (balances)"),
    "55": FieldFormat("b", 3, 255, "ICC data, BER-TLV"),
    "60": FieldFormat("ans", 3, 100, "Reserved private: channel and message reason"),
    "64": FieldFormat("b", 0, 8, "Message authentication code"),
    "90": FieldFormat("n", 0, 42, "Original data elements"),
    "102": FieldFormat("ans", 2, 28, "Account identification 1"),
    "103": FieldFormat("ans", 2, 28, "Account identification 2"),
    "128": FieldFormat("b", 0, 8, "Message authentication code"),
}

# Fields whose values are secrets or card data, which redact() hides.
_SENSITIVE = {"2", "35", "52", "55"}

# Fixed-length text fields are left-justified and padded with spaces on the wire.
_SPACE_PADDED = {
    key for key, layout in FIELDS.items() if layout.prefix == 0 and layout.kind in ("an", "ans")
}

_MTI = FieldFormat("n", 0, 4, "Message type indicator")


class TlvError(ValueError):
    """ICC data (field 55) that is not valid BER-TLV."""


def spec_for(algorithm: Algorithm = DEFAULT_ALGORITHM) -> dict[str, dict[str, Any]]:
    """Return a copy of the pyiso8583 spec; field 52 is 8 bytes with Triple DES, 16 with SM4."""
    return copy.deepcopy(_SPECS[algorithm])


def encode_message(fields: Mapping[str, str], algorithm: Algorithm = DEFAULT_ALGORITHM) -> bytes:
    """Encode a message given as ``{"t": mti, "2": pan, ...}``; raise EncodeError naming the field.

    ``fields`` is not changed. Fixed-length text fields shorter than their
    length are padded with spaces.
    """
    document = dict(fields)
    _check_content(document, {})
    for key in _SPACE_PADDED & document.keys():
        document[key] = _pad_text(document[key], FIELDS[key])
    raw, _ = iso8583.encode(document, _SPECS[algorithm])
    return bytes(raw)


def decode_message(data: bytes, algorithm: Algorithm = DEFAULT_ALGORITHM) -> dict[str, str]:
    """Decode a message into ``{"t": mti, "p": bitmap, "2": pan, ...}``; raise DecodeError naming the field.

    Trailing spaces of fixed-length text fields are removed.
    """
    document, encoded = iso8583.decode(bytes(data), _SPECS[algorithm])
    _check_content(document, encoded, data=bytes(data))
    for key in _SPACE_PADDED & document.keys():
        document[key] = document[key].rstrip(" ")
    return document


def sign_message(
    fields: Mapping[str, str], mac_key: bytes, algorithm: Algorithm = DEFAULT_ALGORITHM
) -> bytes:
    """Encode a message with its MAC as the last field: 64, or 128 when a field above 64 is present.

    The MAC (see :func:`twin.authorization.crypto.compute_mac`) covers every
    byte of the message before the MAC field, the bitmap with the MAC bit included.
    """
    document = {key: value for key, value in fields.items() if key not in ("64", "128")}
    document[_mac_field(document)] = "00" * 8

    # The MAC field is the last field and fixed at 8 bytes, so it is the message's tail.
    raw = encode_message(document, algorithm)
    return raw[:-8] + compute_mac(mac_key, raw[:-8], algorithm)


def verify_message_mac(
    data: bytes, mac_key: bytes, algorithm: Algorithm = DEFAULT_ALGORITHM
) -> bool:
    """Return whether a received message ends with a valid MAC field (64 or 128).

    A message that does not decode, or whose last field is not its MAC, fails.
    """
    try:
        document = decode_message(data, algorithm)
    except DecodeError:
        return False
    numbered = [key for key in document if key.isdigit()]
    last = max(numbered, key=int, default=None)
    if last not in ("64", "128") or last != _mac_field(document):
        return False
    return hmac.compare_digest(compute_mac(mac_key, bytes(data[:-8]), algorithm), bytes(data[-8:]))


def encode_tlv(tags: Mapping[str, bytes]) -> bytes:
    """Encode ``{"9F26": value, ...}`` as BER-TLV, in the order given."""
    out = bytearray()
    for tag, value in tags.items():
        out += _tag_bytes(tag)
        length = len(value)
        if length < 0x80:
            out.append(length)
        elif length <= 0xFF:
            out += bytes([0x81, length])
        elif length <= 0xFFFF:
            out += b"\x82" + length.to_bytes(2, "big")
        else:
            raise TlvError(f"tag {tag}: value of {length} bytes is longer than 65535")
        out += value
    return bytes(out)


def decode_tlv(data: bytes) -> dict[str, bytes]:
    """Decode BER-TLV into ``{"9F26": value, ...}``; tags are uppercase hex.

    Zero bytes between data objects are skipped, as EMV allows. Constructed
    objects (such as issuer script templates 71 and 72) keep their encoded
    contents as the value. A repeated tag or a length past the end is an error.
    """
    result: dict[str, bytes] = {}
    position = 0
    while position < len(data):
        if data[position] == 0x00:
            position += 1
            continue

        # Tag: one byte, or more when its low five bits are all set.
        start = position
        position += 1
        if data[start] & 0x1F == 0x1F:
            while position < len(data) and data[position] & 0x80:
                position += 1
            position += 1
        if position > len(data):
            raise TlvError(f"tag at byte {start} is cut off")
        tag = data[start:position].hex().upper()

        # Length: short form below 0x80, else 0x81 or 0x82 and one or two length bytes.
        if position >= len(data):
            raise TlvError(f"tag {tag} at byte {start} has no length")
        first = data[position]
        position += 1
        if first & 0x80:
            count = first & 0x7F
            if count not in (1, 2) or position + count > len(data):
                raise TlvError(f"tag {tag} at byte {start} has an invalid length field {first:02X}")
            length = int.from_bytes(data[position : position + count], "big")
            position += count
        else:
            length = first

        if position + length > len(data):
            raise TlvError(
                f"tag {tag} at byte {start} declares {length} bytes, only {len(data) - position} remain"
            )
        if tag in result:
            raise TlvError(f"tag {tag} occurs twice")
        result[tag] = bytes(data[position : position + length])
        position += length
    return result


def icc_field(tags: Mapping[str, bytes]) -> str:
    """Return the field 55 value for ``tags``: the BER-TLV bytes as uppercase hex."""
    return encode_tlv(tags).hex().upper()


def icc_tags(value: str) -> dict[str, bytes]:
    """Decode a field 55 value (hex, as decode_message returns it) into tags."""
    try:
        data = bytes.fromhex(value)
    except ValueError:
        raise TlvError("field 55 is not hex data") from None
    return decode_tlv(data)


@dataclass(frozen=True, slots=True)
class OriginalData:
    """Field 90 of a reversal: identifies the request being reversed."""

    mti: str
    stan: str
    transmission: str  # MMDDhhmmss, field 7 of the original
    acquirer: str = ""  # field 32 of the original, up to 11 digits
    forwarder: str = ""  # field 33 of the original, up to 11 digits

    def to_field(self) -> str:
        """Return the 42-digit field 90 value; institution codes are zero-filled on the left."""
        parts = [
            ("mti", self.mti, 4, 4),
            ("stan", self.stan, 6, 6),
            ("transmission", self.transmission, 10, 10),
        ]
        parts += [("acquirer", self.acquirer, 0, 11), ("forwarder", self.forwarder, 0, 11)]
        for name, value, low, high in parts:
            if (
                not (value.isascii() and (value.isdigit() or value == ""))
                or not low <= len(value) <= high
            ):
                raise ValueError(
                    f"original data {name} {value!r} is invalid; it must be {low}-{high} digits"
                )
        return (
            self.mti
            + self.stan
            + self.transmission
            + self.acquirer.rjust(11, "0")
            + self.forwarder.rjust(11, "0")
        )

    @classmethod
    def from_field(cls, value: str) -> OriginalData:
        """Parse a 42-digit field 90 value."""
        if len(value) != 42 or not (value.isascii() and value.isdigit()):
            raise ValueError(f"field 90 {value!r} is invalid; it must be 42 digits")
        return cls(value[:4], value[4:10], value[10:20], value[20:31], value[31:42])


def redact(fields: Mapping[str, str]) -> dict[str, str]:
    """Return a copy of a message dict that is safe to log or trace.

    The PAN keeps its first 6 and last 4 digits. Track 2, the PIN block and
    ICC data are replaced by their length.
    """
    safe = dict(fields)
    for key in _SENSITIVE & safe.keys():
        value = str(safe[key])
        if key == "2":
            safe[key] = (
                value[:6] + "*" * (len(value) - 10) + value[-4:]
                if len(value) >= 10
                else "*" * len(value)
            )
        else:
            safe[key] = f"<{len(value)} characters>"
    return safe


# Private interface


def _build_spec(pin_block_length: int) -> dict[str, dict[str, Any]]:
    spec = copy.deepcopy(dict(_base_spec))
    for key, layout in FIELDS.items():
        spec[key] = {
            "data_enc": "b" if layout.kind == "b" else layout.encoding,
            "len_enc": "ascii",
            "len_type": layout.prefix,
            "max_len": layout.max_len,
            "desc": layout.description,
        }
    spec["52"]["max_len"] = pin_block_length
    return spec


_SPECS = {algorithm: _build_spec(algorithm.block_size) for algorithm in Algorithm}


def _mac_field(document: Mapping[str, str]) -> str:
    for key in document:
        if key.isdigit() and 64 < int(key) < 128:
            return "128"
    return "64"


def _pad_text(value: str, layout: FieldFormat) -> str:
    try:
        size = len(value.encode(layout.encoding))
    except UnicodeEncodeError:
        return value  # pyiso8583 reports the encoding failure
    return value + " " * max(0, layout.max_len - size)


def _check_content(document: dict[str, str], encoded: dict, data: bytes | None = None) -> None:
    for key, value in document.items():
        layout = _MTI if key == "t" else FIELDS.get(key)
        if layout is None:
            continue
        problem = _content_problem(value, layout)
        if problem is None:
            continue
        value_text = "" if key in _SENSITIVE else f": {value!r}"
        message = f"Field data {problem}{value_text}"
        if data is None:
            raise EncodeError(message, document, encoded, key)
        raise DecodeError(message, data, document, encoded, _position(encoded, key), key)


def _content_problem(value: object, layout: FieldFormat) -> str | None:
    if not isinstance(value, str):
        return f"must be a str, not {type(value).__name__}"
    if layout.kind == "n" and not (value.isascii() and value.isdigit()) and value != "":
        return "must contain only digits 0-9"
    if layout.kind == "z" and not all(c in "0123456789=D" for c in value):
        return "must contain only digits and the separator = or D"
    if layout.kind == "an" and not all(c.isascii() and (c.isalnum() or c == " ") for c in value):
        return "must contain only letters, digits and spaces"
    if layout.kind == "ans" and not value.isprintable():
        return "must not contain control characters"
    return None


def _position(encoded: dict, key: str) -> int:
    # Offset of the field in the message: the sum of everything decoded before it.
    position = 0
    for name, parts in encoded.items():
        if name == key:
            return position + len(parts["len"])
        position += len(parts["len"]) + len(parts["data"])
    return position


def _tag_bytes(tag: str) -> bytes:
    # A BER tag continues past its first byte only when the first byte's low
    # five bits are all set, and then up to the first byte without bit 8.
    try:
        raw = bytes.fromhex(tag)
    except ValueError:
        raise TlvError(f"tag {tag!r} is not hex, for example 9F26") from None
    if not raw or raw[0] == 0x00:
        raise TlvError(f"tag {tag!r} is invalid; a tag is at least one byte and not 00")
    continues = raw[0] & 0x1F == 0x1F
    expected = (
        1 if not continues else next((i + 2 for i, b in enumerate(raw[1:]) if not b & 0x80), 0)
    )
    if len(raw) != expected:
        raise TlvError(f"tag {tag!r} is not a well-formed BER tag")
    return raw

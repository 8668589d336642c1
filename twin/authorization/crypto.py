"""Chip card keys and application cryptograms, shared by the card and the issuer.

The chain from the issuer's secret to one transaction's cryptogram::

    issuer master key (IMK-AC, one per programme and key index)
      │ derive_card_key(imk, pan, psn)          EMV option A
      ▼
    card master key (MK-AC, written into the chip at personalisation)
      │ derive_session_key(mk, atc)             EMV common session key
      ▼
    session key (one per application transaction counter value)
      │ generate_arqc(sk, data)                 MAC over the CDOL1 data
      ▼
    ARQC (tag 9F26) ──► the issuer verifies it and replies with an ARPC (tag 91)

Two algorithms are supported. ``Algorithm.TDES`` is EMV's double-length Triple
DES with 8-byte blocks. ``Algorithm.SM4`` is the Chinese national block cipher
that PBOC 3.0 cards may use instead, with 16-byte blocks. Where EMV defines a
step for 8-byte blocks only, the SM4 variant is the twin's adaptation and is
described at that step. Both use 16-byte keys.

Keys are plain ``bytes``: nothing here logs or formats them. Objects that keep
keys (:class:`IssuerKeys`) show key check values in their ``repr``, never the
keys themselves.
"""

from __future__ import annotations

import datetime as dt
import hmac
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "Algorithm",
    "DEFAULT_ALGORITHM",
    "KEY_LENGTH",
    "CRYPTOGRAM_LENGTH",
    "DEFAULT_AIP",
    "CVR_ARQC",
    "encrypt_blocks",
    "decrypt_blocks",
    "ecb_context",
    "key_check_value",
    "compute_mac",
    "derive_card_key",
    "derive_session_key",
    "build_issuer_application_data",
    "CryptogramData",
    "generate_arqc",
    "verify_arqc",
    "generate_arpc",
    "verify_arpc",
    "IssuerKeys",
]


class Algorithm(StrEnum):
    """Block cipher of a card programme's keys."""

    SM4 = "sm4"
    TDES = "3des"

    @property
    def block_size(self) -> int:
        """Block length in bytes: 16 for SM4, 8 for Triple DES."""
        return 16 if self is Algorithm.SM4 else 8


#: The twin's cards use SM4 unless a scenario chooses Triple DES.
DEFAULT_ALGORITHM = Algorithm.SM4

#: Every key here is 16 bytes: an SM4 key, or a double-length Triple DES key.
KEY_LENGTH = 16

#: Length of an ARQC and of an ARPC in bytes, for both algorithms.
CRYPTOGRAM_LENGTH = 8

#: Application interchange profile of the twin's cards: offline static and
#: dynamic data authentication, cardholder verification, terminal risk
#: management and issuer authentication supported.
DEFAULT_AIP = bytes.fromhex("7C00")

#: Card verification results for a first GENERATE AC that returned an ARQC
#: with no second GENERATE AC yet: length byte 03, then A0 00 00.
CVR_ARQC = bytes.fromhex("03A00000")

# Algorithm identifier in byte 8 of the issuer application data. These two
# values are the twin's own choice.
_IAD_ALGORITHM_ID = {Algorithm.TDES: 0x01, Algorithm.SM4: 0x04}


def encrypt_blocks(key: bytes, data: bytes, algorithm: Algorithm) -> bytes:
    """Encrypt whole blocks of ``data`` one by one (ECB) under ``key``."""
    _check_key(key, "key")
    _check_whole_blocks(data, algorithm)
    return _ecb(key, algorithm, encrypt=True).update(data)


def decrypt_blocks(key: bytes, data: bytes, algorithm: Algorithm) -> bytes:
    """Decrypt whole blocks of ``data`` one by one (ECB) under ``key``."""
    _check_key(key, "key")
    _check_whole_blocks(data, algorithm)
    return _ecb(key, algorithm, encrypt=False).update(data)


def ecb_context(key: bytes, algorithm: Algorithm, *, encrypt: bool):
    """Return a new ECB encryptor (or decryptor) of ``key`` for a caller that keeps it.

    ECB keeps no state between blocks, so the context serves every later call
    with whole blocks. A context is not thread-safe.
    """
    _check_key(key, "key")
    cipher = Cipher(_cipher(bytes(key), algorithm), modes.ECB())
    return cipher.encryptor() if encrypt else cipher.decryptor()


def key_check_value(key: bytes, algorithm: Algorithm) -> str:
    """Return the key check value: the first 3 bytes of a zero block encrypted, in hex.

    Two parties compare check values to confirm that they hold the same key
    without showing it.
    """
    return encrypt_blocks(key, bytes(algorithm.block_size), algorithm)[:3].hex().upper()


def compute_mac(
    key: bytes, data: bytes, algorithm: Algorithm, length: int = CRYPTOGRAM_LENGTH
) -> bytes:
    """Compute a MAC over ``data`` with ISO/IEC 9797-1 padding method 2.

    Triple DES uses ISO/IEC 9797-1 MAC algorithm 3 (the "retail MAC"): single
    DES CBC under the left key half, then the last block is decrypted under the
    right half and encrypted again under the left half. SM4 uses MAC algorithm
    1, a plain CBC-MAC, because a 16-byte key is already a single SM4 key. The
    MAC is the leftmost ``length`` bytes of the result.
    """
    _check_key(key, "MAC key")
    if not 4 <= length <= algorithm.block_size:
        raise ValueError(
            f"MAC length {length} is invalid; it must be from 4 to {algorithm.block_size} bytes"
        )

    # Padding method 2: one 0x80 byte, then zeros up to a whole block.
    block = algorithm.block_size
    padded = data + b"\x80" + bytes((-len(data) - 1) % block)

    if algorithm is Algorithm.SM4:
        return _cbc_last_block(_ecb(key, algorithm, encrypt=True), padded, block)[:length]

    # Single DES is Triple DES with three equal key parts.
    left, right = key[:8] * 2, key[8:] * 2
    chained = _cbc_last_block(_ecb(left, Algorithm.TDES, encrypt=True), padded, block)
    chained = _ecb(right, Algorithm.TDES, encrypt=False).update(chained)
    return _ecb(left, Algorithm.TDES, encrypt=True).update(chained)[:length]


def derive_card_key(issuer_master_key: bytes, pan: str, psn: str, algorithm: Algorithm) -> bytes:
    """Derive a card's master key from the issuer master key (EMV option A).

    Y is the rightmost 16 digits of PAN || PSN as 8 bytes of packed BCD. For
    Triple DES the key is E(Y) || E(Y xor FF..FF) with odd parity set, as EMV
    specifies. For SM4 the twin encrypts the one 16-byte block Y || (Y xor
    FF..FF). EMV defines option B for PANs longer than 16 digits; the twin
    uses option A for its 19-digit PANs as well, which keeps the last 16 digits
    of PAN and PSN as the card's unique input.
    """
    _check_key(issuer_master_key, "issuer master key")
    if not (isinstance(pan, str) and pan.isascii() and pan.isdigit() and 12 <= len(pan) <= 19):
        raise ValueError(
            f"PAN of {len(str(pan))} characters is invalid; it must be 12 to 19 digits"
        )
    if not (isinstance(psn, str) and psn.isascii() and psn.isdigit() and len(psn) == 2):
        raise ValueError(f"PSN {psn!r} is invalid; it must be two digits, for example 00")

    y = bytes.fromhex((pan + psn)[-16:].rjust(16, "0"))
    derivation_data = y + bytes(b ^ 0xFF for b in y)
    key = encrypt_blocks(issuer_master_key, derivation_data, algorithm)
    return _with_odd_parity(key) if algorithm is Algorithm.TDES else key


def derive_session_key(card_key: bytes, atc: int, algorithm: Algorithm) -> bytes:
    """Derive the session key for one application transaction counter value.

    EMV common session key derivation with R = ATC || 00..00: byte 3 of R
    becomes F0 for the first half of the key and 0F for the second. Triple DES
    needs both halves (two 8-byte blocks). An SM4 key is one block, so it is
    the encryption of the F0 block alone.
    """
    _check_key(card_key, "card key")
    _check_atc(atc)

    block = algorithm.block_size
    counter = atc.to_bytes(2, "big")
    first = counter + b"\xf0" + bytes(block - 3)
    if algorithm is Algorithm.SM4:
        return encrypt_blocks(card_key, first, algorithm)
    second = counter + b"\x0f" + bytes(block - 3)
    return _with_odd_parity(encrypt_blocks(card_key, first + second, algorithm))


def build_issuer_application_data(
    cvr: bytes, algorithm: Algorithm, *, key_index: int = 1, cryptogram_version: int = 1
) -> bytes:
    """Build the issuer application data (tag 9F10) that a card sends with its ARQC.

    Layout, 8 bytes: 07 (length of what follows), derivation key index,
    cryptogram version number, the 4-byte card verification results, and an
    algorithm identifier (01 Triple DES, 04 SM4).
    """
    _check_cvr(cvr)
    for name, value in (("key index", key_index), ("cryptogram version", cryptogram_version)):
        if not 0 <= value <= 0xFF:
            raise ValueError(f"{name} {value} is invalid; it must fit one byte (0-255)")
    return (
        bytes([0x07, key_index, cryptogram_version]) + cvr + bytes([_IAD_ALGORITHM_ID[algorithm]])
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CryptogramData:
    """Terminal and card data that an ARQC covers (the CDOL1 data).

    Amounts are integer fen (ISO 4217 currency 156 has two decimals, so fen
    are the minor unit that EMV amounts count). Country and currency codes are
    ISO numeric codes; 156 is China.
    """

    amount_authorised: int
    transaction_date: dt.date
    transaction_type: int
    unpredictable_number: bytes
    atc: int
    issuer_application_data: bytes
    amount_other: int = 0
    terminal_country_code: int = 156
    transaction_currency_code: int = 156
    tvr: bytes = field(default=bytes(5))
    aip: bytes = DEFAULT_AIP
    #: The serialised data, kept by :meth:`to_bytes`: the card and the issuer both MAC it.
    _serialised: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._plainly_valid():
            return
        for name in ("amount_authorised", "amount_other"):
            _check_int(name, getattr(self, name), 0, 999_999_999_999)
        for name in ("terminal_country_code", "transaction_currency_code"):
            _check_int(name, getattr(self, name), 0, 999)
        _check_int("transaction_type", self.transaction_type, 0, 99)
        _check_atc(self.atc)
        for name, size in (("unpredictable_number", 4), ("tvr", 5), ("aip", 2)):
            value = getattr(self, name)
            if not isinstance(value, bytes) or len(value) != size:
                raise ValueError(f"{name} must be {size} bytes, got {_describe(value)}")
        if (
            not isinstance(self.transaction_date, dt.date)
            or not 2000 <= self.transaction_date.year <= 2099
        ):
            raise ValueError(
                f"transaction_date {self.transaction_date!r} is invalid; give a date from 2000 to 2099"
            )
        iad = self.issuer_application_data
        if not isinstance(iad, bytes) or len(iad) < 7 or iad[0] < 6:
            raise ValueError(
                f"issuer_application_data must hold a length byte, key index, cryptogram version "
                f"and 4-byte CVR (at least 7 bytes), got {_describe(iad)}"
            )
        _check_cvr(iad[3:7])

    def _plainly_valid(self) -> bool:
        """Tell whether every field is a plain int or bytes within the limits that the checks enforce.

        Every chip request builds this data, so the usual case is tested in one
        expression. Anything else goes through the checks, which name the field at fault.
        """
        amount, other, atc = self.amount_authorised, self.amount_other, self.atc
        country, currency, kind = self.terminal_country_code, self.transaction_currency_code, self.transaction_type
        number, tvr, aip = self.unpredictable_number, self.tvr, self.aip
        date, iad = self.transaction_date, self.issuer_application_data
        return (
            type(amount) is int and 0 <= amount <= 999_999_999_999
            and type(other) is int and 0 <= other <= 999_999_999_999
            and type(country) is int and 0 <= country <= 999
            and type(currency) is int and 0 <= currency <= 999
            and type(kind) is int and 0 <= kind <= 99
            and type(atc) is int and 0 <= atc <= 0xFFFF
            and type(number) is bytes and len(number) == 4
            and type(tvr) is bytes and len(tvr) == 5
            and type(aip) is bytes and len(aip) == 2
            and isinstance(date, dt.date) and 2000 <= date.year <= 2099
            and type(iad) is bytes and len(iad) >= 7 and iad[0] >= 6 and iad[3] == 0x03
        )

    @property
    def cvr(self) -> bytes:
        """Card verification results, bytes 4 to 7 of the issuer application data."""
        return self.issuer_application_data[3:7]

    def to_bytes(self) -> bytes:
        """Serialise the data in CDOL1 order, as the MAC input of an ARQC (37 bytes).

        Amounts, codes and the date are packed decimal digits (their decimal
        text read as hex). The card computes its ARQC over these bytes and the
        issuer verifies it over them, so the first call keeps them.
        """
        serialised = self._serialised
        if serialised is None:
            serialised = self._serialise()
            object.__setattr__(self, "_serialised", serialised)
        return serialised

    def _serialise(self) -> bytes:
        date = self.transaction_date
        return (
            # Percent formatting takes about two thirds of the time of the same f-strings here.
            bytes.fromhex("%012d%012d%04d" % (self.amount_authorised, self.amount_other, self.terminal_country_code))  # noqa: UP031
            + self.tvr
            + bytes.fromhex(
                "%04d%02d%02d%02d%02d"  # noqa: UP031
                % (self.transaction_currency_code, date.year % 100, date.month, date.day, self.transaction_type)
            )
            + self.unpredictable_number
            + self.aip
            + self.atc.to_bytes(2, "big")
            + self.issuer_application_data[3:7]
        )

    def to_tags(self) -> dict[str, bytes]:
        """Return the EMV data elements (tag in hex to value) for ICC data, field 55."""
        return {
            "9F02": _bcd(self.amount_authorised, 6),
            "9F03": _bcd(self.amount_other, 6),
            "9F1A": _bcd(self.terminal_country_code, 2),
            "95": self.tvr,
            "5F2A": _bcd(self.transaction_currency_code, 2),
            "9A": bytes.fromhex(self.transaction_date.strftime("%y%m%d")),
            "9C": _bcd(self.transaction_type, 1),
            "9F37": self.unpredictable_number,
            "82": self.aip,
            "9F36": self.atc.to_bytes(2, "big"),
            "9F10": self.issuer_application_data,
        }

    @classmethod
    def from_tags(cls, tags: Mapping[str, bytes]) -> CryptogramData:
        """Rebuild the data from received EMV data elements; raise ValueError naming a missing or bad tag."""
        missing = [tag for tag in _REQUIRED_TAGS if tag not in tags]
        if missing:
            raise ValueError(
                f"ICC data lacks tag(s) {', '.join(missing)} needed to verify the ARQC"
            )
        try:
            date_text = _unbcd(_sized(tags["9A"], 3, "9A"), "9A")
            return cls(
                amount_authorised=_unbcd_int(tags["9F02"], 6, "9F02"),
                amount_other=_unbcd_int(tags.get("9F03", bytes(6)), 6, "9F03"),
                terminal_country_code=_unbcd_int(tags["9F1A"], 2, "9F1A"),
                tvr=_sized(tags["95"], 5, "95"),
                transaction_currency_code=_unbcd_int(tags["5F2A"], 2, "5F2A"),
                transaction_date=dt.datetime.strptime(date_text, "%y%m%d").date(),
                transaction_type=_unbcd_int(tags["9C"], 1, "9C"),
                unpredictable_number=_sized(tags["9F37"], 4, "9F37"),
                aip=_sized(tags["82"], 2, "82"),
                atc=int.from_bytes(_sized(tags["9F36"], 2, "9F36"), "big"),
                issuer_application_data=bytes(tags["9F10"]),
            )
        except ValueError as error:
            raise ValueError(f"ICC data is invalid: {error}") from None


def generate_arqc(session_key: bytes, data: CryptogramData, algorithm: Algorithm) -> bytes:
    """Generate the 8-byte authorisation request cryptogram over ``data``."""
    _check_key(session_key, "session key")
    return compute_mac(session_key, data.to_bytes(), algorithm)


def verify_arqc(
    session_key: bytes, data: CryptogramData, arqc: bytes, algorithm: Algorithm
) -> bool:
    """Return whether ``arqc`` is the cryptogram of ``data`` under ``session_key``.

    The comparison takes the same time wherever the first differing byte is.
    """
    return hmac.compare_digest(generate_arqc(session_key, data, algorithm), bytes(arqc))


def generate_arpc(session_key: bytes, arqc: bytes, arc: bytes, algorithm: Algorithm) -> bytes:
    """Generate the 8-byte authorisation response cryptogram (EMV ARPC method 1).

    ``arc`` is the 2-byte authorisation response code, usually the ISO 8583
    response code in ASCII (``b"00"`` to approve). The ARPC is the encryption
    of ARQC xor (ARC || 00..00). With SM4 the ARQC is first padded with zeros
    to one 16-byte block and the leftmost 8 bytes of the result are kept.
    """
    _check_key(session_key, "session key")
    if len(arqc) != CRYPTOGRAM_LENGTH:
        raise ValueError(f"ARQC must be {CRYPTOGRAM_LENGTH} bytes, got {len(arqc)}")
    if len(arc) != 2:
        raise ValueError(f"authorisation response code must be 2 bytes, got {len(arc)}")

    block = algorithm.block_size
    padded_arqc = bytes(arqc) + bytes(block - CRYPTOGRAM_LENGTH)
    padded_arc = bytes(arc) + bytes(block - 2)
    mixed = bytes(a ^ b for a, b in zip(padded_arqc, padded_arc, strict=True))
    return encrypt_blocks(session_key, mixed, algorithm)[:CRYPTOGRAM_LENGTH]


def verify_arpc(
    session_key: bytes, arqc: bytes, arc: bytes, arpc: bytes, algorithm: Algorithm
) -> bool:
    """Return whether ``arpc`` is the response cryptogram for ``arqc`` and ``arc``, as the card checks."""
    return hmac.compare_digest(generate_arpc(session_key, arqc, arc, algorithm), bytes(arpc))


@dataclass(frozen=True, slots=True, repr=False)
class IssuerKeys:
    """The issuer's master keys for one programme and key index.

    ``ac_master_key`` derives the cards' cryptogram keys. ``pin_verification_key``
    turns PINs into PIN offsets. ``zone_pin_key`` encrypts PIN blocks between
    terminals and the issuer. ``mac_key`` authenticates ISO 8583 messages.
    """

    ac_master_key: bytes
    pin_verification_key: bytes
    zone_pin_key: bytes
    mac_key: bytes
    algorithm: Algorithm = DEFAULT_ALGORITHM
    key_index: int = 1

    def __post_init__(self) -> None:
        for name in ("ac_master_key", "pin_verification_key", "zone_pin_key", "mac_key"):
            _check_key(getattr(self, name), name)
        if not 0 <= self.key_index <= 0xFF:
            raise ValueError(f"key index {self.key_index} is invalid; it must fit one byte (0-255)")

    @classmethod
    def from_seed(
        cls, seed: int | bytes, algorithm: Algorithm = DEFAULT_ALGORITHM, key_index: int = 1
    ) -> IssuerKeys:
        """Derive all four keys from a scenario seed with HKDF-SHA256.

        The same seed, algorithm and key index always give the same keys, so a
        run can be replayed. NOTE: a real issuer generates master keys inside
        an HSM from a hardware random source; seeded keys are for the twin only.
        """
        if isinstance(seed, bool) or not isinstance(seed, int | bytes):
            raise TypeError(f"seed must be an int or bytes, not {type(seed).__name__}")
        if isinstance(seed, int):
            if seed < 0:
                raise ValueError(f"seed {seed} is invalid; it must be zero or more")
            seed = seed.to_bytes(max(8, (seed.bit_length() + 7) // 8), "big")

        def derive(label: str) -> bytes:
            info = f"twin issuer key/{label}/{algorithm.value}/{key_index}".encode()
            key = HKDF(
                algorithm=hashes.SHA256(), length=KEY_LENGTH, salt=_HKDF_SALT, info=info
            ).derive(seed)
            return _with_odd_parity(key) if algorithm is Algorithm.TDES else key

        return cls(
            ac_master_key=derive("ac"),
            pin_verification_key=derive("pin-verification"),
            zone_pin_key=derive("zone-pin"),
            mac_key=derive("mac"),
            algorithm=algorithm,
            key_index=key_index,
        )

    def check_values(self) -> dict[str, str]:
        """Return the key check value of each key, by key name."""
        return {
            "ac_master_key": key_check_value(self.ac_master_key, self.algorithm),
            "pin_verification_key": key_check_value(self.pin_verification_key, self.algorithm),
            "zone_pin_key": key_check_value(self.zone_pin_key, self.algorithm),
            "mac_key": key_check_value(self.mac_key, self.algorithm),
        }

    def __repr__(self) -> str:
        values = ", ".join(f"{name}=KCV:{kcv}" for name, kcv in self.check_values().items())
        return f"IssuerKeys(algorithm={self.algorithm.value}, key_index={self.key_index}, {values})"

    __str__ = __repr__


# Private interface

_HKDF_SALT = b"jiangxi-union-card-twin/issuer-keys/v1"

_REQUIRED_TAGS = ("9F02", "9F1A", "95", "5F2A", "9A", "9C", "9F37", "82", "9F36", "9F10")


# Cipher contexts are costly to build (about 8 us each with cryptography 48)
# and ECB keeps no state between blocks, so one context per key serves every
# call. Each thread keeps its own, because a context is not thread-safe.
_contexts = threading.local()
_MAX_CONTEXTS = 4096


def _ecb(key: bytes, algorithm: Algorithm, *, encrypt: bool):
    cache = getattr(_contexts, "cache", None)
    if cache is None:
        cache = _contexts.cache = {}
    entry = (bytes(key), algorithm, encrypt)
    context = cache.get(entry)
    if context is None:
        if len(cache) >= _MAX_CONTEXTS:
            cache.clear()
        cipher = Cipher(_cipher(key, algorithm), modes.ECB())
        context = cipher.encryptor() if encrypt else cipher.decryptor()
        cache[entry] = context
    return context


def _cbc_last_block(encryptor, data: bytes, block: int) -> bytes:
    """Return the last block of the CBC encryption of ``data`` with a zero IV."""
    state = 0
    for start in range(0, len(data), block):
        chunk = int.from_bytes(data[start : start + block], "big") ^ state
        state = int.from_bytes(encryptor.update(chunk.to_bytes(block, "big")), "big")
    return state.to_bytes(block, "big")


def _cipher(key: bytes, algorithm: Algorithm) -> algorithms.SM4 | TripleDES:
    if algorithm is Algorithm.SM4:
        return algorithms.SM4(key)
    # K1 || K2 || K1 is double-length Triple DES; cryptography deprecates 16-byte keys.
    return TripleDES(key + key[:8])


def _check_key(key: object, name: str) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_LENGTH:
        raise ValueError(f"{name} must be {KEY_LENGTH} bytes, got {_describe(key)}")


def _check_whole_blocks(data: bytes, algorithm: Algorithm) -> None:
    if len(data) == 0 or len(data) % algorithm.block_size:
        raise ValueError(
            f"data of {len(data)} bytes is not a whole number of {algorithm.block_size}-byte "
            f"{algorithm.value} blocks"
        )


def _check_atc(atc: object) -> None:
    _check_int("ATC", atc, 0, 0xFFFF)


def _check_cvr(cvr: object) -> None:
    if not isinstance(cvr, bytes) or len(cvr) != 4 or cvr[0] != 0x03:
        raise ValueError(
            f"CVR must be 4 bytes starting with its length byte 03, got {_describe(cvr)}"
        )


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} {value!r} is invalid; it must be an int from {low} to {high}")


def _describe(value: object) -> str:
    # Describe a bad key or field by its size or type, never by its content.
    if isinstance(value, bytes | bytearray):
        return f"{len(value)} bytes"
    return type(value).__name__


def _with_odd_parity(key: bytes) -> bytes:
    # DES uses the low bit of each key byte as a parity bit; EMV sets it so
    # that every byte has an odd number of 1 bits.
    return bytes(b & 0xFE | (bin(b & 0xFE).count("1") + 1) % 2 for b in key)


def _bcd(value: int, size: int) -> bytes:
    return bytes.fromhex(f"{value:0{size * 2}d}")


def _sized(value: bytes, size: int, tag: str) -> bytes:
    if len(value) != size:
        raise ValueError(f"tag {tag} must be {size} bytes, got {len(value)}")
    return bytes(value)


def _unbcd(value: bytes, tag: str) -> str:
    text = value.hex()
    if not text.isdigit():
        raise ValueError(f"tag {tag} is not packed decimal digits: {text.upper()}")
    return text


def _unbcd_int(value: bytes, size: int, tag: str) -> int:
    return int(_unbcd(_sized(value, size, tag), tag))

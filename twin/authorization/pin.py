"""PIN blocks, the PIN policy, and PIN verification with IBM 3624 offsets.

A PIN exists in clear only inside the card holder's terminal and, for the
moment of a check, inside :class:`PinVerifier`. Everywhere else it travels as a
PIN block encrypted under the zone PIN key, and the issuer stores only a PIN
offset, which is useless without the secret PIN verification key.

PIN blocks (ISO 9564-1):

- Triple DES: format 0. The 8-byte PIN field ``0 L P..P F..F`` is xored with the
  account field ``0000`` + the 12 rightmost PAN digits before the check digit,
  and the result is encrypted.
- SM4: format 4, the 16-byte format that ISO 9564-1 defines for AES, with SM4
  as the block cipher. The PIN field ``4 L P..P A..A`` + 8 random bytes is
  encrypted, xored with the PAN field, and encrypted again. Because of the
  random fill, the same PIN gives a different block every time.

Verification (IBM 3624 offset): the PIN verification key encrypts validation
data made from the PAN. The result is decimalised and its first 6 digits are
the card's natural PIN. The offset stored for the card is (customer PIN -
natural PIN), digit by digit, mod 10. Verifying a PIN recomputes the natural PIN,
so it needs the key.

This programme uses the IBM 3624 offset rather than the Visa PVV because the
card PIN has 6 digits and the PVV method covers only 4 PIN digits. An offset
covers all 6, and it lets a card holder choose the PIN without reissuing the
card.
"""

from __future__ import annotations

import hmac
import logging
import threading
from enum import StrEnum

import numpy as np

from twin.authorization.crypto import (
    KEY_LENGTH,
    Algorithm,
    decrypt_blocks,
    ecb_context,
    encrypt_blocks,
    key_check_value,
)

__all__ = [
    "PIN_LENGTH",
    "INITIAL_PIN",
    "DECIMALISATION_TABLE",
    "PinProblem",
    "PinFormatError",
    "PinBlockError",
    "pin_format_problem",
    "pin_policy_problem",
    "is_simple_pin",
    "iso0_pin_block",
    "iso4_pin_field",
    "iso4_pan_field",
    "encrypt_pin_block",
    "decrypt_pin_block",
    "PinBlockEncryptor",
    "natural_pin",
    "pin_offset",
    "PinVerifier",
]

logger = logging.getLogger(__name__)

#: Every card PIN in this programme has exactly 6 digits.
PIN_LENGTH = 6

#: The PIN printed in the mailer of every batch-issued card; activation replaces it.
INITIAL_PIN = "955330"

#: Maps the 16 hex digits 0-F of the encrypted validation data to decimal digits.
DECIMALISATION_TABLE = "0123456789012345"

# ISO 9564-1 allows PINs of 4 to 12 digits in a PIN block.
_BLOCK_MIN_PIN, _BLOCK_MAX_PIN = 4, 12

_PROBLEM_TEXT = {
    "not_digits": "contains characters other than the digits 0-9",
    "too_short": f"has fewer than {PIN_LENGTH} digits",
    "too_long": f"has more than {PIN_LENGTH} digits",
    "simple": "is one digit repeated or a run of consecutive digits",
}


class PinProblem(StrEnum):
    """Reason why a proposed PIN is not accepted, in order of checking."""

    NOT_DIGITS = "not_digits"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    SIMPLE = "simple"


class PinFormatError(ValueError):
    """A clear PIN that breaks the programme's PIN format; ``problem`` names the rule.

    The message never contains the PIN.
    """

    def __init__(self, problem: PinProblem) -> None:
        super().__init__(
            f"PIN is invalid: it {_PROBLEM_TEXT[problem]}; a card PIN is exactly {PIN_LENGTH} digits"
        )
        self.problem = problem


class PinBlockError(ValueError):
    """A decrypted PIN block whose layout is wrong: a wrong key, PAN or a damaged block."""


def pin_format_problem(pin: object) -> PinProblem | None:
    """Return why ``pin`` is not a 6-digit PIN, or None when it is one."""
    if not isinstance(pin, str) or not (pin.isascii() and pin.isdigit()):
        return PinProblem.NOT_DIGITS
    if len(pin) < PIN_LENGTH:
        return PinProblem.TOO_SHORT
    if len(pin) > PIN_LENGTH:
        return PinProblem.TOO_LONG
    return None


def is_simple_pin(pin: str) -> bool:
    """Return whether a string of digits is one digit repeated or a run such as 123456 or 654321.

    Runs wrap around: 890123 is a run.
    """
    if len(pin) == PIN_LENGTH:
        return pin in _SIMPLE_PINS
    return _is_simple(pin)


def _is_simple(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    return len(steps) == 1 and steps.pop() in (0, 1, 9)


#: The simple PINs of PIN_LENGTH digits, 30 of them: each first digit repeated, rising and falling.
_SIMPLE_PINS = frozenset(
    "".join(str((first + step * place) % 10) for place in range(PIN_LENGTH))
    for first in range(10)
    for step in (0, 1, 9)
)


def pin_policy_problem(pin: object) -> PinProblem | None:
    """Return why a card holder may not choose ``pin`` as a new PIN, or None.

    Besides the format, a new PIN must not be simple (see :func:`is_simple_pin`).
    The initial batch PIN 955330 passes, and activation must still replace it.
    """
    problem = pin_format_problem(pin)
    if problem is None and is_simple_pin(str(pin)):
        return PinProblem.SIMPLE
    return problem


def iso0_pin_block(pin: str, pan: str) -> bytes:
    """Build the clear ISO 9564 format 0 PIN block (8 bytes)."""
    _check_block_pin(pin)
    pin_field = bytes.fromhex(f"0{len(pin):X}{pin}".ljust(16, "F"))
    account_field = bytes.fromhex("0000" + _account_digits(pan))
    return _xor(pin_field, account_field)


def iso4_pin_field(pin: str, random_fill: bytes) -> bytes:
    """Build the clear ISO 9564 format 4 PIN field (16 bytes) with 8 bytes of random fill."""
    _check_block_pin(pin)
    if len(random_fill) != 8:
        raise ValueError(f"random fill must be 8 bytes, got {len(random_fill)}")
    return bytes.fromhex(f"4{len(pin):X}{pin}".ljust(16, "A")) + bytes(random_fill)


def iso4_pan_field(pan: str) -> bytes:
    """Build the ISO 9564 format 4 PAN field (16 bytes): PAN length - 12, then the PAN, zero-filled."""
    _check_pan(pan)
    digits = pan.rjust(12, "0")
    return bytes.fromhex(f"{len(digits) - 12}{digits}".ljust(32, "0"))


def encrypt_pin_block(
    pin: str,
    pan: str,
    zone_key: bytes,
    algorithm: Algorithm,
    *,
    rng: np.random.Generator | None = None,
) -> bytes:
    """Encrypt ``pin`` for ``pan`` under the zone PIN key, as a terminal or PIN pad does.

    Triple DES gives an 8-byte format 0 block. SM4 gives a 16-byte format 4
    block and needs ``rng`` for the random fill. NOTE: the twin draws the fill
    from a seeded stream so that runs replay; a real PIN pad uses its hardware
    random source.
    """
    if algorithm is Algorithm.TDES:
        return encrypt_blocks(zone_key, iso0_pin_block(pin, pan), algorithm)

    if rng is None:
        raise ValueError("an SM4 PIN block (ISO format 4) needs rng for its 8 bytes of random fill")
    fill = rng.bytes(8)
    intermediate = encrypt_blocks(zone_key, iso4_pin_field(pin, fill), algorithm)
    return encrypt_blocks(zone_key, _xor(intermediate, iso4_pan_field(pan)), algorithm)


class PinBlockEncryptor:
    """Encrypts PIN blocks under one zone PIN key, with the key's cipher context kept.

    The blocks are the same bytes as :func:`encrypt_pin_block` gives for the
    same PIN, PAN and random fill. A PIN pad keeps one, because building a
    context costs more than encrypting a block. The key lives only inside the
    context, and the repr shows the algorithm alone. It also keeps the PAN
    field of recent PANs, which is not secret. Not thread-safe.
    """

    __slots__ = ("_algorithm", "_context", "_pan_fields")

    def __init__(self, zone_key: bytes, algorithm: Algorithm) -> None:
        self._algorithm = algorithm
        self._context = ecb_context(zone_key, algorithm, encrypt=True)
        self._pan_fields: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"PinBlockEncryptor(algorithm={self._algorithm.value})"

    def encrypt(self, pin: str, pan: str, random_fill: bytes | None = None) -> bytes:
        """Encrypt ``pin`` for ``pan``: format 0 with Triple DES, format 4 with SM4.

        SM4 needs the 8 bytes of ``random_fill``. Triple DES takes none.
        """
        _check_block_pin(pin)
        field = f"{len(pin):X}{pin}"
        pan_field = self._pan_fields.get(pan)
        if self._algorithm is _TDES:
            if random_fill is not None:
                raise ValueError("a Triple DES PIN block (ISO format 0) takes no random fill")
            if pan_field is None:
                pan_field = self._keep_pan_field(pan, int(_account_digits(pan), 16))
            clear = int("0" + field.ljust(15, "F"), 16) ^ pan_field
            return self._context.update(clear.to_bytes(8, "big"))

        if random_fill is None or len(random_fill) != 8:
            raise ValueError("an SM4 PIN block (ISO format 4) needs 8 bytes of random fill")
        if pan_field is None:
            pan_field = self._keep_pan_field(pan, int.from_bytes(iso4_pan_field(pan), "big"))
        pin_field = bytes.fromhex("4" + field.ljust(15, "A")) + bytes(random_fill)
        intermediate = int.from_bytes(self._context.update(pin_field), "big") ^ pan_field
        return self._context.update(intermediate.to_bytes(16, "big"))

    def _keep_pan_field(self, pan: str, pan_field: int) -> int:
        if len(self._pan_fields) >= _MAX_ACCOUNTS:
            self._pan_fields.clear()
        self._pan_fields[pan] = pan_field
        return pan_field


def decrypt_pin_block(pin_block: bytes, pan: str, zone_key: bytes, algorithm: Algorithm) -> str:
    """Decrypt a PIN block and return the clear PIN; raise PinBlockError if its layout is wrong.

    Call this only where the clear PIN is needed at once (inside PinVerifier);
    never keep or log the result.
    """
    size = algorithm.block_size
    if len(pin_block) != size:
        raise PinBlockError(
            f"{algorithm.value} PIN block must be {size} bytes, got {len(pin_block)}"
        )

    if algorithm is Algorithm.TDES:
        clear = _xor(
            decrypt_blocks(zone_key, bytes(pin_block), algorithm),
            bytes.fromhex("0000" + _account_digits(pan)),
        )
        return _read_pin_field(clear.hex().upper(), control="0", fill="F")

    intermediate = _xor(decrypt_blocks(zone_key, bytes(pin_block), algorithm), iso4_pan_field(pan))
    clear = decrypt_blocks(zone_key, intermediate, algorithm)
    return _read_pin_field(clear[:8].hex().upper(), control="4", fill="A")


def natural_pin(
    pin_verification_key: bytes,
    validation_data: bytes,
    algorithm: Algorithm,
    length: int = PIN_LENGTH,
    decimalisation_table: str = DECIMALISATION_TABLE,
) -> str:
    """Return the IBM 3624 natural PIN: the first ``length`` decimalised digits of E(validation data)."""
    _check_decimalisation_table(decimalisation_table)
    encrypted = encrypt_blocks(pin_verification_key, validation_data, algorithm).hex().upper()
    decimal = encrypted.translate(str.maketrans("0123456789ABCDEF", decimalisation_table))
    if not 1 <= length <= len(decimal):
        raise ValueError(
            f"natural PIN length {length} is invalid; it must be from 1 to {len(decimal)}"
        )
    return decimal[:length]


def pin_offset(pin: str, natural: str) -> str:
    """Return the IBM 3624 offset: (PIN - natural PIN) per digit, mod 10."""
    if len(pin) != len(natural):
        raise ValueError(
            f"PIN and natural PIN differ in length ({len(pin)} and {len(natural)} digits)"
        )
    return "".join(str((int(p) - int(n)) % 10) for p, n in zip(pin, natural, strict=True))


class PinVerifier:
    """The issuer's PIN check, holding the secret PIN verification key.

    One algorithm serves both the PIN verification key and the zone PIN key
    that encrypts incoming PIN blocks. The decimalisation table is fixed when
    the verifier is made, and no method takes a table from a request. This
    closes the decimalisation-table attack on IBM 3624.

    :meth:`verify` keeps its cipher contexts (one for the PIN verification
    key, one for the last zone PIN key), because building them cost more than
    the check itself. It also keeps the account data of recent PANs, which is
    not secret. The keys live only inside the contexts in this process's memory.
    """

    __slots__ = ("_key", "_algorithm", "_table", "_digits", "_lock", "_pvk", "_zone", "_accounts")

    def __init__(
        self,
        pin_verification_key: bytes,
        algorithm: Algorithm,
        *,
        decimalisation_table: str = DECIMALISATION_TABLE,
    ) -> None:
        if not isinstance(pin_verification_key, bytes) or len(pin_verification_key) != KEY_LENGTH:
            raise ValueError(f"PIN verification key must be {KEY_LENGTH} bytes")
        _check_decimalisation_table(decimalisation_table)
        self._key = pin_verification_key
        self._algorithm = algorithm
        self._table = decimalisation_table
        self._digits = str.maketrans("0123456789abcdef", decimalisation_table)
        self._lock = threading.Lock()
        self._pvk = None
        self._zone: tuple[bytes, object] | None = None
        self._accounts: dict[str, tuple[int, bytes]] = {}

    def __repr__(self) -> str:
        kcv = key_check_value(self._key, self._algorithm)
        return f"PinVerifier(algorithm={self._algorithm.value}, pin_verification_key=KCV:{kcv})"

    __str__ = __repr__

    @property
    def algorithm(self) -> Algorithm:
        """Block cipher of the PIN verification key and the zone PIN key."""
        return self._algorithm

    def make_verification_value(self, pan: str, pin: str) -> str:
        """Return the 6-digit offset to store for ``pan`` with the clear ``pin``.

        Raises :class:`PinFormatError` when ``pin`` is not 6 digits.
        """
        problem = pin_format_problem(pin)
        if problem is not None:
            raise PinFormatError(problem)
        return pin_offset(pin, self._natural_pin(pan))

    def make_verification_value_from_block(
        self, pan: str, pin_block: bytes, zone_key: bytes
    ) -> str:
        """Return the offset for a new PIN that arrives encrypted, as at a PIN change.

        Raises :class:`PinBlockError` for a damaged block and
        :class:`PinFormatError` when the PIN inside is not 6 digits.
        """
        return self.make_verification_value(
            pan, decrypt_pin_block(pin_block, pan, zone_key, self._algorithm)
        )

    def verify(self, pan: str, verification_value: str, pin_block: bytes, zone_key: bytes) -> bool:
        """Return whether the encrypted ``pin_block`` contains the PIN behind ``verification_value``.

        A block that does not decrypt to a valid layout (wrong key, wrong PAN,
        tampering) fails like a wrong PIN. The final comparison takes the same
        time wherever the digits differ.
        """
        value = verification_value
        if not isinstance(value, str) or len(value) != PIN_LENGTH or not (value.isascii() and value.isdigit()):
            raise ValueError(f"stored PIN offset is invalid; it must be {PIN_LENGTH} digits")
        algorithm = self._algorithm
        tdes = algorithm is _TDES
        if len(pin_block) != (8 if tdes else 16):
            logger.debug("PIN block rejected: %s PIN block of %d bytes", algorithm.value, len(pin_block))
            return False
        account = self._accounts.get(pan)
        if account is None:
            account = self._account_data(pan)
        account_field, validation_data = account
        with self._lock:
            decryptor, encryptor = self._contexts(zone_key)
            if tdes:
                field = f"{int.from_bytes(decryptor.update(pin_block), 'big') ^ account_field:016X}"
            else:
                intermediate = int.from_bytes(decryptor.update(pin_block), "big") ^ account_field
                field = decryptor.update(intermediate.to_bytes(16, "big"))[:8].hex().upper()
            natural = encryptor.update(validation_data).hex().translate(self._digits)
        # A 6-digit PIN is read straight from its field. Any other field is read in
        # full, so that the debug log names a bad layout apart from a PIN of another length.
        pin = field[2:8]
        start, fill = (_TDES_SIX, _TDES_FILL) if tdes else (_SM4_SIX, _SM4_FILL)
        if field[:2] != start or field[8:] != fill or not pin.isdigit():
            try:
                _read_pin_field(field, control="0" if tdes else "4", fill="F" if tdes else "A")
            except PinBlockError as error:
                logger.debug("PIN block rejected: %s", error)
            return False
        expected = _add_digits(natural[:PIN_LENGTH].encode(), value.encode())
        return hmac.compare_digest(pin.encode(), expected)

    def _natural_pin(self, pan: str) -> str:
        return natural_pin(
            self._key,
            _validation_data(pan, self._algorithm),
            self._algorithm,
            PIN_LENGTH,
            self._table,
        )

    def _contexts(self, zone_key: bytes) -> tuple:
        """Return the zone PIN key's decryptor and the PIN verification key's encryptor."""
        zone = self._zone
        if zone is None or zone[0] != zone_key:
            decryptor = ecb_context(zone_key, self._algorithm, encrypt=False)
            zone = self._zone = (bytes(zone_key), decryptor)
        if self._pvk is None:
            self._pvk = ecb_context(self._key, self._algorithm, encrypt=True)
        return zone[1], self._pvk

    def _account_data(self, pan: str) -> tuple[int, bytes]:
        """Return the PAN's field for the PIN block, as an int, and its validation data."""
        if self._algorithm is Algorithm.TDES:
            account_field = int(_account_digits(pan), 16)
        else:
            account_field = int.from_bytes(iso4_pan_field(pan), "big")
        if len(self._accounts) >= _MAX_ACCOUNTS:
            self._accounts.clear()
        data = self._accounts[pan] = (account_field, _validation_data(pan, self._algorithm))
        return data


# Private interface

# PANs whose account data :meth:`PinVerifier.verify` keeps (about 250 bytes each, 4 MB in all).
_MAX_ACCOUNTS = 16_384

# On Python 3.11, reading a member from its enum class costs several times a global name.
_TDES = Algorithm.TDES

# The start and the fill of a PIN field of 6 digits: control digit, then length.
_TDES_SIX, _TDES_FILL = "06", "F" * 8
_SM4_SIX, _SM4_FILL = "46", "A" * 8

# Six bytes of 0x30 (ASCII "0"), 0x76 (128 - 10) and 0x80, for _add_digits.
_ZEROS = int.from_bytes(b"0" * PIN_LENGTH, "big")
_TENS_PROBE = int.from_bytes(b"\x76" * PIN_LENGTH, "big")
_HIGH_BITS = int.from_bytes(b"\x80" * PIN_LENGTH, "big")


def _add_digits(natural: bytes, offset: bytes) -> bytes:
    """Return natural PIN + offset, digit by digit mod 10, for two strings of 6 ASCII digits.

    It works on the six digits at once, as one integer with a byte per digit.
    Each byte sum (0 to 18) stays within its byte. A byte of 10 or more reaches
    its high bit when 0x76 is added, which marks the bytes to take 10 from.
    """
    sums = int.from_bytes(natural, "big") + int.from_bytes(offset, "big") - 2 * _ZEROS
    sums -= (((sums + _TENS_PROBE) & _HIGH_BITS) >> 7) * 10
    return (sums + _ZEROS).to_bytes(PIN_LENGTH, "big")


def _validation_data(pan: str, algorithm: Algorithm) -> bytes:
    # The 12 account digits before the check digit, padded with F to one block.
    return bytes.fromhex(_account_digits(pan).ljust(algorithm.block_size * 2, "F"))


def _account_digits(pan: str) -> str:
    _check_pan(pan)
    if len(pan) < 13:
        raise ValueError(
            f"PAN of {len(pan)} digits is too short for a PIN block; it needs at least 13"
        )
    return pan[-13:-1]


def _check_pan(pan: object) -> None:
    if not isinstance(pan, str) or not (pan.isascii() and pan.isdigit()) or not 1 <= len(pan) <= 19:
        raise ValueError("PAN must be a string of 1 to 19 digits")


def _check_block_pin(pin: object) -> None:
    if (
        not isinstance(pin, str)
        or not (pin.isascii() and pin.isdigit())
        or not _BLOCK_MIN_PIN <= len(pin) <= _BLOCK_MAX_PIN
    ):
        raise ValueError(
            f"PIN is invalid for a PIN block: it must be {_BLOCK_MIN_PIN} to {_BLOCK_MAX_PIN} digits"
        )


def _check_decimalisation_table(table: str) -> None:
    if len(table) != 16 or not (table.isascii() and table.isdigit()):
        raise ValueError("decimalisation table must be 16 decimal digits")


def _read_pin_field(field: str, *, control: str, fill: str) -> str:
    # ``field`` is 16 hex digits: control, length, PIN digits, fill.
    if field[0] != control:
        raise PinBlockError(f"PIN block control field is {field[0]}, expected {control}")
    length = int(field[1], 16)
    if not _BLOCK_MIN_PIN <= length <= _BLOCK_MAX_PIN:
        raise PinBlockError(
            f"PIN length field {length} is outside {_BLOCK_MIN_PIN}-{_BLOCK_MAX_PIN}"
        )
    pin, padding = field[2 : 2 + length], field[2 + length :]
    if not pin.isdigit() or padding != fill * len(padding):
        raise PinBlockError("PIN digits or fill of the PIN block are malformed")
    return pin


def _xor(left: bytes, right: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(left, right, strict=True))

"""Chip cryptograms with cipher contexts kept between requests, for the issuer and the cards.

:class:`ChipVerifier` checks an ARQC and signs the ARPC with the same results
as :func:`~twin.authorization.crypto.verify_arqc` and
:func:`~twin.authorization.crypto.generate_arpc`, but builds fewer cipher
contexts, because building one costs more than the encryption itself:

- A card master key never changes, so its context is kept (one per card, up to
  ``max_cards``) and derives each session key in one call.
- A session key is new with each ATC. With SM4, one CBC context with a zero IV
  serves the whole request. It computes the MAC over the CDOL1 data (the last
  CBC block is the CBC-MAC), and it stays open for the ARPC. A CBC context
  xors each block with the previous ciphertext block before encrypting it, so
  the ARPC's block is xored with that ciphertext block first. The two xors
  cancel out, which leaves the plain encryption that EMV specifies.

Triple DES cards take the general functions of :mod:`twin.authorization.crypto`.
The emulated cards compute their ARQCs with :meth:`ChipSession.arqc` in the same way.

Keys stay inside cipher contexts in this process's memory. Nothing here logs
them, writes them anywhere, or shows them in a repr. A verifier is not
thread-safe: the core calls it only under its own lock.
"""

from __future__ import annotations

import hmac

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from twin.authorization.crypto import (
    CRYPTOGRAM_LENGTH,
    Algorithm,
    CryptogramData,
    derive_session_key,
    ecb_context,
    generate_arpc,
    generate_arqc,
    verify_arqc,
)

__all__ = ["ChipVerifier", "ChipSession"]

_BLOCK = 16
_ZERO_IV = modes.CBC(bytes(_BLOCK))
# Padding method 2 of the 37-byte CDOL1 data: 0x80, then zeros to 48 bytes.
_CDOL1_LENGTH = 37
_MAC_PADDING = b"\x80" + bytes((-_CDOL1_LENGTH - 1) % _BLOCK)
# Session key derivation data after the two ATC bytes: F0, then zeros.
_SESSION_SUFFIX = b"\xf0" + bytes(_BLOCK - 3)
# On Python 3.11, reading a member from its enum class costs several times a global name.
_SM4 = Algorithm.SM4


def _checked_context(session_key: bytes):
    """Return an SM4-CBC encryptor with a zero IV, through the public API that checks key and IV."""
    return Cipher(algorithms.SM4(session_key), _ZERO_IV).encryptor()


def _binding_context():
    """Return the library's context builder that ``Cipher.encryptor`` ends in, or None.

    ``Cipher`` checks the key and IV again for every context, which costs more
    than the context itself. A session key is a 16-byte block (the output of
    one SM4 encryption) and the IV is the constant zero block. So the session
    contexts skip those checks and call the builder directly, when the
    installed library has it and it encrypts as ``Cipher`` does.
    """
    try:
        from cryptography.hazmat.bindings._rust import openssl
        create = openssl.ciphers.create_encryption_ctx
        probe = bytes(_BLOCK)
        if create(algorithms.SM4(probe), _ZERO_IV).update(probe) != _checked_context(probe).update(probe):
            return None
    except (ImportError, AttributeError, TypeError, ValueError):
        return None
    return create


_create_context = _binding_context()


def _session_context(session_key: bytes):
    """Return the SM4-CBC encryptor with a zero IV of one session key."""
    if _create_context is None or len(session_key) != _BLOCK:
        return _checked_context(session_key)
    return _create_context(algorithms.SM4(session_key), _ZERO_IV)


class ChipSession:
    """One request's session key, ready to verify its ARQC and sign the ARPC."""

    __slots__ = ("_context", "_chain", "_key", "_algorithm")

    def __init__(self, session_key: bytes, algorithm: Algorithm) -> None:
        self._algorithm = algorithm
        if algorithm is _SM4:
            self._context = _session_context(session_key)
            self._chain = 0
            self._key = b""
        else:
            self._context = None
            self._chain = 0
            self._key = session_key

    def __repr__(self) -> str:
        return f"ChipSession(algorithm={self._algorithm.value})"

    def verify_arqc(self, data: CryptogramData, arqc: bytes) -> bool:
        """Return whether ``arqc`` is the cryptogram of ``data``; the comparison takes constant time."""
        if self._context is None:
            return verify_arqc(self._key, data, arqc, self._algorithm)
        return hmac.compare_digest(self.arqc(data), bytes(arqc))

    def arqc(self, data: CryptogramData) -> bytes:
        """Return the ARQC of ``data``, as the card computes it, the same as :func:`generate_arqc`."""
        if self._context is None:
            return generate_arqc(self._key, data, self._algorithm)
        serialised = data.to_bytes()
        if len(serialised) == _CDOL1_LENGTH:
            padded = serialised + _MAC_PADDING
        else:
            padded = serialised + b"\x80" + bytes((-len(serialised) - 1) % _BLOCK)
        last = self._context.update(padded)[-_BLOCK:]
        self._chain = int.from_bytes(last, "big")
        return last[:CRYPTOGRAM_LENGTH]

    def arpc(self, arqc: bytes, arc: bytes) -> bytes:
        """Return the ARPC (EMV method 1) for ``arqc`` and the 2-byte response code ``arc``."""
        if self._context is None:
            return generate_arpc(self._key, arqc, arc, self._algorithm)
        if len(arqc) != CRYPTOGRAM_LENGTH or len(arc) != 2:
            # The general function names what is wrong.
            raise ValueError(f"ARQC must be {CRYPTOGRAM_LENGTH} bytes and the response code 2 bytes")
        # (ARQC || 00..00) xor (ARC || 00..00), xored with the chain to undo CBC's xor.
        block = (
            int.from_bytes(arqc, "big") << 64
            ^ int.from_bytes(arc, "big") << 112
            ^ self._chain
        )
        encrypted = self._context.update(block.to_bytes(_BLOCK, "big"))
        self._chain = int.from_bytes(encrypted, "big")
        return encrypted[:CRYPTOGRAM_LENGTH]


class ChipVerifier:
    """Opens the session of each chip request from its card master key.

    ``max_cards`` bounds the kept card key contexts (about 800 bytes each).
    Past it they are all dropped and built again as cards come back.
    """

    __slots__ = ("_algorithm", "_cards", "_max_cards")

    def __init__(self, algorithm: Algorithm, max_cards: int = 16_384) -> None:
        self._algorithm = algorithm
        self._cards: dict[bytes, object] = {}
        self._max_cards = max_cards

    def __repr__(self) -> str:
        return f"ChipVerifier(algorithm={self._algorithm.value}, cards={len(self._cards)})"

    def __len__(self) -> int:
        return len(self._cards)

    def open_session(self, card_key: bytes, atc: int) -> ChipSession:
        """Derive the session key for ``atc`` under the card's master key and open its session."""
        algorithm = self._algorithm
        if algorithm is not _SM4 or not 0 <= atc <= 0xFFFF:
            # Triple DES, and the general function's error for a bad ATC.
            return ChipSession(derive_session_key(card_key, atc, algorithm), algorithm)
        context = self._cards.get(card_key)
        if context is None:
            if len(card_key) != _BLOCK:
                return ChipSession(derive_session_key(card_key, atc, algorithm), algorithm)
            if len(self._cards) >= self._max_cards:
                self._cards.clear()
            context = self._cards[card_key] = ecb_context(card_key, algorithm, encrypt=True)
        return ChipSession(context.update(atc.to_bytes(2, "big") + _SESSION_SUFFIX), algorithm)

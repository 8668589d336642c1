"""The emulated IC card and the PIN pad that encrypts what the card holder types.

:class:`EmulatedCard` holds what the issuer personalised into the chip: PAN,
PSN, expiry, the card's cryptogram master key and the application transaction
counter (ATC). For each online request it raises the ATC, derives the session
key and computes the ARQC over the terminal's data, as a PBOC / EMV card does.
Its state (ATC and transit e-purse) can be saved and restored, so a card that
"restarts" never repeats an ATC.

Building a cipher context costs more than the encryption itself, so the cards
of a thread share one bounded set of card master key contexts (a
:class:`~twin.authorization.cryptograms.ChipVerifier`, because the engine
builds a card object for each use), and a :class:`PinPad` keeps its zone PIN
key's context. The keys stay inside the contexts in this process's memory:
nothing here logs them, writes them out or shows them in a repr.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from twin.authorization.crypto import (
    Algorithm,
    CryptogramData,
    build_issuer_application_data,
    derive_session_key,
    verify_arpc,
)
from twin.authorization.cryptograms import ChipVerifier
from twin.authorization.pin import PinBlockEncryptor
from twin.authorization.requests import ChipData
from twin.pan import mask_pan

if TYPE_CHECKING:
    from twin.authorization.issuer import CardRecord, Issuer

__all__ = ["EmulatedCard", "PinPad", "PurseError"]


class PurseError(ValueError):
    """A transit e-purse operation the chip refuses: not enough balance, or over the cap."""

_DEFAULT_CVR = b"\x03\xa0\x00\x00"
_ISSUER_APPLICATION_DATA = {
    algorithm: build_issuer_application_data(_DEFAULT_CVR, algorithm) for algorithm in Algorithm
}

# One ChipVerifier per algorithm and thread, because a cipher context is not thread-safe.
_card_contexts = threading.local()


def _card_key_contexts(algorithm: Algorithm) -> ChipVerifier:
    verifiers = getattr(_card_contexts, "verifiers", None)
    if verifiers is None:
        verifiers = _card_contexts.verifiers = {}
    verifier = verifiers.get(algorithm)
    if verifier is None:
        verifier = verifiers[algorithm] = ChipVerifier(algorithm)
    return verifier


@dataclass(repr=False)
class EmulatedCard:
    """One card's chip. The repr masks the PAN and never shows the key."""

    pan: str
    psn: str
    expiry: str
    card_key: bytes
    algorithm: Algorithm
    atc: int = 0
    #: Transit e-purse balance in fen, kept on the chip for offline fares.
    purse_balance: int = 0
    #: Count of offline purse debits, uploaded with each clearing record.
    purse_counter: int = 0

    @classmethod
    def personalise(cls, issuer: Issuer, record: CardRecord) -> EmulatedCard:
        """Write a new chip for ``record`` with the card key the issuer derives for it."""
        return cls(record.pan, record.psn, record.expiry, issuer.card_key(record), issuer.keys.algorithm)

    def generate_arqc(
        self,
        amount: int,
        date: dt.date,
        unpredictable_number: bytes,
        transaction_type: int = 0,
    ) -> ChipData:
        """Raise the ATC and return the ARQC with the data it covers."""
        if self.atc >= 0xFFFF:
            raise RuntimeError(f"card {mask_pan(self.pan)} has used all 65,535 ATC values")
        self.atc += 1
        data = CryptogramData(
            amount_authorised=amount,
            transaction_date=date,
            transaction_type=transaction_type,
            unpredictable_number=unpredictable_number,
            atc=self.atc,
            issuer_application_data=_ISSUER_APPLICATION_DATA[self.algorithm],
        )
        session = _card_key_contexts(self.algorithm).open_session(self.card_key, self.atc)
        return ChipData(session.arqc(data), data)

    def check_arpc(self, chip: ChipData, response_code: str, arpc: bytes) -> bool:
        """Tell whether the issuer's ARPC is genuine for this card's last ARQC."""
        session_key = derive_session_key(self.card_key, chip.data.atc, self.algorithm)
        return verify_arpc(session_key, chip.arqc, response_code.encode(), arpc, self.algorithm)

    def load_purse(self, amount: int, cap: int) -> None:
        """Add ``amount`` fen to the e-purse after the issuer approved the top-up."""
        if amount <= 0:
            raise PurseError(f"purse load of {amount} fen is invalid; it must be above zero")
        if self.purse_balance + amount > cap:
            raise PurseError(f"purse load of {amount} fen would take the balance {self.purse_balance} above the cap {cap}")
        self.purse_balance += amount

    def debit_purse(self, amount: int) -> int:
        """Take a fare from the e-purse offline and return the purse counter of this debit."""
        if amount <= 0:
            raise PurseError(f"purse debit of {amount} fen is invalid; it must be above zero")
        if amount > self.purse_balance:
            raise PurseError(f"purse balance {self.purse_balance} fen does not cover {amount} fen")
        self.purse_balance -= amount
        self.purse_counter += 1
        return self.purse_counter

    def state(self) -> dict[str, int]:
        """Return what the chip must keep across a restart of the emulator."""
        return {"atc": self.atc, "purse_balance": self.purse_balance, "purse_counter": self.purse_counter}

    def restore(self, state: dict[str, int]) -> None:
        if state["atc"] < self.atc:
            raise ValueError(f"saved ATC {state['atc']} is below the card's ATC {self.atc}; refusing to go back")
        self.atc = state["atc"]
        self.purse_balance = state["purse_balance"]
        self.purse_counter = state["purse_counter"]

    def __repr__(self) -> str:
        return f"EmulatedCard(pan={mask_pan(self.pan)}, atc={self.atc})"


class PinPad:
    """A terminal's encrypting PIN pad: the clear PIN goes in, a PIN block comes out.

    The blocks are the bytes that :func:`~twin.authorization.pin.encrypt_pin_block`
    gives with the same ``rng``, which supplies the SM4 random fill.
    """

    def __init__(self, zone_pin_key: bytes, algorithm: Algorithm, rng: np.random.Generator) -> None:
        self._algorithm = algorithm
        self._rng = rng
        self._encryptor = PinBlockEncryptor(zone_pin_key, algorithm)

    def encrypt(self, pin: str, pan: str) -> bytes:
        if self._algorithm is Algorithm.TDES:
            return self._encryptor.encrypt(pin, pan)
        return self._encryptor.encrypt(pin, pan, _random_fill(self._rng))

    def __repr__(self) -> str:
        return f"PinPad(algorithm={self._algorithm.value})"


def _random_fill(rng: np.random.Generator) -> bytes:
    """Return ``rng.bytes(8)``, drawn in a tenth of its time where that gives the same bytes.

    ``Generator.bytes`` draws two 32-bit words, and PCG64 makes them from one
    64-bit output, low half first, unless it kept half an output from an odd
    draw before. A raw 64-bit output in little-endian order is then the same
    8 bytes and leaves the generator where ``bytes`` would. Only the spare
    half output, which the generator ignores while it has none, may differ.
    """
    bit_generator = rng.bit_generator
    if type(bit_generator) is np.random.PCG64 and not bit_generator.state["has_uint32"]:
        return int(bit_generator.random_raw()).to_bytes(8, "little")
    return rng.bytes(8)

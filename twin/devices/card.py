"""The emulated IC card and the PIN pad that encrypts what the card holder types.

:class:`EmulatedCard` holds what the issuer personalised into the chip: PAN,
PSN, expiry, the card's cryptogram master key and the application transaction
counter (ATC). For each online request it raises the ATC, derives the session
key and computes the ARQC over the terminal's data, as a PBOC / EMV card does.
Its state (ATC and transit e-purse) can be saved and restored, so a card that
"restarts" never repeats an ATC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from twin.authorization.crypto import (
    Algorithm,
    CryptogramData,
    build_issuer_application_data,
    derive_session_key,
    generate_arqc,
    verify_arpc,
)
from twin.authorization.pin import encrypt_pin_block
from twin.authorization.requests import ChipData
from twin.pan import mask_pan

if TYPE_CHECKING:
    from twin.authorization.issuer import CardRecord, Issuer

__all__ = ["EmulatedCard", "PinPad", "PurseError"]


class PurseError(ValueError):
    """A transit e-purse operation the chip refuses: not enough balance, or over the cap."""

_DEFAULT_CVR = b"\x03\xa0\x00\x00"


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
            issuer_application_data=build_issuer_application_data(_DEFAULT_CVR, self.algorithm),
        )
        session_key = derive_session_key(self.card_key, self.atc, self.algorithm)
        return ChipData(generate_arqc(session_key, data, self.algorithm), data)

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
    """A terminal's encrypting PIN pad: the clear PIN goes in, a PIN block comes out."""

    def __init__(self, zone_pin_key: bytes, algorithm: Algorithm, rng: np.random.Generator) -> None:
        self._key = zone_pin_key
        self._algorithm = algorithm
        self._rng = rng

    def encrypt(self, pin: str, pan: str) -> bytes:
        return encrypt_pin_block(pin, pan, self._key, self._algorithm, rng=self._rng)

    def __repr__(self) -> str:
        return f"PinPad(algorithm={self._algorithm.value})"

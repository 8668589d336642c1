"""Chip state that survives a restart of the card emulator.

A real chip keeps its application transaction counter (ATC) and its transit
e-purse in non-volatile memory. The emulator keeps them in a JSON file instead,
one entry per card keyed by PAN::

    {"6217990000000000019": {"atc": 12, "purse_balance": 4600, "purse_counter": 3}}

Nothing secret is stored: the card keys are derived again from the issuer's key
when a card is personalised. The file is written to a temporary name and moved
into place, so a crash while saving leaves the previous file intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from twin.devices.card import EmulatedCard
from twin.pan import mask_pan

__all__ = ["CardStore", "CardStoreError"]

_FIELDS = ("atc", "purse_balance", "purse_counter")


class CardStoreError(ValueError):
    """A card state file that cannot be read."""


class CardStore:
    """Saved chip states in one JSON file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._states: dict[str, dict[str, int]] = self._read() if self.path.exists() else {}

    def save(self, cards: Iterable[EmulatedCard]) -> None:
        """Record the state of ``cards`` and write the whole file."""
        for card in cards:
            self._states[card.pan] = card.state()
        self._write()

    def restore(self, card: EmulatedCard) -> bool:
        """Bring ``card`` back to its saved state; return False if none was saved."""
        state = self._states.get(card.pan)
        if state is None:
            return False
        card.restore(state)
        return True

    def __contains__(self, pan: object) -> bool:
        return pan in self._states

    def __len__(self) -> int:
        return len(self._states)

    # Private interface

    def _read(self) -> dict[str, dict[str, int]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CardStoreError(f"{self.path}: cannot read card states: {error}; restore the file or delete it") from None
        if not isinstance(data, dict):
            raise CardStoreError(f"{self.path}: expected an object of card states keyed by card number")
        for pan, state in data.items():
            if not isinstance(state, dict) or any(not isinstance(state.get(name), int) for name in _FIELDS):
                raise CardStoreError(
                    f"{self.path}: card {mask_pan(pan)}: expected integer fields {', '.join(_FIELDS)}, got {state!r}"
                )
        return data

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(self._states, file, indent=1, sort_keys=True)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

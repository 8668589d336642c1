"""What the crowd knows about each synthetic member, as small numpy arrays.

The issuer and the ledger hold the bank's records. These arrays hold the
members' side, one entry per member, so that a day's actors can be picked in
numpy without a Python loop over the province: the state of the member's card,
whether the welfare account is open, which services they use, and the welfare
paid to them this year.

A member's PIN is not stored: it is derived from the member's index with a
keyed hash, as the member would remember it, and checked against the PIN
policy. Ids given to the issuer carry a ``c:`` prefix, which scenario actor ids
cannot contain, so the crowd never collides with the script's actors.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from twin.authorization.pin import INITIAL_PIN, pin_policy_problem
from twin.population import Province
from twin.population.streams import counter_hash_int

__all__ = ["CardState", "CrowdState", "NO_DAY"]

#: Marks "no day planned" in the int32 day arrays.
NO_DAY = -1


class CardState(IntEnum):
    """Where a member's card is, as the member sees it."""

    NONE = 0  # no card and none applied for
    APPLIED = 1  # on a batch application, in production
    INACTIVE = 2  # batch card handed out, not activated
    ACTIVE = 3
    LOST = 4  # reported lost, replacement not yet collected
    CLOSED = 5


class CrowdState:
    """Per-member arrays of the synthetic crowd."""

    def __init__(self, province: Province, pin_key: int) -> None:
        count = len(province.members)
        self.province = province
        self.count = count
        self.card = np.zeros(count, dtype=np.int8)
        self.welfare = np.zeros(count, dtype=bool)
        #: Rides the Nanchang transit network with the card.
        self.transit = np.zeros(count, dtype=bool)
        #: Has signed the ETC account and holds an OBU.
        self.etc = np.zeros(count, dtype=bool)
        #: Registered in the member app (member zone if enrolled, public zone otherwise).
        self.app = np.zeros(count, dtype=bool)
        #: Festival welfare paid this calendar year, in fen, and the year it counts.
        self.welfare_paid = np.zeros(count, dtype=np.int64)
        self.welfare_year = np.zeros(count, dtype=np.int16)
        #: Wave of the member's union (-1: in no wave).
        self.wave = np.full(count, -1, dtype=np.int16)
        self._pin_key = pin_key

    # Identity

    @staticmethod
    def member_id(member: int) -> str:
        return f"c:{member}"

    @staticmethod
    def union_id(union: int) -> str:
        return f"c:u{union}"

    def pin(self, member: int) -> str:
        """Return the PIN the member chose at activation (six digits, within the PIN policy)."""
        hashed = counter_hash_int(self._pin_key, member)
        for shift in range(0, 64, 8):
            pin = f"{(hashed >> shift) % 1_000_000:06d}"
            if pin != INITIAL_PIN and pin_policy_problem(pin) is None:
                return pin
        return "135790"

    def wrong_pin(self, member: int) -> str:
        """Return a PIN that differs from the member's in its last digit."""
        pin = self.pin(member)
        return pin[:-1] + str((int(pin[-1]) + 1) % 10)

    # Selections

    def with_card(self, state: CardState) -> np.ndarray:
        """Return the indices of members whose card is in ``state``."""
        return np.flatnonzero(self.card == state)

    @property
    def nbytes(self) -> int:
        arrays = (self.card, self.welfare, self.transit, self.etc, self.app, self.welfare_paid,
                  self.welfare_year, self.wave)
        return sum(a.nbytes for a in arrays)

"""The provincial real-name registry of union members, as the card programme uses it.

Only a member recorded in the registry may get a card, and each member may hold
one card at a time. The registry keeps two flags per member: enrolled, and
holding a card. A card request returns a result value per member, not an
exception. A second card for the same member is ``card_exists``, also when both
requests come in the same batch. Closing a card frees the member to get a
new one. Replacing a lost card is not a second card, so a replacement needs
no request here.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["CardRequestResult", "RealNameRegistry"]


class CardRequestResult(IntEnum):
    """The result of a card request for one member; the values are in order of precedence."""

    ok = 0
    unknown_member = 1
    not_enrolled = 2
    card_exists = 3


class RealNameRegistry:
    """Enrolment and card-holding flags for members ``0`` to ``member_count - 1``."""

    def __init__(self, member_count: int, enrolled: np.ndarray | None = None) -> None:
        if member_count < 0:
            raise ValueError(f"member_count must be 0 or more, got {member_count}")
        if enrolled is None:
            self._enrolled = np.zeros(member_count, dtype=bool)
        else:
            if len(enrolled) != member_count:
                raise ValueError(
                    f"enrolled has {len(enrolled)} flags; expected one per member ({member_count})"
                )
            self._enrolled = np.array(enrolled, dtype=bool)
        self._card = np.zeros(member_count, dtype=bool)

    def __len__(self) -> int:
        return len(self._enrolled)

    @property
    def enrolled_count(self) -> int:
        return int(self._enrolled.sum())

    @property
    def card_count(self) -> int:
        return int(self._card.sum())

    def enrol(self, members: np.ndarray | int) -> None:
        """Record ``members`` in the registry; enrolling twice changes nothing."""
        self._enrolled[self._checked(members)] = True

    def is_enrolled(self, members: np.ndarray | int) -> np.ndarray:
        """Return a bool per member: recorded in the registry."""
        return self._enrolled[self._checked(members)]

    def has_card(self, members: np.ndarray | int) -> np.ndarray:
        """Return a bool per member: holding a card now."""
        return self._card[self._checked(members)]

    def issue_card(self, members: np.ndarray | int) -> np.ndarray:
        """Grant a card to each eligible member and return a result (int8) per request.

        The results are :class:`CardRequestResult` values, aligned with
        ``members``. Only the first request for a member in the batch can be
        ``ok``; a repeat is ``card_exists``.
        """
        requests = np.atleast_1d(np.asarray(members, dtype=np.int64))
        result = np.full(len(requests), CardRequestResult.ok, dtype=np.int8)
        known = (requests >= 0) & (requests < len(self))
        result[~known] = CardRequestResult.unknown_member

        rows = np.flatnonzero(known)
        ids = requests[rows]
        first = np.zeros(len(rows), dtype=bool)
        first[np.unique(ids, return_index=True)[1]] = True
        result[rows[~self._enrolled[ids]]] = CardRequestResult.not_enrolled
        refused = self._enrolled[ids] & (self._card[ids] | ~first)
        result[rows[refused]] = CardRequestResult.card_exists

        granted = ids[result[rows] == CardRequestResult.ok]
        self._card[granted] = True
        return result

    def close_card(self, members: np.ndarray | int) -> np.ndarray:
        """Record that ``members`` closed their card; return a bool per member that had one."""
        rows = self._checked(members)
        had = self._card[rows].copy()
        self._card[rows] = False
        return had

    def _checked(self, members: np.ndarray | int) -> np.ndarray:
        rows = np.asarray(members, dtype=np.int64)
        if rows.size and (rows.min() < 0 or rows.max() >= len(self)):
            bad = rows[(rows < 0) | (rows >= len(self))].flat[0]
            raise IndexError(f"member {bad} is not in the registry (0 to {len(self) - 1})")
        return rows

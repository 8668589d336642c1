"""What the core remembers of each request: authorization records and retransmissions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from twin.authorization.requests import AccountType, Kind, Request, Response

__all__ = ["AuthorizationRecord", "DuplicateCache"]


@dataclass(slots=True)
class AuthorizationRecord:
    """An approved request, kept so that voids, refunds, reversals and completions can find it.

    ``amount`` is the gross amount (what the merchant charged); ``paid`` is what
    the card's account paid and ``discount`` what the campaign paid. ``returned``
    counts the gross amount given back so far by voids, refunds and reversals.
    """

    id: str
    kind: Kind
    pan: str
    member: str
    local_date: dt.date
    account: AccountType | None = None
    merchant_id: str = ""
    amount: int = 0
    paid: int = 0
    discount: int = 0
    #: Ledger transfer that moved the card's money (a post, or a single transfer).
    transfer_id: int = 0
    #: Ledger transfer that paid the discount, if any.
    discount_transfer_id: int = 0
    #: Pending transfer of a pre-authorization.
    hold_id: int = 0
    returned: int = 0
    returned_paid: int = 0
    returned_discount: int = 0
    reversed: bool = False
    voided: bool = False
    #: Authorization ids of the completions of a pre-authorization. A tuple,
    #: so that the many records without one hold no list for the collector.
    completions: tuple[str, ...] = ()


class DuplicateCache:
    """Responses by terminal id, STAN and local date, to answer retransmissions.

    The same key with the same content gets the first response again and
    changes nothing; the same key with other content is a duplicate (94).
    Keys of days before yesterday are dropped as days pass.
    """

    def __init__(self) -> None:
        # Each entry is the request's content (see _content) followed by the response,
        # in one tuple: one object per request for the garbage collector, not two.
        self._entries: dict[tuple[str, str, dt.date | None], tuple] = {}
        self._newest_date: dt.date | None = None

    def lookup(self, request: Request, key: tuple | None = None) -> tuple[bool, Response | None]:
        """Return (seen, response): the first response for a retransmission, or
        (True, None) when the key was used with other content.

        ``key`` is ``request.duplicate_key()`` when the caller has it already.
        """
        entry = self._entries.get(request.duplicate_key() if key is None else key)
        if entry is None:
            return False, None
        if entry[:-1] == _content(request):
            return True, entry[-1]
        return True, None

    def response_for(self, terminal_id: str, stan: str, date: dt.date) -> tuple[Kind, Response] | None:
        """Return the kind of request ``terminal_id`` sent with ``stan`` on local ``date``
        and the response it got, if kept."""
        entry = self._entries.get((terminal_id, stan, date))
        if entry is None:
            return None
        return entry[0], entry[-1]

    def remember(self, request: Request, response: Response, key: tuple | None = None) -> None:
        """Keep ``response`` for retransmissions of ``request`` (``key`` as in :meth:`lookup`)."""
        if not request.terminal_id or not request.stan:
            return
        if key is None:
            key = request.duplicate_key()
        self._entries[key] = (
            request.kind,
            request.channel,
            request.pan,
            request.amount,
            request.currency,
            request.merchant_id,
            request.account,
            request.to_account,
            request.to_account_number,
            request.original_authorization_id,
            request.original_stan,
            response,
        )
        date = key[2]
        if date is not None and (self._newest_date is None or date > self._newest_date):
            self._newest_date = date
            self._prune(date)

    def __len__(self) -> int:
        return len(self._entries)

    def _prune(self, today: dt.date) -> None:
        oldest = today - dt.timedelta(days=1)
        stale = [key for key in self._entries if key[2] is not None and key[2] < oldest]
        for key in stale:
            del self._entries[key]


def _content(request: Request) -> tuple:
    # The same fields, in the same order, as an entry of DuplicateCache.remember.
    return (
        request.kind,
        request.channel,
        request.pan,
        request.amount,
        request.currency,
        request.merchant_id,
        request.account,
        request.to_account,
        request.to_account_number,
        request.original_authorization_id,
        request.original_stan,
    )

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

    An entry keeps a hash of the request's content instead of the content, and
    the response's fields in one tuple. The approval code, which is the authorization id's last six digits,
    is made again from the id. The request's kind and the response's code,
    reason and account are kept as one tuple shared by all entries with the
    same four, and a response without balance, available balance, own approval
    code or trace (most of them) is kept without those four fields. A
    retransmission gets a new :class:`Response` equal to the first. NOTE: two different contents with the same 64-bit hash
    would pass as a retransmission. The chance is about one in 2**64 per reused
    key, and a key is reused only by a terminal that repeats a STAN on one day.
    """

    def __init__(self) -> None:
        # One dict per local date (None for requests without a local time), keyed by
        # terminal id and STAN joined with a unit separator: one string, not a tuple of three.
        self._days: dict[dt.date | None, dict[str, tuple]] = {}
        self._newest_date: dt.date | None = None
        # Shared (kind, code, reason, account) tuples, keyed by the ids of the kind, code and
        # account and by the reason, because hashing ints and a string is cheaper than enum members.
        self._shapes: dict[tuple, tuple] = {}

    @staticmethod
    def key(request: Request) -> tuple[dt.date | None, str]:
        """Return the cache's key of ``request``: its local date, and its terminal id and STAN as one string."""
        local_time = request.local_time
        return (local_time.date() if local_time else None, f"{request.terminal_id}\x1f{request.stan}")

    def lookup(self, request: Request, key: tuple | None = None) -> tuple[bool, Response | None]:
        """Return (seen, response): the first response for a retransmission, or
        (True, None) when the key was used with other content.

        ``key`` is :meth:`key` of ``request`` when the caller has it already.
        """
        date, terminal_stan = self.key(request) if key is None else key
        day = self._days.get(date)
        if day is None:
            return False, None
        entry = day.get(terminal_stan)
        if entry is None:
            return False, None
        if entry[0] == _content_hash(request):
            return True, _response(entry)
        return True, None

    def response_for(self, terminal_id: str, stan: str, date: dt.date) -> tuple[Kind, Response] | None:
        """Return the kind of request ``terminal_id`` sent with ``stan`` on local ``date``
        and the response it got, if kept."""
        day = self._days.get(date)
        entry = None if day is None else day.get(f"{terminal_id}\x1f{stan}")
        if entry is None:
            return None
        return entry[1][0], _response(entry)

    def remember(self, request: Request, response: Response, key: tuple | None = None) -> None:
        """Keep ``response`` for retransmissions of ``request`` (``key`` as in :meth:`lookup`)."""
        if not request.terminal_id or not request.stan:
            return
        date, terminal_stan = self.key(request) if key is None else key
        day = self._days.get(date)
        if day is None:
            day = self._days[date] = {}
        # Inline _pack_ids for the usual purchase (hold and post, and the discount), called per request.
        authorization_id = response.authorization_id
        packed = transfer_ids = response.transfer_ids
        count = len(transfer_ids)
        if 2 <= count <= 3:
            first = transfer_ids[0]
            if type(first) is int and first >= 0 and transfer_ids[-1] == first + count - 1 and (
                count == 2 or transfer_ids[1] == first + 1
            ):
                packed = first << 2 | count
                # A purchase's id comes right after its three reserved transfer ids. The
                # negative count (a shared small int) marks ids that end three below the id.
                try:
                    if int(authorization_id) == first + 3:
                        packed = -count
                except ValueError:
                    pass
        elif count == 1:
            packed = _pack_ids(transfer_ids)
        approval_code = response.approval_code
        if approval_code == authorization_id[-6:]:
            approval_code = None
        kind, code, reason, account = request.kind, response.code, response.reason, response.account
        shape_key = (id(kind), id(code), reason, id(account))
        shape = self._shapes.get(shape_key)
        if shape is None:
            shape = self._shapes[shape_key] = (kind, code, reason, account)
        balance, available, trace = response.balance, response.available, response.trace
        if balance is None and available is None and approval_code is None and trace.__class__ is tuple and not trace:
            day[terminal_stan] = (
                _content_hash(request), shape, authorization_id, response.amount, response.discount, response.arpc, packed,
            )
        else:
            day[terminal_stan] = (
                _content_hash(request), shape, authorization_id, response.amount, response.discount, response.arpc, packed,
                balance, available, approval_code, trace,
            )
        if date is not None and (self._newest_date is None or date > self._newest_date):
            self._newest_date = date
            self._prune(date)

    def __len__(self) -> int:
        return sum(len(day) for day in self._days.values())

    def _prune(self, today: dt.date) -> None:
        oldest = today - dt.timedelta(days=1)
        for date in [date for date in self._days if date is not None and date < oldest]:
            del self._days[date]


def _response(entry: tuple) -> Response:
    """Build the response that :meth:`DuplicateCache.remember` kept in ``entry``."""
    if len(entry) == _SHORT_ENTRY:
        _, (_, code, reason, account), authorization_id, amount, discount, arpc, transfer_ids = entry
        return Response(
            code, reason, authorization_id, account, amount, discount, None, None, arpc,
            authorization_id[-6:], _unpack_ids(transfer_ids, authorization_id),
        )
    (_, (_, code, reason, account), authorization_id, amount, discount, arpc, transfer_ids,
     balance, available, approval_code, trace) = entry
    return Response(
        code, reason, authorization_id, account, amount, discount, balance, available, arpc,
        authorization_id[-6:] if approval_code is None else approval_code, _unpack_ids(transfer_ids, authorization_id),
        trace,
    )


#: Length of an entry kept without balance, available balance, approval code and trace.
_SHORT_ENTRY = 7


def _pack_ids(transfer_ids: tuple[int, ...]) -> int | tuple[int, ...]:
    """Return 1 to 3 consecutive transfer ids (a purchase's hold, post and discount) as one int.

    The int is the first id times 4 plus the count: about 30 bytes instead of a
    tuple of ints (about 120).
    """
    count = len(transfer_ids)
    if not 1 <= count <= 3:
        return transfer_ids
    first = transfer_ids[0]
    if type(first) is not int or first < 0 or transfer_ids[-1] != first + count - 1:
        return transfer_ids
    if count == 3 and transfer_ids[1] != first + 1:
        return transfer_ids
    return first << 2 | count


def _unpack_ids(packed: int | tuple[int, ...], authorization_id: str) -> tuple[int, ...]:
    if type(packed) is int:
        if packed < 0:
            first = int(authorization_id) - 3
            return tuple(range(first, first - packed))
        first = packed >> 2
        return tuple(range(first, first + (packed & 3)))
    return packed


def _content_hash(request: Request) -> int:
    """Return the hash of what must match for a request to be a retransmission of the first.

    The enum fields are hashed as their values, which is what a StrEnum member
    equals and is faster than ``Enum.__hash__``, a Python function.
    """
    account, to_account = request.account, request.to_account
    try:
        kind, channel = request.kind._value_, request.channel._value_
        if account is not None:
            account = account._value_
        if to_account is not None:
            to_account = to_account._value_
    except AttributeError:
        # A field that is not an enum member, in a request no one checked.
        kind, channel = getattr(request.kind, "_value_", request.kind), getattr(request.channel, "_value_", request.channel)
        account, to_account = getattr(account, "_value_", account), getattr(to_account, "_value_", to_account)
    return hash((
        kind, channel, request.pan, request.amount, request.currency, request.merchant_id, account, to_account,
        request.to_account_number, request.original_authorization_id, request.original_stan,
    ))

"""Transfers: immutable movements of fen from one account to another.

A transfer debits one account and credits another by the same amount, so the
ledger balances by construction. Transfers never change; a correction (refund,
reversal, void) is a new transfer that names the one it corrects.

Two-phase transfers follow TigerBeetle's model. A ``PENDING`` transfer places a
hold: the amount moves into the pending sums of both accounts. Exactly one later
transfer resolves the hold: ``POST_PENDING`` (for the whole amount or less; the
rest is released), ``VOID_PENDING`` (all of it released), or an expiry that the
ledger records itself once the hold's timeout has passed.
"""

from __future__ import annotations

from enum import IntFlag, StrEnum

__all__ = ["Transfer", "TransferCode", "TransferFlags", "INFLOW_CODES", "OUTFLOW_CODES"]


class TransferCode(StrEnum):
    """The reason money moved; the welfare rules and class II limits key on it."""

    DEPOSIT = "deposit"
    DISBURSEMENT = "disbursement"
    PURCHASE = "purchase"
    CAMPAIGN_DISCOUNT = "campaign_discount"
    REFUND = "refund"
    REVERSAL = "reversal"
    CASH_WITHDRAWAL = "cash_withdrawal"
    TRANSFER = "transfer"
    TRANSIT_TOPUP = "transit_topup"
    TRANSIT_FARE = "transit_fare"
    ETC_TOLL = "etc_toll"
    INTEREST = "interest"
    REPLACEMENT = "replacement"
    CLOSURE_SETTLEMENT = "closure_settlement"
    FUNDING = "funding"
    EXPIRY = "expiry"


# NOTE: the ledger trusts the caller's code. Only interest is tied to its payer,
# so a deposit coded as a replacement, funding or closure settlement would pass
# the class II limits uncounted.

#: Money in that counts against a class II account's inflow limits: deposits,
#: transfers from other accounts and union disbursements. Refunds, reversals,
#: interest and the move of balances to a replacement card do not count.
INFLOW_CODES = frozenset({TransferCode.DEPOSIT, TransferCode.TRANSFER, TransferCode.DISBURSEMENT})

#: Money out that counts against a class II account's outflow limits.
OUTFLOW_CODES = frozenset(
    {
        TransferCode.PURCHASE,
        TransferCode.CASH_WITHDRAWAL,
        TransferCode.TRANSFER,
        TransferCode.TRANSIT_TOPUP,
        TransferCode.ETC_TOLL,
    }
)


class TransferFlags(IntFlag):
    """Options that change how a transfer is applied."""

    NONE = 0
    #: This transfer and the next one in the batch commit or fail together; a
    #: chain ends at the first transfer without the flag.
    LINKED = 1
    #: Place a hold instead of moving posted money.
    PENDING = 2
    #: Resolve the hold named by ``pending_id`` by posting ``amount`` of it.
    POST_PENDING = 4
    #: Resolve the hold named by ``pending_id`` by releasing all of it.
    VOID_PENDING = 8
    #: Set by the ledger on the void it records when a hold's timeout passes.
    EXPIRED = 16


class Transfer:
    """One transfer request and, once committed, its record.

    ``timeout`` is in seconds and only meaningful on a pending transfer.
    ``timestamp`` (epoch microseconds) is assigned by the ledger. The references
    tie a transfer to the outside world: the authorization that caused it, the
    disbursement batch it belongs to, and the transfer it refunds or reverses
    (``original_id``).
    """

    __slots__ = (
        "id",
        "debit_account_id",
        "credit_account_id",
        "amount",
        "code",
        "flags",
        "pending_id",
        "timeout",
        "timestamp",
        "authorization_id",
        "batch_id",
        "original_id",
    )

    def __init__(
        self,
        id: int,
        debit_account_id: int = 0,
        credit_account_id: int = 0,
        amount: int = 0,
        code: TransferCode | str = TransferCode.TRANSFER,
        flags: TransferFlags | int = TransferFlags.NONE,
        pending_id: int = 0,
        timeout: int = 0,
        timestamp: int = 0,
        authorization_id: str = "",
        batch_id: str = "",
        original_id: int = 0,
    ) -> None:
        self.id = id
        self.debit_account_id = debit_account_id
        self.credit_account_id = credit_account_id
        self.amount = amount
        # The enum calls are skipped for members, as they are on the hot path.
        self.code = code if code.__class__ is TransferCode else TransferCode(code)
        self.flags = flags if flags.__class__ is TransferFlags else TransferFlags(flags)
        self.pending_id = pending_id
        self.timeout = timeout
        self.timestamp = timestamp
        self.authorization_id = authorization_id
        self.batch_id = batch_id
        self.original_id = original_id

    def content(self) -> tuple:
        """Return every field a caller sets, to compare a retry with the original."""
        return (
            self.debit_account_id,
            self.credit_account_id,
            self.amount,
            self.code,
            int(self.flags),
            self.pending_id,
            self.timeout,
            self.authorization_id,
            self.batch_id,
            self.original_id,
        )

    def __repr__(self) -> str:
        flags = "|".join(flag.name for flag in TransferFlags if flag and flag in self.flags) or "-"
        return (
            f"Transfer(id={self.id}, {self.debit_account_id}->{self.credit_account_id}, "
            f"amount={self.amount}, code={self.code.value}, flags={flags}, "
            f"pending_id={self.pending_id}, original_id={self.original_id})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Transfer):
            return NotImplemented
        return self.id == other.id and self.content() == other.content() and self.timestamp == other.timestamp

    def __hash__(self) -> int:
        return hash(self.id)

"""Accounts: whose money they keep, under which rules, and their four balances.

An account never stores "the balance" directly. Like TigerBeetle's accounts it
keeps four running sums, each only ever increased by transfers:

    debits_pending   debits_posted   credits_pending   credits_posted

A member's account is a liability of the bank, so its balance is credits minus
debits, and the money it can spend (its available balance) also subtracts the
holds placed on it: ``credits_posted - debits_posted - debits_pending``.
"""

from __future__ import annotations

from enum import IntFlag, StrEnum

__all__ = [
    "shared_number",
    "Account",
    "AccountClass",
    "AccountCode",
    "AccountFlags",
    "AccountStatus",
]


class AccountCode(StrEnum):
    """The purpose of an account; the welfare rules and reports key on it."""

    MEMBER_MAIN = "member_main"
    MEMBER_WELFARE = "member_welfare"
    TRANSIT_WALLET = "transit_wallet"
    UNION_CORPORATE = "union_corporate"
    MERCHANT_SETTLEMENT = "merchant_settlement"
    CAMPAIGN_SUBSIDY = "campaign_subsidy"
    BANK_CASH = "bank_cash"
    INTEREST_EXPENSE = "interest_expense"
    ETC_CLEARING = "etc_clearing"
    TRANSIT_CLEARING = "transit_clearing"
    OUTSIDE_CLEARING = "outside_clearing"
    CLOSURE_SETTLEMENT = "closure_settlement"
    SUSPENSE = "suspense"


class AccountClass(StrEnum):
    """The PBOC personal account class (I, II, III) or none for bank accounts."""

    NONE = "-"
    I = "I"  # noqa: E741 - the regulator's name for the class
    II = "II"
    III = "III"


class AccountFlags(IntFlag):
    """Rules that the ledger enforces on every transfer touching the account."""

    NONE = 0
    #: The account may not go below zero: debits (posted and pending) stay within
    #: posted credits. Set on every account that keeps a customer's money.
    DEBITS_MUST_NOT_EXCEED_CREDITS = 1
    #: The mirror rule for accounts whose normal side is the debit side.
    CREDITS_MUST_NOT_EXCEED_DEBITS = 2
    #: The restricted welfare (special) account: only the money in and out that
    #: :mod:`twin.ledger.welfare` allows.
    WELFARE = 4
    #: A merchant settlement account of a designated merchant, the only place a
    #: welfare account may pay.
    DESIGNATED = 8
    #: Class II daily and yearly limits on money in and money out apply.
    LIMITED = 16
    #: The account earns demand interest, settled quarterly.
    EARNS_INTEREST = 32


# Flags as plain ints: an operator on IntFlag members runs Python code in the
# enum module, and ``balance`` and ``available`` are read on every transfer.
_CMNED = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
_WELFARE = int(AccountFlags.WELFARE)


# One object per day or year number that accounts hold, so a million accounts on
# the same day share one int instead of a million 28-byte copies.
_SHARED: dict[int, int] = {}


def shared_number(value: int) -> int:
    """Return the one shared int object equal to ``value``, for the day and year numbers accounts keep."""
    return _SHARED.setdefault(value, value)


class AccountStatus(StrEnum):
    """Whether an account accepts transfers."""

    OPEN = "open"
    FROZEN = "frozen"
    CLOSED = "closed"


class Account:
    """One account and its running sums, kept by the ledger.

    Callers create an account with the identity fields; the ledger owns the
    balances, the status and the window and interest counters from then on.
    """

    __slots__ = (
        "id",
        "code",
        "owner",
        "account_class",
        "flags",
        "status",
        "debits_pending",
        "debits_posted",
        "credits_pending",
        "credits_posted",
        "timestamp",
        # Class II windows: the local day and year they count, and the money in
        # and out counted so far in each.
        "day",
        "day_in",
        "day_out",
        "year",
        "year_in",
        "year_out",
        # Interest: balance-days products (fen x days) since the last settlement,
        # kept apart for 365- and 366-day years, up to (not including) local day
        # ``interest_day``.
        "product_365",
        "product_366",
        "interest_day",
    )

    def __init__(
        self,
        id: int,
        code: AccountCode | str,
        owner: str = "",
        account_class: AccountClass | str = AccountClass.NONE,
        flags: AccountFlags | int = AccountFlags.NONE,
        status: AccountStatus | str = AccountStatus.OPEN,
    ) -> None:
        self.id = id
        self.code = AccountCode(code)
        self.owner = owner
        self.account_class = AccountClass(account_class)
        self.flags = AccountFlags(flags)
        self.status = AccountStatus(status)
        self.debits_pending = 0
        self.debits_posted = 0
        self.credits_pending = 0
        self.credits_posted = 0
        self.timestamp = 0
        self.day = -1
        self.day_in = 0
        self.day_out = 0
        self.year = -1
        self.year_in = 0
        self.year_out = 0
        self.product_365 = 0
        self.product_366 = 0
        self.interest_day = -1

    @property
    def balance(self) -> int:
        """Posted balance on the account's normal side, in fen."""
        if int(self.flags) & _CMNED:
            return self.debits_posted - self.credits_posted
        return self.credits_posted - self.debits_posted

    @property
    def available(self) -> int:
        """Balance that can still be spent: posted balance less open holds."""
        if int(self.flags) & _CMNED:
            return self.debits_posted - self.credits_posted - self.credits_pending
        return self.credits_posted - self.debits_posted - self.debits_pending

    @property
    def is_welfare(self) -> bool:
        return bool(int(self.flags) & _WELFARE)

    def same_identity(self, other: Account) -> bool:
        """Tell whether two accounts were created with the same fields."""
        return (
            self.code == other.code
            and self.owner == other.owner
            and self.account_class == other.account_class
            and self.flags == other.flags
        )

    def __repr__(self) -> str:
        return (
            f"Account(id={self.id}, code={self.code.value}, class={self.account_class.value}, "
            f"status={self.status.value}, balance={self.balance}, available={self.available})"
        )

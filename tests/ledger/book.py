"""A small chart of accounts and helpers shared by the ledger tests.

One member (class II main, welfare and transit wallet accounts), two grassroots
unions, the province union, a designated and a plain merchant, and the bank's
own accounts. Every helper goes through ``Ledger.create_transfers``.
"""

from __future__ import annotations

import datetime as dt

from twin.calendar import TZ
from twin.ledger import (
    Account,
    AccountClass,
    AccountCode,
    AccountFlags,
    Ledger,
    Transfer,
    TransferCode,
    TransferFlags,
    TransferResult,
)

F = AccountFlags
C = TransferCode
TF = TransferFlags
R = TransferResult

INTEREST = 1
BANK_CASH = 10
UNION = 20
UNION_2 = 21
PROVINCE = 22
CLOSURE = 30
MAIN = 100
WELFARE = 101
WALLET = 102
OTHER_MAIN = 110
OTHER_WELFARE = 111
SHOP = 200
PLAIN_SHOP = 201
OUTSIDE = 300
NEW_MAIN = 400
NEW_WELFARE = 401
NEW_WALLET = 402

MEMBER_FLAGS = F.DEBITS_MUST_NOT_EXCEED_CREDITS | F.LIMITED | F.EARNS_INTEREST
WELFARE_FLAGS = MEMBER_FLAGS | F.WELFARE


def local(
    year: int, month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0
) -> dt.datetime:
    """Return an Asia/Shanghai datetime."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=TZ)


def chart(member_class: AccountClass = AccountClass.II) -> list[Account]:
    """Return the accounts of the standard test book (the interest account comes from the ledger)."""
    limited = F.LIMITED if member_class is AccountClass.II else F.NONE
    member = (MEMBER_FLAGS & ~F.LIMITED) | limited
    welfare = (WELFARE_FLAGS & ~F.LIMITED) | limited
    return [
        Account(BANK_CASH, AccountCode.BANK_CASH, "bank"),
        Account(
            UNION, AccountCode.UNION_CORPORATE, "union-a", flags=F.DEBITS_MUST_NOT_EXCEED_CREDITS
        ),
        Account(
            UNION_2, AccountCode.UNION_CORPORATE, "union-b", flags=F.DEBITS_MUST_NOT_EXCEED_CREDITS
        ),
        Account(
            PROVINCE,
            AccountCode.UNION_CORPORATE,
            "province",
            flags=F.DEBITS_MUST_NOT_EXCEED_CREDITS,
        ),
        Account(CLOSURE, AccountCode.CLOSURE_SETTLEMENT, "bank"),
        Account(MAIN, AccountCode.MEMBER_MAIN, "m1", member_class, member),
        Account(WELFARE, AccountCode.MEMBER_WELFARE, "m1", member_class, welfare),
        Account(WALLET, AccountCode.TRANSIT_WALLET, "m1", flags=F.DEBITS_MUST_NOT_EXCEED_CREDITS),
        Account(OTHER_MAIN, AccountCode.MEMBER_MAIN, "m2", member_class, member),
        Account(OTHER_WELFARE, AccountCode.MEMBER_WELFARE, "m2", member_class, welfare),
        Account(SHOP, AccountCode.MERCHANT_SETTLEMENT, "shop", flags=F.DESIGNATED),
        Account(PLAIN_SHOP, AccountCode.MERCHANT_SETTLEMENT, "corner-shop"),
        Account(OUTSIDE, AccountCode.OUTSIDE_CLEARING, "bank"),
    ]


def replacement_accounts(member_class: AccountClass = AccountClass.II) -> list[Account]:
    """Return the accounts of member m1's replacement card."""
    return [
        Account(NEW_MAIN, AccountCode.MEMBER_MAIN, "m1", member_class, MEMBER_FLAGS),
        Account(NEW_WELFARE, AccountCode.MEMBER_WELFARE, "m1", member_class, WELFARE_FLAGS),
        Account(
            NEW_WALLET, AccountCode.TRANSIT_WALLET, "m1", flags=F.DEBITS_MUST_NOT_EXCEED_CREDITS
        ),
    ]


def move(
    ledger: Ledger, debit: int, credit: int, amount: int, code: TransferCode, **fields
) -> tuple[int, R]:
    """Create one transfer with a fresh id; return the id and its result."""
    transfer_id = fields.pop("id", None) or ledger.new_id()
    result = ledger.create_transfers(
        [Transfer(transfer_id, debit, credit, amount, code, **fields)]
    )[0]
    return transfer_id, result


def must(ledger: Ledger, debit: int, credit: int, amount: int, code: TransferCode, **fields) -> int:
    """Create one transfer that must succeed; return its id."""
    transfer_id, result = move(ledger, debit, credit, amount, code, **fields)
    assert result is R.OK, f"transfer {debit}->{credit} {amount} {code}: {result}"
    return transfer_id


def fund_union(ledger: Ledger, amount: int, union: int = UNION) -> int:
    return must(ledger, BANK_CASH, union, amount, C.FUNDING)


def deposit(ledger: Ledger, amount: int, account: int = MAIN) -> int:
    return must(ledger, BANK_CASH, account, amount, C.DEPOSIT)


def disburse(ledger: Ledger, amount: int, welfare: int = WELFARE, union: int = UNION) -> int:
    return must(ledger, union, welfare, amount, C.DISBURSEMENT)


def hold(
    ledger: Ledger,
    debit: int,
    credit: int,
    amount: int,
    code: TransferCode = C.PURCHASE,
    timeout: int = 0,
) -> tuple[int, R]:
    """Place a hold; return its id and result."""
    return move(ledger, debit, credit, amount, code, flags=TF.PENDING, timeout=timeout)


def post(
    ledger: Ledger, pending_id: int, amount: int, code: TransferCode = C.PURCHASE
) -> tuple[int, R]:
    return move(ledger, 0, 0, amount, code, flags=TF.POST_PENDING, pending_id=pending_id)


def void(ledger: Ledger, pending_id: int, code: TransferCode = C.PURCHASE) -> tuple[int, R]:
    return move(ledger, 0, 0, 0, code, flags=TF.VOID_PENDING, pending_id=pending_id)


def sums(ledger: Ledger, account_id: int) -> tuple[int, int, int, int]:
    """Return the four running sums of an account."""
    account = ledger.account(account_id)
    return (
        account.debits_pending,
        account.debits_posted,
        account.credits_pending,
        account.credits_posted,
    )


def reopen(ledger: Ledger) -> Ledger:
    """Close the ledger's store and open a new ledger on the same database file."""
    from twin.ledger import SQLiteStore

    ledger.flush()
    path = ledger.store.path
    ledger.store.close()
    return Ledger(SQLiteStore(path), ledger.clock, ledger.config)

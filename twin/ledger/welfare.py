"""The rules of the restricted welfare account, as one pure function.

The welfare (special) account of a union card takes money in only as

- a disbursement from a grassroots union's corporate account,
- a refund or reversal of a purchase that the welfare account itself paid,
- demand interest, and
- the move of its balance from a lost card's welfare account to the replacement's,

and lets money out only as

- a purchase paid to a designated merchant's settlement account,
- the closure settlement of a closed card (back to the paying unions),
- the move of its balance to the replacement card's welfare account, and
- the reversal of a disbursement, back to the union account that paid it.

Nothing else moves money into or out of it: no cash, no deposits, no transfers,
and never anything to or from the card's main account. The ledger and the audit
both call :func:`check_welfare`, so the rule is written once.
"""

from __future__ import annotations

from twin.ledger.accounts import Account, AccountCode, AccountFlags
from twin.ledger.results import TransferResult
from twin.ledger.transfers import TransferCode

__all__ = ["check_welfare"]

# Flags as plain ints, because operators on IntFlag members run slow Python code.
_WELFARE = int(AccountFlags.WELFARE)
_DESIGNATED = int(AccountFlags.DESIGNATED)


def check_welfare(
    code: TransferCode,
    debit: Account,
    credit: Account,
    original_code: TransferCode | None = None,
    original_debit_id: int = 0,
    original_credit_id: int = 0,
) -> TransferResult | None:
    """Return the welfare rule that a transfer breaks, or ``None`` if it breaks none.

    ``original_*`` describe the transfer that a refund or reversal returns.
    """
    if int(credit.flags) & _WELFARE and not _credit_allowed(
        code, debit, credit, original_code, original_debit_id
    ):
        return TransferResult.WELFARE_CREDIT_FORBIDDEN
    if int(debit.flags) & _WELFARE and not _debit_allowed(
        code, debit, credit, original_code, original_debit_id, original_credit_id
    ):
        return TransferResult.WELFARE_DEBIT_FORBIDDEN
    return None


# Private interface


def _credit_allowed(
    code: TransferCode,
    debit: Account,
    credit: Account,
    original_code: TransferCode | None,
    original_debit_id: int,
) -> bool:
    if code is TransferCode.DISBURSEMENT:
        return debit.code is AccountCode.UNION_CORPORATE
    if code is TransferCode.INTEREST:
        return debit.code is AccountCode.INTEREST_EXPENSE
    if code in (TransferCode.REFUND, TransferCode.REVERSAL):
        return original_code is TransferCode.PURCHASE and original_debit_id == credit.id
    if code is TransferCode.REPLACEMENT:
        return bool(int(debit.flags) & _WELFARE) and debit.owner == credit.owner
    return False


def _debit_allowed(
    code: TransferCode,
    debit: Account,
    credit: Account,
    original_code: TransferCode | None,
    original_debit_id: int,
    original_credit_id: int,
) -> bool:
    if code is TransferCode.PURCHASE:
        return credit.code is AccountCode.MERCHANT_SETTLEMENT and bool(int(credit.flags) & _DESIGNATED)
    if code is TransferCode.CLOSURE_SETTLEMENT:
        return credit.code in (AccountCode.UNION_CORPORATE, AccountCode.CLOSURE_SETTLEMENT)
    if code is TransferCode.REPLACEMENT:
        return bool(int(credit.flags) & _WELFARE) and debit.owner == credit.owner
    if code is TransferCode.REVERSAL:
        return (
            original_code is TransferCode.DISBURSEMENT
            and original_credit_id == debit.id
            and original_debit_id == credit.id
        )
    return False

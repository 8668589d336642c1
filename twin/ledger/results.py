"""Result values of the ledger, one name per rule.

A rejected transfer or account is a result, not an exception. The members of
:class:`TransferResult` are listed in the order the ledger checks them, so when
several rules fail the first in this list is the one reported.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["AccountResult", "TransferResult", "OK_RESULTS"]


class AccountResult(StrEnum):
    OK = "ok"
    ID_MUST_NOT_BE_ZERO = "id_must_not_be_zero"
    EXISTS_WITH_DIFFERENT_FIELDS = "exists_with_different_fields"
    EXISTS = "exists"


class TransferResult(StrEnum):
    OK = "ok"
    # A linked chain fails as a whole.
    LINKED_EVENT_FAILED = "linked_event_failed"
    LINKED_EVENT_CHAIN_OPEN = "linked_event_chain_open"
    # The shape of the request.
    ID_MUST_NOT_BE_ZERO = "id_must_not_be_zero"
    FLAGS_ARE_MUTUALLY_EXCLUSIVE = "flags_are_mutually_exclusive"
    PENDING_ID_MUST_BE_ZERO = "pending_id_must_be_zero"
    PENDING_ID_MUST_NOT_BE_ZERO = "pending_id_must_not_be_zero"
    PENDING_ID_MUST_BE_DIFFERENT = "pending_id_must_be_different"
    TIMEOUT_RESERVED_FOR_PENDING_TRANSFER = "timeout_reserved_for_pending_transfer"
    DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO = "debit_account_id_must_not_be_zero"
    CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO = "credit_account_id_must_not_be_zero"
    ACCOUNTS_MUST_BE_DIFFERENT = "accounts_must_be_different"
    AMOUNT_MUST_NOT_BE_ZERO = "amount_must_not_be_zero"
    AMOUNT_MUST_NOT_BE_NEGATIVE = "amount_must_not_be_negative"
    # Idempotency: the same id again.
    EXISTS_WITH_DIFFERENT_FLAGS = "exists_with_different_flags"
    EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID = "exists_with_different_debit_account_id"
    EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID = "exists_with_different_credit_account_id"
    EXISTS_WITH_DIFFERENT_AMOUNT = "exists_with_different_amount"
    EXISTS_WITH_DIFFERENT_PENDING_ID = "exists_with_different_pending_id"
    EXISTS_WITH_DIFFERENT_TIMEOUT = "exists_with_different_timeout"
    EXISTS_WITH_DIFFERENT_CODE = "exists_with_different_code"
    EXISTS_WITH_DIFFERENT_REFERENCES = "exists_with_different_references"
    EXISTS = "exists"
    # Resolving a hold.
    PENDING_TRANSFER_NOT_FOUND = "pending_transfer_not_found"
    PENDING_TRANSFER_NOT_PENDING = "pending_transfer_not_pending"
    PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID = "pending_transfer_has_different_debit_account_id"
    PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID = "pending_transfer_has_different_credit_account_id"
    PENDING_TRANSFER_HAS_DIFFERENT_CODE = "pending_transfer_has_different_code"
    EXCEEDS_PENDING_TRANSFER_AMOUNT = "exceeds_pending_transfer_amount"
    PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT = "pending_transfer_has_different_amount"
    PENDING_TRANSFER_ALREADY_POSTED = "pending_transfer_already_posted"
    PENDING_TRANSFER_ALREADY_VOIDED = "pending_transfer_already_voided"
    PENDING_TRANSFER_EXPIRED = "pending_transfer_expired"
    # The accounts.
    DEBIT_ACCOUNT_NOT_FOUND = "debit_account_not_found"
    CREDIT_ACCOUNT_NOT_FOUND = "credit_account_not_found"
    DEBIT_ACCOUNT_CLOSED = "debit_account_closed"
    CREDIT_ACCOUNT_CLOSED = "credit_account_closed"
    DEBIT_ACCOUNT_FROZEN = "debit_account_frozen"
    # NOTE: never returned, because a frozen account still takes money in (a
    # stop on payments, as for a lost card); it is kept for a stricter freeze.
    CREDIT_ACCOUNT_FROZEN = "credit_account_frozen"
    # Refunds and reversals name the transfer they return.
    ORIGINAL_NOT_FOUND = "original_not_found"
    ORIGINAL_HAS_DIFFERENT_ACCOUNTS = "original_has_different_accounts"
    EXCEEDS_ORIGINAL_AMOUNT = "exceeds_original_amount"
    # The restricted welfare account.
    WELFARE_CREDIT_FORBIDDEN = "welfare_credit_forbidden"
    WELFARE_DEBIT_FORBIDDEN = "welfare_debit_forbidden"
    # Interest comes only from the ledger's interest account: it is exempt from
    # class II limits, so another payer must not label a deposit as interest.
    INTEREST_NOT_FROM_INTEREST_ACCOUNT = "interest_not_from_interest_account"
    # Codes that class II limits do not count (replacement, closure settlement,
    # funding, campaign discounts, transit fares) are allowed only between the
    # accounts they are meant for, so a deposit cannot pass under their name.
    CODE_NOT_ALLOWED_FOR_ACCOUNTS = "code_not_allowed_for_accounts"
    # Class II limits.
    LIMIT_EXCEEDED_DAILY = "limit_exceeded_daily"
    LIMIT_EXCEEDED_YEARLY = "limit_exceeded_yearly"
    # Numbers the store cannot hold: running sums beyond a signed 64-bit
    # integer, or a timeout that is negative or ends beyond one.
    OVERFLOWS_DEBITS = "overflows_debits"
    OVERFLOWS_CREDITS = "overflows_credits"
    OVERFLOWS_TIMEOUT = "overflows_timeout"
    # Funds.
    EXCEEDS_CREDITS = "exceeds_credits"
    EXCEEDS_DEBITS = "exceeds_debits"

    @property
    def ok(self) -> bool:
        """True for a transfer that is in the ledger: new (``ok``) or a retry (``exists``)."""
        return self in OK_RESULTS


OK_RESULTS = frozenset({TransferResult.OK, TransferResult.EXISTS})

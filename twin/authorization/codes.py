"""Response codes of the authorization core (ISO 8583 field 39, UnionPay usage).

Every decline is a :class:`ResponseCode` with a reason: a snake_case name of
the rule that decided it (``welfare_cash_forbidden``, ``pin_incorrect`` ...).
The reason is what a trainer explains; the message catalogue has a sentence in
Chinese and English for each (``authorization.reason.<name>``).
"""

from __future__ import annotations

from enum import StrEnum

from twin.ledger.results import TransferResult

__all__ = ["ResponseCode", "ledger_decline"]


class ResponseCode(StrEnum):
    APPROVED = "00"
    INVALID_MERCHANT = "03"
    INVALID_TRANSACTION = "12"
    INVALID_AMOUNT = "13"
    INVALID_CARD = "14"
    ORIGINAL_NOT_FOUND = "25"
    FORMAT_ERROR = "30"
    LOST_CARD = "41"
    INSUFFICIENT_FUNDS = "51"
    EXPIRED_CARD = "54"
    INCORRECT_PIN = "55"
    NOT_PERMITTED = "57"
    EXCEEDS_AMOUNT_LIMIT = "61"
    RESTRICTED_CARD = "62"
    SECURITY_VIOLATION = "63"
    ORIGINAL_AMOUNT_INCORRECT = "64"
    EXCEEDS_COUNT_LIMIT = "65"
    PIN_TRIES_EXCEEDED = "75"
    ISSUER_UNAVAILABLE = "91"
    DUPLICATE = "94"
    SYSTEM_MALFUNCTION = "96"

    @property
    def approved(self) -> bool:
        return self is ResponseCode.APPROVED


_C = ResponseCode
_R = TransferResult

#: How a ledger rejection reads at the card's side: (response code, reason).
_LEDGER_DECLINES: dict[TransferResult, tuple[ResponseCode, str]] = {
    _R.EXCEEDS_CREDITS: (_C.INSUFFICIENT_FUNDS, "insufficient_funds"),
    _R.LIMIT_EXCEEDED_DAILY: (_C.EXCEEDS_AMOUNT_LIMIT, "class_ii_daily_limit"),
    _R.LIMIT_EXCEEDED_YEARLY: (_C.EXCEEDS_COUNT_LIMIT, "class_ii_yearly_limit"),
    _R.WELFARE_CREDIT_FORBIDDEN: (_C.NOT_PERMITTED, "welfare_credit_forbidden"),
    _R.WELFARE_DEBIT_FORBIDDEN: (_C.NOT_PERMITTED, "welfare_debit_forbidden"),
    _R.DEBIT_ACCOUNT_CLOSED: (_C.RESTRICTED_CARD, "account_closed"),
    _R.CREDIT_ACCOUNT_CLOSED: (_C.RESTRICTED_CARD, "account_closed"),
    _R.DEBIT_ACCOUNT_FROZEN: (_C.RESTRICTED_CARD, "account_frozen"),
    _R.ORIGINAL_NOT_FOUND: (_C.ORIGINAL_NOT_FOUND, "original_not_found"),
    _R.EXCEEDS_ORIGINAL_AMOUNT: (_C.ORIGINAL_AMOUNT_INCORRECT, "exceeds_original_amount"),
    _R.EXCEEDS_PENDING_TRANSFER_AMOUNT: (_C.ORIGINAL_AMOUNT_INCORRECT, "exceeds_preauthorized_amount"),
    _R.PENDING_TRANSFER_ALREADY_POSTED: (_C.INVALID_TRANSACTION, "preauthorization_already_completed"),
    _R.PENDING_TRANSFER_ALREADY_VOIDED: (_C.INVALID_TRANSACTION, "preauthorization_already_cancelled"),
    _R.PENDING_TRANSFER_EXPIRED: (_C.ORIGINAL_NOT_FOUND, "preauthorization_expired"),
    _R.PENDING_TRANSFER_NOT_FOUND: (_C.ORIGINAL_NOT_FOUND, "original_not_found"),
}


def ledger_decline(result: TransferResult) -> tuple[ResponseCode, str]:
    """Return the response code and reason for a ledger rejection."""
    return _LEDGER_DECLINES.get(result, (_C.SYSTEM_MALFUNCTION, f"ledger_{result.value}"))

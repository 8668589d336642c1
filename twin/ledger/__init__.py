"""The double-entry ledger of the twin: accounts, transfers, holds and the audit.

Public names::

    Ledger, LedgerConfig            the ledger and its settings
    SQLiteStore                     the store of record (SQLite, WAL)
    Account, AccountCode, AccountClass, AccountFlags, AccountStatus
    Transfer, TransferCode, TransferFlags
    DisbursementBatch, DisbursementOutcome
                                    a disbursement file as columns, for Ledger.disburse
    TransferResult, AccountResult   result values, one name per rule
    Limits                          class II limits
    CardAccounts, ClosurePolicy, replace_card_accounts, close_card_accounts
    verify, AuditReport             the audit

This package imports nothing else from ``twin`` except money, calendar and
clock helpers, and never imports simpy.
"""

from twin.ledger.accounts import Account, AccountClass, AccountCode, AccountFlags, AccountStatus
from twin.ledger.audit import AuditReport, Problem, verify, verify_store
from twin.ledger.disburse import DisbursementBatch, DisbursementOutcome
from twin.ledger.ledger import Ledger, LedgerConfig
from twin.ledger.lifecycle import (
    CardAccounts,
    ClosurePolicy,
    close_card_accounts,
    replace_card_accounts,
)
from twin.ledger.limits import Limits
from twin.ledger.results import AccountResult, TransferResult
from twin.ledger.store import SQLiteStore
from twin.ledger.transfers import Transfer, TransferCode, TransferFlags

__all__ = [
    "Account",
    "AccountClass",
    "AccountCode",
    "AccountFlags",
    "AccountResult",
    "AccountStatus",
    "AuditReport",
    "CardAccounts",
    "ClosurePolicy",
    "DisbursementBatch",
    "DisbursementOutcome",
    "Ledger",
    "LedgerConfig",
    "Limits",
    "Problem",
    "SQLiteStore",
    "Transfer",
    "TransferCode",
    "TransferFlags",
    "TransferResult",
    "close_card_accounts",
    "replace_card_accounts",
    "verify",
    "verify_store",
]

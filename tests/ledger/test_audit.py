"""The audit finds each kind of broken invariant in a database tampered with by hand."""

import json
import re
import sqlite3

import pytest

from twin.ledger import AccountStatus, audit, verify
from twin.ledger.audit import report_json
from twin.ledger.store import TRANSFER_COLUMNS

from .book import (
    BANK_CASH,
    MAIN,
    OTHER_MAIN,
    SHOP,
    TF,
    UNION,
    WELFARE,
    C,
    deposit,
    disburse,
    fund_union,
    hold,
    must,
    post,
)


@pytest.fixture
def sample(ledger):
    """A small clean ledger; returns the ids of its notable transfers."""
    fund_union(ledger, 100_000)
    disburse(ledger, 20_000)
    ids = {"deposit": deposit(ledger, 50_000)}
    ids["purchase"] = must(ledger, MAIN, SHOP, 10_000, C.PURCHASE)
    ids["refund"] = must(ledger, SHOP, MAIN, 4_000, C.REFUND, original_id=ids["purchase"])
    ids["hold"], _ = hold(ledger, MAIN, SHOP, 3_000)
    ids["post"], _ = post(ledger, ids["hold"], 2_000)
    ids["welfare_purchase"] = must(ledger, WELFARE, SHOP, 5_000, C.PURCHASE)
    ledger.flush()
    return ids


def tamper(db_path, sql, *values):
    db = sqlite3.connect(db_path)
    db.execute(sql, values)
    db.commit()
    db.close()


def insert_transfer(db_path, **fields):
    row = {
        "debit_account_id": 0,
        "credit_account_id": 0,
        "amount": 0,
        "code": "transfer",
        "flags": 0,
        "pending_id": 0,
        "timeout": 0,
        "timestamp": 0,
        "authorization_id": "",
        "batch_id": "",
        "original_id": 0,
    }
    row.update(fields)
    db = sqlite3.connect(db_path)
    if not row["timestamp"]:
        row["timestamp"] = db.execute("SELECT max(timestamp) + 1 FROM transfers").fetchone()[0]
    db.execute(
        f"INSERT INTO transfers ({', '.join(TRANSFER_COLUMNS)}) VALUES ({', '.join('?' * len(TRANSFER_COLUMNS))})",
        [row[name] for name in TRANSFER_COLUMNS],
    )
    db.commit()
    db.close()


def rules(db_path):
    return {problem.rule for problem in verify(db_path).problems}


def test_clean_ledger(sample, db_path):
    assert verify(db_path).problems == []


def test_clean_report_counts(sample, db_path):
    report = verify(db_path)
    assert (report.ok, report.transfers, report.holds) == (True, 8, 1)


def test_clean_report_totals_balance(sample, db_path):
    report = verify(db_path)
    assert report.total_debits_posted == report.total_credits_posted


def test_report_json(sample, db_path):
    data = json.loads(report_json(verify(db_path)))
    assert (data["ok"], data["problems"]) == (True, [])


def test_missing_database(tmp_path):
    with pytest.raises(FileNotFoundError, match="ledger database not found"):
        verify(tmp_path / "absent.db")


def test_unbalanced(sample, db_path):
    tamper(db_path, "UPDATE accounts SET credits_posted = credits_posted + 5 WHERE id = ?", MAIN)
    assert "unbalanced" in rules(db_path)


def test_unbalanced_pending(sample, db_path):
    tamper(db_path, "UPDATE accounts SET debits_pending = debits_pending + 5 WHERE id = ?", MAIN)
    assert "unbalanced" in rules(db_path)


def test_balance_mismatch_changed_amount(sample, db_path):
    tamper(db_path, "UPDATE transfers SET amount = amount + 1 WHERE id = ?", sample["deposit"])
    assert rules(db_path) == {"balance_mismatch"}


def test_balance_mismatch_deleted_transfer(sample, db_path):
    tamper(db_path, "DELETE FROM transfers WHERE id = ?", sample["deposit"])
    assert "balance_mismatch" in rules(db_path)


def test_balance_mismatch_names_account(sample, db_path):
    tamper(db_path, "UPDATE transfers SET amount = amount + 1 WHERE id = ?", sample["deposit"])
    accounts = {problem.account_id for problem in verify(db_path).problems}
    assert accounts == {BANK_CASH, MAIN}


def test_negative_balance(sample, db_path):
    tamper(db_path, "UPDATE transfers SET amount = 100000 WHERE id = ?", sample["purchase"])
    assert "negative_balance" in rules(db_path)


def test_welfare_rule_credit_from_main(sample, db_path):
    insert_transfer(db_path, id=9_001, debit_account_id=MAIN, credit_account_id=WELFARE, amount=100)
    problems = [problem for problem in verify(db_path).problems if problem.rule == "welfare_rule"]
    assert [(problem.detail, problem.transfer_id) for problem in problems] == [
        ("welfare_credit_forbidden", 9_001)
    ]


def test_welfare_rule_cash_withdrawal(sample, db_path):
    tamper(
        db_path,
        "UPDATE transfers SET code = 'cash_withdrawal' WHERE id = ?",
        sample["welfare_purchase"],
    )
    assert "welfare_rule" in rules(db_path)


def test_hold_resolved_twice(sample, db_path):
    insert_transfer(
        db_path,
        id=9_002,
        debit_account_id=MAIN,
        credit_account_id=SHOP,
        amount=3_000,
        code="purchase",
        flags=int(TF.VOID_PENDING),
        pending_id=sample["hold"],
    )
    assert "hold_resolved_twice" in rules(db_path)


def test_hold_not_found_deleted_hold(sample, db_path):
    tamper(db_path, "DELETE FROM transfers WHERE id = ?", sample["hold"])
    assert "hold_not_found" in rules(db_path)


def test_hold_not_found_plain_transfer(sample, db_path):
    tamper(
        db_path,
        "UPDATE transfers SET pending_id = ? WHERE id = ?",
        sample["purchase"],
        sample["post"],
    )
    assert "hold_not_found" in rules(db_path)


def test_hold_not_found_other_accounts(sample, db_path):
    tamper(
        db_path, "UPDATE transfers SET credit_account_id = ? WHERE id = ?", UNION, sample["post"]
    )
    assert "hold_not_found" in rules(db_path)


def test_post_exceeds_hold(sample, db_path):
    tamper(db_path, "UPDATE transfers SET amount = 3001 WHERE id = ?", sample["post"])
    assert "post_exceeds_hold" in rules(db_path)


def test_return_exceeds_original(sample, db_path):
    tamper(db_path, "UPDATE transfers SET amount = 10001 WHERE id = ?", sample["refund"])
    assert "return_exceeds_original" in rules(db_path)


def test_return_to_other_account(sample, db_path):
    tamper(
        db_path,
        "UPDATE transfers SET credit_account_id = ? WHERE id = ?",
        OTHER_MAIN,
        sample["refund"],
    )
    assert "return_to_other_account" in rules(db_path)


def test_return_without_original(sample, db_path):
    tamper(db_path, "UPDATE transfers SET original_id = 777777 WHERE id = ?", sample["refund"])
    assert "return_to_other_account" in rules(db_path)


def test_limit_exceeded(sample, db_path):
    insert_transfer(
        db_path,
        id=9_003,
        debit_account_id=BANK_CASH,
        credit_account_id=MAIN,
        amount=990_000,
        code="deposit",
    )
    problems = [problem for problem in verify(db_path).problems if problem.rule == "limit_exceeded"]
    assert [(problem.transfer_id, problem.account_id) for problem in problems] == [(9_003, MAIN)]


def test_limit_exceeded_out(sample, db_path):
    tamper(db_path, "UPDATE transfers SET amount = 1000001 WHERE id = ?", sample["purchase"])
    assert "limit_exceeded" in rules(db_path)


def test_closed_account_used(ledger, sample, db_path):
    must(ledger, MAIN, SHOP, 1_000, C.PURCHASE)
    ledger.flush()
    tamper(
        db_path,
        "UPDATE accounts SET closed_at = (SELECT min(timestamp) FROM transfers) WHERE id = ?",
        MAIN,
    )
    assert "closed_account_used" in rules(db_path)


def test_closing_leaves_audit_clean(ledger, db_path):
    ledger.set_status(OTHER_MAIN, AccountStatus.CLOSED)
    deposit(ledger, 100)
    assert verify(db_path).problems == []


@pytest.mark.parametrize(
    ("column", "value"),
    [("amount", 0), ("amount", -5), ("debit_account_id", 99_999), ("credit_account_id", BANK_CASH)],
    ids=["zero", "negative", "unknown_account", "same_accounts"],
)
def test_transfer_malformed(sample, db_path, column, value):
    tamper(db_path, f"UPDATE transfers SET {column} = ? WHERE id = ?", value, sample["deposit"])
    assert "transfer_malformed" in rules(db_path)


def test_interest_from_other_account(sample, db_path):
    insert_transfer(
        db_path,
        id=9_004,
        debit_account_id=BANK_CASH,
        credit_account_id=MAIN,
        amount=5,
        code="interest",
    )
    assert "transfer_malformed" in rules(db_path)


RULES = {
    "unbalanced",
    "balance_mismatch",
    "negative_balance",
    "welfare_rule",
    "hold_resolved_twice",
    "hold_not_found",
    "post_exceeds_hold",
    "return_exceeds_original",
    "return_to_other_account",
    "limit_exceeded",
    "closed_account_used",
    "transfer_malformed",
}


def documented_rules():
    names = set()
    for line in audit.__doc__.splitlines():
        if line.startswith("- ``"):
            names |= set(re.findall(r"``(\w+)``", line.split(":")[0]))
    return names


def test_documented_rules():
    assert documented_rules() == RULES


def test_every_rule_has_a_test():
    tested = [name.removeprefix("test_") for name in globals() if name.startswith("test_")]
    assert {rule for rule in RULES if not any(name.startswith(rule) for name in tested)} == set()

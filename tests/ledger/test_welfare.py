"""The welfare account's rules, through the ledger and as the pure rule function."""

import pytest

from twin.ledger import Account, AccountCode, AccountFlags
from twin.ledger.welfare import check_welfare

from .book import (
    BANK_CASH,
    CLOSURE,
    INTEREST,
    MAIN,
    NEW_WELFARE,
    OTHER_WELFARE,
    OUTSIDE,
    PLAIN_SHOP,
    PROVINCE,
    SHOP,
    TF,
    UNION,
    UNION_2,
    WALLET,
    WELFARE,
    C,
    R,
    deposit,
    disburse,
    fund_union,
    move,
    must,
    replacement_accounts,
)

LABELLED_OUTSIDE = 310


@pytest.fixture
def funded(ledger):
    """Welfare has 1,000 fen from union A and main has 1,000 fen. Union B has money too."""
    fund_union(ledger, 5000)
    fund_union(ledger, 5000, UNION_2)
    disburse(ledger, 1000)
    deposit(ledger, 1000)
    return ledger


# Money in.


def test_disbursement_from_union(funded):
    assert move(funded, UNION_2, WELFARE, 100, C.DISBURSEMENT)[1] is R.OK


@pytest.mark.parametrize(
    "debit", [BANK_CASH, MAIN, OUTSIDE, SHOP], ids=["bank_cash", "main", "outside", "merchant"]
)
def test_disbursement_from_other_account(funded, debit):
    assert move(funded, debit, WELFARE, 100, C.DISBURSEMENT)[1] is R.WELFARE_CREDIT_FORBIDDEN


@pytest.mark.parametrize(
    ("debit", "code"),
    [
        (BANK_CASH, C.DEPOSIT),
        (OUTSIDE, C.TRANSFER),
        (MAIN, C.TRANSFER),
        (MAIN, C.DEPOSIT),
        (BANK_CASH, C.FUNDING),
        (MAIN, C.TRANSIT_TOPUP),
        (UNION, C.TRANSFER),
        (UNION, C.DEPOSIT),
        (SHOP, C.CAMPAIGN_DISCOUNT),
    ],
    ids=lambda value: str(value),
)
def test_credit_forbidden(funded, debit, code):
    assert move(funded, debit, WELFARE, 100, code)[1] is R.WELFARE_CREDIT_FORBIDDEN


def test_interest_from_interest_account(funded):
    assert move(funded, INTEREST, WELFARE, 5, C.INTEREST)[1] is R.OK


def test_interest_from_other_account(funded):
    assert move(funded, BANK_CASH, WELFARE, 5, C.INTEREST)[1] is R.WELFARE_CREDIT_FORBIDDEN


@pytest.mark.parametrize("code", [C.REFUND, C.REVERSAL])
def test_return_of_welfare_purchase(funded, code):
    purchase = must(funded, WELFARE, SHOP, 300, C.PURCHASE)
    assert move(funded, SHOP, WELFARE, 300, code, original_id=purchase)[1] is R.OK


def test_partial_refund_of_welfare_purchase(funded):
    purchase = must(funded, WELFARE, SHOP, 300, C.PURCHASE)
    must(funded, SHOP, WELFARE, 100, C.REFUND, original_id=purchase)
    assert funded.account(WELFARE).balance == 800


def test_refund_beyond_welfare_purchase(funded):
    purchase = must(funded, WELFARE, SHOP, 300, C.PURCHASE)
    must(funded, SHOP, WELFARE, 200, C.REFUND, original_id=purchase)
    assert (
        move(funded, SHOP, WELFARE, 101, C.REFUND, original_id=purchase)[1]
        is R.EXCEEDS_ORIGINAL_AMOUNT
    )


def test_refund_of_main_purchase_into_welfare(funded):
    purchase = must(funded, MAIN, SHOP, 300, C.PURCHASE)
    result = move(funded, SHOP, WELFARE, 300, C.REFUND, original_id=purchase)[1]
    assert result is R.ORIGINAL_HAS_DIFFERENT_ACCOUNTS


def test_refund_of_replacement_into_welfare(funded):
    funded.create_accounts(replacement_accounts())
    moved = must(funded, WELFARE, NEW_WELFARE, 500, C.REPLACEMENT)
    result = move(funded, NEW_WELFARE, WELFARE, 500, C.REFUND, original_id=moved)[1]
    assert result is R.WELFARE_CREDIT_FORBIDDEN


def test_refund_without_original(funded):
    assert move(funded, SHOP, WELFARE, 100, C.REFUND)[1] is R.ORIGINAL_NOT_FOUND


def test_replacement_from_own_welfare(funded):
    funded.create_accounts(replacement_accounts())
    assert move(funded, WELFARE, NEW_WELFARE, 1000, C.REPLACEMENT)[1] is R.OK


def test_replacement_from_other_members_welfare(funded):
    disburse(funded, 500, OTHER_WELFARE)
    result = move(funded, OTHER_WELFARE, WELFARE, 500, C.REPLACEMENT)[1]
    assert result is R.WELFARE_CREDIT_FORBIDDEN


def test_replacement_from_own_main(funded):
    assert move(funded, MAIN, WELFARE, 500, C.REPLACEMENT)[1] is R.WELFARE_CREDIT_FORBIDDEN


# Money out.


def test_purchase_at_designated_merchant(funded):
    assert move(funded, WELFARE, SHOP, 300, C.PURCHASE)[1] is R.OK


def test_hold_at_designated_merchant(funded):
    assert move(funded, WELFARE, SHOP, 300, C.PURCHASE, flags=TF.PENDING)[1] is R.OK


def test_purchase_at_plain_merchant(funded):
    assert move(funded, WELFARE, PLAIN_SHOP, 300, C.PURCHASE)[1] is R.WELFARE_DEBIT_FORBIDDEN


def test_hold_at_plain_merchant(funded):
    result = move(funded, WELFARE, PLAIN_SHOP, 300, C.PURCHASE, flags=TF.PENDING)[1]
    assert result is R.WELFARE_DEBIT_FORBIDDEN


def test_purchase_to_designated_flag_on_other_code(funded):
    funded.create_accounts(
        [
            Account(
                LABELLED_OUTSIDE,
                AccountCode.OUTSIDE_CLEARING,
                "bank",
                flags=AccountFlags.DESIGNATED,
            )
        ]
    )
    assert move(funded, WELFARE, LABELLED_OUTSIDE, 300, C.PURCHASE)[1] is R.WELFARE_DEBIT_FORBIDDEN


def test_purchase_beyond_welfare_balance(funded):
    assert move(funded, WELFARE, SHOP, 1001, C.PURCHASE)[1] is R.EXCEEDS_CREDITS


@pytest.mark.parametrize(
    ("credit", "code"),
    [
        (BANK_CASH, C.CASH_WITHDRAWAL),
        (OUTSIDE, C.TRANSFER),
        (MAIN, C.TRANSFER),
        (WALLET, C.TRANSIT_TOPUP),
        (SHOP, C.ETC_TOLL),
        (SHOP, C.TRANSIT_FARE),
        (UNION, C.TRANSFER),
    ],
    ids=lambda value: str(value),
)
def test_debit_forbidden(funded, credit, code):
    assert move(funded, WELFARE, credit, 100, code)[1] is R.WELFARE_DEBIT_FORBIDDEN


@pytest.mark.parametrize(
    "credit", [UNION, PROVINCE, CLOSURE], ids=["paying_union", "province", "closure"]
)
def test_closure_settlement(funded, credit):
    assert move(funded, WELFARE, credit, 100, C.CLOSURE_SETTLEMENT)[1] is R.OK


@pytest.mark.parametrize("credit", [MAIN, BANK_CASH, OUTSIDE], ids=["main", "bank_cash", "outside"])
def test_closure_settlement_elsewhere(funded, credit):
    assert move(funded, WELFARE, credit, 100, C.CLOSURE_SETTLEMENT)[1] is R.WELFARE_DEBIT_FORBIDDEN


def test_reversal_of_disbursement(funded):
    disbursement = must(funded, UNION, WELFARE, 200, C.DISBURSEMENT)
    assert move(funded, WELFARE, UNION, 200, C.REVERSAL, original_id=disbursement)[1] is R.OK


def test_refund_of_disbursement(funded):
    disbursement = must(funded, UNION, WELFARE, 200, C.DISBURSEMENT)
    result = move(funded, WELFARE, UNION, 200, C.REFUND, original_id=disbursement)[1]
    assert result is R.WELFARE_DEBIT_FORBIDDEN


def test_reversal_of_disbursement_to_other_union(funded):
    disbursement = must(funded, UNION, WELFARE, 200, C.DISBURSEMENT)
    result = move(funded, WELFARE, UNION_2, 200, C.REVERSAL, original_id=disbursement)[1]
    assert result is R.ORIGINAL_HAS_DIFFERENT_ACCOUNTS


def test_replacement_to_own_new_welfare(funded):
    funded.create_accounts(replacement_accounts())
    assert move(funded, WELFARE, NEW_WELFARE, 400, C.REPLACEMENT)[1] is R.OK


def test_replacement_to_other_members_welfare(funded):
    assert move(funded, WELFARE, OTHER_WELFARE, 400, C.REPLACEMENT)[1] is R.WELFARE_CREDIT_FORBIDDEN


def test_replacement_to_main(funded):
    assert move(funded, WELFARE, MAIN, 400, C.REPLACEMENT)[1] is R.WELFARE_DEBIT_FORBIDDEN


# The pure rule, over every transfer code.

MAIN_ACCOUNT = Account(
    1, AccountCode.MEMBER_MAIN, "m", flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
)
WELFARE_ACCOUNT = Account(2, AccountCode.MEMBER_WELFARE, "m", flags=AccountFlags.WELFARE)
UNION_ACCOUNT = Account(3, AccountCode.UNION_CORPORATE, "u")
DESIGNATED = Account(4, AccountCode.MERCHANT_SETTLEMENT, "s", flags=AccountFlags.DESIGNATED)


@pytest.mark.parametrize("code", list(C), ids=str)
def test_main_to_welfare_never_allowed(code):
    assert check_welfare(code, MAIN_ACCOUNT, WELFARE_ACCOUNT) is R.WELFARE_CREDIT_FORBIDDEN


@pytest.mark.parametrize("code", list(C), ids=str)
def test_welfare_to_main_never_allowed(code):
    assert check_welfare(code, WELFARE_ACCOUNT, MAIN_ACCOUNT) is R.WELFARE_DEBIT_FORBIDDEN


@pytest.mark.parametrize("code", list(C), ids=str)
def test_only_disbursement_from_union(code):
    expected = None if code is C.DISBURSEMENT else R.WELFARE_CREDIT_FORBIDDEN
    assert check_welfare(code, UNION_ACCOUNT, WELFARE_ACCOUNT) is expected


@pytest.mark.parametrize("code", list(C), ids=str)
def test_only_purchase_to_designated(code):
    expected = None if code is C.PURCHASE else R.WELFARE_DEBIT_FORBIDDEN
    assert check_welfare(code, WELFARE_ACCOUNT, DESIGNATED) is expected


def test_neither_side_welfare():
    assert check_welfare(C.TRANSFER, MAIN_ACCOUNT, UNION_ACCOUNT) is None


def test_refund_of_completed_preauthorization(funded):
    hold_id = must(funded, WELFARE, SHOP, 300, C.PURCHASE, flags=TF.PENDING)
    post_id = must(funded, 0, 0, 250, C.PURCHASE, flags=TF.POST_PENDING, pending_id=hold_id)
    assert move(funded, SHOP, WELFARE, 250, C.REFUND, original_id=post_id)[1] is R.OK

"""Card replacement and closure: balances moved or paid out in one linked group."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.clock import ManualClock
from twin.ledger import (
    AccountClass,
    AccountStatus,
    CardAccounts,
    ClosurePolicy,
    Ledger,
    SQLiteStore,
    Transfer,
    close_card_accounts,
    replace_card_accounts,
    verify,
)
from twin.ledger.lifecycle import split_welfare_balance

from .book import (
    BANK_CASH,
    MAIN,
    NEW_MAIN,
    NEW_WALLET,
    NEW_WELFARE,
    OUTSIDE,
    PROVINCE,
    SHOP,
    TF,
    UNION,
    UNION_2,
    WALLET,
    WELFARE,
    C,
    R,
    chart,
    deposit,
    disburse,
    fund_union,
    hold,
    local,
    move,
    must,
    reopen,
    replacement_accounts,
)

CARD = CardAccounts(MAIN, WELFARE, WALLET)
NEW_CARD = CardAccounts(NEW_MAIN, NEW_WELFARE, NEW_WALLET)
RATE = Fraction(Decimal("0.0035"))


def half_up(value: Fraction) -> int:
    whole, remainder = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * remainder >= value.denominator else 0)


@pytest.fixture
def clock():
    return ManualClock(local(2019, 12, 21, 9))


@pytest.fixture
def card(ledger):
    """Main 10,000 yuan, welfare 500 yuan from union A, transit wallet 200 yuan."""
    fund_union(ledger, 100_000)
    fund_union(ledger, 100_000, UNION_2)
    deposit(ledger, 1_000_000)
    disburse(ledger, 50_000)
    must(ledger, MAIN, WALLET, 20_000, C.TRANSIT_TOPUP)
    return ledger


def closure_credits(ledger, credit_account_id):
    ledger.flush()
    return [
        transfer.amount
        for transfer in ledger.store.transfers()
        if transfer.code is C.CLOSURE_SETTLEMENT and transfer.credit_account_id == credit_account_id
    ]


# Closure.


def test_closure_results_ok(card, clock):
    clock.set(local(2020, 2, 10, 10))
    results = close_card_accounts(card, CARD, OUTSIDE)
    assert results and all(result is R.OK for result in results)


def test_closure_pays_main_with_interest(card, clock):
    clock.set(local(2020, 2, 10, 10))
    close_card_accounts(card, CARD, OUTSIDE)
    # Main: 1,000,000 fen on 21 December, 980,000 fen after the wallet top-up
    # the same day. 2019: 21..31 December = 11 days; 2020: 1 January to
    # 9 February = 40 days. The wallet's 20,000 fen comes back at closure.
    interest = half_up(RATE * (Fraction(980_000 * 11, 365) + Fraction(980_000 * 40, 366)))
    assert closure_credits(card, OUTSIDE) == [980_000 + 20_000 + interest]


def test_closure_empties_accounts(card, clock):
    clock.set(local(2020, 2, 10, 10))
    close_card_accounts(card, CARD, OUTSIDE)
    assert [card.account(account_id).balance for account_id in CARD.ids()] == [0, 0, 0]


def test_closure_closes_accounts(card, clock):
    clock.set(local(2020, 2, 10, 10))
    close_card_accounts(card, CARD, OUTSIDE)
    assert {card.account(account_id).status for account_id in CARD.ids()} == {AccountStatus.CLOSED}


def test_closed_account_rejects_transfers(card, clock):
    clock.set(local(2020, 2, 10, 10))
    close_card_accounts(card, CARD, OUTSIDE)
    assert move(card, BANK_CASH, MAIN, 100, C.DEPOSIT)[1] is R.CREDIT_ACCOUNT_CLOSED


def test_closure_group_is_linked(card, clock):
    clock.set(local(2020, 2, 10, 10))
    close_card_accounts(card, CARD, OUTSIDE)
    card.flush()
    group = [t for t in card.store.transfers() if t.code is C.CLOSURE_SETTLEMENT]
    assert [bool(t.flags & TF.LINKED) for t in group] == [True] * (len(group) - 1) + [False]


def test_closure_welfare_interest_settled_back(card, clock):
    clock.set(local(2020, 2, 10, 10))
    close_card_accounts(card, CARD, OUTSIDE)
    # Welfare: 50,000 fen for the same 11 + 40 days; all of it goes back to union A.
    interest = half_up(RATE * (Fraction(50_000 * 11, 365) + Fraction(50_000 * 40, 366)))
    assert closure_credits(card, UNION) == [50_000 + interest]


def test_closure_by_payment_order(card):
    disburse(card, 30_000, union=UNION_2)
    disburse(card, 20_000)
    must(card, WELFARE, SHOP, 60_000, C.PURCHASE)
    # Paid: A 50,000, B 30,000, A 20,000; 40,000 left belongs to the newest:
    # A's 20,000, then 20,000 of B's 30,000.
    assert split_welfare_balance(card, WELFARE, 40_000, ClosurePolicy.BY_PAYMENT_ORDER) == [
        (UNION, 20_000),
        (UNION_2, 20_000),
    ]


def test_closure_by_payment_order_moves_money(card):
    disburse(card, 30_000, union=UNION_2)
    must(card, WELFARE, SHOP, 60_000, C.PURCHASE)
    before = card.account(UNION_2).balance
    close_card_accounts(card, CARD, OUTSIDE, ClosurePolicy.BY_PAYMENT_ORDER)
    assert card.account(UNION_2).balance - before == 20_000


def test_voided_disbursement_not_listed(card):
    held, _ = hold(card, UNION_2, WELFARE, 30_000, C.DISBURSEMENT)
    move(card, 0, 0, 0, C.DISBURSEMENT, flags=TF.VOID_PENDING, pending_id=held)
    assert card.disbursements(WELFARE) == [(UNION, 50_000)]


def test_pending_disbursement_not_listed(card):
    hold(card, UNION_2, WELFARE, 30_000, C.DISBURSEMENT)
    assert card.disbursements(WELFARE) == [(UNION, 50_000)]


def test_posted_disbursement_listed_as_posted(card):
    held, _ = hold(card, UNION_2, WELFARE, 30_000, C.DISBURSEMENT)
    move(card, 0, 0, 20_000, C.DISBURSEMENT, flags=TF.POST_PENDING, pending_id=held)
    assert card.disbursements(WELFARE) == [(UNION, 50_000), (UNION_2, 20_000)]


def test_reversed_disbursement_not_listed(card):
    paid = disburse(card, 30_000, union=UNION_2)
    must(card, WELFARE, UNION_2, 30_000, C.REVERSAL, original_id=paid)
    assert card.disbursements(WELFARE) == [(UNION, 50_000)]


def test_partly_reversed_disbursement_listed_net(card):
    paid = disburse(card, 30_000, union=UNION_2)
    must(card, WELFARE, UNION_2, 10_000, C.REVERSAL, original_id=paid)
    assert card.disbursements(WELFARE) == [(UNION, 50_000), (UNION_2, 20_000)]


def test_reversed_posted_disbursement_listed_net(card):
    held, _ = hold(card, UNION_2, WELFARE, 30_000, C.DISBURSEMENT)
    posted = must(card, 0, 0, 30_000, C.DISBURSEMENT, flags=TF.POST_PENDING, pending_id=held)
    must(card, WELFARE, UNION_2, 5_000, C.REVERSAL, original_id=posted)
    assert reopen(card).disbursements(WELFARE) == [(UNION, 50_000), (UNION_2, 25_000)]


def test_closure_skips_reversed_disbursement(card):
    paid = disburse(card, 30_000, union=UNION_2)
    must(card, WELFARE, UNION_2, 30_000, C.REVERSAL, original_id=paid)
    before = card.account(UNION_2).balance
    close_card_accounts(card, CARD, OUTSIDE, ClosurePolicy.BY_PAYMENT_ORDER)
    # The balance is the first union's 50,000 only; none of it goes to the union that took its money back.
    assert card.account(UNION_2).balance == before


def test_expired_disbursement_not_listed(card, clock):
    hold(card, UNION_2, WELFARE, 30_000, C.DISBURSEMENT, timeout=60)
    clock.advance(minutes=2)
    card.expire_pending()
    assert card.disbursements(WELFARE) == [(UNION, 50_000)]


def test_disbursement_listed_after_reopen(card):
    held, _ = hold(card, UNION_2, WELFARE, 30_000, C.DISBURSEMENT)
    move(card, 0, 0, 20_000, C.DISBURSEMENT, flags=TF.POST_PENDING, pending_id=held)
    hold(card, UNION_2, WELFARE, 10_000, C.DISBURSEMENT)
    assert reopen(card).disbursements(WELFARE) == [(UNION, 50_000), (UNION_2, 20_000)]


def test_failed_chain_lists_no_disbursement(card):
    held, _ = hold(card, UNION_2, WELFARE, 30_000, C.DISBURSEMENT)
    card.create_transfers(
        [
            Transfer(card.new_id(), 0, 0, 30_000, C.DISBURSEMENT, TF.POST_PENDING | TF.LINKED, pending_id=held),
            Transfer(card.new_id(), UNION_2, WELFARE, 10**9, C.DISBURSEMENT),
        ]
    )
    assert card.disbursements(WELFARE) == [(UNION, 50_000)]


def test_closure_after_voided_disbursement(card):
    held, _ = hold(card, UNION_2, WELFARE, 30_000, C.DISBURSEMENT)
    move(card, 0, 0, 0, C.DISBURSEMENT, flags=TF.VOID_PENDING, pending_id=held)
    assert split_welfare_balance(card, WELFARE, 50_000, ClosurePolicy.PRO_RATA) == [(UNION, 50_000)]


def test_closure_surplus_to_newest_payer(card):
    disburse(card, 30_000, union=UNION_2)
    assert split_welfare_balance(card, WELFARE, 90_000, ClosurePolicy.BY_PAYMENT_ORDER) == [
        (UNION, 50_000),
        (UNION_2, 40_000),
    ]


def test_closure_pro_rata(card):
    disburse(card, 50_000, union=UNION_2)
    # Equal shares of 40,001 fen: 20,000.5 each; the odd fen goes to the lower id.
    assert split_welfare_balance(card, WELFARE, 40_001, ClosurePolicy.PRO_RATA) == [
        (UNION, 20_001),
        (UNION_2, 20_000),
    ]


def test_closure_pro_rata_moves_money(card):
    disburse(card, 100_000, union=UNION_2)
    must(card, WELFARE, SHOP, 70_000, C.PURCHASE)
    before = (card.account(UNION).balance, card.account(UNION_2).balance)
    close_card_accounts(card, CARD, OUTSIDE, ClosurePolicy.PRO_RATA)
    after = (card.account(UNION).balance, card.account(UNION_2).balance)
    # 80,000 fen left, paid 50,000 by A and 100,000 by B: 26,666.67 and 53,333.33;
    # the larger remainder (A's) gets the odd fen.
    assert (after[0] - before[0], after[1] - before[1]) == (26_667, 53_333)


def test_closure_province_union(card):
    close_card_accounts(card, CARD, OUTSIDE, ClosurePolicy.PROVINCE_UNION, PROVINCE)
    assert closure_credits(card, PROVINCE) == [50_000]


def test_closure_province_union_needs_account(card):
    with pytest.raises(ValueError, match="needs a province union account"):
        split_welfare_balance(card, WELFARE, 100, ClosurePolicy.PROVINCE_UNION)


def test_closure_without_disbursements_goes_to_province(card):
    assert split_welfare_balance(card, 9_999, 100, ClosurePolicy.PRO_RATA, PROVINCE) == [
        (PROVINCE, 100)
    ]


def test_split_of_nothing(card):
    assert split_welfare_balance(card, WELFARE, 0, ClosurePolicy.PRO_RATA) == []


def test_closure_voids_open_holds(card):
    main_hold, _ = hold(card, MAIN, SHOP, 5_000)
    welfare_hold, _ = hold(card, WELFARE, SHOP, 5_000)
    close_card_accounts(card, CARD, OUTSIDE)
    assert (card.hold_state(main_hold), card.hold_state(welfare_hold)) == ("voided", "voided")


def test_closure_with_holds_pays_everything(card):
    hold(card, MAIN, SHOP, 5_000)
    close_card_accounts(card, CARD, OUTSIDE)
    assert closure_credits(card, OUTSIDE) == [1_000_000]


def test_failed_closure_keeps_accounts_open(card, clock):
    main_hold, _ = hold(card, MAIN, SHOP, 5_000)
    card.set_status(OUTSIDE, AccountStatus.CLOSED)
    results = close_card_accounts(card, CARD, OUTSIDE)
    assert R.CREDIT_ACCOUNT_CLOSED in results
    assert card.account(MAIN).status is AccountStatus.OPEN
    assert card.hold_state(main_hold) == "pending"


def test_closure_audit_clean(card, db_path, clock):
    hold(card, MAIN, SHOP, 5_000)
    clock.set(local(2020, 4, 2, 10))
    close_card_accounts(card, CARD, OUTSIDE, ClosurePolicy.PRO_RATA)
    assert verify(db_path).problems == []


def test_closed_accounts_earn_no_more_interest(card, clock):
    close_card_accounts(card, CARD, OUTSIDE)
    clock.set(local(2020, 3, 21, 9))
    credits = card.settle_interest(dt.date(2020, 3, 20))
    assert [
        credit.credit_account_id for credit in credits if credit.credit_account_id in CARD.ids()
    ] == []


# Replacement.


@pytest.fixture
def replaced(card, clock):
    card.create_accounts(replacement_accounts())
    clock.set(local(2020, 2, 1, 10))
    return card


def test_replacement_results_ok(replaced):
    results = replace_card_accounts(replaced, CARD, NEW_CARD)
    assert results == [R.OK, R.OK, R.OK]


def test_replacement_moves_balances(replaced):
    replace_card_accounts(replaced, CARD, NEW_CARD)
    assert [replaced.account(i).balance for i in NEW_CARD.ids()] == [980_000, 50_000, 20_000]


def test_replacement_empties_old(replaced):
    replace_card_accounts(replaced, CARD, NEW_CARD)
    assert [replaced.account(i).balance for i in CARD.ids()] == [0, 0, 0]


def test_replacement_closes_old(replaced):
    replace_card_accounts(replaced, CARD, NEW_CARD)
    assert {replaced.account(i).status for i in CARD.ids()} == {AccountStatus.CLOSED}


def test_replacement_group_is_linked(replaced):
    replace_card_accounts(replaced, CARD, NEW_CARD)
    replaced.flush()
    group = [t for t in replaced.store.transfers() if t.code is C.REPLACEMENT]
    assert [bool(t.flags & TF.LINKED) for t in group] == [True, True, False]


def test_replacement_not_counted_in_limits(replaced):
    replace_card_accounts(replaced, CARD, NEW_CARD)
    assert replaced.account(NEW_MAIN).day_in == 0


def test_replacement_voids_holds(replaced):
    hold_id, _ = hold(replaced, WELFARE, SHOP, 5_000)
    replace_card_accounts(replaced, CARD, NEW_CARD)
    assert replaced.hold_state(hold_id) == "voided"


def test_replacement_with_hold_moves_whole_balance(replaced):
    hold(replaced, WELFARE, SHOP, 5_000)
    replace_card_accounts(replaced, CARD, NEW_CARD)
    assert replaced.account(NEW_WELFARE).balance == 50_000


def test_failed_replacement_moves_nothing(replaced):
    replaced.set_status(NEW_WALLET, AccountStatus.CLOSED)
    results = replace_card_accounts(replaced, CARD, NEW_CARD)
    assert results == [R.LINKED_EVENT_FAILED, R.LINKED_EVENT_FAILED, R.CREDIT_ACCOUNT_CLOSED]
    assert replaced.account(MAIN).balance == 980_000
    assert replaced.account(MAIN).status is AccountStatus.OPEN


def test_replacement_to_other_member_fails(replaced):
    other = CardAccounts(NEW_MAIN, 111, NEW_WALLET)
    results = replace_card_accounts(replaced, CARD, other)
    assert R.WELFARE_CREDIT_FORBIDDEN in results


def test_replacement_needs_counterpart(replaced):
    with pytest.raises(ValueError, match="no counterpart"):
        replace_card_accounts(replaced, CARD, CardAccounts(NEW_MAIN))


def test_replacement_carries_interest(replaced, clock):
    replace_card_accounts(replaced, CARD, NEW_CARD)
    clock.set(local(2020, 3, 21, 9))
    credits = {
        credit.credit_account_id: credit.amount
        for credit in replaced.settle_interest(dt.date(2020, 3, 20))
    }
    # As if the card had never changed: 980,000 fen for 11 days of 2019 and 80 of 2020.
    assert credits[NEW_MAIN] == half_up(
        RATE * (Fraction(980_000 * 11, 365) + Fraction(980_000 * 80, 366))
    )


def test_replacement_old_accounts_get_no_interest(replaced, clock):
    replace_card_accounts(replaced, CARD, NEW_CARD)
    clock.set(local(2020, 3, 21, 9))
    credits = replaced.settle_interest(dt.date(2020, 3, 20))
    assert [credit for credit in credits if credit.credit_account_id in CARD.ids()] == []


def test_replacement_audit_clean(replaced, db_path):
    hold(replaced, MAIN, SHOP, 5_000)
    replace_card_accounts(replaced, CARD, NEW_CARD)
    assert verify(db_path).problems == []


# The split always sums to the balance.

paid_rows = st.lists(
    st.tuples(st.sampled_from([UNION, UNION_2, PROVINCE]), st.integers(1, 1_000_000)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(paid=paid_rows, data=st.data())
def test_split_sums_to_balance(paid, data):
    clock = ManualClock(local(2020, 1, 6, 9))
    ledger = Ledger(SQLiteStore(), clock)
    ledger.create_accounts(chart(AccountClass.I))
    for union, amount in paid:
        must(ledger, BANK_CASH, union, amount, C.FUNDING)
        disburse(ledger, amount, union=union)
    total = sum(amount for _, amount in paid)
    balance = data.draw(st.integers(1, total + 10_000))
    for policy in (ClosurePolicy.BY_PAYMENT_ORDER, ClosurePolicy.PRO_RATA):
        parts = split_welfare_balance(ledger, WELFARE, balance, policy)
        assert sum(amount for _, amount in parts) == balance
        assert all(amount > 0 for _, amount in parts)
        assert {union for union, _ in parts} <= {union for union, _ in paid}
    totals = {}
    for union, amount in paid:
        totals[union] = totals.get(union, 0) + amount
    for union, amount in split_welfare_balance(ledger, WELFARE, balance, ClosurePolicy.PRO_RATA):
        assert abs(Fraction(amount) - Fraction(balance * totals[union], total)) < 1
    ledger.store.close()


def test_closure_with_timed_out_hold(card, clock):
    hold(card, MAIN, SHOP, 5_000, timeout=3_600)
    clock.advance(hours=2)
    results = close_card_accounts(card, CARD, OUTSIDE)
    assert set(results) == {R.OK}


def test_replacement_with_timed_out_hold(replaced, clock):
    hold(replaced, WELFARE, SHOP, 5_000, timeout=3_600)
    clock.advance(hours=2)
    assert set(replace_card_accounts(replaced, CARD, NEW_CARD)) == {R.OK}

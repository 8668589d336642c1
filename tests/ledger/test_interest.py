"""Demand interest: balance-days products, leap years, quarterly settlement, rounding."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from twin.calendar import local_date
from twin.clock import ManualClock
from twin.ledger import Account, AccountCode, Ledger, LedgerConfig, SQLiteStore
from twin.ledger.interest import accrue, interest_due, is_settlement_date, next_settlement_date

from .book import (
    INTEREST,
    MAIN,
    OTHER_MAIN,
    SHOP,
    WELFARE,
    C,
    chart,
    deposit,
    disburse,
    fund_union,
    local,
    must,
    reopen,
)

RATE = Decimal("0.0035")


@pytest.fixture
def clock():
    return ManualClock(local(2019, 12, 21, 9))


def interest_credits(ledger, account_id=MAIN):
    ledger.flush()
    return [
        transfer
        for transfer in ledger.store.transfers()
        if transfer.code is C.INTEREST and transfer.credit_account_id == account_id
    ]


def half_up(value: Fraction) -> int:
    whole, remainder = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * remainder >= value.denominator else 0)


# Worked by hand: 10,000 yuan from 2019-12-21 to 2020-03-20 inclusive.
# 2019 (365 days): 21 to 31 December is 11 days.
# 2020 (366 days): January 31 + February 29 + March 1..20 is 80 days.
PRODUCT_2019 = 1_000_000 * 11
PRODUCT_2020 = 1_000_000 * 80
EXPECTED_MARCH = half_up(
    Fraction(RATE) * (Fraction(PRODUCT_2019, 365) + Fraction(PRODUCT_2020, 366))
)


def test_hand_figure():
    # 0.0035 x (11,000,000 / 365 + 80,000,000 / 366) = 870.5068 fen
    assert EXPECTED_MARCH == 871


def test_product_split_by_year_length(ledger, clock):
    deposit(ledger, 1_000_000)
    account = ledger.account(MAIN)
    accrue(account, (dt.date(2020, 3, 21) - dt.date(1970, 1, 1)).days)
    assert (account.product_365, account.product_366) == (PRODUCT_2019, PRODUCT_2020)


def test_leap_period_interest(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    [credit] = ledger.settle_interest(dt.date(2020, 3, 20))
    assert credit.amount == 871


def test_leap_period_with_deposit_on_leap_day(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 2, 29, 10))
    deposit(ledger, 500_000)
    clock.set(local(2020, 3, 21, 9))
    [credit] = ledger.settle_interest(dt.date(2020, 3, 20))
    # 2020: 1 January to 28 February is 59 days at 10,000 yuan, then
    # 29 February to 20 March is 21 days at 15,000 yuan.
    product_2020 = 1_000_000 * 59 + 1_500_000 * 21
    expected = half_up(Fraction(RATE) * (Fraction(PRODUCT_2019, 365) + Fraction(product_2020, 366)))
    assert credit.amount == expected


def test_balance_changes_count_end_of_day(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 1, 10, 9))
    must(ledger, MAIN, SHOP, 400_000, C.PURCHASE)
    clock.set(local(2020, 1, 10, 18))
    deposit(ledger, 100_000)
    clock.set(local(2020, 3, 21, 9))
    [credit] = ledger.settle_interest(dt.date(2020, 3, 20))
    # 2020: 1 to 9 January (9 days) at 10,000 yuan, then 10 January to 20 March
    # (22 + 29 + 20 = 71 days) at the day's closing 7,000 yuan.
    product_2020 = 1_000_000 * 9 + 700_000 * 71
    expected = half_up(Fraction(RATE) * (Fraction(PRODUCT_2019, 365) + Fraction(product_2020, 366)))
    assert credit.amount == expected


def test_settled_next_day_automatically(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    deposit(ledger, 5_000)
    assert [credit.amount for credit in interest_credits(ledger)] == [871]


def test_credit_dated_next_day(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    deposit(ledger, 5_000)
    [credit] = interest_credits(ledger)
    assert local_date(credit.timestamp) == dt.date(2020, 3, 21)


def test_not_settled_on_period_end(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 20, 23, 59))
    deposit(ledger, 5_000)
    assert interest_credits(ledger) == []


def test_settlement_before_first_transfer_of_day(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 0, 0, 1))
    deposit(ledger, 900_000)
    [credit] = interest_credits(ledger)
    assert credit.amount == 871


def test_settlement_ordered_before_the_transfer(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    later = deposit(ledger, 5_000)
    [credit] = interest_credits(ledger)
    assert credit.timestamp < ledger.transfer(later).timestamp


def test_settle_on_period_end_raises(ledger, clock):
    clock.set(local(2020, 3, 20, 18))
    with pytest.raises(ValueError, match="from the next day on"):
        ledger.settle_interest(dt.date(2020, 3, 20))


def test_settle_same_date_twice(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    ledger.settle_interest(dt.date(2020, 3, 20))
    assert ledger.settle_interest(dt.date(2020, 3, 20)) == []


def test_explicit_then_automatic_posts_once(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    ledger.settle_interest(dt.date(2020, 3, 20))
    deposit(ledger, 5_000)
    assert len(interest_credits(ledger)) == 1


def test_automatic_then_explicit_posts_once(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    deposit(ledger, 5_000)
    ledger.settle_interest(dt.date(2020, 3, 20))
    assert len(interest_credits(ledger)) == 1


def test_posted_once_after_reopen(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    deposit(ledger, 5_000)
    reopened = reopen(ledger)
    reopened.settle_interest(dt.date(2020, 3, 20))
    deposit(reopened, 5_000)
    assert len(interest_credits(reopened)) == 1


def test_balance_after_settlement(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    ledger.settle_interest(dt.date(2020, 3, 20))
    assert ledger.account(MAIN).balance == 1_000_871


def test_products_reset_after_settlement(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    ledger.settle_interest(dt.date(2020, 3, 20))
    account = ledger.account(MAIN)
    assert (account.product_365, account.product_366) == (0, 0)


def test_several_quarters_settled_in_order(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 9, 25, 9))
    deposit(ledger, 5_000)
    batches = [credit.batch_id for credit in interest_credits(ledger)]
    assert batches == ["interest:2020-03-20", "interest:2020-06-20", "interest:2020-09-20"]


def test_second_quarter_includes_first_interest(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    deposit(ledger, 1)
    clock.set(local(2020, 6, 21, 9))
    deposit(ledger, 1)
    june = interest_credits(ledger)[1]
    # 21 March to 20 June 2020 is 11 + 30 + 31 + 20 = 92 days at 1,000,872 fen.
    assert june.amount == half_up(Fraction(RATE) * Fraction(1_000_872 * 92, 366))


def credits_with_first_transfers_on(path, days):
    """Run one deposit from 2019-12-21, touching another account on each of ``days``."""
    moving = ManualClock(local(2019, 12, 21, 9))
    ledger = Ledger(SQLiteStore(path), moving)
    ledger.create_accounts(chart())
    deposit(ledger, 1_000_000)
    for day in days:
        moving.set(day)
        deposit(ledger, 1, OTHER_MAIN)
    return [credit.amount for credit in interest_credits(ledger)]


def test_late_credit_keeps_value_date(tmp_path):
    on_time = credits_with_first_transfers_on(
        tmp_path / "a.db", [local(2020, 3, 21, 9), local(2020, 6, 21, 9)]
    )
    late = credits_with_first_transfers_on(
        tmp_path / "b.db", [local(2020, 3, 30, 9), local(2020, 6, 21, 9)]
    )
    assert late == on_time


def test_catch_up_settles_each_quarter_as_on_time(tmp_path):
    days = [local(2020, 3, 21, 9), local(2020, 6, 21, 9), local(2020, 9, 21, 9)]
    on_time = credits_with_first_transfers_on(tmp_path / "a.db", days)
    caught_up = credits_with_first_transfers_on(tmp_path / "b.db", [local(2020, 9, 25, 9)])
    assert caught_up == on_time


def test_welfare_account_earns(ledger, clock):
    fund_union(ledger, 2_000_000)
    disburse(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    ledger.settle_interest(dt.date(2020, 3, 20))
    assert [credit.amount for credit in interest_credits(ledger, WELFARE)] == [871]


def test_account_without_flag_earns_nothing(ledger, clock):
    deposit(ledger, 1_000_000, SHOP)
    clock.set(local(2020, 3, 21, 9))
    ledger.settle_interest(dt.date(2020, 3, 20))
    assert interest_credits(ledger, SHOP) == []


def test_interest_paid_by_interest_account(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    [credit] = ledger.settle_interest(dt.date(2020, 3, 20))
    assert credit.debit_account_id == INTEREST


def test_zero_balance_gets_no_credit(ledger, clock):
    clock.set(local(2020, 3, 21, 9))
    assert ledger.settle_interest(dt.date(2020, 3, 20)) == []


def test_account_opened_mid_period(ledger, clock):
    clock.set(local(2020, 2, 1, 9))
    ledger.create_accounts([Account(600, AccountCode.MEMBER_MAIN, "m9", "II", MAIN_FLAGS)])
    deposit(ledger, 1_000_000, 600)
    clock.set(local(2020, 3, 21, 9))
    ledger.settle_interest(dt.date(2020, 3, 20))
    # 1 February to 20 March 2020 is 29 + 20 = 49 days.
    assert [credit.amount for credit in interest_credits(ledger, 600)] == [
        half_up(Fraction(RATE) * Fraction(1_000_000 * 49, 366))
    ]


MAIN_FLAGS = next(account.flags for account in chart() if account.id == MAIN)


def test_other_rate(db_path, clock):
    ledger = Ledger(SQLiteStore(db_path), clock, LedgerConfig(interest_rate=Decimal("0.003")))
    ledger.create_accounts(chart())
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    [credit] = ledger.settle_interest(dt.date(2020, 3, 20))
    assert credit.amount == half_up(
        Fraction(Decimal("0.003")) * (Fraction(PRODUCT_2019, 365) + Fraction(PRODUCT_2020, 366))
    )


# Rounding.


@pytest.mark.parametrize(
    ("product", "expected"), [(91_250, 3), (91_249, 2), (91_251, 3), (36_500, 1), (18_250, 1)]
)
def test_rounds_half_up(product, expected):
    account = Account(1, AccountCode.MEMBER_MAIN)
    account.product_365 = product
    # 1% a year on product / 365 fen-years: 91,250 gives exactly 2.5 fen.
    assert interest_due(account, Decimal("0.01")) == expected


def test_no_product_no_interest():
    assert interest_due(Account(1, AccountCode.MEMBER_MAIN), RATE) == 0


# Settlement dates.


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2020, 1, 6), dt.date(2020, 3, 20)),
        (dt.date(2020, 3, 20), dt.date(2020, 3, 20)),
        (dt.date(2020, 3, 21), dt.date(2020, 6, 20)),
        (dt.date(2020, 12, 21), dt.date(2021, 3, 20)),
        (dt.date(2020, 9, 20), dt.date(2020, 9, 20)),
    ],
)
def test_next_settlement_date(date, expected):
    assert next_settlement_date(date) == expected


@pytest.mark.parametrize("month", range(1, 13))
def test_settlement_months(month):
    assert is_settlement_date(dt.date(2020, month, 20)) is (month in (3, 6, 9, 12))


def test_reopen_keeps_next_period_after_skipped_quarter(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 7, 1, 9))
    ledger.settle_interest(dt.date(2020, 6, 20))
    clock.set(local(2020, 7, 5, 9))
    deposit(ledger, 100_000)
    reopened = reopen(ledger)
    clock.set(local(2020, 7, 10, 9))
    deposit(reopened, 100_000)
    assert [credit.batch_id for credit in interest_credits(reopened)] == ["interest:2020-06-20"]


def test_settle_same_date_again_after_balance_change(ledger, clock):
    deposit(ledger, 1_000_000)
    clock.set(local(2020, 3, 21, 9))
    ledger.settle_interest(dt.date(2020, 3, 20))
    clock.set(local(2020, 3, 25, 9))
    deposit(ledger, 1_000)
    clock.set(local(2020, 3, 28, 9))
    assert ledger.settle_interest(dt.date(2020, 3, 20)) == []

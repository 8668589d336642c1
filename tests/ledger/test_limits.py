"""Class II limits: daily and yearly caps on money in and money out, in local time."""

import datetime as dt

import pytest

from twin.ledger import AccountClass, Ledger, LedgerConfig, Limits, SQLiteStore, Transfer, verify
from twin.ledger.limits import year_of_day

from .book import (
    BANK_CASH,
    INTEREST,
    MAIN,
    OUTSIDE,
    SHOP,
    TF,
    UNION,
    WALLET,
    WELFARE,
    C,
    R,
    chart,
    deposit,
    fund_union,
    hold,
    local,
    move,
    must,
    post,
    void,
)

DAY = 1_000_000  # 10,000 yuan in fen
YEAR = 20_000_000  # 200,000 yuan in fen


@pytest.fixture
def make_ledger(db_path, clock):
    ledgers = []

    def make(limits=None, member_class=AccountClass.II):
        ledger = Ledger(SQLiteStore(db_path), clock, LedgerConfig(limits=limits or Limits()))
        ledger.create_accounts(chart(member_class))
        ledgers.append(ledger)
        return ledger

    yield make
    for ledger in ledgers:
        ledger.store.close()


def stock(ledger, amount, account=MAIN):
    """Put money on an account without counting it as money in (interest)."""
    must(ledger, INTEREST, account, amount, C.INTEREST)


def test_default_caps():
    assert Limits() == Limits(
        daily_in=DAY, daily_out=DAY, yearly_in=YEAR, yearly_out=YEAR, per_transaction=False
    )


# Daily caps.


def test_daily_in_up_to_cap(ledger):
    assert move(ledger, BANK_CASH, MAIN, DAY, C.DEPOSIT)[1] is R.OK


def test_daily_in_one_fen_over(ledger):
    deposit(ledger, DAY)
    assert move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_DAILY


def test_daily_in_single_transfer_over(ledger):
    assert move(ledger, BANK_CASH, MAIN, DAY + 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_DAILY


def test_daily_out_one_fen_over(ledger):
    stock(ledger, 2 * DAY)
    must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    assert move(ledger, MAIN, SHOP, 1, C.PURCHASE)[1] is R.LIMIT_EXCEEDED_DAILY


def test_in_and_out_counted_apart(ledger):
    deposit(ledger, DAY)
    assert move(ledger, MAIN, SHOP, DAY, C.PURCHASE)[1] is R.OK


def test_out_does_not_use_in_window(ledger):
    stock(ledger, DAY)
    must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    assert move(ledger, BANK_CASH, MAIN, DAY, C.DEPOSIT)[1] is R.OK


def test_disbursement_counts_as_money_in(ledger):
    fund_union(ledger, 2 * DAY)
    must(ledger, UNION, WELFARE, DAY, C.DISBURSEMENT)
    assert move(ledger, UNION, WELFARE, 1, C.DISBURSEMENT)[1] is R.LIMIT_EXCEEDED_DAILY


@pytest.mark.parametrize(
    ("credit", "code"),
    [
        (OUTSIDE, C.TRANSFER),
        (BANK_CASH, C.CASH_WITHDRAWAL),
        (WALLET, C.TRANSIT_TOPUP),
        (SHOP, C.ETC_TOLL),
    ],
    ids=lambda value: str(value),
)
def test_outflow_codes_count(ledger, credit, code):
    stock(ledger, 2 * DAY)
    must(ledger, MAIN, SHOP, DAY - 100, C.PURCHASE)
    assert move(ledger, MAIN, credit, 101, code)[1] is R.LIMIT_EXCEEDED_DAILY


def test_closure_settlement_not_counted(ledger):
    stock(ledger, 2 * DAY)
    must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    assert move(ledger, MAIN, OUTSIDE, DAY, C.CLOSURE_SETTLEMENT)[1] is R.OK


def test_failed_transfer_not_counted(ledger):
    move(ledger, MAIN, SHOP, 500, C.PURCHASE)
    stock(ledger, DAY)
    assert move(ledger, MAIN, SHOP, DAY, C.PURCHASE)[1] is R.OK


def test_class_one_unlimited(make_ledger):
    ledger = make_ledger(member_class=AccountClass.I)
    assert move(ledger, BANK_CASH, MAIN, 5 * DAY, C.DEPOSIT)[1] is R.OK


# Money returned does not count.


def test_refund_not_counted_in(ledger):
    stock(ledger, DAY)
    purchase = must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    deposit(ledger, DAY)
    assert move(ledger, SHOP, MAIN, DAY, C.REFUND, original_id=purchase)[1] is R.OK


def test_reversal_not_counted_in(ledger):
    stock(ledger, DAY)
    purchase = must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    deposit(ledger, DAY)
    assert move(ledger, SHOP, MAIN, DAY, C.REVERSAL, original_id=purchase)[1] is R.OK


def test_interest_not_counted_in(ledger):
    deposit(ledger, DAY)
    assert move(ledger, INTEREST, MAIN, 500, C.INTEREST)[1] is R.OK


def test_refund_leaves_in_window(ledger):
    stock(ledger, DAY)
    purchase = must(ledger, MAIN, SHOP, 400, C.PURCHASE)
    must(ledger, SHOP, MAIN, 400, C.REFUND, original_id=purchase)
    assert ledger.account(MAIN).day_in == 0


# A reversal undoes what its original counted; a refund does not.


def test_reversal_gives_back_day_out(ledger):
    stock(ledger, 2 * DAY)
    purchase = must(ledger, MAIN, SHOP, 600_000, C.PURCHASE)
    must(ledger, SHOP, MAIN, 600_000, C.REVERSAL, original_id=purchase)
    assert ledger.account(MAIN).day_out == 0


def test_reversal_gives_back_year_out(ledger):
    stock(ledger, 2 * DAY)
    purchase = must(ledger, MAIN, SHOP, 600_000, C.PURCHASE)
    must(ledger, SHOP, MAIN, 600_000, C.REVERSAL, original_id=purchase)
    assert ledger.account(MAIN).year_out == 0


def test_reversal_frees_the_day_cap(ledger):
    stock(ledger, 2 * DAY)
    purchase = must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    must(ledger, SHOP, MAIN, DAY, C.REVERSAL, original_id=purchase)
    assert move(ledger, MAIN, SHOP, DAY, C.PURCHASE)[1] is R.OK


def test_reversal_of_posted_hold_gives_back(ledger):
    stock(ledger, 2 * DAY)
    hold_id, _ = hold(ledger, MAIN, SHOP, 600_000)
    posted, _ = post(ledger, hold_id, 600_000)
    must(ledger, SHOP, MAIN, 600_000, C.REVERSAL, original_id=posted)
    assert ledger.account(MAIN).day_out == 0


def test_reversal_after_partial_refund_gives_back_rest(ledger):
    stock(ledger, 2 * DAY)
    purchase = must(ledger, MAIN, SHOP, 600_000, C.PURCHASE)
    must(ledger, SHOP, MAIN, 100_000, C.REFUND, original_id=purchase)
    must(ledger, SHOP, MAIN, 500_000, C.REVERSAL, original_id=purchase)
    assert ledger.account(MAIN).day_out == 100_000


def test_refund_keeps_day_out(ledger):
    stock(ledger, 2 * DAY)
    purchase = must(ledger, MAIN, SHOP, 600_000, C.PURCHASE)
    must(ledger, SHOP, MAIN, 600_000, C.REFUND, original_id=purchase)
    assert ledger.account(MAIN).day_out == 600_000


def test_reversal_next_day_keeps_new_day_window(ledger, clock):
    stock(ledger, 3 * DAY)
    purchase = must(ledger, MAIN, SHOP, 600_000, C.PURCHASE)
    clock.advance(days=1)
    must(ledger, MAIN, SHOP, 300_000, C.PURCHASE)
    must(ledger, SHOP, MAIN, 600_000, C.REVERSAL, original_id=purchase)
    assert ledger.account(MAIN).day_out == 300_000


def test_reversal_next_day_gives_back_to_year(ledger, clock):
    stock(ledger, 3 * DAY)
    purchase = must(ledger, MAIN, SHOP, 600_000, C.PURCHASE)
    clock.advance(days=1)
    must(ledger, MAIN, SHOP, 300_000, C.PURCHASE)
    must(ledger, SHOP, MAIN, 600_000, C.REVERSAL, original_id=purchase)
    assert ledger.account(MAIN).year_out == 300_000


def test_reversal_next_year_keeps_new_year(ledger, clock):
    clock.set(local(2020, 12, 31, 20))
    stock(ledger, 3 * DAY)
    purchase = must(ledger, MAIN, SHOP, 600_000, C.PURCHASE)
    clock.set(local(2021, 1, 1, 10))
    must(ledger, MAIN, SHOP, 300_000, C.PURCHASE)
    must(ledger, SHOP, MAIN, 600_000, C.REVERSAL, original_id=purchase)
    assert ledger.account(MAIN).year_out == 300_000


def test_reversal_of_deposit_gives_back_day_in(ledger):
    deposit_id = deposit(ledger, 600_000)
    must(ledger, MAIN, BANK_CASH, 600_000, C.REVERSAL, original_id=deposit_id)
    assert ledger.account(MAIN).day_in == 0


def test_failed_chain_keeps_day_out(ledger):
    stock(ledger, 2 * DAY)
    purchase = must(ledger, MAIN, SHOP, 600_000, C.PURCHASE)
    ledger.create_transfers(
        [
            Transfer(ledger.new_id(), SHOP, MAIN, 600_000, C.REVERSAL, TF.LINKED, original_id=purchase),
            Transfer(ledger.new_id(), MAIN, SHOP, 5 * DAY, C.PURCHASE),
        ]
    )
    assert ledger.account(MAIN).day_out == 600_000


def test_reversal_audit_clean(ledger, db_path):
    stock(ledger, 2 * DAY)
    purchase = must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    must(ledger, SHOP, MAIN, DAY, C.REVERSAL, original_id=purchase)
    must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    ledger.flush()
    assert verify(db_path).problems == []


# Holds.


def test_hold_counts(ledger):
    stock(ledger, 2 * DAY)
    hold(ledger, MAIN, SHOP, 600_000)
    assert move(ledger, MAIN, SHOP, 400_001, C.PURCHASE)[1] is R.LIMIT_EXCEEDED_DAILY


def test_void_gives_back(ledger):
    stock(ledger, 2 * DAY)
    hold_id, _ = hold(ledger, MAIN, SHOP, 600_000)
    void(ledger, hold_id)
    assert move(ledger, MAIN, SHOP, DAY, C.PURCHASE)[1] is R.OK


def test_partial_post_gives_back_rest(ledger):
    stock(ledger, 2 * DAY)
    hold_id, _ = hold(ledger, MAIN, SHOP, 600_000)
    post(ledger, hold_id, 200_000)
    assert ledger.account(MAIN).day_out == 200_000


def test_partial_post_then_rest_of_cap(ledger):
    stock(ledger, 2 * DAY)
    hold_id, _ = hold(ledger, MAIN, SHOP, 600_000)
    post(ledger, hold_id, 200_000)
    assert move(ledger, MAIN, SHOP, 800_000, C.PURCHASE)[1] is R.OK


def test_full_post_not_counted_twice(ledger):
    stock(ledger, 2 * DAY)
    hold_id, _ = hold(ledger, MAIN, SHOP, 600_000)
    post(ledger, hold_id, 600_000)
    assert ledger.account(MAIN).day_out == 600_000


def test_expiry_gives_back(ledger, clock):
    stock(ledger, 2 * DAY)
    hold(ledger, MAIN, SHOP, 600_000, timeout=60)
    clock.advance(minutes=2)
    assert move(ledger, MAIN, SHOP, DAY, C.PURCHASE)[1] is R.OK


def test_void_next_day_leaves_new_daily_window(ledger, clock):
    stock(ledger, 3 * DAY)
    hold_id, _ = hold(ledger, MAIN, SHOP, 600_000)
    clock.advance(days=1)
    must(ledger, MAIN, SHOP, 900_000, C.PURCHASE)
    void(ledger, hold_id)
    assert ledger.account(MAIN).day_out == 900_000


def test_void_next_day_gives_back_to_year(ledger, clock):
    stock(ledger, 3 * DAY)
    hold_id, _ = hold(ledger, MAIN, SHOP, 600_000)
    clock.advance(days=1)
    must(ledger, MAIN, SHOP, 900_000, C.PURCHASE)
    void(ledger, hold_id)
    assert ledger.account(MAIN).year_out == 900_000


def test_void_next_year_leaves_new_year(ledger, clock):
    clock.set(local(2020, 12, 31, 20))
    stock(ledger, 3 * DAY)
    hold_id, _ = hold(ledger, MAIN, SHOP, 600_000)
    clock.set(local(2021, 1, 1, 10))
    must(ledger, MAIN, SHOP, 900_000, C.PURCHASE)
    void(ledger, hold_id)
    assert ledger.account(MAIN).year_out == 900_000


# Local midnight, not UTC midnight.


def test_reset_at_local_midnight(ledger, clock):
    clock.set(local(2020, 1, 6, 23, 59))
    deposit(ledger, DAY)
    clock.set(local(2020, 1, 7, 0, 1))
    assert move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1] is R.OK


def test_no_reset_before_local_midnight(ledger, clock):
    clock.set(local(2020, 1, 6, 0, 1))
    deposit(ledger, DAY)
    clock.set(local(2020, 1, 6, 23, 59, 59))
    assert move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_DAILY


def test_no_reset_at_utc_midnight(ledger, clock):
    clock.set(local(2020, 1, 7, 7, 59))
    deposit(ledger, DAY)
    clock.set(local(2020, 1, 7, 8, 1))
    assert move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_DAILY


def test_utc_clock_reading_is_local_day(ledger, clock):
    clock.set(dt.datetime(2020, 1, 6, 15, 59, tzinfo=dt.UTC))
    deposit(ledger, DAY)
    clock.set(dt.datetime(2020, 1, 6, 16, 1, tzinfo=dt.UTC))
    assert move(ledger, BANK_CASH, MAIN, DAY, C.DEPOSIT)[1] is R.OK


def test_daily_out_reset_at_local_midnight(ledger, clock):
    clock.set(local(2020, 1, 6, 23, 59))
    stock(ledger, 2 * DAY)
    must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    clock.set(local(2020, 1, 7, 0, 1))
    assert move(ledger, MAIN, SHOP, DAY, C.PURCHASE)[1] is R.OK


# Yearly caps.


def test_yearly_in_default(ledger, clock):
    for _ in range(20):
        deposit(ledger, DAY)
        clock.advance(days=1)
    assert move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_YEARLY


def test_yearly_out_default(ledger, clock):
    stock(ledger, YEAR + DAY)
    for _ in range(20):
        must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
        clock.advance(days=1)
    assert move(ledger, MAIN, SHOP, 1, C.PURCHASE)[1] is R.LIMIT_EXCEEDED_YEARLY


def test_yearly_reset_on_local_new_year(make_ledger, clock):
    ledger = make_ledger(Limits(yearly_in=1000))
    clock.set(local(2020, 12, 31, 12))
    deposit(ledger, 1000)
    clock.set(local(2021, 1, 1, 0, 1))
    assert move(ledger, BANK_CASH, MAIN, 1000, C.DEPOSIT)[1] is R.OK


def test_no_yearly_reset_before_local_new_year(make_ledger, clock):
    ledger = make_ledger(Limits(yearly_in=1000))
    clock.set(local(2020, 6, 1, 12))
    deposit(ledger, 1000)
    clock.set(local(2020, 12, 31, 23, 59))
    assert move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_YEARLY


def test_yearly_reset_before_utc_new_year(make_ledger, clock):
    ledger = make_ledger(Limits(yearly_in=1000))
    clock.set(local(2020, 12, 31, 12))
    deposit(ledger, 1000)
    clock.set(dt.datetime(2020, 12, 31, 23, 59, tzinfo=dt.UTC))
    assert move(ledger, BANK_CASH, MAIN, 1000, C.DEPOSIT)[1] is R.OK


def test_no_yearly_reset_at_utc_new_year(make_ledger, clock):
    ledger = make_ledger(Limits(yearly_in=1000))
    clock.set(local(2021, 1, 1, 7, 59))
    deposit(ledger, 1000)
    clock.set(local(2021, 1, 1, 8, 1))
    assert move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_YEARLY


# 29 February.


def test_daily_window_on_leap_day(ledger, clock):
    clock.set(local(2020, 2, 29, 0, 0, 1))
    deposit(ledger, DAY)
    clock.set(local(2020, 2, 29, 23, 59, 59))
    assert move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_DAILY


def test_daily_window_after_leap_day(ledger, clock):
    clock.set(local(2020, 2, 29, 23, 59))
    deposit(ledger, DAY)
    clock.set(local(2020, 3, 1, 0, 0, 1))
    assert move(ledger, BANK_CASH, MAIN, DAY, C.DEPOSIT)[1] is R.OK


def test_leap_day_counts_in_its_year(make_ledger, clock):
    ledger = make_ledger(Limits(yearly_in=1000))
    clock.set(local(2020, 2, 29, 12))
    deposit(ledger, 600)
    clock.set(local(2020, 12, 31, 12))
    assert move(ledger, BANK_CASH, MAIN, 401, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_YEARLY


def test_year_window_starting_on_leap_day(make_ledger, clock):
    ledger = make_ledger(Limits(yearly_in=1000))
    clock.set(local(2020, 2, 29, 12))
    deposit(ledger, 1000)
    clock.set(local(2021, 1, 1, 0, 0, 1))
    assert move(ledger, BANK_CASH, MAIN, 1000, C.DEPOSIT)[1] is R.OK


@pytest.mark.parametrize(
    ("date", "year"),
    [
        (dt.date(2020, 2, 29), 2020),
        (dt.date(2020, 12, 31), 2020),
        (dt.date(2021, 1, 1), 2021),
        (dt.date(1970, 1, 1), 1970),
    ],
)
def test_year_of_day(date, year):
    assert year_of_day((date - dt.date(1970, 1, 1)).days) == year


# A daily cap per transaction.


def test_per_transaction_allows_many(make_ledger):
    ledger = make_ledger(Limits(per_transaction=True))
    deposit(ledger, DAY)
    assert move(ledger, BANK_CASH, MAIN, DAY, C.DEPOSIT)[1] is R.OK


def test_per_transaction_rejects_one_over(make_ledger):
    ledger = make_ledger(Limits(per_transaction=True))
    assert move(ledger, BANK_CASH, MAIN, DAY + 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_DAILY


def test_per_transaction_keeps_yearly_total(make_ledger):
    ledger = make_ledger(Limits(per_transaction=True, yearly_in=3 * DAY))
    for _ in range(3):
        deposit(ledger, DAY)
    assert move(ledger, BANK_CASH, MAIN, 1, C.DEPOSIT)[1] is R.LIMIT_EXCEEDED_YEARLY


def test_per_transaction_out(make_ledger):
    ledger = make_ledger(Limits(per_transaction=True))
    stock(ledger, 3 * DAY)
    must(ledger, MAIN, SHOP, DAY, C.PURCHASE)
    assert move(ledger, MAIN, SHOP, DAY + 1, C.PURCHASE)[1] is R.LIMIT_EXCEEDED_DAILY


def test_limits_stored_for_audit(make_ledger):
    ledger = make_ledger(Limits(daily_in=5, per_transaction=True))
    assert ledger.store.meta()["limits"]["per_transaction"] is True


def test_chain_counts_members_together(ledger):
    chain = [
        Transfer(ledger.new_id(), BANK_CASH, MAIN, 600_000, C.DEPOSIT, flags=TF.LINKED),
        Transfer(ledger.new_id(), BANK_CASH, MAIN, 600_000, C.DEPOSIT),
    ]
    assert ledger.create_transfers(chain) == [R.LINKED_EVENT_FAILED, R.LIMIT_EXCEEDED_DAILY]

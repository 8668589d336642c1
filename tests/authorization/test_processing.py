"""Account selection, campaigns, returns, pre-authorizations and channel rules."""

import dataclasses
import datetime as dt

import pytest

from twin.authorization import AccountType, Channel, Kind, ResponseCode
from twin.calendar import TZ

C = ResponseCode
K = Kind


def decision(response):
    return response.code, response.reason


def debited_accounts(world, response):
    """Return the accounts whose money paid for a purchase: the debit side of its holds and transfers."""
    accounts = set()
    for transfer_id in response.transfer_ids:
        transfer = world.ledger.transfer(transfer_id)
        if transfer.code.value == "purchase":
            accounts.add(transfer.debit_account_id)
    return accounts


# Welfare first, never split


@pytest.mark.parametrize(
    ("welfare", "paid_by"),
    [(9_999, AccountType.MAIN), (10_000, AccountType.WELFARE), (10_001, AccountType.WELFARE)],
)
def test_welfare_first_at_designated_merchant(world, welfare, paid_by):
    record, chip = world.card(main=50_000, welfare=welfare)
    response = world.authorize(world.purchase(chip, 10_000))
    assert response.approved
    assert response.account is paid_by
    expected = record.accounts.welfare if paid_by is AccountType.WELFARE else record.accounts.main
    assert debited_accounts(world, response) == {expected}


@pytest.mark.parametrize(
    ("welfare", "main_after", "welfare_after"),
    [(9_999, 40_000, 9_999), (10_000, 50_000, 0), (10_001, 50_000, 1)],
)
def test_welfare_first_balances(world, welfare, main_after, welfare_after):
    record, chip = world.card(main=50_000, welfare=welfare)
    world.authorize(world.purchase(chip, 10_000))
    assert world.balance(record.accounts.main) == main_after
    assert world.balance(record.accounts.welfare) == welfare_after


def test_no_split_when_both_short(world):
    record, chip = world.card(main=6_000, welfare=6_000)
    count = world.transfers()
    assert decision(world.authorize(world.purchase(chip, 10_000))) == (C.INSUFFICIENT_FUNDS, "insufficient_funds")
    assert world.transfers() == count
    assert world.balance(record.accounts.welfare) == 6_000


def test_plain_merchant_uses_main_only(world):
    record, chip = world.card(main=50_000, welfare=50_000)
    response = world.authorize(world.purchase(chip, 10_000, merchant="shop2"))
    assert response.account is AccountType.MAIN
    assert debited_accounts(world, response) == {record.accounts.main}
    assert world.balance(record.accounts.welfare) == 50_000


def test_plain_merchant_never_takes_welfare(world):
    record, chip = world.card(main=100, welfare=50_000)
    response = world.authorize(world.purchase(chip, 10_000, merchant="shop2"))
    assert decision(response) == (C.INSUFFICIENT_FUNDS, "insufficient_funds")


def test_qr_purchase_welfare_first(world):
    record, chip = world.card(main=50_000, welfare=20_000)
    response = world.authorize(world.purchase(chip, 10_000, channel=Channel.QR))
    assert response.account is AccountType.WELFARE


def test_welfare_hold_counts_against_available(world):
    record, chip = world.card(main=50_000, welfare=10_000)
    assert world.authorize(world.preauthorize(chip, 8_000)).account is AccountType.WELFARE
    assert world.authorize(world.purchase(chip, 5_000)).account is AccountType.MAIN


def test_unknown_merchant(world):
    record, chip = world.card(main=50_000)
    assert decision(world.authorize(world.purchase(chip, 100, merchant="nobody"))) == (
        C.INVALID_MERCHANT, "merchant_unknown")


def test_purchase_on_atm_channel(world):
    record, chip = world.card(main=50_000)
    request = dataclasses.replace(world.atm(K.PURCHASE, chip, 100), merchant_id="shop3")
    assert decision(world.authorize(request)) == (C.INVALID_TRANSACTION, "channel_not_for_purchase")


# Campaigns


@pytest.mark.parametrize(("welfare", "paid_by"), [(50_000, AccountType.WELFARE), (0, AccountType.MAIN)])
def test_campaign_discount_whichever_pays(world, welfare, paid_by):
    record, chip = world.card(main=50_000, welfare=welfare)
    response = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    assert response.account is paid_by
    assert response.amount == 9_000
    assert response.discount == 1_000
    assert world.balance(world.campaign_shop.settlement_account_id) == 10_000
    assert world.balance(world.subsidy) == -1_000


def test_campaign_welfare_pays_discounted_amount(world):
    """9,500 of welfare cannot pay 10,000 but pays the 9,000 after the discount."""
    record, chip = world.card(main=50_000, welfare=9_500)
    response = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    assert response.account is AccountType.WELFARE
    assert world.balance(record.accounts.welfare) == 500


# Refunds


@pytest.mark.parametrize(("welfare", "refunded"), [(50_000, "welfare"), (0, "main")])
def test_refund_goes_to_paying_account(world, welfare, refunded):
    record, chip = world.card(main=50_000, welfare=welfare)
    purchase = world.authorize(world.purchase(chip, 10_000))
    before = world.balance(getattr(record.accounts, refunded))
    refund = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 4_000))
    assert refund.approved
    assert refund.account is purchase.account
    assert world.balance(getattr(record.accounts, refunded)) == before + 4_000


def test_repeated_partial_refunds_up_to_original(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    codes = [
        world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, amount)).code
        for amount in (3_000, 3_000, 4_000)
    ]
    assert codes == [C.APPROVED] * 3
    extra = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 1))
    assert decision(extra) == (C.ORIGINAL_AMOUNT_INCORRECT, "exceeds_original_amount")
    assert world.balance(record.accounts.main) == 50_000


def test_refund_over_original(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    refund = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 10_001))
    assert decision(refund) == (C.ORIGINAL_AMOUNT_INCORRECT, "exceeds_original_amount")


def test_refund_at_other_merchant(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    refund = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 100, merchant="shop2"))
    assert decision(refund) == (C.ORIGINAL_NOT_FOUND, "original_other_merchant")


def test_refund_of_unknown_original(world):
    record, chip = world.card(main=50_000)
    refund = world.authorize(world.follow_up(K.REFUND, chip, "000000999999", 100))
    assert decision(refund) == (C.ORIGINAL_NOT_FOUND, "original_not_found")


def test_refund_with_other_card(world):
    record, chip = world.card(main=50_000)
    other_record, other_chip = world.card("m2", main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    refund = world.authorize(world.follow_up(K.REFUND, other_chip, purchase.authorization_id, 100))
    assert decision(refund) == (C.ORIGINAL_NOT_FOUND, "original_not_found")


def test_campaign_refund_in_proportion(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    first = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 3_333, merchant="shop1"))
    second = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 6_667, merchant="shop1"))
    assert first.amount + second.amount == 9_000
    assert world.balance(record.accounts.main) == 50_000
    assert world.balance(world.subsidy) == 0
    assert world.balance(world.campaign_shop.settlement_account_id) == 0


def test_campaign_refund_amount_is_what_the_card_got(world):
    """A 1 fen refund of a discounted purchase returns 0 fen to the card and 1 fen to the subsidy."""
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    before = world.balance(record.accounts.main)
    refund = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 1, merchant="shop1"))
    assert refund.amount == world.balance(record.accounts.main) - before


def test_refund_of_completion(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    completion = world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 15_000))
    refund = world.authorize(world.follow_up(K.REFUND, chip, completion.authorization_id, 5_000))
    assert refund.approved
    assert world.balance(record.accounts.main) == 40_000


# Voids


def test_void_same_day(world):
    record, chip = world.card(main=50_000, welfare=20_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    void = world.authorize(world.follow_up(K.VOID, chip, purchase.authorization_id, 10_000))
    assert void.approved
    assert world.balance(record.accounts.welfare) == 20_000
    assert world.balance(world.shop.settlement_account_id) == 0


def test_void_next_day(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    world.clock.set(dt.datetime(2020, 1, 7, 0, 0, 1, tzinfo=TZ))
    void = world.authorize(world.follow_up(K.VOID, chip, purchase.authorization_id, 10_000))
    assert decision(void) == (C.INVALID_TRANSACTION, "void_not_same_day")


def test_void_twice(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    world.authorize(world.follow_up(K.VOID, chip, purchase.authorization_id, 10_000))
    again = world.authorize(world.follow_up(K.VOID, chip, purchase.authorization_id, 10_000))
    assert decision(again) == (C.INVALID_TRANSACTION, "original_already_returned")
    assert world.balance(record.accounts.main) == 50_000


def test_void_after_partial_refund(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 1_000))
    void = world.authorize(world.follow_up(K.VOID, chip, purchase.authorization_id, 10_000))
    assert decision(void) == (C.INVALID_TRANSACTION, "original_already_returned")


def test_refund_after_void(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    world.authorize(world.follow_up(K.VOID, chip, purchase.authorization_id, 10_000))
    refund = world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 100))
    assert decision(refund) == (C.ORIGINAL_AMOUNT_INCORRECT, "exceeds_original_amount")


# Reversals


def test_reversal_by_authorization_id(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    reversal = world.authorize(world.follow_up(K.REVERSAL, chip, purchase.authorization_id))
    assert reversal.approved
    assert world.balance(record.accounts.main) == 50_000


def test_reversal_twice(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    world.authorize(world.follow_up(K.REVERSAL, chip, purchase.authorization_id))
    again = world.authorize(world.follow_up(K.REVERSAL, chip, purchase.authorization_id))
    assert decision(again) == (C.APPROVED, "already_reversed")
    assert world.balance(record.accounts.main) == 50_000


def test_reversal_after_partial_refund(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 4_000))
    assert world.authorize(world.follow_up(K.REVERSAL, chip, purchase.authorization_id)).approved
    assert world.balance(record.accounts.main) == 50_000


def test_reversal_by_stan_after_lost_response(world):
    record, chip = world.card(main=50_000)
    purchase = world.purchase(chip, 10_000)
    world.authorize(purchase)
    reversal = world.follow_up(K.REVERSAL, chip, "", original_stan=purchase.stan)
    assert world.authorize(reversal).approved
    assert world.balance(record.accounts.main) == 50_000


def test_reversal_by_stan_of_request_never_received(world):
    record, chip = world.card(main=50_000)
    reversal = world.follow_up(K.REVERSAL, chip, "", original_stan="000777")
    assert decision(world.authorize(reversal)) == (C.ORIGINAL_NOT_FOUND, "original_not_found")


def test_reversal_by_stan_of_declined_request(world):
    record, chip = world.card(main=100)
    purchase = world.purchase(chip, 10_000)
    world.authorize(purchase)
    reversal = world.follow_up(K.REVERSAL, chip, "", original_stan=purchase.stan)
    assert decision(world.authorize(reversal)) == (C.INVALID_TRANSACTION, "original_declined")


def test_reversal_by_stan_of_refund_is_refused(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    refund = world.follow_up(K.REFUND, chip, purchase.authorization_id, 1_000)
    world.authorize(refund)
    reversal = world.follow_up(K.REVERSAL, chip, "", original_stan=refund.stan)
    assert decision(world.authorize(reversal)) == (C.INVALID_TRANSACTION, "original_not_reversible")
    assert world.balance(record.accounts.main) == 41_000


def test_reversal_by_stan_just_after_midnight(world):
    record, chip = world.card(main=50_000)
    world.clock.set(dt.datetime(2020, 1, 6, 23, 59, 59, tzinfo=TZ))
    purchase = world.purchase(chip, 10_000)
    world.authorize(purchase)
    world.clock.set(dt.datetime(2020, 1, 7, 0, 0, 5, tzinfo=TZ))
    reversal = world.follow_up(K.REVERSAL, chip, "", original_stan=purchase.stan)
    assert world.authorize(reversal).approved


def test_reversal_by_stan_needs_six_digits(world):
    record, chip = world.card(main=50_000)
    reversal = world.follow_up(K.REVERSAL, chip, "", original_stan="77")
    assert decision(world.authorize(reversal)) == (C.FORMAT_ERROR, "original_stan_format")


def test_reversal_of_lost_card_purchase(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    world.issuer.report_loss("m1")
    assert world.authorize(world.follow_up(K.REVERSAL, chip, purchase.authorization_id)).approved


def test_reversal_of_withdrawal(world):
    record, chip = world.card(main=50_000)
    withdrawal = world.authorize(world.atm(K.WITHDRAWAL, chip, 10_000))
    reversal = world.plain(K.REVERSAL, Channel.ATM, chip.pan, original_authorization_id=withdrawal.authorization_id)
    assert world.authorize(reversal).approved
    assert world.balance(record.accounts.main) == 50_000


# Pre-authorization


def test_preauthorization_holds(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    assert hold.approved
    account = world.ledger.account(record.accounts.main)
    assert (account.balance, account.available) == (50_000, 30_000)


def test_partial_completion_releases_rest(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    completion = world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 15_000))
    assert completion.approved
    account = world.ledger.account(record.accounts.main)
    assert (account.balance, account.available) == (35_000, 35_000)
    assert world.balance(world.shop.settlement_account_id) == 15_000


def test_second_completion(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 15_000))
    again = world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 5_000))
    assert decision(again) == (C.INVALID_TRANSACTION, "preauthorization_already_completed")


def test_completion_over_hold(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    completion = world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 20_001))
    assert decision(completion) == (C.ORIGINAL_AMOUNT_INCORRECT, "exceeds_preauthorized_amount")


def test_cancellation_releases_hold(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    assert world.authorize(world.follow_up(K.CANCELLATION, chip, hold.authorization_id)).approved
    assert world.ledger.account(record.accounts.main).available == 50_000


def test_completion_after_cancellation(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    world.authorize(world.follow_up(K.CANCELLATION, chip, hold.authorization_id))
    completion = world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 100))
    assert decision(completion) == (C.INVALID_TRANSACTION, "original_already_returned")


def test_cancellation_after_completion(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 100))
    cancellation = world.authorize(world.follow_up(K.CANCELLATION, chip, hold.authorization_id))
    assert decision(cancellation) == (C.INVALID_TRANSACTION, "preauthorization_already_completed")


def test_completion_after_expiry(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    world.clock.advance(days=31)
    completion = world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 100))
    assert decision(completion) == (C.ORIGINAL_NOT_FOUND, "preauthorization_expired")
    assert world.ledger.account(record.accounts.main).available == 50_000


def test_reversal_of_preauthorization(world):
    record, chip = world.card(main=50_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    assert world.authorize(world.follow_up(K.REVERSAL, chip, hold.authorization_id)).approved
    assert world.ledger.account(record.accounts.main).available == 50_000


def test_welfare_preauthorization_completion(world):
    record, chip = world.card(main=50_000, welfare=30_000)
    hold = world.authorize(world.preauthorize(chip, 20_000))
    assert hold.account is AccountType.WELFARE
    world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 12_000))
    assert world.balance(record.accounts.welfare) == 18_000
    assert world.balance(record.accounts.main) == 50_000


# Channel rules


@pytest.mark.parametrize("channel", [Channel.ATM, Channel.COUNTER])
def test_welfare_withdrawal_forbidden(world, channel):
    record, chip = world.card(main=50_000, welfare=50_000)
    if channel is Channel.ATM:
        request = world.atm(K.WITHDRAWAL, chip, 1_000, account=AccountType.WELFARE)
    else:
        request = world.plain(K.WITHDRAWAL, channel, chip.pan, 1_000, pin_block=world.pin(chip.pan),
                              account=AccountType.WELFARE)
    assert decision(world.authorize(request)) == (C.NOT_PERMITTED, "welfare_cash_forbidden")


def test_welfare_deposit_forbidden(world):
    record, chip = world.card(main=50_000, welfare=0)
    request = world.plain(K.DEPOSIT, Channel.COUNTER, chip.pan, 1_000, account=AccountType.WELFARE)
    assert decision(world.authorize(request)) == (C.NOT_PERMITTED, "welfare_deposit_forbidden")


@pytest.mark.parametrize(
    ("source", "target"),
    [(AccountType.WELFARE, AccountType.OUTSIDE), (AccountType.MAIN, AccountType.WELFARE),
     (AccountType.WELFARE, AccountType.MAIN)],
)
def test_welfare_transfer_forbidden(world, source, target):
    record, chip = world.card(main=50_000, welfare=50_000)
    request = world.plain(K.TRANSFER, Channel.COUNTER, chip.pan, 1_000, pin_block=world.pin(chip.pan),
                          account=source, to_account=target)
    assert decision(world.authorize(request)) == (C.NOT_PERMITTED, "welfare_transfer_forbidden")


def test_transfer_out_of_main(world):
    record, chip = world.card(main=50_000)
    request = world.plain(K.TRANSFER, Channel.COUNTER, chip.pan, 1_000, pin_block=world.pin(chip.pan),
                          to_account=AccountType.OUTSIDE, to_account_number="6222000000000000")
    assert world.authorize(request).approved
    assert world.balance(record.accounts.main) == 49_000


def test_transfer_main_to_main(world):
    record, chip = world.card(main=50_000)
    request = world.plain(K.TRANSFER, Channel.COUNTER, chip.pan, 1_000, pin_block=world.pin(chip.pan),
                          to_account=AccountType.MAIN)
    assert decision(world.authorize(request)) == (C.INVALID_TRANSACTION, "transfer_destination_invalid")


def test_withdrawal_on_mobile_channel(world):
    record, chip = world.card(main=50_000)
    request = world.plain(K.WITHDRAWAL, Channel.MOBILE, chip.pan, 1_000)
    assert decision(world.authorize(request)) == (C.INVALID_TRANSACTION, "channel_not_for_cash")


@pytest.mark.parametrize("channel", [Channel.ATM, Channel.SMART_TELLER])
def test_welfare_inquiry_refused(world, channel):
    record, chip = world.card(main=50_000, welfare=20_000)
    if channel is Channel.ATM:
        request = world.atm(K.BALANCE, chip, account=AccountType.WELFARE)
    else:
        request = world.plain(K.BALANCE, channel, chip.pan, pin_block=world.pin(chip.pan), account=AccountType.WELFARE)
    assert decision(world.authorize(request)) == (C.NOT_PERMITTED, "welfare_inquiry_channel")


@pytest.mark.parametrize("channel", [Channel.COUNTER, Channel.MOBILE, Channel.WECHAT, Channel.SMS])
def test_welfare_inquiry_allowed(world, channel):
    record, chip = world.card(main=50_000, welfare=20_000)
    response = world.authorize(world.plain(K.BALANCE, channel, chip.pan, account=AccountType.WELFARE))
    assert response.approved
    assert response.balance == 20_000


@pytest.mark.parametrize("channel", [Channel.ATM, Channel.SMART_TELLER, Channel.COUNTER, Channel.MOBILE])
def test_main_inquiry_everywhere(world, channel):
    record, chip = world.card(main=50_000)
    if channel is Channel.ATM:
        request = world.atm(K.BALANCE, chip)
    else:
        request = world.plain(K.BALANCE, channel, chip.pan, pin_block=world.pin(chip.pan))
    response = world.authorize(request)
    assert (response.code, response.balance, response.available) == (C.APPROVED, 50_000, 50_000)


def test_inquiry_without_welfare_account(world):
    record, chip = world.card(main=50_000)
    response = world.authorize(world.plain(K.BALANCE, Channel.COUNTER, chip.pan, account=AccountType.WELFARE))
    assert decision(response) == (C.INVALID_TRANSACTION, "no_welfare_account")


# Limits and funds


def test_insufficient_funds(world):
    record, chip = world.card(main=9_999)
    assert decision(world.authorize(world.atm(K.WITHDRAWAL, chip, 10_000))) == (
        C.INSUFFICIENT_FUNDS, "insufficient_funds")


def test_class_ii_daily_limit(world):
    record, chip = world.card()
    world.fund(record, 2_000_000)
    assert world.authorize(world.atm(K.WITHDRAWAL, chip, 600_000)).approved
    assert world.authorize(world.atm(K.WITHDRAWAL, chip, 400_000)).approved
    over = world.authorize(world.purchase(chip, 1, merchant="shop2"))
    assert decision(over) == (C.EXCEEDS_AMOUNT_LIMIT, "class_ii_daily_limit")


def test_class_ii_daily_limit_resets_next_day(world):
    record, chip = world.card(main=1_000_000)
    assert world.authorize(world.atm(K.WITHDRAWAL, chip, 1_000_000)).approved
    world.clock.advance(days=1)
    world.deposit(record, 500_000)
    assert world.authorize(world.atm(K.WITHDRAWAL, chip, 500_000)).approved


def test_class_ii_daily_inflow_limit(world):
    record, chip = world.card()
    request = world.plain(K.DEPOSIT, Channel.COUNTER, chip.pan, 1_000_001)
    assert decision(world.authorize(request)) == (C.EXCEEDS_AMOUNT_LIMIT, "class_ii_daily_limit")


def test_class_ii_yearly_limit(world):
    record, chip = world.card()
    for _ in range(20):
        world.deposit(record, 1_000_000)
        assert world.authorize(world.atm(K.WITHDRAWAL, chip, 1_000_000)).approved
        world.clock.advance(days=1)
    world.fund(record, 1_000)
    over = world.authorize(world.atm(K.WITHDRAWAL, chip, 1))
    assert decision(over) == (C.EXCEEDS_COUNT_LIMIT, "class_ii_yearly_limit")


def test_class_i_has_no_limit(world):
    from twin.ledger import AccountClass

    record, chip = world.card(account_class=AccountClass.I)
    world.deposit(record, 5_000_000)
    assert world.authorize(world.atm(K.WITHDRAWAL, chip, 5_000_000)).approved


# Transit and ETC


def test_transit_topup(world):
    record, chip = world.card(main=50_000)
    request = world.plain(K.TRANSIT_TOPUP, Channel.TRANSIT_KIOSK, chip.pan, 10_000, pin_block=world.pin(chip.pan))
    assert world.authorize(request).approved
    assert world.balance(record.accounts.transit_wallet) == 10_000


def test_transit_topup_over_cap(world):
    record, chip = world.card(main=200_000)
    first = world.plain(K.TRANSIT_TOPUP, Channel.TRANSIT_KIOSK, chip.pan, 100_000, pin_block=world.pin(chip.pan))
    assert world.authorize(first).approved
    second = world.plain(K.TRANSIT_TOPUP, Channel.TRANSIT_KIOSK, chip.pan, 1, pin_block=world.pin(chip.pan))
    assert decision(world.authorize(second)) == (C.EXCEEDS_AMOUNT_LIMIT, "transit_wallet_cap")


def test_etc_toll(world):
    record, chip = world.card(main=50_000)
    response = world.authorize(world.plain(K.ETC_TOLL, Channel.ETC_CLEARING, chip.pan, 950))
    assert response.approved
    assert world.balance(world.issuer.system.etc_clearing) == 950


def test_etc_toll_on_other_channel(world):
    record, chip = world.card(main=50_000)
    response = world.authorize(world.plain(K.ETC_TOLL, Channel.COUNTER, chip.pan, 950))
    assert decision(response) == (C.INVALID_TRANSACTION, "channel_not_for_toll")


def test_audit_clean_after_mix(world):
    record, chip = world.card(main=500_000, welfare=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    world.authorize(world.follow_up(K.REFUND, chip, purchase.authorization_id, 3_000, merchant="shop1"))
    hold = world.authorize(world.preauthorize(chip, 20_000))
    world.authorize(world.follow_up(K.COMPLETION, chip, hold.authorization_id, 5_000))
    world.authorize(world.atm(K.WITHDRAWAL, chip, 10_000))
    assert world.audit().ok


# Amounts of voids and reversals, top-ups from the welfare account


def test_void_with_other_amount(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    void = world.authorize(world.follow_up(K.VOID, chip, purchase.authorization_id, 9_000))
    assert decision(void) == (C.ORIGINAL_AMOUNT_INCORRECT, "original_amount_mismatch")
    assert world.balance(record.accounts.main) == 40_000


def test_reversal_with_other_amount(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000))
    reversal = world.authorize(world.follow_up(K.REVERSAL, chip, purchase.authorization_id, 10_001))
    assert decision(reversal) == (C.ORIGINAL_AMOUNT_INCORRECT, "original_amount_mismatch")


def test_reversal_with_original_amount(world):
    record, chip = world.card(main=50_000)
    purchase = world.authorize(world.purchase(chip, 10_000, merchant="shop1"))
    assert world.authorize(world.follow_up(K.REVERSAL, chip, purchase.authorization_id, 10_000, merchant="shop1")).approved
    assert world.balance(record.accounts.main) == 50_000


def test_transit_topup_from_welfare(world):
    record, chip = world.card(main=50_000, welfare=50_000)
    request = world.plain(K.TRANSIT_TOPUP, Channel.TRANSIT_KIOSK, chip.pan, 1_000, pin_block=world.pin(chip.pan),
                          account=AccountType.WELFARE)
    assert decision(world.authorize(request)) == (C.NOT_PERMITTED, "welfare_topup_forbidden")
    assert world.balance(record.accounts.main) == 50_000


def test_ledger_rejection_without_rule_is_96(world):
    """A campaign whose subsidy account does not exist: the ledger's own result names the fault."""
    from decimal import Decimal

    from twin.authorization import Campaign

    world.issuer.add_merchant("shop9", "broken", "5411", True, Campaign("c9", Decimal("0.1"), 999_999))
    record, chip = world.card(main=50_000)
    response = world.authorize(world.purchase(chip, 1_000, merchant="shop9"))
    assert decision(response) == (C.SYSTEM_MALFUNCTION, "ledger_debit_account_not_found")
    assert world.balance(record.accounts.main) == 50_000

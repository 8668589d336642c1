"""The issuer's card management: issuance, welfare accounts, loss, replacement, closure, PIN reset."""

from twin.authorization import CardStatus, Channel, Kind, ResponseCode
from twin.ledger import AccountStatus, Transfer, TransferCode


def test_batch_card_is_inactive(world):
    record, chip = world.batch_card()
    assert record.status is CardStatus.INACTIVE
    assert record.pin_is_initial


def test_individual_card_is_active(world):
    record, chip = world.card()
    assert record.status is CardStatus.ACTIVE


def test_individual_card_needs_pin(world):
    assert world.issuer.issue_card("m9", batch=False) == (None, "pin_required")


def test_one_card_per_member(world):
    world.card()
    assert world.issuer.issue_card("m1") == (None, "member_has_card")


def test_new_card_after_closure(world):
    world.card()
    world.issuer.close_card("m1")
    record, reason = world.issuer.issue_card("m1")
    assert reason == "ok"
    assert world.issuer.card_of("m1") is record


def test_card_numbers_are_19_digits_with_bin(world):
    record, chip = world.card()
    assert len(record.pan) == 19
    assert record.pan.startswith(world.issuer.settings.bin)


def test_repr_masks_pan(world):
    record, chip = world.card()
    assert record.pan not in repr(record)
    assert record.pan not in repr(chip)


def test_open_welfare_account(world):
    record, chip = world.card()
    welfare, reason = world.issuer.open_welfare_account("m1")
    assert reason == "ok"
    assert record.accounts.welfare == welfare
    assert world.ledger.account(welfare).is_welfare


def test_open_welfare_account_twice(world):
    record, chip = world.card(welfare=0)
    assert world.issuer.open_welfare_account("m1") == (record.accounts.welfare, "exists")


def test_open_welfare_account_without_card(world):
    assert world.issuer.open_welfare_account("nobody") == (0, "no_card")


def test_welfare_account_on_inactive_card(world):
    record, chip = world.batch_card()
    welfare, reason = world.issuer.open_welfare_account("b1")
    assert reason == "ok"


def test_report_loss(world):
    record, chip = world.card()
    assert world.issuer.report_loss("m1") == "ok"
    assert record.status is CardStatus.LOST


def test_report_loss_without_card(world):
    assert world.issuer.report_loss("nobody") == "no_card"


def test_replacement_needs_loss_report(world):
    world.card()
    assert world.issuer.replace_card("m1", pin="246810") == (None, "card_not_reported_lost")


def test_replacement_moves_balances(world):
    record, chip = world.card(main=30_000, welfare=20_000)
    topup = world.plain(Kind.TRANSIT_TOPUP, Channel.TRANSIT_KIOSK, chip.pan, 5_000, pin_block=world.pin(chip.pan))
    assert world.authorize(topup).approved
    world.issuer.report_loss("m1")
    new, reason = world.issuer.replace_card("m1", pin="246810")
    assert reason == "ok"
    assert world.balance(new.accounts.main) == 25_000
    assert world.balance(new.accounts.welfare) == 20_000
    assert world.balance(new.accounts.transit_wallet) == 5_000
    assert all(world.balance(account_id) == 0 for account_id in record.accounts.ids())
    assert all(world.ledger.account(account_id).status is AccountStatus.CLOSED for account_id in record.accounts.ids())
    assert record.status is CardStatus.REPLACED
    assert record.replaced_by == new.pan
    assert world.audit().ok


def test_replacement_voids_open_holds(world):
    record, chip = world.card(main=30_000)
    assert world.authorize(world.preauthorize(chip, 10_000)).approved
    world.issuer.report_loss("m1")
    new, reason = world.issuer.replace_card("m1", pin="246810")
    assert world.balance(new.accounts.main) == 30_000
    assert world.ledger.account(new.accounts.main).available == 30_000


def test_replacement_card_takes_new_pin(world):
    from twin.devices.card import EmulatedCard

    world.card(main=30_000)
    world.issuer.report_loss("m1")
    new, reason = world.issuer.replace_card("m1", pin_block=None, pin="246810")
    chip = EmulatedCard.personalise(world.issuer, new)
    assert world.authorize(world.purchase(chip, 1_000, pin="246810")).approved


def test_closure_pays_out_and_returns_welfare(world):
    other_union = world.issuer.open_union_account("u2", 1_000_000)
    record, chip = world.card(main=30_000, welfare=20_000)
    world.ledger.create_transfers([Transfer(world.ledger.new_id(), other_union, record.accounts.welfare, 5_000,
                                            TransferCode.DISBURSEMENT)])
    assert world.authorize(world.purchase(chip, 8_000)).approved  # welfare pays
    cash_before = world.balance(world.issuer.system.bank_cash)
    union_before = world.balance(world.union)
    results, reason = world.issuer.close_card("m1")
    assert reason == "ok"
    # bank_cash is read on the credit side, so cash paid out raises it.
    assert world.balance(world.issuer.system.bank_cash) == cash_before + 30_000
    # By payment order: what is left belongs to the newest disbursement first (u2's 5,000), then u1.
    assert world.balance(other_union) == 1_000_000
    assert world.balance(world.union) == union_before + 12_000
    assert record.status is CardStatus.CLOSED
    assert world.audit().ok


def test_closed_card_stays_closed(world):
    world.card()
    world.issuer.close_card("m1")
    assert world.issuer.close_card("m1") == ([], "card_closed")
    assert world.issuer.report_loss("m1") == "card_closed"


def test_reset_pin_unlocks(world):
    record, chip = world.card(main=30_000)
    for _ in range(3):
        world.authorize(world.purchase(chip, 100, pin="246810"))
    assert world.authorize(world.purchase(chip, 100)).code is ResponseCode.PIN_TRIES_EXCEEDED
    assert world.issuer.reset_pin("m1", world.pin(chip.pan, "258147")) == "ok"
    assert world.authorize(world.purchase(chip, 100, pin="258147")).approved


def test_reset_pin_refuses_simple_pin(world):
    record, chip = world.card()
    assert world.issuer.reset_pin("m1", world.pin(chip.pan, "111111")) == "new_pin_simple"


def test_reset_pin_of_inactive_card(world):
    record, chip = world.batch_card()
    assert world.issuer.reset_pin("b1", world.pin(chip.pan, "258147")) == "card_inactive"


def test_reset_pin_without_card(world):
    assert world.issuer.reset_pin("nobody", b"\x00" * 16) == "no_card"


def test_merchant_twice(world):
    import pytest

    with pytest.raises(ValueError, match="already exists"):
        world.issuer.add_merchant("shop1", "x", "5411", True)


def test_card_accounts_share_one_owner(world):
    world.card()
    world.issuer.open_welfare_account("m1")
    accounts = world.issuer.card_of("m1").accounts
    owners = [world.ledger.account(account_id).owner for account_id in accounts.ids()]
    assert owners == ["member:m1"] * 3
    assert owners[0] is owners[1]
    assert owners[0] is owners[2]


def test_cards_of_one_month_share_expiry(world):
    first, _ = world.issuer.issue_card("e1")
    second, _ = world.issuer.issue_card("e2")
    assert first.expiry is second.expiry

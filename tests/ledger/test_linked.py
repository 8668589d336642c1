"""Linked chains commit or fail as a whole, and a failure leaves no trace."""

from twin.ledger import Transfer, verify

from .book import (
    BANK_CASH,
    MAIN,
    OUTSIDE,
    SHOP,
    TF,
    UNION,
    WELFARE,
    C,
    R,
    deposit,
    disburse,
    fund_union,
    must,
    reopen,
    sums,
)


def linked(transfer):
    transfer.flags |= TF.LINKED
    return transfer


def overdraft(ledger):
    """A purchase within the daily limit that fails for lack of funds."""
    return Transfer(ledger.new_id(), MAIN, SHOP, 900_000, C.PURCHASE)


def window(ledger, account_id):
    account = ledger.account(account_id)
    return (
        account.day,
        account.day_in,
        account.day_out,
        account.year,
        account.year_in,
        account.year_out,
    )


def test_chain_commits_whole(ledger):
    chain = [
        linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)),
        Transfer(ledger.new_id(), MAIN, SHOP, 600, C.PURCHASE),
    ]
    assert ledger.create_transfers(chain) == [R.OK, R.OK]


def test_chain_member_relies_on_earlier_member(ledger):
    chain = [
        linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)),
        Transfer(ledger.new_id(), MAIN, SHOP, 600, C.PURCHASE),
    ]
    ledger.create_transfers(chain)
    assert ledger.account(MAIN).balance == 400


def test_failed_chain_results(ledger):
    chain = [
        linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)),
        linked(overdraft(ledger)),
        Transfer(ledger.new_id(), BANK_CASH, MAIN, 50, C.DEPOSIT),
    ]
    assert ledger.create_transfers(chain) == [
        R.LINKED_EVENT_FAILED,
        R.EXCEEDS_CREDITS,
        R.LINKED_EVENT_FAILED,
    ]


def test_failed_chain_restores_balances(ledger):
    deposit(ledger, 300)
    before = {account.id: sums(ledger, account.id) for account in ledger.accounts()}
    chain = [
        linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)),
        linked(Transfer(ledger.new_id(), MAIN, SHOP, 1200, C.PURCHASE)),
        overdraft(ledger),
    ]
    ledger.create_transfers(chain)
    assert {account.id: sums(ledger, account.id) for account in ledger.accounts()} == before


def test_failed_chain_commits_no_transfer(ledger):
    chain = [linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)), overdraft(ledger)]
    ledger.create_transfers(chain)
    assert ledger.transfer(chain[0].id) is None


def test_failed_chain_restores_limit_windows(ledger):
    deposit(ledger, 300)
    before = window(ledger, MAIN)
    chain = [linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)), overdraft(ledger)]
    ledger.create_transfers(chain)
    assert window(ledger, MAIN) == before


def test_failed_chain_restores_limit_window_of_new_day(ledger, clock):
    deposit(ledger, 300)
    clock.advance(days=1)
    before = window(ledger, MAIN)
    chain = [linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)), overdraft(ledger)]
    ledger.create_transfers(chain)
    assert window(ledger, MAIN) == before


def test_failed_chain_removes_its_hold(ledger):
    deposit(ledger, 1000)
    hold = linked(Transfer(ledger.new_id(), MAIN, SHOP, 400, C.PURCHASE, flags=TF.PENDING))
    ledger.create_transfers([hold, overdraft(ledger)])
    assert ledger.open_holds(MAIN) == []


def test_failed_chain_forgets_hold_state(ledger):
    deposit(ledger, 1000)
    hold = linked(Transfer(ledger.new_id(), MAIN, SHOP, 400, C.PURCHASE, flags=TF.PENDING))
    ledger.create_transfers([hold, overdraft(ledger)])
    assert ledger.hold_state(hold.id) is None


def test_failed_chain_reopens_posted_hold(ledger):
    deposit(ledger, 1000)
    hold_id = must(ledger, MAIN, SHOP, 400, C.PURCHASE, flags=TF.PENDING)
    chain = [
        linked(
            Transfer(
                ledger.new_id(),
                code=C.PURCHASE,
                amount=400,
                flags=TF.POST_PENDING,
                pending_id=hold_id,
            )
        ),
        overdraft(ledger),
    ]
    ledger.create_transfers(chain)
    assert ledger.hold_state(hold_id) == "pending"


def test_failed_chain_keeps_hold_in_available_balance(ledger):
    deposit(ledger, 1000)
    hold_id = must(ledger, MAIN, SHOP, 400, C.PURCHASE, flags=TF.PENDING)
    chain = [
        linked(
            Transfer(ledger.new_id(), code=C.PURCHASE, flags=TF.VOID_PENDING, pending_id=hold_id)
        ),
        overdraft(ledger),
    ]
    ledger.create_transfers(chain)
    assert ledger.account(MAIN).available == 600


def test_hold_posted_after_failed_chain(ledger):
    deposit(ledger, 1000)
    hold_id = must(ledger, MAIN, SHOP, 400, C.PURCHASE, flags=TF.PENDING)
    chain = [
        linked(
            Transfer(
                ledger.new_id(),
                code=C.PURCHASE,
                amount=400,
                flags=TF.POST_PENDING,
                pending_id=hold_id,
            )
        ),
        overdraft(ledger),
    ]
    ledger.create_transfers(chain)
    retry = Transfer(
        ledger.new_id(), code=C.PURCHASE, amount=400, flags=TF.POST_PENDING, pending_id=hold_id
    )
    assert ledger.create_transfers([retry]) == [R.OK]


def test_failed_chain_restores_refund_counter(ledger):
    deposit(ledger, 1000)
    purchase = must(ledger, MAIN, SHOP, 500, C.PURCHASE)
    chain = [
        linked(Transfer(ledger.new_id(), SHOP, MAIN, 300, C.REFUND, original_id=purchase)),
        overdraft(ledger),
    ]
    ledger.create_transfers(chain)
    assert ledger.returned_amount(purchase) == 0


def test_full_refund_after_failed_chain(ledger):
    deposit(ledger, 1000)
    purchase = must(ledger, MAIN, SHOP, 500, C.PURCHASE)
    chain = [
        linked(Transfer(ledger.new_id(), SHOP, MAIN, 300, C.REFUND, original_id=purchase)),
        overdraft(ledger),
    ]
    ledger.create_transfers(chain)
    refund = Transfer(ledger.new_id(), SHOP, MAIN, 500, C.REFUND, original_id=purchase)
    assert ledger.create_transfers([refund]) == [R.OK]


def test_failed_chain_forgets_disbursement(ledger):
    fund_union(ledger, 1000)
    chain = [
        linked(Transfer(ledger.new_id(), UNION, WELFARE, 400, C.DISBURSEMENT)),
        overdraft(ledger),
    ]
    ledger.create_transfers(chain)
    assert ledger.disbursements(WELFARE) == []


def test_failed_chain_keeps_earlier_disbursements(ledger):
    fund_union(ledger, 1000)
    disburse(ledger, 100)
    chain = [
        linked(Transfer(ledger.new_id(), UNION, WELFARE, 400, C.DISBURSEMENT)),
        overdraft(ledger),
    ]
    ledger.create_transfers(chain)
    assert ledger.disbursements(WELFARE) == [(UNION, 100)]


def test_failed_chain_restores_interest_product(ledger, clock):
    deposit(ledger, 1000)
    clock.advance(days=3)
    account = ledger.account(MAIN)
    before = (account.product_365, account.product_366, account.interest_day)
    chain = [linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)), overdraft(ledger)]
    ledger.create_transfers(chain)
    assert (account.product_365, account.product_366, account.interest_day) == before


def test_chain_open_at_end(ledger):
    chain = [
        linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)),
        linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)),
    ]
    assert ledger.create_transfers(chain) == [R.LINKED_EVENT_FAILED, R.LINKED_EVENT_CHAIN_OPEN]


def test_chain_open_at_end_applies_nothing(ledger):
    chain = [
        linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)),
        linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)),
    ]
    ledger.create_transfers(chain)
    assert ledger.account(MAIN).balance == 0


def test_open_chain_leaves_earlier_transfers(ledger):
    single = Transfer(ledger.new_id(), BANK_CASH, MAIN, 100, C.DEPOSIT)
    chain = [linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT))]
    assert ledger.create_transfers([single, *chain]) == [R.OK, R.LINKED_EVENT_CHAIN_OPEN]


def test_failed_chain_leaves_next_chain(ledger):
    first = [linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)), overdraft(ledger)]
    second = [
        linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 200, C.DEPOSIT)),
        Transfer(ledger.new_id(), MAIN, OUTSIDE, 150, C.TRANSFER),
    ]
    results = ledger.create_transfers([*first, *second])
    assert results == [R.LINKED_EVENT_FAILED, R.EXCEEDS_CREDITS, R.OK, R.OK]


def test_chain_with_retried_member(ledger):
    deposit(ledger, 1000)
    earlier = must(ledger, MAIN, SHOP, 100, C.PURCHASE)
    chain = [
        linked(Transfer(ledger.new_id(), MAIN, SHOP, 200, C.PURCHASE)),
        Transfer(earlier, MAIN, SHOP, 100, C.PURCHASE),
    ]
    assert ledger.create_transfers(chain) == [R.OK, R.EXISTS]


def test_chain_failing_after_retry_keeps_original(ledger):
    deposit(ledger, 1000)
    first = linked(Transfer(ledger.new_id(), MAIN, SHOP, 100, C.PURCHASE))
    ledger.create_transfers([first, Transfer(ledger.new_id(), MAIN, SHOP, 100, C.PURCHASE)])
    retry = linked(Transfer(first.id, MAIN, SHOP, 100, C.PURCHASE))
    assert ledger.create_transfers([retry, overdraft(ledger)]) == [
        R.LINKED_EVENT_FAILED,
        R.EXCEEDS_CREDITS,
    ]
    assert ledger.account(MAIN).balance == 800


def test_chain_timestamps_increase(ledger):
    chain = [linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 10, C.DEPOSIT)) for _ in range(4)]
    chain.append(Transfer(ledger.new_id(), BANK_CASH, MAIN, 10, C.DEPOSIT))
    ledger.create_transfers(chain)
    stamps = [ledger.transfer(transfer.id).timestamp for transfer in chain]
    assert stamps == sorted(set(stamps))


def test_failed_chain_absent_after_reopen(ledger, db_path):
    deposit(ledger, 300)
    chain = [linked(Transfer(ledger.new_id(), BANK_CASH, MAIN, 1000, C.DEPOSIT)), overdraft(ledger)]
    ledger.create_transfers(chain)
    reopened = reopen(ledger)
    assert reopened.account(MAIN).balance == 300


def test_failed_chain_audit_clean(ledger, db_path):
    deposit(ledger, 300)
    hold = linked(
        Transfer(ledger.new_id(), MAIN, SHOP, 100, C.PURCHASE, flags=TF.PENDING, timeout=60)
    )
    ledger.create_transfers([hold, overdraft(ledger)])
    ledger.flush()
    assert verify(db_path).problems == []


def test_rolled_back_hold_does_not_expire_reused_id(ledger, clock):
    deposit(ledger, 1000)
    hold_id = ledger.new_id()
    short = linked(Transfer(hold_id, MAIN, SHOP, 100, C.PURCHASE, flags=TF.PENDING, timeout=60))
    ledger.create_transfers([short, overdraft(ledger)])
    longer = Transfer(hold_id, MAIN, SHOP, 100, C.PURCHASE, flags=TF.PENDING, timeout=3600)
    ledger.create_transfers([longer])
    clock.advance(seconds=120)
    assert ledger.expire_pending() == []


def test_rolled_back_hold_reused_with_same_timeout(ledger, clock):
    deposit(ledger, 1000)
    hold_id = ledger.new_id()
    first = linked(Transfer(hold_id, MAIN, SHOP, 100, C.PURCHASE, flags=TF.PENDING, timeout=60))
    ledger.create_transfers([first, overdraft(ledger)])
    clock.advance(seconds=30)
    ledger.create_transfers(
        [Transfer(hold_id, MAIN, SHOP, 100, C.PURCHASE, flags=TF.PENDING, timeout=60)]
    )
    clock.advance(seconds=40)
    assert ledger.expire_pending() == []

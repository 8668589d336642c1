"""Card replacement and closure, as linked groups of ledger transfers.

A lost card's replacement moves every balance (main, welfare, transit wallet)
to the new card's accounts in one linked group and then closes the old ones.
Closure pays the main account out with its interest, settles the welfare
balance back to the unions that paid it, and closes the accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from twin.calendar import local_day_index
from twin.ledger import interest
from twin.ledger.accounts import AccountStatus
from twin.ledger.ledger import Ledger
from twin.ledger.results import TransferResult
from twin.ledger.transfers import Transfer, TransferCode, TransferFlags

__all__ = ["CardAccounts", "ClosurePolicy", "close_card_accounts", "replace_card_accounts", "split_welfare_balance"]


@dataclass(frozen=True)
class CardAccounts:
    """The ledger accounts behind one card; ``0`` where the card has none."""

    main: int
    welfare: int = 0
    transit_wallet: int = 0

    def ids(self) -> list[int]:
        return [account_id for account_id in (self.main, self.welfare, self.transit_wallet) if account_id]


class ClosurePolicy(StrEnum):
    """The rule for where the welfare balance of a closed card goes."""

    #: Back to the paying unions. Spending is taken to use the oldest welfare
    #: money first, so what is left belongs to the newest disbursements.
    BY_PAYMENT_ORDER = "by_payment_order"
    #: Back to the paying unions in proportion to what each paid in total.
    PRO_RATA = "pro_rata"
    #: All of it to one account named by the programme (the province federation).
    PROVINCE_UNION = "province_union"


def replace_card_accounts(ledger: Ledger, old: CardAccounts, new: CardAccounts) -> list[TransferResult]:
    """Move every balance of ``old`` to ``new`` in one linked group, then close ``old``.

    Open holds on the old accounts are voided in the same group. The new
    accounts must exist. Returns the results of the group (empty if there was
    nothing to move); the old accounts are closed only when all are ``ok``.
    """
    with ledger.batch():
        group = _void_open_holds(ledger, old.ids())
        for old_id, new_id in ((old.main, new.main), (old.welfare, new.welfare), (old.transit_wallet, new.transit_wallet)):
            if not old_id:
                continue
            if not new_id:
                raise ValueError(f"account {old_id} has no counterpart on the replacement card")
            balance = ledger.account(old_id).balance
            if balance:
                group.append(Transfer(ledger.new_id(), old_id, new_id, balance, TransferCode.REPLACEMENT))
        results = _commit_linked(ledger, group)
        if all(result is TransferResult.OK for result in results):
            day = local_day_index(ledger.clock.now_micros())
            for old_id, new_id in ((old.main, new.main), (old.welfare, new.welfare)):
                if old_id:
                    _carry_interest(ledger, old_id, new_id, day)
            for account_id in old.ids():
                ledger.set_status(account_id, AccountStatus.CLOSED)
    return results


def close_card_accounts(
    ledger: Ledger,
    card: CardAccounts,
    payout_account_id: int,
    policy: ClosurePolicy = ClosurePolicy.BY_PAYMENT_ORDER,
    province_union_account_id: int = 0,
) -> list[TransferResult]:
    """Close a card's accounts: interest first, then pay out and settle in one linked group.

    The transit wallet goes back to the main account, the main account (with
    its interest) to ``payout_account_id``, and the welfare balance to the
    unions as ``policy`` sets. The accounts are closed only when all are ``ok``.
    """
    with ledger.batch():
        for account_id in (card.main, card.welfare):
            if account_id:
                ledger.settle_account_interest(account_id)
        group = _void_open_holds(ledger, card.ids())
        main_total = ledger.account(card.main).balance
        if card.transit_wallet:
            wallet = ledger.account(card.transit_wallet).balance
            if wallet:
                group.append(Transfer(ledger.new_id(), card.transit_wallet, card.main, wallet, TransferCode.CLOSURE_SETTLEMENT))
                main_total += wallet
        if main_total:
            group.append(Transfer(ledger.new_id(), card.main, payout_account_id, main_total, TransferCode.CLOSURE_SETTLEMENT))
        if card.welfare:
            balance = ledger.account(card.welfare).balance
            for union_account_id, amount in split_welfare_balance(
                ledger, card.welfare, balance, policy, province_union_account_id
            ):
                group.append(
                    Transfer(ledger.new_id(), card.welfare, union_account_id, amount, TransferCode.CLOSURE_SETTLEMENT)
                )
        results = _commit_linked(ledger, group)
        if all(result is TransferResult.OK for result in results):
            for account_id in card.ids():
                ledger.set_status(account_id, AccountStatus.CLOSED)
    return results


def split_welfare_balance(
    ledger: Ledger,
    welfare_account_id: int,
    balance: int,
    policy: ClosurePolicy,
    province_union_account_id: int = 0,
) -> list[tuple[int, int]]:
    """Return ``(union account id, amount)`` parts that sum exactly to ``balance``."""
    if balance <= 0:
        return []
    paid = ledger.disbursements(welfare_account_id)
    if policy is ClosurePolicy.PROVINCE_UNION or not paid:
        if not province_union_account_id:
            raise ValueError(
                f"welfare account {welfare_account_id} needs a province union account to settle {balance} fen"
            )
        return [(province_union_account_id, balance)]
    if policy is ClosurePolicy.PRO_RATA:
        return _split_pro_rata(paid, balance)
    return _split_by_payment_order(paid, balance)


# Private interface


def _split_by_payment_order(paid: list[tuple[int, int]], balance: int) -> list[tuple[int, int]]:
    parts: dict[int, int] = {}
    remaining = balance
    for union_account_id, amount in reversed(paid):
        if remaining == 0:
            break
        take = min(amount, remaining)
        parts[union_account_id] = parts.get(union_account_id, 0) + take
        remaining -= take
    if remaining:
        # Interest and refunds can leave more than was disbursed: the newest payer takes it.
        newest = paid[-1][0]
        parts[newest] = parts.get(newest, 0) + remaining
    return sorted(parts.items())


def _split_pro_rata(paid: list[tuple[int, int]], balance: int) -> list[tuple[int, int]]:
    totals: dict[int, int] = {}
    for union_account_id, amount in paid:
        totals[union_account_id] = totals.get(union_account_id, 0) + amount
    grand = sum(totals.values())

    # Largest remainder: everyone gets the floor, then the fen left over go to
    # the largest fractional parts (ties to the lower account id).
    shares = {union: balance * total // grand for union, total in totals.items()}
    leftover = balance - sum(shares.values())
    order = sorted(totals, key=lambda union: (-(balance * totals[union] % grand), union))
    for union in order[:leftover]:
        shares[union] += 1
    return sorted((union, amount) for union, amount in shares.items() if amount)


def _void_open_holds(ledger: Ledger, account_ids: list[int]) -> list[Transfer]:
    # A hold whose timeout has passed is expired first: the ledger would expire
    # it at the start of the group anyway, and its void would then fail the group.
    ledger.expire_pending()
    seen: set[int] = set()
    voids = []
    for account_id in account_ids:
        for hold in ledger.open_holds(account_id):
            if hold.id in seen:
                continue
            seen.add(hold.id)
            voids.append(Transfer(ledger.new_id(), code=hold.code, flags=TransferFlags.VOID_PENDING, pending_id=hold.id))
    return voids


def _commit_linked(ledger: Ledger, group: list[Transfer]) -> list[TransferResult]:
    if not group:
        return []
    for transfer in group[:-1]:
        transfer.flags |= TransferFlags.LINKED
    return ledger.create_transfers(group)


def _carry_interest(ledger: Ledger, old_id: int, new_id: int, day: int) -> None:
    """Hand the old account's unsettled balance-days to the account that replaces it."""
    old = ledger.account(old_id)
    new = ledger.account(new_id)
    interest.accrue(old, day)
    interest.accrue(new, day)
    new.product_365 += old.product_365
    new.product_366 += old.product_366
    old.product_365 = old.product_366 = 0
    ledger._dirty[old_id] = old
    ledger._dirty[new_id] = new

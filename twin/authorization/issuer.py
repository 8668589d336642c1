"""The issuer's records: cards, the accounts behind them, merchants and unions.

:class:`Issuer` is the card-management side of the bank. It issues cards and
opens their ledger accounts, opens welfare accounts from union rosters, keeps
each card's status, PIN verification value and application transaction
counter, and carries out loss, replacement and closure. The authorization core
reads these records to decide requests.

One member has at most one card that is not closed: a second issuance for
the same member is rejected with ``member_has_card``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from twin.authorization.crypto import IssuerKeys, derive_card_key
from twin.authorization.pin import (
    INITIAL_PIN,
    PinBlockError,
    PinVerifier,
    decrypt_pin_block,
    pin_policy_problem,
)
from twin.calendar import from_epoch_micros
from twin.ledger import (
    Account,
    AccountClass,
    AccountCode,
    AccountFlags,
    CardAccounts,
    ClosurePolicy,
    Ledger,
    Transfer,
    TransferCode,
    TransferResult,
    close_card_accounts,
    replace_card_accounts,
)
from twin.pan import DEFAULT_BIN, make_expiry, make_pan, mask_pan

__all__ = ["Campaign", "CardRecord", "CardStatus", "Issuer", "IssuerSettings", "Merchant", "SystemAccounts"]

log = logging.getLogger(__name__)

_CUSTOMER = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS


class CardStatus(StrEnum):
    INACTIVE = "inactive"  # batch card not yet activated
    ACTIVE = "active"
    LOST = "lost"
    REPLACED = "replaced"
    CLOSED = "closed"


@dataclass(slots=True, repr=False)
class CardRecord:
    """The issuer's record of one card. Its repr masks the PAN and hides the PIN value."""

    pan: str
    psn: str
    expiry: str
    member: str
    account_class: AccountClass
    accounts: CardAccounts
    status: CardStatus
    pin_value: str
    pin_is_initial: bool
    issued_at: int
    pin_failures: int = 0
    pin_failure_day: int = -1
    last_atc: int = -1
    replaced_by: str = ""
    card_key: bytes = field(default=b"")
    #: Last local day the card is valid, worked out from ``expiry`` when first needed.
    valid_until: dt.date | None = None

    def __repr__(self) -> str:
        return f"CardRecord(pan={mask_pan(self.pan)}, member={self.member}, status={self.status.value})"


@dataclass(frozen=True, slots=True)
class Campaign:
    """A merchant campaign: a discount paid from the campaign's subsidy account.

    ``discount_rate`` is the share of the amount taken off (0.10 for 10% off),
    capped at ``max_discount`` fen per purchase when that is above zero.
    """

    id: str
    discount_rate: Decimal
    subsidy_account_id: int
    max_discount: int = 0
    starts: dt.date | None = None
    ends: dt.date | None = None

    def discount(self, amount: int, day: dt.date) -> int:
        if (self.starts and day < self.starts) or (self.ends and day > self.ends):
            return 0
        value = int(amount * self.discount_rate)
        if self.max_discount:
            value = min(value, self.max_discount)
        return max(0, min(value, amount - 1))


@dataclass(slots=True)
class Merchant:
    id: str
    name: str
    mcc: str
    designated: bool
    settlement_account_id: int
    campaign: Campaign | None = None


@dataclass(frozen=True, slots=True)
class SystemAccounts:
    """The bank's own accounts that card requests move money through."""

    bank_cash: int
    outside_clearing: int
    transit_clearing: int
    etc_clearing: int
    province_union: int
    suspense: int


@dataclass(frozen=True)
class IssuerSettings:
    """Programme settings the issuer applies."""

    bin: str = DEFAULT_BIN
    card_validity_years: int = 10
    pin_tries_per_day: int = 3
    transit_wallet_cap: int = 100_000
    closure_policy: ClosurePolicy = ClosurePolicy.BY_PAYMENT_ORDER
    #: Seconds a pre-authorization hold lasts before it expires (30 days).
    preauthorization_timeout: int = 30 * 86_400


class Issuer:
    """Cards, accounts, merchants and unions of one programme; thread-safe."""

    def __init__(self, ledger: Ledger, keys: IssuerKeys, settings: IssuerSettings | None = None) -> None:
        self.ledger = ledger
        self.keys = keys
        self.settings = settings or IssuerSettings()
        self.pins = PinVerifier(keys.pin_verification_key, keys.algorithm)
        self._lock = threading.RLock()
        self._cards: dict[str, CardRecord] = {}
        self._card_of_member: dict[str, str] = {}
        self._merchants: dict[str, Merchant] = {}
        self._unions: dict[str, int] = {}
        self._account_serial = 0
        #: Expiry strings by value, so that cards issued in one month share one.
        self._expiries: dict[str, str] = {}
        self.system = self._open_system_accounts()

    # Lookups

    def card(self, pan: str) -> CardRecord | None:
        return self._cards.get(pan)

    def card_of(self, member: str) -> CardRecord | None:
        """Return the member's current card (the newest one, whatever its status)."""
        pan = self._card_of_member.get(member)
        return self._cards.get(pan) if pan else None

    def cards(self) -> list[CardRecord]:
        return list(self._cards.values())

    def merchant(self, merchant_id: str) -> Merchant | None:
        return self._merchants.get(merchant_id)

    def union_account(self, union_id: str) -> int:
        return self._unions[union_id]

    def has_union(self, union_id: str) -> bool:
        return union_id in self._unions

    def unions(self) -> dict[str, int]:
        return dict(self._unions)

    def card_key(self, card: CardRecord) -> bytes:
        """Return the card's cryptogram master key, derived once from the issuer key."""
        if not card.card_key:
            card.card_key = derive_card_key(self.keys.ac_master_key, card.pan, card.psn, self.keys.algorithm)
        return card.card_key

    # Set-up

    def open_union_account(self, union_id: str, funding: int = 0) -> int:
        """Open a grassroots union's corporate account, funded from the bank's cash if asked."""
        with self._lock:
            if union_id in self._unions:
                raise ValueError(f"union {union_id!r} already has a corporate account")
            account_id = self._new_account(AccountCode.UNION_CORPORATE, f"union:{union_id}", flags=_CUSTOMER)
            self._unions[union_id] = account_id
        if funding:
            self.fund_union(union_id, funding)
        return account_id

    def fund_union(self, union_id: str, amount: int) -> TransferResult:
        """Pay money into a union's corporate account (its dues and budget)."""
        transfer = Transfer(
            self.ledger.new_id(), self.system.bank_cash, self._unions[union_id], amount, TransferCode.FUNDING
        )
        return self.ledger.create_transfers([transfer])[0]

    def add_merchant(
        self, merchant_id: str, name: str, mcc: str, designated: bool, campaign: Campaign | None = None
    ) -> Merchant:
        with self._lock:
            if merchant_id in self._merchants:
                raise ValueError(f"merchant {merchant_id!r} already exists")
            flags = _CUSTOMER | (AccountFlags.DESIGNATED if designated else AccountFlags.NONE)
            account_id = self._new_account(AccountCode.MERCHANT_SETTLEMENT, f"merchant:{merchant_id}", flags=flags)
            merchant = Merchant(merchant_id, name, mcc, designated, account_id, campaign)
            self._merchants[merchant_id] = merchant
            return merchant

    def open_campaign_account(self, campaign_id: str) -> int:
        """Open the subsidy account that pays a campaign's discounts (a bank expense)."""
        return self._new_account(AccountCode.CAMPAIGN_SUBSIDY, f"campaign:{campaign_id}")

    def new_pin_value(self, card: CardRecord, pin_block: bytes) -> tuple[str | None, str]:
        """Turn a new PIN, encrypted under the zone PIN key, into the value to store.

        This is the one place the clear PIN exists, as inside an HSM: it is
        checked against the PIN policy (six digits, not a simple run, not the
        initial PIN) and dropped. Returns the value and ``"ok"``, or ``None``
        and the rule the PIN breaks.
        """
        try:
            pin = decrypt_pin_block(pin_block, card.pan, self.keys.zone_pin_key, self.keys.algorithm)
        except PinBlockError:
            return None, "new_pin_block_invalid"
        problem = pin_policy_problem(pin)
        if problem is not None:
            return None, f"new_pin_{problem.value}"
        if pin == INITIAL_PIN:
            return None, "new_pin_is_initial"
        return self.pins.make_verification_value(card.pan, pin), "ok"

    # Card lifecycle

    def issue_card(
        self,
        member: str,
        account_class: AccountClass = AccountClass.II,
        *,
        batch: bool = True,
        pin: str | None = None,
    ) -> tuple[CardRecord | None, str]:
        """Issue a card: a batch card carries the initial PIN and waits for activation;
        an individual card is active at once with the member's own ``pin``.

        Returns the card and ``"ok"``, or ``None`` and the reason it was not issued.
        """
        with self._lock:
            current = self.card_of(member)
            if current is not None and current.status is not CardStatus.CLOSED:
                return None, "member_has_card"
            if not batch and pin is None:
                return None, "pin_required"
            card = self._new_card(member, account_class, batch=batch, pin=pin)
            return card, "ok"

    def open_welfare_account(self, member: str) -> tuple[int, str]:
        """Open the welfare account on the member's card (from a union roster)."""
        with self._lock:
            card = self.card_of(member)
            if card is None or card.status in (CardStatus.CLOSED, CardStatus.REPLACED):
                return 0, "no_card"
            if card.accounts.welfare:
                return card.accounts.welfare, "exists"
            owner = self.ledger.account(card.accounts.main).owner
            welfare = self._member_account(AccountCode.MEMBER_WELFARE, owner, card.account_class, welfare=True)
            card.accounts = CardAccounts(card.accounts.main, welfare, card.accounts.transit_wallet)
            return welfare, "ok"

    def report_loss(self, member: str) -> str:
        with self._lock:
            card = self.card_of(member)
            if card is None:
                return "no_card"
            if card.status in (CardStatus.CLOSED, CardStatus.REPLACED):
                return "card_closed"
            card.status = CardStatus.LOST
            return "ok"

    def reset_pin(self, member: str, pin_block: bytes) -> str:
        """Set a new PIN for a holder who forgot theirs (密码挂失), at a branch with ID.

        ``pin_block`` is the new PIN as entered on the counter's PIN pad. The
        day's wrong tries are cleared, so this also unlocks a card that reached
        the daily limit. Returns ``"ok"`` or the reason the PIN was not set.
        """
        with self._lock:
            card = self.card_of(member)
            if card is None:
                return "no_card"
            if card.status is not CardStatus.ACTIVE:
                return f"card_{card.status.value}"
            value, problem = self.new_pin_value(card, pin_block)
            if value is None:
                return problem
            card.pin_value = value
            card.pin_failures = 0
            return "ok"

    def replace_card(self, member: str, pin_block: bytes | None = None, pin: str | None = None) -> tuple[CardRecord | None, str]:
        """Issue a replacement for a lost card and move every balance to it.

        The new card is active at once; its PIN comes from ``pin_block`` (as
        entered on the counter's PIN pad) or, in a trainer's script, ``pin``.
        """
        with self._lock:
            old = self.card_of(member)
            if old is None:
                return None, "no_card"
            if old.status is not CardStatus.LOST:
                return None, "card_not_reported_lost"
            new = self._new_card(member, old.account_class, batch=False, pin=pin, pin_block=pin_block, welfare=bool(old.accounts.welfare))
            results = replace_card_accounts(self.ledger, old.accounts, new.accounts)
            if not all(result is TransferResult.OK for result in results):
                log.error("replacement of %s failed: %s", old, results)
                return None, "replacement_failed"
            old.status = CardStatus.REPLACED
            old.replaced_by = new.pan
            return new, "ok"

    def close_card(self, member: str) -> tuple[list[TransferResult], str]:
        """Close the member's card: pay out the main account, settle welfare back to the unions."""
        with self._lock:
            card = self.card_of(member)
            if card is None:
                return [], "no_card"
            if card.status in (CardStatus.CLOSED, CardStatus.REPLACED):
                return [], "card_closed"
            results = close_card_accounts(
                self.ledger,
                card.accounts,
                self.system.bank_cash,
                self.settings.closure_policy,
                self.system.province_union,
            )
            if not all(result is TransferResult.OK for result in results):
                return results, "closure_failed"
            card.status = CardStatus.CLOSED
            return results, "ok"

    # Private interface

    def _new_card(
        self,
        member: str,
        account_class: AccountClass,
        *,
        batch: bool,
        pin: str | None,
        pin_block: bytes | None = None,
        welfare: bool = False,
    ) -> CardRecord:
        self._account_serial += 1
        pan = make_pan(self._account_serial, self.settings.bin)
        now = self.ledger.clock.now_micros()
        expiry = make_expiry(from_epoch_micros(now).date(), self.settings.card_validity_years)
        if pin_block is not None:
            pin_value = self.pins.make_verification_value_from_block(pan, pin_block, self.keys.zone_pin_key)
        else:
            pin_value = self.pins.make_verification_value(pan, INITIAL_PIN if batch else pin)
        # One owner string for the card's accounts, and one expiry string per month of issue.
        owner = f"member:{member}"
        expiry = self._expiries.setdefault(expiry, expiry)
        main = self._member_account(AccountCode.MEMBER_MAIN, owner, account_class)
        wallet = self._new_account(AccountCode.TRANSIT_WALLET, owner, flags=_CUSTOMER)
        welfare_id = self._member_account(AccountCode.MEMBER_WELFARE, owner, account_class, welfare=True) if welfare else 0
        card = CardRecord(
            pan=pan,
            psn="01",
            expiry=expiry,
            member=member,
            account_class=account_class,
            accounts=CardAccounts(main, welfare_id, wallet),
            status=CardStatus.INACTIVE if batch else CardStatus.ACTIVE,
            pin_value=pin_value,
            pin_is_initial=batch,
            issued_at=now,
        )
        self._cards[pan] = card
        self._card_of_member[member] = pan
        return card

    def _member_account(self, code: AccountCode, owner: str, account_class: AccountClass, *, welfare: bool = False) -> int:
        flags = _CUSTOMER | AccountFlags.EARNS_INTEREST
        if account_class is AccountClass.II:
            flags |= AccountFlags.LIMITED
        if welfare:
            flags |= AccountFlags.WELFARE
        return self._new_account(code, owner, account_class, flags)

    def _new_account(
        self,
        code: AccountCode,
        owner: str,
        account_class: AccountClass = AccountClass.NONE,
        flags: AccountFlags = AccountFlags.NONE,
    ) -> int:
        account_id = self.ledger.new_id()
        result = self.ledger.create_accounts([Account(account_id, code, owner, account_class, flags)])[0]
        if result.value != "ok":
            raise RuntimeError(f"could not open account {account_id}: {result}")
        return account_id

    def _open_system_accounts(self) -> SystemAccounts:
        return SystemAccounts(
            bank_cash=self._new_account(AccountCode.BANK_CASH, "bank"),
            outside_clearing=self._new_account(AccountCode.OUTSIDE_CLEARING, "bank"),
            transit_clearing=self._new_account(AccountCode.TRANSIT_CLEARING, "transit"),
            etc_clearing=self._new_account(AccountCode.ETC_CLEARING, "etc"),
            province_union=self._new_account(AccountCode.UNION_CORPORATE, "union:province", flags=_CUSTOMER),
            suspense=self._new_account(AccountCode.SUSPENSE, "bank"),
        )

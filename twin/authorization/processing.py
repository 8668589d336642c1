"""What each kind of request does once the card and the card holder are verified.

Account selection follows the programme's rule: at a designated merchant the
welfare account pays the whole amount when its available balance covers it,
otherwise the main account pays the whole amount; the two never share one
purchase. Anywhere else only the main account pays. The welfare account takes
no cash, deposit or transfer (57), and its balance is not shown at ATMs or
smart tellers (57).

Money moves only through the ledger, which enforces the same welfare rules,
the class II limits and the funds check on its own; its rejections come back
here as response codes (see :func:`twin.authorization.codes.ledger_decline`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from twin.authorization.codes import ResponseCode as C
from twin.authorization.codes import ledger_decline
from twin.authorization.issuer import CardRecord, CardStatus
from twin.authorization.records import AuthorizationRecord
from twin.authorization.requests import AccountType, Channel, Kind, Request, Response
from twin.ledger import Transfer, TransferCode, TransferFlags, TransferResult

if TYPE_CHECKING:
    from twin.authorization.pipeline import AuthorizationCore

__all__ = ["Processor"]

Decline = tuple[C, str]
_OK = TransferResult.OK
_WELFARE_INQUIRY_CHANNELS = frozenset({Channel.COUNTER, Channel.MOBILE, Channel.WECHAT, Channel.SMS})
_PAYMENT_CHANNELS = frozenset({Channel.POS_CHIP, Channel.QR})
#: Follow-ups whose loss a terminal resolves by sending them again, not by a reversal.
_NOT_REVERSIBLE = frozenset({Kind.VOID, Kind.REFUND, Kind.CANCELLATION, Kind.REVERSAL})
# Flag sets of a purchase's transfers, combined once: an operator on IntFlag
# members runs Python code in the enum module.
_HOLD_LINKED = TransferFlags.PENDING | TransferFlags.LINKED
_POST = TransferFlags.POST_PENDING
_POST_LINKED = TransferFlags.POST_PENDING | TransferFlags.LINKED
# Members read on every purchase, as module names: on Python 3.11 reading a
# member from its enum class costs several times a global name.
_APPROVED = C.APPROVED
_PURCHASE_KIND, _PURCHASE_CODE = Kind.PURCHASE, TransferCode.PURCHASE
_MAIN, _WELFARE, _TRANSIT_WALLET = AccountType.MAIN, AccountType.WELFARE, AccountType.TRANSIT_WALLET


class Processor:
    """Carries out approved requests against the ledger and the issuer's records."""

    def __init__(self, core: AuthorizationCore) -> None:
        self.core = core
        self.issuer = core.issuer
        self.ledger = core.ledger
        self._handlers = {
            Kind.PURCHASE: self._purchase,
            Kind.PREAUTHORIZATION: self._preauthorize,
            Kind.COMPLETION: self._complete,
            Kind.CANCELLATION: self._cancel,
            Kind.VOID: self._void,
            Kind.REFUND: self._refund,
            Kind.REVERSAL: self._reverse,
            Kind.WITHDRAWAL: self._withdraw,
            Kind.DEPOSIT: self._deposit,
            Kind.TRANSFER: self._transfer,
            Kind.BALANCE: self._balance,
            Kind.ACTIVATION: self._activate,
            Kind.PIN_CHANGE: self._change_pin,
            Kind.TRANSIT_TOPUP: self._topup,
            Kind.ETC_TOLL: self._toll,
        }

    def process(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        return self._handlers[request.kind](request, card, today)

    # Purchases and pre-authorizations

    def _purchase(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        merchant = self.issuer.merchant(request.merchant_id)
        if merchant is None:
            return C.INVALID_MERCHANT, "merchant_unknown"
        if request.channel not in _PAYMENT_CHANNELS:
            return C.INVALID_TRANSACTION, "channel_not_for_purchase"
        discount = merchant.campaign.discount(request.amount, today) if merchant.campaign else 0
        # Without a discount, paid is the request's own int: the record and the response keep no copy.
        paid = request.amount - discount if discount else request.amount
        account = self._select_account(card, merchant.designated, paid)
        account_id = self._account_id(card, account)

        # The hold and its post commit together with the campaign's share, so
        # the merchant is paid in full or not at all.
        # Three transfer ids, then the authorization's own id, in one reservation.
        first = self.ledger.reserve_ids(4)[0]
        auth_id = f"{first + 3:012d}"
        settlement = merchant.settlement_account_id
        group = [
            Transfer(first, account_id, settlement, paid, _PURCHASE_CODE, _HOLD_LINKED,
                     authorization_id=auth_id),
            Transfer(first + 1, 0, 0, paid, _PURCHASE_CODE, _POST_LINKED if discount else _POST,
                     pending_id=first, authorization_id=auth_id),
        ]
        if discount:
            group.append(Transfer(first + 2, merchant.campaign.subsidy_account_id, settlement,
                                  discount, TransferCode.CAMPAIGN_DISCOUNT, authorization_id=auth_id))
            transfer_ids: tuple[int, ...] = (first, first + 1, first + 2)
        else:
            transfer_ids = (first, first + 1)
        failure = self._commit(group)
        if failure is not None:
            return failure
        record = AuthorizationRecord(
            auth_id, _PURCHASE_KIND, card.pan, card.member, today, account, merchant.id,
            amount=request.amount, paid=paid, discount=discount,
            transfer_id=first + 1, discount_transfer_id=first + 2 if discount else 0,
        )
        self.core.records[auth_id] = record
        return self._approved(record, card, account, transfer_ids=transfer_ids)

    def _preauthorize(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        merchant = self.issuer.merchant(request.merchant_id)
        if merchant is None:
            return C.INVALID_MERCHANT, "merchant_unknown"
        if request.channel not in _PAYMENT_CHANNELS:
            return C.INVALID_TRANSACTION, "channel_not_for_purchase"
        account = self._select_account(card, merchant.designated, request.amount)
        auth_id = self.core.new_authorization_id()
        hold = Transfer(self.ledger.new_id(), self._account_id(card, account), merchant.settlement_account_id,
                        request.amount, TransferCode.PURCHASE, TransferFlags.PENDING,
                        timeout=self.issuer.settings.preauthorization_timeout, authorization_id=auth_id)
        failure = self._commit([hold])
        if failure is not None:
            return failure
        record = AuthorizationRecord(auth_id, Kind.PREAUTHORIZATION, card.pan, card.member, today, account,
                                     merchant.id, amount=request.amount, paid=request.amount, hold_id=hold.id)
        self.core.records[auth_id] = record
        return self._approved(record, card, account, transfer_ids=(hold.id,))

    def _complete(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        original = self._original(request, card, Kind.PREAUTHORIZATION)
        if isinstance(original, tuple):
            return original
        if request.amount > original.amount:
            return C.ORIGINAL_AMOUNT_INCORRECT, "exceeds_preauthorized_amount"
        auth_id = self.core.new_authorization_id()
        post = Transfer(self.ledger.new_id(), 0, 0, request.amount, TransferCode.PURCHASE, TransferFlags.POST_PENDING,
                        pending_id=original.hold_id, authorization_id=auth_id)
        failure = self._commit([post])
        if failure is not None:
            return failure
        record = AuthorizationRecord(auth_id, Kind.COMPLETION, card.pan, card.member, today, original.account,
                                     original.merchant_id, amount=request.amount, paid=request.amount,
                                     transfer_id=post.id)
        self.core.records[auth_id] = record
        original.completions += (auth_id,)
        return self._approved(record, card, original.account, transfer_ids=(post.id,))

    def _cancel(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        original = self._original(request, card, Kind.PREAUTHORIZATION)
        if isinstance(original, tuple):
            return original
        void = Transfer(self.ledger.new_id(), 0, 0, 0, TransferCode.PURCHASE, TransferFlags.VOID_PENDING,
                        pending_id=original.hold_id, authorization_id=original.id)
        failure = self._commit([void])
        if failure is not None:
            return failure
        original.voided = True
        return self._approved(original, card, original.account, amount=original.amount, transfer_ids=(void.id,))

    # Returns: void, refund, reversal

    def _void(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        original = self._original(request, card, Kind.PURCHASE)
        if isinstance(original, tuple):
            return original
        if original.local_date != today:
            return C.INVALID_TRANSACTION, "void_not_same_day"
        if original.returned:
            return C.INVALID_TRANSACTION, "original_already_returned"
        if request.amount and request.amount != original.amount:
            return C.ORIGINAL_AMOUNT_INCORRECT, "original_amount_mismatch"
        result = self._give_back(original, original.amount, TransferCode.REVERSAL)
        if isinstance(result, tuple):
            return result
        original.voided = True
        return self._approved(original, card, original.account, amount=original.paid, transfer_ids=tuple(result))

    def _refund(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        original_id = request.original_authorization_id
        original = self.core.records.get(original_id)
        kept_whole = original is not None
        if original is None:
            original = self.core.refundable.get(original_id)
        if original is None or original.pan != card.pan or original.kind not in (Kind.PURCHASE, Kind.COMPLETION):
            return C.ORIGINAL_NOT_FOUND, "original_not_found"
        if (today - original.local_date).days > self.core.settings.refund_days:
            return C.ORIGINAL_NOT_FOUND, "original_not_found"
        if original.merchant_id != request.merchant_id:
            return C.ORIGINAL_NOT_FOUND, "original_other_merchant"
        if original.returned + request.amount > original.amount:
            return C.ORIGINAL_AMOUNT_INCORRECT, "exceeds_original_amount"
        paid_before = original.returned_paid
        result = self._give_back(original, request.amount, TransferCode.REFUND)
        if isinstance(result, tuple):
            return result
        if not kept_whole:
            self.core.refundable.write_returned(original)
        paid_back = original.returned_paid - paid_before
        return self._approved(original, card, original.account, amount=paid_back, transfer_ids=tuple(result))

    def _reverse(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        original_id = request.original_authorization_id
        if not original_id:
            found = self._original_by_stan(request, today)
            if isinstance(found, tuple):
                return found
            original_id = found
        original = self.core.records.get(original_id)
        if original is None or original.pan != card.pan:
            return C.ORIGINAL_NOT_FOUND, "original_not_found"
        # The same window as a reversal by STAN: the original's local day and the next.
        if (today - original.local_date).days > 1:
            return C.ORIGINAL_NOT_FOUND, "original_not_found"
        if request.amount and request.amount != original.amount:
            return C.ORIGINAL_AMOUNT_INCORRECT, "original_amount_mismatch"
        if original.reversed:
            return Response(C.APPROVED, "already_reversed", original.id, original.account)
        if original.kind is Kind.PREAUTHORIZATION:
            state = self.ledger.hold_state(original.hold_id)
            transfer_ids: tuple[int, ...] = ()
            if state == "pending":
                void = Transfer(self.ledger.new_id(), 0, 0, 0, TransferCode.PURCHASE, TransferFlags.VOID_PENDING,
                                pending_id=original.hold_id, authorization_id=original.id)
                failure = self._commit([void])
                if failure is not None:
                    return failure
                transfer_ids = (void.id,)
            original.reversed = True
            return self._approved(original, card, original.account, amount=original.amount, transfer_ids=transfer_ids)
        remaining = original.amount - original.returned
        transfer_ids = ()
        if remaining:
            code = TransferCode.REVERSAL
            result = self._give_back(original, remaining, code)
            if isinstance(result, tuple):
                return result
            transfer_ids = tuple(result)
        original.reversed = True
        return self._approved(original, card, original.account, amount=original.paid, transfer_ids=transfer_ids)

    def _original_by_stan(self, request: Request, today: dt.date) -> str | Decline:
        """Find the authorization id of the request that ``request.original_stan`` names.

        The terminal sends the original's STAN when it never received the
        response; the original may be from today or, just after midnight, yesterday.
        """
        duplicates = self.core.duplicates
        for day in (today, today - dt.timedelta(days=1)):
            found = duplicates.response_for(request.terminal_id, request.original_stan, day)
            if found is None:
                continue
            kind, response = found
            if kind in _NOT_REVERSIBLE:
                # Their responses carry the id of the purchase they return, so
                # reversing by that id would undo the purchase instead.
                return C.INVALID_TRANSACTION, "original_not_reversible"
            if not response.approved:
                return C.INVALID_TRANSACTION, "original_declined"
            if not response.authorization_id:
                return C.ORIGINAL_NOT_FOUND, "original_not_found"
            return response.authorization_id
        return C.ORIGINAL_NOT_FOUND, "original_not_found"

    def _give_back(self, original: AuthorizationRecord, amount: int, code: TransferCode) -> list[int] | Decline:
        """Return ``amount`` (gross) of an approved request to where its money came from.

        A campaign purchase is returned in proportion: the card's account gets
        its share and the subsidy account the rest, computed on running totals
        so that a purchase returned in parts gives back exactly what was paid.
        """
        ledger = self.ledger
        paid_total = (original.returned + amount) * original.paid // original.amount
        paid_part = paid_total - original.returned_paid
        discount_part = amount - paid_part
        group = []
        transfer = ledger.transfer(original.transfer_id)
        if paid_part:
            group.append(Transfer(ledger.new_id(), transfer.credit_account_id, transfer.debit_account_id, paid_part,
                                  code, authorization_id=original.id, original_id=transfer.id))
        if discount_part:
            discount = ledger.transfer(original.discount_transfer_id)
            group.append(Transfer(ledger.new_id(), discount.credit_account_id, discount.debit_account_id,
                                  discount_part, code, authorization_id=original.id, original_id=discount.id))
        for transfer in group[:-1]:
            transfer.flags = TransferFlags.LINKED
        failure = self._commit(group)
        if failure is not None:
            if failure[1] == "insufficient_funds":
                return C.INSUFFICIENT_FUNDS, "merchant_insufficient_funds"
            return failure
        original.returned += amount
        original.returned_paid += paid_part
        original.returned_discount += discount_part
        return [t.id for t in group]

    # Cash, deposits, transfers

    def _withdraw(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        if request.account is AccountType.WELFARE:
            return C.NOT_PERMITTED, "welfare_cash_forbidden"
        if request.channel not in (Channel.ATM, Channel.COUNTER, Channel.SMART_TELLER):
            return C.INVALID_TRANSACTION, "channel_not_for_cash"
        return self._move(request, card, today, card.accounts.main, self.issuer.system.bank_cash,
                          TransferCode.CASH_WITHDRAWAL, AccountType.MAIN)

    def _deposit(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        if request.account is AccountType.WELFARE:
            return C.NOT_PERMITTED, "welfare_deposit_forbidden"
        if request.channel not in (Channel.ATM, Channel.COUNTER, Channel.SMART_TELLER):
            return C.INVALID_TRANSACTION, "channel_not_for_cash"
        return self._move(request, card, today, self.issuer.system.bank_cash, card.accounts.main,
                          TransferCode.DEPOSIT, AccountType.MAIN)

    def _transfer(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        if request.account is AccountType.WELFARE or request.to_account is AccountType.WELFARE:
            return C.NOT_PERMITTED, "welfare_transfer_forbidden"
        if request.to_account is not AccountType.OUTSIDE:
            return C.INVALID_TRANSACTION, "transfer_destination_invalid"
        return self._move(request, card, today, card.accounts.main, self.issuer.system.outside_clearing,
                          TransferCode.TRANSFER, AccountType.MAIN)

    def _topup(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        if request.account is AccountType.WELFARE:
            return C.NOT_PERMITTED, "welfare_topup_forbidden"
        wallet = self.ledger.account(card.accounts.transit_wallet)
        if wallet.balance + request.amount > self.issuer.settings.transit_wallet_cap:
            return C.EXCEEDS_AMOUNT_LIMIT, "transit_wallet_cap"
        return self._move(request, card, today, card.accounts.main, card.accounts.transit_wallet,
                          TransferCode.TRANSIT_TOPUP, AccountType.MAIN)

    def _toll(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        if request.channel is not Channel.ETC_CLEARING:
            return C.INVALID_TRANSACTION, "channel_not_for_toll"
        return self._move(request, card, today, card.accounts.main, self.issuer.system.etc_clearing,
                          TransferCode.ETC_TOLL, AccountType.MAIN)

    def _move(self, request: Request, card: CardRecord, today: dt.date, debit: int, credit: int,
              code: TransferCode, account: AccountType) -> Response | Decline:
        auth_id = self.core.new_authorization_id()
        transfer = Transfer(self.ledger.new_id(), debit, credit, request.amount, code, authorization_id=auth_id)
        failure = self._commit([transfer])
        if failure is not None:
            return failure
        record = AuthorizationRecord(auth_id, request.kind, card.pan, card.member, today, account,
                                     amount=request.amount, paid=request.amount, transfer_id=transfer.id)
        self.core.records[auth_id] = record
        return self._approved(record, card, account, transfer_ids=(transfer.id,))

    # Inquiries and card management

    def _balance(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        if request.account is AccountType.WELFARE:
            if request.channel not in _WELFARE_INQUIRY_CHANNELS:
                return C.NOT_PERMITTED, "welfare_inquiry_channel"
            if not card.accounts.welfare:
                return C.INVALID_TRANSACTION, "no_welfare_account"
        account = self.ledger.account(self._account_id(card, request.account))
        return Response(C.APPROVED, "approved", account=request.account, balance=account.balance,
                        available=account.available)

    def _activate(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        decline = self._set_pin(card, request.new_pin_block)
        if decline is not None:
            return decline
        card.status = CardStatus.ACTIVE
        card.pin_is_initial = False
        return Response(C.APPROVED, "approved", account=AccountType.MAIN)

    def _change_pin(self, request: Request, card: CardRecord, today: dt.date) -> Response | Decline:
        decline = self._set_pin(card, request.new_pin_block)
        if decline is not None:
            return decline
        return Response(C.APPROVED, "approved", account=AccountType.MAIN)

    def _set_pin(self, card: CardRecord, pin_block: bytes | None) -> Decline | None:
        if pin_block is None:
            return C.FORMAT_ERROR, "new_pin_missing"
        value, problem = self.issuer.new_pin_value(card, pin_block)
        if value is None:
            return (C.FORMAT_ERROR if problem == "new_pin_block_invalid" else C.INVALID_TRANSACTION), problem
        card.pin_value = value
        card.pin_failures = 0
        return None

    # Helpers

    def _select_account(self, card: CardRecord, designated: bool, amount: int) -> AccountType:
        welfare_id = card.accounts.welfare
        if designated and welfare_id and self.ledger.account(welfare_id).available >= amount:
            return _WELFARE
        return _MAIN

    def _account_id(self, card: CardRecord, account: AccountType) -> int:
        if account is _WELFARE:
            return card.accounts.welfare
        if account is _TRANSIT_WALLET:
            return card.accounts.transit_wallet
        return card.accounts.main

    def _original(self, request: Request, card: CardRecord, kind: Kind) -> AuthorizationRecord | Decline:
        # A purchase in refund-only form still gets the void's own decline, not "not found".
        original = self.core.record(request.original_authorization_id)
        if original is None or original.pan != card.pan or original.kind is not kind:
            return C.ORIGINAL_NOT_FOUND, "original_not_found"
        if original.merchant_id and request.merchant_id and original.merchant_id != request.merchant_id:
            return C.ORIGINAL_NOT_FOUND, "original_other_merchant"
        if original.reversed or original.voided:
            return C.INVALID_TRANSACTION, "original_already_returned"
        return original

    def _commit(self, group: list[Transfer]) -> Decline | None:
        results = self.ledger.create_transfers(group)
        for result in results:
            if result is not _OK and result is not TransferResult.LINKED_EVENT_FAILED:
                return ledger_decline(result)
        return None

    def _approved(self, record: AuthorizationRecord, card: CardRecord, account: AccountType | None,
                  amount: int | None = None, transfer_ids: tuple[int, ...] = ()) -> Response:
        return Response(
            _APPROVED,
            "approved",
            record.id,
            account,
            amount=record.paid if amount is None else amount,
            discount=record.discount,
            approval_code=record.id[-6:],
            transfer_ids=transfer_ids,
        )


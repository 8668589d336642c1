"""Transit clearing: fares taken offline by gates are posted to the ledger in batches.

Each fare record moves its amount from the card's transit wallet to the
transit operator's clearing account (code ``transit_fare``, batch id = the
gate's batch id). A record is never dropped. The wallet may not cover it,
because the card was replaced or closed before the fare cleared, or because
the wallet is short. Then the wallet pays what it has and the issuer's suspense
account pays the rest, so the operator is paid in full. The record is reported
as a clearing exception for the bank to recover. A record sent twice (same card and purse
counter) is posted once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from twin.authorization import Issuer
from twin.devices.transit import ClearingBatch, FareRecord
from twin.ledger import AccountStatus, Transfer, TransferCode, TransferFlags, TransferResult
from twin.pan import mask_pan

__all__ = ["ClearingException", "ClearingReport", "TransitClearing"]

log = logging.getLogger(__name__)


#: Every reason a fare can be a clearing exception.
EXCEPTION_REASONS = frozenset({"card_unknown", "wallet_closed", "wallet_frozen", "wallet_insufficient"})


@dataclass(frozen=True)
class ClearingException:
    """A fare the wallet did not fully cover: ``from_suspense`` fen came from the suspense account."""

    record: FareRecord
    reason: str
    from_wallet: int
    from_suspense: int


@dataclass
class ClearingReport:
    """Totals and exceptions of one clearing run."""

    batch_id: str
    records: int = 0
    posted_amount: int = 0
    wallet_amount: int = 0
    suspense_amount: int = 0
    duplicates: int = 0
    exceptions: list[ClearingException] = field(default_factory=list)
    transfer_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "batch_id": self.batch_id,
            "records": self.records,
            "posted_amount": self.posted_amount,
            "wallet_amount": self.wallet_amount,
            "suspense_amount": self.suspense_amount,
            "duplicates": self.duplicates,
            "exceptions": [
                {"card": mask_pan(item.record.pan), "purse_counter": item.record.purse_counter,
                 "amount": item.record.amount, "reason": item.reason,
                 "from_wallet": item.from_wallet, "from_suspense": item.from_suspense}
                for item in self.exceptions
            ],
        }


class TransitClearing:
    """The bank's side of transit clearing."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer
        self.ledger = issuer.ledger
        self._cleared: set[tuple[str, int]] = set()

    def clear(self, batch: ClearingBatch) -> ClearingReport:
        """Post every record of ``batch`` in one ledger batch and report the exceptions."""
        report = ClearingReport(batch.batch_id)
        with self.ledger.batch():
            for record in batch.records:
                key = (record.pan, record.purse_counter)
                if key in self._cleared:
                    report.duplicates += 1
                    continue
                self._post(record, batch.batch_id, report)
                self._cleared.add(key)
        if report.exceptions:
            log.warning("clearing %s: %d exceptions, %d fen from suspense",
                        batch.batch_id, len(report.exceptions), report.suspense_amount)
        return report

    # Private interface

    def _post(self, record: FareRecord, batch_id: str, report: ClearingReport) -> None:
        ledger = self.ledger
        system = self.issuer.system
        card = self.issuer.card(record.pan)
        wallet_id = card.accounts.transit_wallet if card is not None else 0
        covered, reason = self._coverage(wallet_id, record.amount)

        group = []
        if covered:
            group.append(Transfer(ledger.new_id(), wallet_id, system.transit_clearing, covered,
                                  TransferCode.TRANSIT_FARE, batch_id=batch_id))
        if record.amount > covered:
            group.append(Transfer(ledger.new_id(), system.suspense, system.transit_clearing, record.amount - covered,
                                  TransferCode.TRANSIT_FARE, batch_id=batch_id))
        if len(group) == 2:
            group[0].flags |= TransferFlags.LINKED
        results = ledger.create_transfers(group)
        if any(result is not TransferResult.OK for result in results):
            raise RuntimeError(f"clearing {batch_id}: the ledger rejected fare {record.purse_counter} "
                               f"of card {mask_pan(record.pan)}: {results}")

        report.records += 1
        report.posted_amount += record.amount
        report.wallet_amount += covered
        report.suspense_amount += record.amount - covered
        report.transfer_ids.extend(transfer.id for transfer in group)
        if covered < record.amount:
            report.exceptions.append(ClearingException(record, reason, covered, record.amount - covered))

    def _coverage(self, wallet_id: int, amount: int) -> tuple[int, str]:
        """Return how much of ``amount`` the wallet pays, and why not all of it."""
        if not wallet_id:
            return 0, "card_unknown"
        wallet = self.ledger.account(wallet_id)
        if wallet.status is not AccountStatus.OPEN:
            return 0, f"wallet_{wallet.status.value}"
        available = max(0, wallet.available)
        if available >= amount:
            return amount, "ok"
        return available, "wallet_insufficient"

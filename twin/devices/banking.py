"""Enterprise online banking: a union's welfare disbursement file (企业网银代发).

A grassroots union uploads a file of rows (member name, card number, amount
in fen). The bank pays each accepted row from the union's corporate account
into the card's welfare account: the accepted rows go to the ledger as one
file of columns (``Ledger.disburse``), with code ``disbursement`` and the
file id as batch id. Every row gets its own result:

=====================  ====================================================
accepted               paid
duplicate_row          the card number already appeared earlier in the file
amount_invalid         not a number of fen
amount_not_exact_fen   a fraction of a fen
amount_not_positive    zero or negative
card_not_found         no card with this number
member_not_found       the card's member is not in the name lookup
name_mismatch          the name differs from the card holder's name
card_replaced          the card was replaced; use the new card's number
card_closed            the card is closed
no_welfare_account     the card has no welfare account yet
limit_exceeded_daily   the ledger refused the credit (class II limits ...)
=====================  ====================================================

A card that is issued but not yet activated, or reported lost, still takes
the money: its welfare account exists, and a lost card's balances move to the
replacement. A replaced or closed card does not.

The whole file is rejected, and nothing is paid, when the union is unknown,
when the union's available balance does not cover the accepted rows, or when
it repeats an earlier upload: the same file id, or the same union and festival
period. A repeat goes through only with ``confirm_duplicate=True``.

The bank does not keep members' names; the caller gives a lookup from member
id to the name in the real-name registry (a callable or a mapping).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from twin.authorization import CardRecord, CardStatus, Issuer
from twin.calendar import CalendarRangeError, from_epoch_micros, holiday_name
from twin.ledger import DisbursementBatch, TransferCode, TransferResult
from twin.pan import mask_pan

__all__ = [
    "DisbursementFileError",
    "DisbursementResult",
    "DisbursementRow",
    "EnterpriseBanking",
    "RowResult",
    "festival_period",
    "read_disbursement_file",
]

log = logging.getLogger(__name__)

NameLookup = Callable[[str], str | None] | Mapping[str, str]

#: Columns of a disbursement file, in this order, after a header line.
FILE_COLUMNS = ("name", "card_number", "amount_fen")

#: Every status a whole file can get, and every status of a row besides the
#: ledger's own results for a refused credit (see LEDGER_ROW_STATUSES).
FILE_STATUSES = frozenset({"accepted", "union_unknown", "duplicate_file", "duplicate_period", "insufficient_funds"})
ROW_STATUSES = frozenset({
    "accepted", "duplicate_row", "amount_invalid", "amount_not_exact_fen", "amount_not_positive", "card_not_found",
    "member_not_found", "name_mismatch", "card_replaced", "card_closed", "no_welfare_account", "file_rejected",
})
#: Ledger results a disbursement credit can meet once its row passed the checks.
LEDGER_ROW_STATUSES = frozenset({
    "limit_exceeded_daily", "limit_exceeded_yearly", "welfare_credit_forbidden", "credit_account_closed",
    "credit_account_frozen", "debit_account_closed", "debit_account_frozen", "exceeds_credits",
})

#: How far ahead of a festival a disbursement still counts for it.
FESTIVAL_LEAD = dt.timedelta(days=31)


class DisbursementFileError(ValueError):
    """A disbursement file whose layout cannot be read (not a problem of one row's values)."""


@dataclass(frozen=True)
class DisbursementRow:
    """One row of a file: ``amount`` is fen (an int, or the text of the file)."""

    name: str
    pan: str = field(repr=False)  # card numbers stay out of logs
    amount: int | str | Decimal
    line: int = 0


@dataclass(frozen=True)
class RowResult:
    line: int
    card: str  # masked card number
    amount: int
    status: str
    transfer_id: int = 0

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


@dataclass
class DisbursementResult:
    """The bank's response to one upload: the file's status and every row's result."""

    file_id: str
    union_id: str
    period: str
    status: str
    rows: list[RowResult] = field(default_factory=list)

    @property
    def accepted_rows(self) -> int:
        return sum(1 for row in self.rows if row.accepted)

    @property
    def paid_amount(self) -> int:
        return sum(row.amount for row in self.rows if row.accepted)

    def summary(self) -> dict:
        rejected: dict[str, int] = {}
        for row in self.rows:
            if not row.accepted:
                rejected[row.status] = rejected.get(row.status, 0) + 1
        return {
            "file_id": self.file_id,
            "union": self.union_id,
            "period": self.period,
            "status": self.status,
            "rows": len(self.rows),
            "accepted": self.accepted_rows,
            "rejected": len(self.rows) - self.accepted_rows,
            "paid_amount": self.paid_amount,
            "rejections": dict(sorted(rejected.items())),
        }


def festival_period(day: dt.date) -> str:
    """Name the festival a disbursement on ``day`` is for: the next official holiday
    within 31 days (``"2020:Spring Festival"``), else the month (``"2020-03"``)."""
    for offset in range(FESTIVAL_LEAD.days + 1):
        date = day + dt.timedelta(days=offset)
        try:
            name = holiday_name(date)
        except CalendarRangeError:
            break
        if name:
            return f"{date.year}:{name}"
    return f"{day:%Y-%m}"


def read_disbursement_file(path: str | Path) -> list[DisbursementRow]:
    """Read a UTF-8 CSV file with the header ``name,card_number,amount_fen``.

    Raises :class:`DisbursementFileError` naming the file and line when the
    layout is wrong; the values of each row are checked at upload.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DisbursementFileError(f"{path}: cannot read the disbursement file: {error}") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None or tuple(cell.strip() for cell in header) != FILE_COLUMNS:
        raise DisbursementFileError(
            f"{path}:1: header is {header!r}; the first line must be {','.join(FILE_COLUMNS)}"
        )
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(FILE_COLUMNS):
            raise DisbursementFileError(
                f"{path}:{number}: {len(cells)} fields; each row needs {len(FILE_COLUMNS)}: {','.join(FILE_COLUMNS)}"
            )
        name, pan, amount = (cell.strip() for cell in cells)
        rows.append(DisbursementRow(name, pan, amount, number))
    return rows


class EnterpriseBanking:
    """Takes disbursement files from unions and pays them into welfare accounts."""

    def __init__(self, issuer: Issuer, names: NameLookup) -> None:
        self.issuer = issuer
        self.ledger = issuer.ledger
        self._name_of = names.get if isinstance(names, Mapping) else names
        self._files: set[str] = set()
        self._periods: set[tuple[str, str]] = set()

    def upload(
        self,
        union_id: str,
        file_id: str,
        rows: Sequence[DisbursementRow],
        *,
        period: str | None = None,
        confirm_duplicate: bool = False,
    ) -> DisbursementResult:
        """Check every row and pay the accepted ones from the union's corporate account."""
        today = from_epoch_micros(self.ledger.clock.now_micros()).date()
        period = period or festival_period(today)
        result = DisbursementResult(file_id, union_id, period, "accepted")

        # The file as a whole.
        if not self.issuer.has_union(union_id):
            result.status = "union_unknown"
            return result
        if not confirm_duplicate:
            if file_id in self._files:
                result.status = "duplicate_file"
                return result
            if (union_id, period) in self._periods:
                result.status = "duplicate_period"
                return result

        # Each row on its own.
        checked = self._check_rows(rows)
        accepted = [item for item in checked if item.status == "accepted"]
        union_account = self.issuer.union_account(union_id)
        total = sum(item.amount for item in accepted)
        if total > self.ledger.account(union_account).available:
            result.status = "insufficient_funds"
            for item in accepted:
                item.status = "file_rejected"
            result.rows = [item.result() for item in checked]
            return result

        # Pay the accepted rows as one file of columns; the ledger may still reject a row.
        ids = self.ledger.reserve_ids(len(accepted))
        for item, transfer_id in zip(accepted, ids, strict=True):
            item.transfer_id = transfer_id
        batch = DisbursementBatch(
            np.arange(ids.start, ids.stop, dtype=np.int64),
            union_account,
            np.fromiter((item.card.accounts.welfare for item in accepted), dtype=np.int64, count=len(accepted)),
            np.fromiter((item.amount for item in accepted), dtype=np.int64, count=len(accepted)),
            batch_id=file_id,
            code=TransferCode.DISBURSEMENT,
        )
        with self.ledger.batch():
            outcome = self.ledger.disburse(batch)
        for item, ledger_result in zip(accepted, outcome.results, strict=True):
            if ledger_result is not TransferResult.OK:
                item.status = ledger_result.value

        result.rows = [item.result() for item in checked]
        self._files.add(file_id)
        self._periods.add((union_id, period))
        log.info("disbursement %s of union %s: %d of %d rows paid, %d fen",
                 file_id, union_id, result.accepted_rows, len(rows), result.paid_amount)
        return result

    # Private interface

    def _check_rows(self, rows: Sequence[DisbursementRow]) -> list[_CheckedRow]:
        seen: set[str] = set()
        checked = []
        for index, row in enumerate(rows, start=1):
            amount, status = _amount(row.amount)
            item = _CheckedRow(row.line or index, row.pan, amount, status)
            if row.pan in seen:
                item.status = "duplicate_row"
            seen.add(row.pan)
            if item.status == "accepted":
                item.card, item.status = self._check_card(row)
            checked.append(item)
        return checked

    def _check_card(self, row: DisbursementRow) -> tuple[CardRecord | None, str]:
        card = self.issuer.card(row.pan)
        if card is None:
            return None, "card_not_found"
        name = self._name_of(card.member)
        if name is None:
            return card, "member_not_found"
        if _normalise(name) != _normalise(row.name):
            return card, "name_mismatch"
        if card.status is CardStatus.REPLACED:
            return card, "card_replaced"
        if card.status is CardStatus.CLOSED:
            return card, "card_closed"
        if not card.accounts.welfare:
            return card, "no_welfare_account"
        return card, "accepted"


@dataclass
class _CheckedRow:
    line: int
    pan: str = field(repr=False)  # card numbers stay out of logs
    amount: int
    status: str
    card: CardRecord | None = None
    transfer_id: int = 0

    def result(self) -> RowResult:
        accepted = self.status == "accepted"
        return RowResult(self.line, mask_pan(self.pan), self.amount, self.status, self.transfer_id if accepted else 0)


def _amount(value: object) -> tuple[int, str]:
    """Return the amount in fen and ``"accepted"``, or 0 and what is wrong with it."""
    if isinstance(value, bool):
        return 0, "amount_invalid"
    if isinstance(value, int):
        number = Decimal(value)
    else:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return 0, "amount_invalid"
        if not number.is_finite():
            return 0, "amount_invalid"
    if number != number.to_integral_value():
        return 0, "amount_not_exact_fen"
    if number <= 0:
        return 0, "amount_not_positive"
    return int(number), "accepted"


def _normalise(name: str) -> str:
    # Names are compared without spaces, which files often carry between characters.
    return "".join(str(name).split())

"""A child process for the crash tests: writes ledger groups in a loop until killed.

Usage: ``python crash_writer.py DATABASE ROUND``. Each round writes one
linked chain of three transfers (batch id ``chain-N``), several calls inside
``ledger.batch()`` (batch id ``group-N-SIZE``), or a disbursement file of
columns through ``Ledger.disburse`` (batch id ``file-N-SIZE``), and prints its
number. The parent kills the process at a random moment and checks that the
database contains whole chains, groups and files only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

# Run as a script: this folder gives ``book``, the repository gives ``twin``.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import book  # noqa: E402

from twin.clock import ManualClock  # noqa: E402
from twin.ledger import (  # noqa: E402
    Account,
    AccountClass,
    AccountCode,
    DisbursementBatch,
    Ledger,
    SQLiteStore,
    Transfer,
)

C = book.C
TF = book.TF
FIRST_MEMBER = 10_000
MEMBERS = 3_000


def write_chain(ledger: Ledger, label: str) -> None:
    deposit = Transfer(
        ledger.new_id(), book.BANK_CASH, book.MAIN, 1000, C.DEPOSIT, TF.LINKED, batch_id=label
    )
    purchase = Transfer(
        ledger.new_id(), book.MAIN, book.SHOP, 700, C.PURCHASE, TF.LINKED, batch_id=label
    )
    refund = Transfer(
        ledger.new_id(),
        book.SHOP,
        book.MAIN,
        200,
        C.REFUND,
        batch_id=label,
        original_id=purchase.id,
    )
    ledger.create_transfers([deposit, purchase, refund])


def write_group(ledger: Ledger, label: str, size: int) -> None:
    with ledger.batch():
        for _ in range(size // 2):
            hold = Transfer(
                ledger.new_id(), book.MAIN, book.SHOP, 10, C.PURCHASE, TF.PENDING, batch_id=label
            )
            ledger.create_transfers([hold])
            post = Transfer(
                ledger.new_id(),
                amount=5,
                code=C.PURCHASE,
                flags=TF.POST_PENDING,
                pending_id=hold.id,
                batch_id=label,
            )
            ledger.create_transfers([post])


def write_file(ledger: Ledger, label: str, size: int) -> None:
    book.fund_union(ledger, 100 * size)
    ids = ledger.reserve_ids(size)
    batch = DisbursementBatch(
        np.arange(ids.start, ids.stop),
        book.UNION,
        FIRST_MEMBER + np.arange(size),
        np.full(size, 100),
        batch_id=label,
    )
    with ledger.batch():
        ledger.disburse(batch)


def main() -> None:
    path, start = sys.argv[1], int(sys.argv[2])
    clock = ManualClock(book.local(2020, 1, 6, 9))
    ledger = Ledger(SQLiteStore(path), clock)
    ledger.create_accounts(book.chart(AccountClass.I))
    ledger.create_accounts(
        Account(FIRST_MEMBER + index, AccountCode.MEMBER_WELFARE, f"w{index}", AccountClass.II, book.WELFARE_FLAGS)
        for index in range(MEMBERS)
    )
    round_number = start
    while True:
        clock.advance(seconds=7)
        if round_number % 4 == 3:
            size = 100 * (1 + round_number % MEMBERS // 100)
            write_file(ledger, f"file-{round_number}-{size}", size)
        elif round_number % 3:
            write_chain(ledger, f"chain-{round_number}")
        else:
            size = 2 * (1 + round_number % 50)
            write_group(ledger, f"group-{round_number}-{size}", size)
        print(round_number, flush=True)
        round_number += 1


if __name__ == "__main__":
    main()

"""Every status and reason the devices report has a sentence in the catalogue."""

import pytest

from twin import i18n
from twin.devices import banking, clearing, etc, transit

GROUPS = [
    ("devices.disbursement.file", banking.FILE_STATUSES),
    ("devices.disbursement.row", banking.ROW_STATUSES | banking.LEDGER_ROW_STATUSES),
    ("devices.tap", transit.TAP_REASONS),
    ("devices.clearing", clearing.EXCEPTION_REASONS),
    ("devices.etc", etc.SIGN_UP_REASONS | etc.TOLL_REASONS),
    ("devices.card", {"ok", "no_card", "member_has_card", "pin_required", "exists", "card_closed",
                      "card_not_reported_lost", "card_inactive", "card_lost", "card_replaced",
                      "replacement_failed", "closure_failed"}),
]


@pytest.mark.parametrize(("prefix", "names"), GROUPS, ids=[prefix for prefix, _ in GROUPS])
def test_every_reason_has_a_sentence(prefix, names):
    catalogue = i18n.catalogue()
    assert sorted(name for name in names if f"{prefix}.{name}" not in catalogue) == []


def test_row_statuses_cover_a_real_upload(branch):
    result = banking.EnterpriseBanking(branch.issuer, {}).upload(
        "u1", "F1", [banking.DisbursementRow("x", "1", "1.5"), banking.DisbursementRow("x", "1", 5)])
    assert {row.status for row in result.rows} <= banking.ROW_STATUSES

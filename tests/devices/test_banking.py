"""Enterprise online banking: disbursement files with per-row results."""

import pytest

from twin.authorization import CardStatus
from twin.devices.banking import (
    DisbursementFileError,
    DisbursementRow,
    EnterpriseBanking,
    festival_period,
    read_disbursement_file,
)
from twin.ledger import TransferCode

NAMES = {"m1": "张三", "m2": "李四", "m3": "王五"}


@pytest.fixture
def banking(branch):
    return EnterpriseBanking(branch.issuer, NAMES)


def rows(*items):
    return [DisbursementRow(name, pan, amount) for name, pan, amount in items]


def test_accepted_rows_paid_in_one_batch(branch, banking):
    one, _ = branch.card("m1", welfare=0)
    two, _ = branch.card("m2", welfare=0)
    union_before = branch.balance(branch.union)
    result = banking.upload("u1", "F2020-01", rows(("张三", one.pan, 50_000), ("李四", two.pan, 30_000)))
    assert result.status == "accepted"
    assert [row.status for row in result.rows] == ["accepted", "accepted"]
    assert branch.balance(one.accounts.welfare) == 50_000
    assert branch.balance(two.accounts.welfare) == 30_000
    assert branch.balance(branch.union) == union_before - 80_000
    transfers = [branch.ledger.transfer(row.transfer_id) for row in result.rows]
    assert {(t.code, t.batch_id) for t in transfers} == {(TransferCode.DISBURSEMENT, "F2020-01")}


def test_row_results(branch, banking):
    good, _ = branch.card("m1", welfare=0)
    plain, _ = branch.card("m2")
    lost, _ = branch.card("m3", welfare=0)
    branch.issuer.report_loss("m3")
    result = banking.upload("u1", "F1", rows(
        ("张三", good.pan, 10_000),
        ("张三", good.pan, 10_000),
        ("李四", plain.pan, 10_000),
        ("王五", lost.pan, 10_000),
        ("赵六", good.pan[:-1] + "9", 10_000),
        ("张 三", "6217990000000999997", 10_000),
    ))
    assert [row.status for row in result.rows] == [
        "accepted", "duplicate_row", "no_welfare_account", "accepted", "card_not_found", "card_not_found"]
    assert result.summary() == {
        "file_id": "F1", "union": "u1", "period": "2020:Spring Festival", "status": "accepted", "rows": 6,
        "accepted": 2, "rejected": 4, "paid_amount": 20_000,
        "rejections": {"card_not_found": 2, "duplicate_row": 1, "no_welfare_account": 1},
    }


def test_name_checks(branch):
    one, _ = branch.card("m1", welfare=0)
    two, _ = branch.card("m9", welfare=0)
    banking = EnterpriseBanking(branch.issuer, lambda member: NAMES.get(member))
    result = banking.upload("u1", "F1", rows(("李四", one.pan, 100), ("某某", two.pan, 100), (" 张 三 ", one.pan, 1)))
    assert [row.status for row in result.rows] == ["name_mismatch", "member_not_found", "duplicate_row"]


@pytest.mark.parametrize(
    ("amount", "status"),
    [(0, "amount_not_positive"), (-5, "amount_not_positive"), ("12.5", "amount_not_exact_fen"),
     ("abc", "amount_invalid"), ("NaN", "amount_invalid"), (True, "amount_invalid"), ("1200", "accepted"),
     ("12.00", "accepted")],
)
def test_amount_checks(branch, banking, amount, status):
    one, _ = branch.card("m1", welfare=0)
    result = banking.upload("u1", "F1", rows(("张三", one.pan, amount)))
    assert result.rows[0].status == status


def test_replaced_and_closed_cards(branch, banking):
    old, _ = branch.card("m1", welfare=0)
    branch.issuer.report_loss("m1")
    branch.counter.replace_card("m1", "258147")
    closed, _ = branch.card("m2", welfare=0)
    branch.issuer.close_card("m2")
    result = banking.upload("u1", "F1", rows(("张三", old.pan, 100), ("李四", closed.pan, 100)))
    assert [row.status for row in result.rows] == ["card_replaced", "card_closed"]


def test_inactive_card_takes_money(branch, banking):
    record, chip = branch.bank.issue_card("m1", welfare=True)
    assert record.status is CardStatus.INACTIVE
    result = banking.upload("u1", "F1", rows(("张三", record.pan, 100)))
    assert result.rows[0].accepted


def test_duplicate_file_id(branch, banking):
    one, _ = branch.card("m1", welfare=0)
    banking.upload("u1", "F1", rows(("张三", one.pan, 100)), period="p1")
    again = banking.upload("u1", "F1", rows(("张三", one.pan, 100)), period="p2")
    assert again.status == "duplicate_file"
    assert again.rows == []
    assert branch.balance(one.accounts.welfare) == 100


def test_duplicate_period(branch, banking):
    one, _ = branch.card("m1", welfare=0)
    banking.upload("u1", "F1", rows(("张三", one.pan, 100)))
    assert banking.upload("u1", "F2", rows(("张三", one.pan, 100))).status == "duplicate_period"


def test_duplicate_confirmed(branch, banking):
    one, _ = branch.card("m1", welfare=0)
    banking.upload("u1", "F1", rows(("张三", one.pan, 100)))
    again = banking.upload("u1", "F1", rows(("张三", one.pan, 100)), confirm_duplicate=True)
    assert again.status == "accepted"
    assert branch.balance(one.accounts.welfare) == 200


def test_union_short_of_money(branch, banking):
    branch.issuer.open_union_account("poor", 1_000)
    one, _ = branch.card("m1", welfare=0)
    result = banking.upload("poor", "F1", rows(("张三", one.pan, 1_001), ("张三", "123", 5)))
    assert result.status == "insufficient_funds"
    assert [row.status for row in result.rows] == ["file_rejected", "card_not_found"]
    assert branch.balance(one.accounts.welfare) == 0
    assert banking.upload("poor", "F1", rows(("张三", one.pan, 1_000))).status == "accepted"


def test_unknown_union(branch, banking):
    assert banking.upload("nobody", "F1", []).status == "union_unknown"


def test_ledger_refusal_is_a_row_result(branch, banking):
    one, _ = branch.card("m1", welfare=0)
    result = banking.upload("u1", "F1", rows(("张三", one.pan, 1_000_001)))
    assert result.rows[0].status == "limit_exceeded_daily"
    assert result.paid_amount == 0


def test_rows_mask_card_numbers(branch, banking):
    one, _ = branch.card("m1", welfare=0)
    result = banking.upload("u1", "F1", rows(("张三", one.pan, 100)))
    assert one.pan not in str(result.rows)


def test_festival_period():
    import datetime as dt

    assert festival_period(dt.date(2020, 1, 6)) == "2020:Spring Festival"
    assert festival_period(dt.date(2020, 9, 20)) == "2020:National Day"
    assert festival_period(dt.date(2020, 3, 10)) == "2020:Tomb-sweeping Day"
    assert festival_period(dt.date(2020, 2, 20)) == "2020-02"


def test_read_file(tmp_path):
    path = tmp_path / "f1.csv"
    path.write_text("name,card_number,amount_fen\n张三,6217990000000000014,50000\n\n李四,621799,12.5\n", encoding="utf-8")
    assert read_disbursement_file(path) == [
        DisbursementRow("张三", "6217990000000000014", "50000", 2),
        DisbursementRow("李四", "621799", "12.5", 4),
    ]


def test_read_file_bad_header(tmp_path):
    path = tmp_path / "f1.csv"
    path.write_text("姓名,卡号,金额\n", encoding="utf-8")
    with pytest.raises(DisbursementFileError, match=r"f1.csv:1: header is .*; the first line must be name,card_number,amount_fen"):
        read_disbursement_file(path)


def test_read_file_short_row(tmp_path):
    path = tmp_path / "f1.csv"
    path.write_text("name,card_number,amount_fen\n张三,6217990000000000014\n", encoding="utf-8")
    with pytest.raises(DisbursementFileError, match=r"f1.csv:2: 2 fields; each row needs 3"):
        read_disbursement_file(path)


def test_read_missing_file(tmp_path):
    with pytest.raises(DisbursementFileError, match="cannot read the disbursement file"):
        read_disbursement_file(tmp_path / "missing.csv")


def test_file_rows_keep_their_lines(branch, banking, tmp_path):
    one, _ = branch.card("m1", welfare=0)
    path = tmp_path / "f1.csv"
    path.write_text(f"name,card_number,amount_fen\n张三,{one.pan},500\n张三,{one.pan},500\n", encoding="utf-8")
    result = banking.upload("u1", "F1", read_disbursement_file(path))
    assert [(row.line, row.status) for row in result.rows] == [(2, "accepted"), (3, "duplicate_row")]

"""The shared terminal: STANs, timeouts, reversals and retransmissions."""

import dataclasses

import pytest

from twin.authorization import Kind, ResponseCode
from twin.devices.terminal import Delivery, StanCounter

from .conftest import PIN, Scripted

C = ResponseCode


def test_stan_counts_from_one():
    stan = StanCounter()
    assert [stan.next() for _ in range(3)] == ["000001", "000002", "000003"]


def test_stan_wraps_after_999999():
    stan = StanCounter(999_998)
    assert [stan.next() for _ in range(3)] == ["999999", "000001", "000002"]


def test_stan_out_of_range():
    with pytest.raises(ValueError, match="STAN 1000000 is out of range"):
        StanCounter(1_000_000)


def test_terminal_id_must_be_8_characters(branch):
    with pytest.raises(ValueError, match="terminal id 'T1' is invalid"):
        branch.pos(terminal_id="T1")


def test_lost_response_is_reversed(branch):
    record, chip = branch.card(main=50_000)
    link = Scripted(Delivery.RESPONSE_LOST)
    outcome = branch.pos(link=link).purchase(chip, 10_000, PIN)
    assert outcome.timed_out
    assert (outcome.reversal.code, outcome.reversal.reason) == (C.APPROVED, "approved")
    assert [request.kind for request in link.seen] == [Kind.PURCHASE, Kind.REVERSAL]
    assert link.seen[1].original_stan == link.seen[0].stan
    assert branch.balance(record.accounts.main) == 50_000


def test_lost_request_reversal_finds_nothing(branch):
    record, chip = branch.card(main=50_000)
    outcome = branch.pos(link=Scripted(Delivery.REQUEST_LOST)).purchase(chip, 10_000, PIN)
    assert outcome.timed_out
    assert (outcome.reversal.code, outcome.reversal.reason) == (C.ORIGINAL_NOT_FOUND, "original_not_found")
    assert branch.balance(record.accounts.main) == 50_000


def test_lost_reversal_is_queued_and_sent_before_next(branch):
    record, chip = branch.card(main=50_000)
    link = Scripted(Delivery.RESPONSE_LOST, Delivery.REQUEST_LOST)
    pos = branch.pos(link=link)
    outcome = pos.purchase(chip, 10_000, PIN)
    assert outcome.reversal is None
    assert len(pos.terminal.pending_reversals) == 1
    assert branch.balance(record.accounts.main) == 40_000

    second = pos.purchase(chip, 1_000, PIN)
    assert second.approved
    assert pos.terminal.pending_reversals == []
    assert [request.kind for request in link.seen] == [Kind.PURCHASE, Kind.REVERSAL, Kind.REVERSAL, Kind.PURCHASE]
    assert branch.balance(record.accounts.main) == 49_000


def test_settle_flushes_queued_reversals(branch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos(link=Scripted(Delivery.RESPONSE_LOST, Delivery.REQUEST_LOST))
    pos.purchase(chip, 10_000, PIN)
    totals = pos.settle()
    assert branch.balance(record.accounts.main) == 50_000
    assert (totals.purchases, totals.reversals, totals.timeouts) == (0, 0, 1)


def test_timed_out_refund_is_sent_again(branch):
    record, chip = branch.card(main=50_000)
    link = Scripted()
    pos = branch.pos(link=link)
    purchase = pos.purchase(chip, 10_000, PIN)
    link.fates = [Delivery.RESPONSE_LOST]
    refund = pos.refund(purchase, 4_000)
    assert refund.approved
    assert refund.attempts == 2
    assert link.seen[-1].stan == link.seen[-2].stan
    assert branch.balance(record.accounts.main) == 44_000


def test_refund_whose_request_was_lost_is_sent_again(branch):
    record, chip = branch.card(main=50_000)
    link = Scripted()
    pos = branch.pos(link=link)
    purchase = pos.purchase(chip, 10_000, PIN)
    link.fates = [Delivery.REQUEST_LOST, Delivery.REQUEST_LOST]
    refund = pos.refund(purchase, 4_000)
    assert refund.approved
    assert refund.attempts == 3
    assert branch.balance(record.accounts.main) == 44_000


def test_follow_up_gives_up_after_retries(branch):
    record, chip = branch.card(main=50_000)
    link = Scripted()
    pos = branch.pos(link=link)
    purchase = pos.purchase(chip, 10_000, PIN)
    link.fates = [Delivery.REQUEST_LOST] * 4
    void = pos.void(purchase)
    assert void.timed_out
    assert void.attempts == 4
    assert branch.balance(record.accounts.main) == 40_000


def test_rejected_arpc_reverses_approval(branch, monkeypatch):
    record, chip = branch.card(main=50_000)
    pos = branch.pos()
    original = branch.core.authorize

    def forge(request):
        response = original(request)
        if request.kind is Kind.PURCHASE:
            return dataclasses.replace(response, arpc=bytes(8))
        return response

    monkeypatch.setattr(branch.core, "authorize", forge)
    outcome = pos.purchase(chip, 10_000, PIN)
    assert outcome.response.approved
    assert outcome.card_accepted is False
    assert not outcome.approved
    assert outcome.reversal.approved
    assert branch.balance(record.accounts.main) == 50_000
    assert pos.totals.purchases == 0

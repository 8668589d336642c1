import random

from twin.authorization import AccountType, Channel, Kind, Request, Response, ResponseCode
from twin.sim import recorder as recorder_module
from twin.sim.recorder import Recorder


def _pay(recorder: Recorder, pan: str) -> None:
    request = Request(Kind.PURCHASE, Channel.QR, pan, amount=100)
    response = Response(ResponseCode.APPROVED, "approved", "1", AccountType.MAIN, amount=100)
    recorder.authorization("南昌市", request, response, designated=False)


def test_cards_used_counts_each_card_once(monkeypatch):
    # A batch of three: the count must hold across merges into the array.
    monkeypatch.setattr(recorder_module, "_PAYING_BATCH", 3)
    recorder = Recorder()
    pans = [f"62{index:017d}" for index in (5, 1, 5, 9, 1, 7, 9, 9)] + ["9999999999999999999"]
    for pan in pans:
        _pay(recorder, pan)
    assert recorder.cards_used == 5


def test_cards_used_matches_set_over_merges(monkeypatch):
    monkeypatch.setattr(recorder_module, "_PAYING_BATCH", 50)
    recorder = Recorder()
    rng = random.Random(7)
    # Card numbers near both ends of uint64's range and repeats across merges.
    numbers = [rng.choice((rng.randrange(1, 400), rng.randrange(2**64 - 400, 2**64))) for _ in range(3_000)]
    for number in numbers:
        _pay(recorder, str(number))
    assert recorder.cards_used == len(set(numbers))
    assert list(recorder_module.np.diff(recorder._paying) > 0) == [True] * (len(set(numbers)) - 1)


def test_cards_used_ignores_declines():
    recorder = Recorder()
    request = Request(Kind.PURCHASE, Channel.QR, "6200000000000000001", amount=100)
    recorder.authorization("南昌市", request, Response(ResponseCode.INSUFFICIENT_FUNDS, "insufficient_funds"))
    assert recorder.cards_used == 0

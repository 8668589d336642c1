"""The trace's daily sample of authorizations: bounded, even, masked and reproducible."""

import datetime as dt
import json

from twin.authorization import AccountType, Channel, Kind, Request, Response
from twin.authorization.codes import ResponseCode
from twin.calendar import TZ
from twin.sim.recorder import SAMPLED_AUTHORIZATIONS_PER_DAY, Recorder

DAY = dt.date(2021, 2, 10)
PAN = "6217990000000000014"


def run_day(path, count: int) -> list[dict]:
    recorder = Recorder(path)
    recorder.sample_authorizations = True
    start = dt.datetime.combine(DAY, dt.time(), TZ)
    for index in range(count):
        moment = start + dt.timedelta(seconds=index * 86_000 / max(count, 1))
        request = Request(Kind.PURCHASE, Channel.POS_CHIP, PAN, amount=100 + index, local_time=moment)
        response = Response(ResponseCode.APPROVED, "approved", account=AccountType.MAIN, amount=100 + index)
        recorder.authorization("南昌市", request, response, designated=False)
    recorder.close_day(DAY)
    recorder.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if '"authorization"' in line]


def test_sample_bounded_per_day(tmp_path):
    assert len(run_day(tmp_path / "t.jsonl", 5_000)) == SAMPLED_AUTHORIZATIONS_PER_DAY


def test_quiet_day_keeps_all(tmp_path):
    assert len(run_day(tmp_path / "t.jsonl", 30)) == 30


def test_sample_sorted_by_time(tmp_path):
    times = [event["t"] for event in run_day(tmp_path / "t.jsonl", 5_000)]
    assert times == sorted(times)


def test_sample_spread_over_day(tmp_path):
    hours = {event["t"][11:13] for event in run_day(tmp_path / "t.jsonl", 5_000)}
    assert len(hours) >= 20


def test_sample_masks_card_number(tmp_path):
    events = run_day(tmp_path / "t.jsonl", 50)
    assert all(PAN not in json.dumps(event) for event in events)
    assert events[0]["pan"].endswith("0014")


def test_sample_same_bytes_twice(tmp_path):
    first = run_day(tmp_path / "a.jsonl", 3_000)
    second = run_day(tmp_path / "b.jsonl", 3_000)
    assert first == second


def test_no_sample_unless_asked(tmp_path):
    path = tmp_path / "t.jsonl"
    recorder = Recorder(path)
    request = Request(Kind.BALANCE, Channel.ATM, PAN, local_time=dt.datetime(2021, 2, 10, 9, tzinfo=TZ))
    recorder.authorization("南昌市", request, Response(ResponseCode.APPROVED, "approved"))
    recorder.close_day(DAY)
    recorder.close()
    assert '"authorization"' not in path.read_text(encoding="utf-8")

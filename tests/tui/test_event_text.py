"""How the dashboard's event log describes a sampled card request of the trace."""

from tui.replay import TraceEvent
from tui.widgets.events import describe_event

SAMPLE = {
    "account": "welfare",
    "amount": 3230,
    "channel": "pos_chip",
    "city": "宜春市",
    "code": "00",
    "kind": "purchase",
    "pan": "621799*********6267",
    "reason": "approved",
}


def describe(lang: str, **changes) -> str:
    return describe_event(TraceEvent("2021-02-10T09:00:00+08:00", "authorization", {**SAMPLE, **changes}), lang)


def test_authorization_in_chinese():
    text = describe("zh")
    assert "消费" in text
    assert "32.30 元" in text
    assert "福利专用账户" in text


def test_authorization_in_english():
    text = describe("en")
    assert "purchase" in text
    assert "32.30 yuan" in text


def test_authorization_keeps_card_masked():
    assert "621799*********6267" in describe("en", pan="6217990000000006267")


def test_declined_authorization_explains_reason():
    assert "55" in describe("en", code="55", reason="pin_incorrect", account=None)

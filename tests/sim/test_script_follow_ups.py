"""Follow-up steps whose original never reached the core."""

import pytest

from tests.sim.test_script import run_text

_BEFORE_CARD = """
script:
  - {{id: p0, do: {first}, member: m1, merchant: shop1, amount: 50}}
  - {{do: issue_card, member: m1, branch: b1, pin: "246810"}}
  - {{do: {follow_up}, of: p0{amount}}}
"""


@pytest.mark.parametrize(
    ("first", "follow_up", "amount"),
    [
        ("purchase", "reverse", ""),
        ("purchase", "void_purchase", ""),
        ("purchase", "refund", ", amount: 50"),
        ("preauthorize", "cancel_preauth", ""),
        ("preauthorize", "complete_preauth", ", amount: 50"),
    ],
)
def test_follow_up_before_card_declined(tmp_path, first, follow_up, amount):
    result = run_text(tmp_path, _BEFORE_CARD.format(first=first, follow_up=follow_up, amount=amount))
    step = result.metrics["script"][2]
    assert step["approved"] is False
    assert step["response"] == "30"
    assert step["reason"] == "original_missing"


def test_follow_up_without_card_declined(tmp_path):
    script = """
script:
  - {id: p0, do: purchase, member: m1, merchant: shop1, amount: 50}
  - {do: reverse, of: p0}
"""
    result = run_text(tmp_path, script)
    step = result.metrics["script"][1]
    assert step["approved"] is False
    assert step["reason"] == "no_card"

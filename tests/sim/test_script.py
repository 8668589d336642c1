import json
import textwrap
from pathlib import Path

import pytest

from twin.scenario import load_scenario, parse_scenario
from twin.sim.engine import lookup_metric, run_scenario

ROOT = Path(__file__).resolve().parents[2]

BASE = textwrap.dedent(
    """
    name: script-test
    seed: 11
    start: 2020-01-06T09:00:00+08:00
    end: 2020-01-20T00:00:00+08:00
    province: {scale: 0}
    actors:
      unions:
        - {id: u1, name: 测试工会, city: 南昌市, corporate_balance: 10000}
      members:
        - {id: m1, name: 张三, union: u1, city: 南昌市, account_class: II}
      merchants:
        - {id: shop1, name: 职工超市, city: 南昌市, designated: true, mcc: "5411"}
        - {id: shop2, name: 便利店, city: 南昌市, designated: false, mcc: "5499"}
      branches:
        - {id: b1, name: 建行南昌东湖支行, city: 南昌市}
    """
)


def run_text(tmp_path, script_yaml: str, expect_yaml: str = ""):
    text = BASE + textwrap.indent(textwrap.dedent(script_yaml), "") + textwrap.dedent(expect_yaml)
    scenario = parse_scenario(text, "test.yaml")
    return run_scenario(scenario, tmp_path / "run")


ISSUED = """
script:
  - {do: issue_card, member: m1, branch: b1, pin: "246810"}
  - {do: open_welfare_account, union: u1, members: [m1]}
  - {do: deposit, member: m1, amount: 1000}
  - {do: disburse, union: u1, rows: [{member: m1, amount: 500}]}
"""


def test_lifecycle_demo_holds_every_expectation(tmp_path):
    result = run_scenario(load_scenario(ROOT / "scenarios" / "lifecycle_demo.yaml"), tmp_path / "lc")
    assert result.failures == []
    assert result.metrics["summary"]["ledger_balanced"] is True


def test_welfare_pays_whole_purchase_at_designated_merchant(tmp_path):
    result = run_text(
        tmp_path,
        ISSUED
        + """
  - {do: purchase, member: m1, merchant: shop1, amount: 300,
     expect: {response: "00", paid_from: welfare, balances: {m1: {welfare: 200, main: 1000}}}}
""",
    )
    assert result.failures == []


def test_main_pays_whole_when_welfare_short(tmp_path):
    result = run_text(
        tmp_path,
        ISSUED
        + """
  - {do: purchase, member: m1, merchant: shop1, amount: 500.01,
     expect: {paid_from: main, balances: {m1: {welfare: 500, main: 499.99}}}}
""",
    )
    assert result.failures == []


def test_failed_expectation_names_step_expected_and_actual(tmp_path):
    result = run_text(
        tmp_path,
        ISSUED
        + """
  - {id: p1, do: purchase, member: m1, merchant: shop2, amount: 10, expect: {paid_from: welfare}}
""",
    )
    [failure] = result.failures
    assert (failure.step, failure.step_id, failure.field, failure.expected, failure.actual) == (
        4,
        "p1",
        "paid_from",
        "welfare",
        "main",
    )


def test_batch_card_waits_for_production_working_days(tmp_path):
    # Applied on Monday 20 January 2020; the Spring Festival holiday (24 January
    # to 2 February, extended) stops production, so no card exists a week later.
    text = BASE.replace("2020-01-06T09:00", "2020-01-20T09:00").replace("2020-01-20T00:00", "2020-02-20T00:00")
    text += textwrap.dedent(
        """
        script:
          - {do: apply_batch, union: u1, members: [m1], branch: b1}
          - {do: advance, days: 7}
          - {do: activate, member: m1, pin: "246810", expect: {approved: false}}
          - {do: advance, until: "2020-02-12 09:00"}
          - {do: activate, member: m1, pin: "246810", expect: {response: "00"}}
        """
    )
    result = run_scenario(parse_scenario(text, "t.yaml"), tmp_path / "run")
    assert result.failures == []
    ready = result.metrics["script"][0]["detail"]["ready"]
    assert ready >= "2020-02-04"


def test_same_scenario_same_metrics_bytes(tmp_path):
    scenario = load_scenario(ROOT / "scenarios" / "lifecycle_demo.yaml")
    run_scenario(scenario, tmp_path / "a")
    run_scenario(scenario, tmp_path / "b")
    assert (tmp_path / "a" / "metrics.json").read_bytes() == (tmp_path / "b" / "metrics.json").read_bytes()


def test_run_writes_series_and_trace(tmp_path):
    run_text(tmp_path, ISSUED)
    out = tmp_path / "run"
    header = (out / "series_city.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("date,city,members,")
    events = [json.loads(line) for line in (out / "trace.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {"step", "day"} <= {event["type"] for event in events}


@pytest.mark.parametrize(
    ("key", "expected"),
    [("cards_issued", 1), ("flows.disbursed", 50000), ("responses.00", 1)],
)
def test_metric_lookup_by_dotted_key(tmp_path, key, expected):
    result = run_text(tmp_path, ISSUED)
    assert lookup_metric(result.metrics, key) == expected


def test_metric_expectation_checked(tmp_path):
    result = run_text(
        tmp_path,
        ISSUED,
        """
expect:
  metrics: {cards_issued: {min: 2}}
  ledger_balanced: true
""",
    )
    assert [failure.field for failure in result.failures] == ["metrics.cards_issued"]


def test_interest_credited_on_quiet_day_after_period(tmp_path):
    # 10,000 yuan from 6 January to 20 March 2020 (75 days of a leap year):
    # 1,000,000 fen x 75 / 366 x 0.35% = 717.2 fen, credited on 21 March
    # although nothing else happens that day.
    text = BASE.replace("2020-01-20T00:00", "2020-03-23T00:00") + textwrap.dedent(
        """
        script:
          - {do: issue_card, member: m1, branch: b1, pin: "246810"}
          - {do: deposit, member: m1, amount: 10000}
          - {do: advance, until: "2020-03-21 12:00", expect: {balances: {m1: {main: 10007.17}}}}
        """
    )
    result = run_scenario(parse_scenario(text, "t.yaml"), tmp_path / "run")
    assert result.failures == []


def test_closure_payout_counted(tmp_path):
    result = run_text(
        tmp_path,
        ISSUED
        + """
  - {do: close_card, member: m1, expect: {approved: true, balances: {u1: {corporate: 10000}}}}
""",
    )
    assert result.failures == []
    assert result.metrics["flows"]["closure_payout"] == 100_000

import json
from pathlib import Path

import pytest

from twin.scenario import Scenario, load_scenario, parse_scenario, scenario_json_schema
from twin.scenario.steps import STEP_TYPES

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))

#: The example of the design's "Script steps" contract, as written there.
DESIGN_EXAMPLE = """\
name: lifecycle-demo
description: 一名会员的工会会员服务卡全生命周期
seed: 7
start: 2020-01-06T09:00:00+08:00
end: 2020-12-31T00:00:00+08:00
province:
  scale: 0                  # 0: no synthetic crowd, only the actors below
actors:
  unions:
    - {id: u1, name: 南昌市总工会机关工会, city: 南昌市, corporate_balance: 100000}
  members:                  # enrolled in the real-name registry unless enrolled: false
    - {id: m1, name: 张三, union: u1, city: 南昌市, county: 东湖区, account_class: II}
  merchants:
    - {id: shop1, name: 职工超市, city: 南昌市, designated: true, mcc: "5411"}
    - {id: shop2, name: 街边便利店, city: 南昌市, designated: false, mcc: "5499"}
  branches:
    - {id: b1, name: 建行南昌东湖支行, city: 南昌市, county: 东湖区}
script:
  - {do: apply_batch, union: u1, members: [m1], branch: b1}
  - {do: advance, working_days: 7}
  - {do: activate, member: m1, pin: "135790", expect: {response: "00"}}
  - {do: open_welfare_account, union: u1, members: [m1]}
  - {do: deposit, member: m1, amount: 1000}
  - {do: disburse, union: u1, rows: [{member: m1, amount: "500.00"}],
     expect: {balances: {m1: {welfare: 500}}}}
  - {id: p1, do: purchase, member: m1, merchant: shop1, amount: 300, pin: "135790",
     expect: {response: "00", paid_from: welfare, balances: {m1: {welfare: 200, main: 1000}}}}
  - {do: refund, of: p1, amount: 100, expect: {approved: true, paid_to: welfare}}
expect:
  balances: {m1: {main: 1000, welfare: 300}, u1: {corporate: 99500}}
  ledger_balanced: true
"""


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_shipped_scenario_loads(path):
    assert isinstance(load_scenario(path), Scenario)


def test_every_required_scenario_shipped():
    names = {path.stem for path in SCENARIOS}
    required = {
        "lifecycle_demo",
        "pilot_2019",
        "rollout_province",
        "spring_festival_peak",
        "fault_branch_outage",
        "fault_core_outage",
        "fault_duplicate_file",
    }
    assert required <= names


def test_design_example_loads():
    scenario = parse_scenario(DESIGN_EXAMPLE)
    assert [step.do for step in scenario.script] == [
        "apply_batch",
        "advance",
        "activate",
        "open_welfare_account",
        "deposit",
        "disburse",
        "purchase",
        "refund",
    ]


def test_design_example_values():
    scenario = parse_scenario(DESIGN_EXAMPLE)
    refund = scenario.script[7]
    assert scenario.script[5].rows[0].amount == 50_000
    assert scenario.script[6].expect.balances["m1"].given() == {"main": 100_000, "welfare": 20_000}
    assert refund.of == "p1"
    assert refund.amount == 10_000
    assert scenario.expect.balances["u1"].corporate == 9_950_000
    assert scenario.actors.unions[0].corporate_balance == 10_000_000


def test_design_example_times():
    scenario = parse_scenario(DESIGN_EXAMPLE)
    times = scenario.step_times()
    assert times[0].isoformat() == "2020-01-06T09:00:00+08:00"
    assert times[1].isoformat() == "2020-01-15T09:00:00+08:00"
    assert times[-1] == times[1]


def test_lifecycle_demo_uses_every_action():
    scenario = load_scenario(Path(__file__).parents[2] / "scenarios" / "lifecycle_demo.yaml")
    assert {step.do for step in scenario.script} == set(STEP_TYPES)


def test_lifecycle_demo_stays_before_interest_settlement():
    scenario = load_scenario(Path(__file__).parents[2] / "scenarios" / "lifecycle_demo.yaml")
    assert scenario.end.date().isoformat() < "2020-03-20"


def test_schema_is_json():
    text = json.dumps(scenario_json_schema(), ensure_ascii=False)
    assert json.loads(text)["title"] == "Scenario"


def test_schema_step_actions():
    schema = scenario_json_schema()
    mapping = schema["properties"]["script"]["items"]["discriminator"]["mapping"]
    assert set(mapping) == set(STEP_TYPES)


def test_schema_amount_default_in_yuan():
    welfare = scenario_json_schema()["$defs"]["WelfareRules"]["properties"]
    assert welfare["yearly_cap"]["default"] == "1800.00"

"""Scenario files shared by the command-line tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIFECYCLE = ROOT / "scenarios" / "lifecycle_demo.yaml"

#: A script-only scenario whose purchase leaves 380 yuan of welfare, while the
#: step expects 400: one expectation fails, the other five hold.
SMALL = """\
name: small
seed: 1
start: 2020-01-06 09:00
end: 2020-01-10 00:00
province: {scale: 0, regression_scale: 0}
actors:
  unions:
    - {id: u1, name: 南昌市总工会机关工会, city: 南昌市, corporate_balance: 1000}
  members:
    - {id: m1, name: 张三, union: u1, city: 南昌市}
  merchants:
    - {id: s1, name: 职工超市, city: 南昌市, designated: true, mcc: "5411"}
  branches:
    - {id: b1, name: 建行南昌东湖支行, city: 南昌市}
script:
  - {do: issue_card, member: m1, branch: b1, pin: "135790", expect: {approved: true}}
  - {do: open_welfare_account, union: u1, members: [m1]}
  - {do: disburse, union: u1, rows: [{member: m1, amount: 500}]}
  - {id: p1, do: purchase, member: m1, merchant: s1, amount: 120, pin: "135790",
     expect: {response: "00", paid_from: welfare, balances: {m1: {welfare: 400}}}}
expect:
  balances: {u1: {corporate: 500}}
  ledger_balanced: true
"""

#: Three problems on lines 2, 8 and 10.
BAD = """\
name: bad
seed: -1
start: 2020-01-06 09:00
end: 2020-02-28 00:00
province: {scale: 0}
actors:
  members:
    - {id: m1, name: 张三, union: u9, city: 南昌市}
script:
  - {do: deposit, member: m1, amount: 12.345}
"""

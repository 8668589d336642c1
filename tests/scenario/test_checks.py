"""Cross-reference and time checks, by problem code and path."""

import pytest

from twin.scenario import ScenarioError, parse_scenario

from .samples import BASE


def codes(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.yaml", "en")
    return [(problem.path, problem.code) for problem in caught.value.problems]


def test_actor_ids_unique_across_kinds():
    text = BASE.replace("{id: b1, name: 支行", "{id: m1, name: 支行")
    assert codes(text) == [("actors.branches[0].id", "duplicate_id")]


def test_member_union_must_exist():
    text = BASE.replace("union: u1, city", "union: u2, city")
    assert codes(text) == [("actors.members[0].union", "unknown_actor")]


def test_county_must_be_in_city():
    text = BASE.replace(
        "{id: b1, name: 支行, city: 南昌市}", "{id: b1, name: 支行, city: 南昌市, county: 万载县}"
    )
    assert codes(text) == [("actors.branches[0].county", "county_city")]


def test_unknown_county_rejected():
    text = BASE.replace(
        "{id: b1, name: 支行, city: 南昌市}", "{id: b1, name: 支行, city: 南昌市, county: 湾里区}"
    )
    assert codes(text) == [("actors.branches[0].county", "county")]


def test_merchant_campaign_must_exist():
    text = BASE.replace('mcc: "5411"}', 'mcc: "5411", campaigns: [春节]}')
    assert codes(text) == [("actors.merchants[0].campaigns[0]", "unknown_campaign")]


def test_merchant_campaign_found():
    campaign = "{name: 春节, start: 2020-01-06, end: 2020-02-01, discount: 0.9}"
    text = BASE.replace(
        "province: {scale: 0}", f"province: {{scale: 0, merchants: {{campaigns: [{campaign}]}}}}"
    )
    text = text.replace('mcc: "5411"}', 'mcc: "5411", campaigns: [春节]}')
    assert parse_scenario(text).actors.merchants[0].campaigns == ["春节"]


def test_end_after_start():
    text = BASE.replace("end: 2020-02-28 00:00", "end: 2020-01-01 00:00")
    assert codes(text) == [("end", "end_before_start")]


def test_step_ids_unique():
    text = (
        BASE + "script:\n  - {id: x, do: enrol, member: m1}\n  - {id: x, do: enrol, member: m1}\n"
    )
    assert codes(text) == [("script[1].id", "duplicate_step_id")]


def test_of_unknown_step():
    text = BASE + "script:\n  - {do: void_purchase, of: p9}\n"
    assert codes(text) == [("script[0].of", "unknown_step")]


def test_of_counts_step_with_other_problem():
    text = BASE + (
        "script:\n  - {id: p1, do: purchase, member: m1, merchant: s1, amount: 1.001}\n"
        "  - {do: void_purchase, of: p1}\n"
    )
    assert codes(text) == [("script[0].amount", "amount_too_many_decimals")]


@pytest.mark.parametrize(
    ("action", "target"),
    [
        ("void_purchase", "purchase"),
        ("cancel_preauth", "preauthorize"),
        ("complete_preauth", "preauthorize"),
        ("refund", "purchase"),
        ("reverse", "withdraw"),
        ("reverse", "deposit"),
    ],
)
def test_of_compatible_kinds(action, target):
    fields = {
        "purchase": "member: m1, merchant: s1, amount: 5",
        "preauthorize": "member: m1, merchant: s1, amount: 5",
        "withdraw": "member: m1, amount: 5",
        "deposit": "member: m1, amount: 5",
    }[target]
    text = BASE + f"script:\n  - {{id: t, do: {target}, {fields}}}\n  - {{do: {action}, of: t}}\n"
    assert parse_scenario(text).script[1].of == "t"


def test_batch_members_checked():
    text = BASE + "script:\n  - {do: apply_batch, union: u1, members: [m1, m2], branch: b1}\n"
    assert codes(text) == [("script[0].members[1]", "unknown_actor")]


def test_disbursement_rows_checked():
    text = BASE + "script:\n  - {do: disburse, union: u1, rows: [{member: s1, amount: 5}]}\n"
    assert codes(text) == [("script[0].rows[0].member", "wrong_actor_kind")]


def test_step_balance_actor_checked():
    text = BASE + "script:\n  - {do: enrol, member: m1, expect: {balances: {m7: {main: 1}}}}\n"
    assert codes(text) == [("script[0].expect.balances.m7", "unknown_actor")]


def test_member_has_no_corporate_account():
    text = BASE + "expect:\n  balances: {m1: {corporate: 1}}\n"
    assert codes(text) == [("expect.balances.m1.corporate", "balance_account_kind")]


def test_at_before_start():
    text = BASE + "script:\n  - {at: '2020-01-05 10:00', do: enrol, member: m1}\n"
    assert codes(text) == [("script[0].at", "before_start")]


def test_until_backwards():
    text = (
        BASE + "script:\n  - {do: advance, days: 3}\n  - {do: advance, until: '2020-01-07 09:00'}\n"
    )
    assert codes(text) == [("script[1].until", "time_backwards")]


def test_at_after_end():
    text = BASE + "script:\n  - {at: '2020-03-02 10:00', do: enrol, member: m1}\n"
    assert codes(text) == [("script[0].at", "after_end")]


def test_selector_union_checked():
    wave = "{name: w, start: 2020-01-06, end: 2020-02-01, units: ['union:u9']}"
    assert codes(BASE + f"rollout:\n  - {wave}\n") == [("rollout[0].units[0]", "unknown_actor")]


def test_disbursement_date_inside_run():
    text = BASE + "disbursements:\n  - {festival: spring_festival, date: 2020-03-05, amount: 5}\n"
    assert codes(text) == [("disbursements[0].date", "outside_run")]


def test_fault_branch_checked():
    text = (
        BASE
        + "faults:\n  branch_closed:\n    - {branch: b9, from: '2020-01-07 00:00', to: '2020-01-08 00:00'}\n"
    )
    assert codes(text) == [("faults.branch_closed[0].branch", "unknown_actor")]


def test_fault_outside_run():
    text = (
        BASE
        + "faults:\n  core_unavailable:\n    - {from: '2020-03-07 00:00', to: '2020-03-08 00:00'}\n"
    )
    assert codes(text) == [("faults.core_unavailable[0].from", "outside_run")]


def test_branch_closed_needs_one_place():
    text = (
        BASE
        + "faults:\n  branch_closed:\n    - {from: '2020-01-07 00:00', to: '2020-01-08 00:00'}\n"
    )
    assert codes(text) == [("faults.branch_closed[0]", "branch_or_county")]

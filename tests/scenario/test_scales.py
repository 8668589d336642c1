"""Scales so small that the province draws no member are rejected before a run."""

import pytest

from twin.scenario import ScenarioError, parse_scenario
from twin.scenario.province import smallest_scale

from .samples import BASE


def problems(text: str) -> list:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.yaml", "en")
    return caught.value.problems


def test_scale_drawing_no_member_rejected():
    found = problems(BASE.replace("province: {scale: 0}", "province: {scale: 0.00000001}"))
    assert [(p.path, p.code) for p in found] == [("province.scale", "scale_too_small")]


def test_rejection_names_smallest_scale():
    found = problems(BASE.replace("province: {scale: 0}", "province: {scale: 0.00000001}"))
    assert "1.3e-07" in found[0].fix


def test_regression_scale_checked_too():
    text = BASE.replace("province: {scale: 0}", "province: {scale: 0, regression_scale: 0.00000001}")
    assert [p.path for p in problems(text)] == ["province.regression_scale"]


def test_small_province_scale_checked_against_its_members():
    text = BASE.replace("province: {scale: 0}", "province: {scale: 0.01, population: {members: 50}}")
    assert [p.code for p in problems(text)] == ["scale_too_small"]


def test_zero_scale_accepted():
    assert parse_scenario(BASE, "s.yaml", "en").province.scale == 0


@pytest.mark.parametrize("members", [1, 3, 1000, 7_654_321, 8_000_000])
def test_smallest_scale_draws_one_member(members):
    assert smallest_scale(members) * members >= 1

"""Files the YAML reader cannot take: control characters, deep nesting and exponential aliases."""

import pytest

from twin.scenario import ScenarioError, parse_scenario

HEAD = "name: limits\nseed: 1\nstart: 2021-02-01 08:00\nend: 2021-02-03 00:00\n"


def codes(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.yaml", "en")
    return [problem.code for problem in caught.value.problems]


@pytest.mark.parametrize("depth", [150, 5000])
def test_deep_nesting_rejected(depth):
    text = HEAD + "description: " + "[" * depth + "]" * depth + "\n"
    assert codes(text) == ["yaml_too_deep"]


def test_alias_expansion_rejected_at_a_line():
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 8):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(HEAD + "\n".join(lines) + "\n", "s.yaml", "en")
    problems = caught.value.problems
    assert [problem.code for problem in problems] == ["yaml_too_large"]
    assert problems[0].line is not None


def test_moderate_aliases_still_read():
    text = HEAD + 'a: &a ["x", "x"]\nb: [*a, *a]\n'
    assert codes(text) == ["extra_forbidden", "extra_forbidden"]


def test_control_character_rejected_at_its_line():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(HEAD + "description: a\x00b\n", "s.yaml", "en")
    problems = caught.value.problems
    assert [problem.code for problem in problems] == ["yaml_character"]
    assert problems[0].line == 5
    assert "U+0000" in problems[0].message

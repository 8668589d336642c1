"""A valid scenario to vary, and a helper that collects the problem lines of a bad one."""

import pytest

from twin.scenario import ScenarioError, parse_scenario

#: A valid scenario of 14 lines. Tests append sections after it: a script added
#: as ``script:`` starts on line 15, and its first step is on line 16.
BASE = """\
name: t
seed: 1
start: 2020-01-06 09:00
end: 2020-02-28 00:00
province: {scale: 0}
actors:
  unions:
    - {id: u1, name: 工会, city: 南昌市, corporate_balance: 1000}
  members:
    - {id: m1, name: 张三, union: u1, city: 南昌市}
  merchants:
    - {id: s1, name: 超市, city: 南昌市, designated: true, mcc: "5411"}
  branches:
    - {id: b1, name: 支行, city: 南昌市}
"""


def problems(text: str, lang: str = "en", file: str = "scenarios/peak.yaml") -> list[str]:
    """Return the problem lines that loading ``text`` reports, or fail if it loads."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, file, lang)
    return [str(problem) for problem in caught.value.problems]

"""Keys of ``expect.metrics``: typos are caught by validation, real figures are accepted."""

import json
import re
from pathlib import Path

import pytest

from twin.scenario import ScenarioError, parse_scenario
from twin.scenario.metric_keys import COUNT_KEYS, SUMMARY_KEYS, is_count, is_known

from .samples import BASE

ROOT = Path(__file__).resolve().parents[2]


def with_metrics(block: str) -> str:
    return BASE.rstrip("\n") + "\nexpect:\n  metrics:\n" + block


def problems(text: str) -> list:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.yaml", "en")
    return caught.value.problems


def test_typo_in_summary_key_rejected():
    found = problems(with_metrics("    summary.activaton_rate: {min: 0.5}\n"))
    assert [(p.path, p.code) for p in found] == [
        ("expect.metrics.summary.activaton_rate", "unknown_metric_close")
    ]


def test_typo_names_closest_key():
    found = problems(with_metrics("    flows.disbursd: {min: 1}\n"))
    assert "flows.disbursed" in found[0].fix


def test_summary_prefix_kept_in_suggestion():
    found = problems(with_metrics("    summary.coverag: {min: 0.1}\n"))
    assert "summary.coverage" in found[0].fix


def test_typo_reported_at_its_line():
    text = with_metrics("    coverage: {min: 0.1}\n    nonsense_figure_xyz: {min: 1}\n")
    expected = text.splitlines().index("    nonsense_figure_xyz: {min: 1}") + 1
    assert problems(text)[0].line == expected


def test_known_keys_in_every_form_accepted():
    text = with_metrics(
        "    coverage: {min: 0}\n"
        "    summary.approval_rate: {min: 0}\n"
        "    metrics.flows.disbursed: {min: 0}\n"
        "    declines.pin_incorrect.55: {max: 10}\n"
        "    cities.南昌市.coverage: {min: 0}\n"
    )
    assert parse_scenario(text, "s.yaml", "en").expect.metrics


def test_wave_key_needs_declared_wave():
    assert not is_known("crowd.waves.南昌.coverage", waves=("试点",))


def test_wave_key_of_declared_wave_known():
    assert is_known("crowd.waves.试点.coverage", waves=("试点",))


def test_count_with_reason_suffix_is_count():
    assert is_count("closures_failed_card_not_found")


def test_count_suffix_must_be_snake_case():
    assert not is_known("closures_failed_Card Closed")


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "tests" / "golden").glob("*.json")))
def test_every_golden_figure_known(name):
    golden = json.loads((ROOT / "tests" / "golden" / name).read_text(encoding="utf-8"))
    unknown = [key for key in _numeric_keys(golden, "") if not is_known(key)]
    assert unknown == []


def test_every_literal_count_in_the_engine_known():
    pattern = re.compile(r"recorder\.count\(\"([a-z_]+)\"")
    names = {name for path in (ROOT / "twin").rglob("*.py") for name in pattern.findall(path.read_text("utf-8"))}
    assert sorted(name for name in names if not is_count(name)) == []


@pytest.mark.parametrize("doc", ["metrics.md", "metrics.zh-CN.md"])
def test_every_summary_key_documented(doc):
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    assert sorted(key for key in SUMMARY_KEYS | COUNT_KEYS if f"`{key}`" not in text
                  and not _documented_as_pattern(key, text)) == []


def _documented_as_pattern(key: str, text: str) -> bool:
    return any(key.startswith(stem) and f"`{stem}<" in text
               for stem in ("disbursement_files_", "disbursement_rows_", "transit_clearing_"))


def _numeric_keys(node, prefix: str):
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _numeric_keys(value, f"{path}.")
        elif isinstance(value, int | float) and prefix and not prefix.startswith(("scenario.", "series.")):
            yield path


@pytest.mark.parametrize("bound", ["min: 0.009", "max: 0.001", "min: '1.005'"])
def test_money_bound_with_three_decimals_rejected(bound):
    found = problems(with_metrics(f"    flows.disbursed: {{{bound}}}\n"))
    assert [p.code for p in found] == ["amount_too_many_decimals"]


def test_money_bound_problem_names_the_bound():
    found = problems(with_metrics("    summary.welfare_disbursed: {min: 0, max: 0.009}\n"))
    assert found[0].path == "expect.metrics.summary.welfare_disbursed.max"


def test_share_bound_with_three_decimals_accepted():
    text = with_metrics("    coverage: {min: 0.125}\n    flows.disbursed: {min: 0.01}\n")
    assert parse_scenario(text, "s.yaml", "en").expect.metrics

"""The report page: self-contained, in both languages, with every section a run calls for."""

import re

import pytest

from twin.report import render_report, write_report

SCRIPT_SECTIONS = ("parameters", "adoption", "branches", "flows", "transit", "counts", "throughput", "latency",
                   "declines", "ledger", "expectations", "script")


def _section(html: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}">(.*?)</section>', html, re.S)
    assert match is not None, f"no section {anchor}"
    return match.group(1)


def test_page_has_every_section(lifecycle):
    html = render_report(lifecycle, "en")
    assert re.findall(r'<section id="([a-z]+)">', html) == list(SCRIPT_SECTIONS)


def test_page_without_script_leaves_script_out(pilot):
    assert '<section id="script">' not in render_report(pilot, "en")


def test_page_needs_no_network(lifecycle):
    html = render_report(lifecycle, "zh")
    assert re.findall(r'(?:src|href)="(?!#)[^"]*"', html) == []


def test_page_has_no_script(lifecycle):
    assert "<script" not in render_report(lifecycle, "zh")


def test_page_inlines_css(lifecycle):
    assert "<style>/* Style of report.html." in render_report(lifecycle, "zh")


def test_page_in_chinese(lifecycle):
    assert "<title>运行报告：lifecycle-demo</title>" in render_report(lifecycle, "zh")


def test_page_in_english(lifecycle):
    assert "<title>Run report: lifecycle-demo</title>" in render_report(lifecycle, "en")


def test_write_report_returns_path(lifecycle_dir, tmp_path):
    for name in ("metrics.json", "performance.json"):
        (tmp_path / name).write_bytes((lifecycle_dir / name).read_bytes())
    assert write_report(tmp_path, lang="en") == tmp_path / "report.html"


def test_write_report_without_metrics_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_report(tmp_path)


def test_write_report_with_broken_metrics_raises(tmp_path):
    (tmp_path / "metrics.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError):
        write_report(tmp_path)


def test_interrupted_run_has_banner(lifecycle):
    lifecycle.metrics["scenario"]["interrupted"] = True
    assert '<p class="banner warn">The run was interrupted (Ctrl-C) at 2020-03-01 00:00.' in render_report(lifecycle, "en")


def test_failed_expectation_is_marked(lifecycle):
    lifecycle.metrics["expectations"][0]["ok"] = False
    html = _section(render_report(lifecycle, "en"), "expectations")
    assert html.count('<tr class="fail">') == 1


def test_failed_expectation_banner(lifecycle):
    lifecycle.metrics["expectations"][0]["ok"] = False
    assert "1 expectations failed; see the Expectations section." in render_report(lifecycle, "en")


def test_expectation_amounts_in_yuan(lifecycle):
    html = _section(render_report(lifecycle, "en"), "expectations")
    assert "<td>99,500.00 yuan</td>" in html


def test_latency_marked_wall_clock(lifecycle):
    html = _section(render_report(lifecycle, "en"), "latency")
    assert "These are wall-clock measurements." in html


def test_latency_without_performance(lifecycle):
    lifecycle.performance = None
    html = _section(render_report(lifecycle, "en"), "latency")
    assert "The run folder has no performance.json" in html


def test_declines_give_response_code(lifecycle):
    html = _section(render_report(lifecycle, "en"), "declines")
    assert "<td><code>card_not_activated</code></td><td>62</td>" in html


def test_declines_fall_back_to_reason_name(lifecycle):
    lifecycle.metrics["reasons"]["made_up_reason"] = 1
    html = _section(render_report(lifecycle, "en"), "declines")
    assert "<td><code>made_up_reason</code></td><td>—</td>" in html


def test_city_legend_lists_every_city(pilot):
    html = _section(render_report(pilot, "zh"), "adoption")
    missing = [city for city in pilot.metrics["series"]["cities"] if f"{city}</li>" not in html]
    assert missing == []


def test_english_city_names(pilot):
    html = _section(render_report(pilot, "en"), "adoption")
    assert "Nanchang</li>" in html


def test_crowd_wave_table(pilot):
    html = _section(render_report(pilot, "en"), "adoption")
    assert "Rollout waves at the end of the run" in html


def test_script_table_masks_personal_data(lifecycle):
    lifecycle.metrics["script"][2]["detail"]["member"] = "张三丰 6217990000000012345"
    html = _section(render_report(lifecycle, "en"), "script")
    assert "621799*********2345" in html


def test_script_table_hides_card_number(lifecycle):
    lifecycle.metrics["script"][2]["detail"]["member"] = "6217990000000012345"
    assert "6217990000000012345" not in render_report(lifecycle, "en")


def test_step_without_expectation_not_marked(lifecycle):
    html = _section(render_report(lifecycle, "en"), "script")
    assert html.count("<td>none stated</td>") == 54 - len({e["step"] for e in lifecycle.metrics["expectations"] if e["scope"] == "step"})


def test_empty_last_day_left_out(lifecycle):
    html = _section(render_report(lifecycle, "en"), "throughput")
    assert ">03-01</text>" not in html


def test_last_day_kept_when_simulated(lifecycle):
    lifecycle.metrics["scenario"]["finished_at"] = "2020-03-01T09:00:00+08:00"
    html = _section(render_report(lifecycle, "en"), "throughput")
    assert ">03-01</text>" in html

"""twin validate, twin schema and twin report."""

import json

from .samples import LIFECYCLE


def test_validate_valid_file_exits_zero(twin):
    assert twin("validate", LIFECYCLE).code == 0


def test_validate_valid_file_message(twin):
    result = twin("validate", LIFECYCLE, "--lang", "en")
    assert result.out == f"{LIFECYCLE}: valid (scenario lifecycle-demo, 54 script steps)\n"


def test_validate_bad_file_exits_two(twin, bad):
    assert twin("validate", bad).code == 2


def test_validate_prints_every_problem(twin, bad):
    result = twin("validate", bad, "--lang", "en")
    lines = [line for line in result.err.splitlines() if line.startswith(f"{bad}:")]
    assert [line.split(": ")[0] for line in lines] == [f"{bad}:2", f"{bad}:8", f"{bad}:10", f"{bad}"]


def test_validate_counts_problems(twin, bad):
    assert f"{bad}: problems found: 3" in twin("validate", bad, "--lang", "en").err


def test_validate_many_files_exits_two_if_any_bad(twin, bad):
    assert twin("validate", LIFECYCLE, bad).code == 2


def test_validate_many_files_checks_all(twin, bad):
    result = twin("validate", bad, LIFECYCLE, "--lang", "en")
    assert "valid (scenario lifecycle-demo" in result.out


def test_schema_prints_json_schema(twin):
    schema = json.loads(twin("schema").out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_names_script(twin):
    schema = json.loads(twin("schema").out)
    assert "script" in schema["properties"]


def test_schema_out_writes_file(twin, tmp_path):
    target = tmp_path / "scenario.schema.json"
    twin("schema", "--out", target)
    assert "properties" in json.loads(target.read_text(encoding="utf-8"))


def test_schema_out_unwritable_exits_two(twin, tmp_path):
    assert twin("schema", "--out", tmp_path / "missing" / "schema.json").code == 2


def test_report_rewrites_in_english(twin, small, tmp_path):
    out = tmp_path / "run"
    twin("run", small, "--out", out)
    twin("report", out, "--lang", "en")
    assert "Run report: small" in (out / "report.html").read_text(encoding="utf-8")


def test_report_without_run_exits_two(twin, tmp_path):
    assert twin("report", tmp_path).code == 2


def test_report_on_bad_json_in_chinese(twin, tmp_path):
    (tmp_path / "metrics.json").write_text("{\n", encoding="utf-8")
    result = twin("report", tmp_path)
    assert "第 2 行第 1 列不是有效的 JSON" in result.err


def test_report_on_bad_json_has_no_english(twin, tmp_path):
    (tmp_path / "metrics.json").write_text("{\n", encoding="utf-8")
    assert "not valid JSON" not in twin("report", tmp_path).err

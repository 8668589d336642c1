"""The run folder's copy of the scenario file keeps no PIN in clear."""

from pathlib import Path

import pytest

from twin.sim.scenario_copy import PIN_MASK, mask_pins, read_scenario_copy, write_scenario_copy

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))

CHANGE_PIN = """\
programme:
  initial_pin: "955330"   # the bank's default
script:
  - do: change_pin
    member: m1
    old: "135790"
    new: 246810
  - {do: activate, member: m1, pin: '112233', new_pin: "445566", channel: atm}
  - {do: deposit, member: m1, amount: 100, new: 5}
"""


def test_mask_removes_every_pin():
    masked = mask_pins(CHANGE_PIN)
    for pin in ("955330", "135790", "246810", "112233", "445566"):
        assert pin not in masked


def test_mask_keeps_comment():
    assert "# the bank's default" in mask_pins(CHANGE_PIN)


def test_mask_keeps_other_values():
    assert "{do: deposit, member: m1, amount: 100, new: 5}" in mask_pins(CHANGE_PIN)


def test_mask_writes_mask():
    assert mask_pins(CHANGE_PIN).count(PIN_MASK) == 5


def test_mask_keeps_anchor():
    masked = mask_pins('a: &p "1234"\nb: {pin: *p}\n')
    assert masked == f'a: &p {PIN_MASK}\nb: {{pin: *p}}\n'


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_shipped_scenario_keeps_layout(path):
    text = path.read_text(encoding="utf-8")
    masked = mask_pins(text)
    changed = [old for old, new in zip(text.splitlines(), masked.splitlines(), strict=True) if old != new]
    assert all("pin" in line or "old:" in line for line in changed)


def test_lifecycle_copy_has_no_pin():
    masked = mask_pins((ROOT / "scenarios" / "lifecycle_demo.yaml").read_text(encoding="utf-8"))
    assert "135790" not in masked


def test_copy_reads_back(tmp_path):
    copy = tmp_path / "scenario.yaml"
    write_scenario_copy(ROOT / "scenarios" / "fault_duplicate_file.yaml", copy)
    assert read_scenario_copy(copy).name == "fault-duplicate-file"

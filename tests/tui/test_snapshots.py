"""Snapshots of every screen at fixed terminal sizes.

Regenerate after a deliberate change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at every changed picture before committing it.
Nothing shown depends on the wall clock or on where the test runs: the
scenario folder holds one copied file and run folders are shown by name.
"""

import shutil

import pytest
from tui_support import DEMO, fast_forward, make_app, settle


@pytest.fixture
def scenarios(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(DEMO, folder / "lifecycle_demo.yaml")
    return folder


async def open_trainer_and_walk(pilot, steps: int) -> None:
    await pilot.press("t")
    await settle(pilot)
    await fast_forward(pilot, steps - 1)
    await pilot.press("n")
    await settle(pilot)


def test_picker(snap_compare, scenarios, reports):
    assert snap_compare(make_app(str(scenarios / "lifecycle_demo.yaml"), reports_dir=reports, scenarios_dir=scenarios))


def test_picker_english_wide(snap_compare, scenarios, reports):
    app = make_app(str(scenarios / "lifecycle_demo.yaml"), "en", reports_dir=reports, scenarios_dir=scenarios)
    assert snap_compare(app, terminal_size=(110, 32))


def test_trainer_purchase(snap_compare, scenarios, tmp_path):
    app = make_app(str(scenarios / "lifecycle_demo.yaml"), reports_dir=tmp_path / "reports", scenarios_dir=scenarios)

    async def run_before(pilot):
        await open_trainer_and_walk(pilot, 12)

    assert snap_compare(app, run_before=run_before)


def test_trainer_english_wide(snap_compare, scenarios, tmp_path):
    app = make_app(str(scenarios / "lifecycle_demo.yaml"), "en", reports_dir=tmp_path / "reports", scenarios_dir=scenarios)

    async def run_before(pilot):
        await open_trainer_and_walk(pilot, 14)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_action_form(snap_compare, scenarios, tmp_path):
    app = make_app(str(scenarios / "lifecycle_demo.yaml"), reports_dir=tmp_path / "reports", scenarios_dir=scenarios)

    async def run_before(pilot):
        await open_trainer_and_walk(pilot, 4)
        pilot.app.screen._action_chosen("purchase")
        await pilot.pause()
        pilot.app.screen.query_one("#perform").focus()

    assert snap_compare(app, run_before=run_before)


def test_dashboard_replay(snap_compare, scenarios, reports):
    app = make_app(str(reports / "lifecycle_demo"), reports_dir=reports, scenarios_dir=scenarios)
    assert snap_compare(app)


def test_dashboard_events(snap_compare, scenarios, reports):
    app = make_app(str(reports / "lifecycle_demo"), reports_dir=reports, scenarios_dir=scenarios)

    async def run_before(pilot):
        await pilot.press("3")
        await pilot.pause()
        pilot.app.screen.query_one("#event-table").focus()

    assert snap_compare(app, run_before=run_before)


def test_ledger_browser(snap_compare, scenarios, reports):
    app = make_app(reports_dir=reports, scenarios_dir=scenarios)

    async def run_before(pilot):
        pilot.app.open_ledger(reports / "lifecycle_demo" / "ledger.db", "lifecycle_demo")
        await settle(pilot)

    assert snap_compare(app, run_before=run_before)


def test_help(snap_compare, scenarios, reports):
    app = make_app(str(scenarios / "lifecycle_demo.yaml"), reports_dir=reports, scenarios_dir=scenarios)
    assert snap_compare(app, press=["f1"])


def test_light_theme(snap_compare, scenarios, reports):
    app = make_app(str(scenarios / "lifecycle_demo.yaml"), reports_dir=reports, scenarios_dir=scenarios)
    assert snap_compare(app, press=["ctrl+t"])

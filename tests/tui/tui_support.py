"""Helpers of the terminal UI tests: an app on the repository's scenarios, and driving it headless."""

import asyncio
import os
from pathlib import Path

from tui.app import TwinApp

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DEMO = SCENARIOS / "lifecycle_demo.yaml"


def small_crowd():
    """Return a crowd scenario with named members at its regression scale, so it starts in about a second."""
    from twin.scenario import load_scenario

    scenario = load_scenario(SCENARIOS / "fault_duplicate_file.yaml", "zh")
    province = scenario.province.model_copy(update={"scale": scenario.province.regression_scale})
    return scenario.model_copy(update={"province": province})


def make_app(target=None, lang="zh", *, reports_dir: Path, scenarios_dir: Path = SCENARIOS) -> TwinApp:
    return TwinApp(target, lang, scenarios_dir=scenarios_dir, reports_dir=reports_dir)


def drive(app: TwinApp, body, size=(80, 24)):
    """Run ``body(pilot)`` against ``app`` in a headless terminal of ``size``."""

    async def main():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return await body(pilot)

    return asyncio.run(main())


async def settle(pilot) -> None:
    """Wait until the app's worker threads are done and their results are on screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(widget) -> str:
    """Return the plain text a Static widget shows (its Rich content printed wide, without styles)."""
    from rich.console import Console

    console = Console(record=True, width=200, file=open(os.devnull, "w"))
    console.print(widget.content)
    return console.export_text()


def option_texts(option_list) -> list[str]:
    return [str(option_list.get_option_at_index(index).prompt) for index in range(option_list.option_count)]


async def fast_forward(pilot, count: int) -> None:
    """Perform the trainer's next ``count`` scripted steps directly on its session, then redraw once.

    Tests walk most of the script this way and press ``n`` for the steps they look at:
    each key press redraws the whole screen, which is what makes a UI test slow.
    """
    screen = pilot.app.screen
    for _ in range(count):
        screen.session.next_step()
    screen._refresh_steps(select_index=len(screen.session.reports) - 1)
    await pilot.pause()

"""Tiny scenarios for the crowd's tests, and a way to step a world with its crowd day by day."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import yaml

from twin.calendar import to_local
from twin.scenario import parse_scenario
from twin.sim.crowd import Crowd
from twin.sim.world import World

#: About 800 members of whom about 100 belong to unions of 南昌市; the wave
#: covers the city's federation tree in March 2020.
BASE = {
    "name": "crowd-test",
    "seed": 5,
    "start": "2020-03-02 00:00",
    "end": "2020-04-15 00:00",
    "province": {"scale": 0.0001},
    "rollout": [
        {"name": "南昌", "start": "2020-03-02", "end": "2020-03-31", "units": ["city:南昌市"], "target_coverage": 0.9}
    ],
}


def scenario_text(changes: dict | None = None, base: dict = BASE) -> str:
    """Return ``base`` merged with ``changes`` (nested mappings merge, anything else replaces), as YAML."""
    return yaml.safe_dump(_merged(base, changes or {}), allow_unicode=True, sort_keys=False)


def wave(**fields) -> list[dict]:
    """Return the base scenario's single wave with ``fields`` changed."""
    return [{**BASE["rollout"][0], **fields}]


def _merged(base: dict, changes: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def stepped(tmp_path: Path, text: str, until: dt.datetime | None = None, scale: float | None = None):
    """Build a world and its crowd from ``text`` and run them to ``until`` (default: the end).

    Each local day runs inside one ledger batch, as the engine runs it.
    """
    scenario = parse_scenario(text, "crowd-test.yaml")
    world = World(scenario, tmp_path / "ledger.db")
    world.faults.start()
    crowd = Crowd(world, scenario.province.scale if scale is None else scale)
    crowd.start()
    stop = world.clock.at(to_local(until) if until is not None else scenario.end)
    while world.env.now < stop:
        day = world.now().date()
        midnight = to_local(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        with world.ledger.batch():
            world.env.run(until=min(stop, world.clock.at(midnight)))
        if world.env.now >= world.clock.at(midnight):
            world.recorder.close_day(day)
    return world, crowd

"""The copy of the scenario file kept in a run folder, with its PINs masked.

PINs are never stored in clear, so the copy replaces the value of every key
that ends in ``pin`` (``pin``, ``initial_pin``, ``new_pin``) and the ``old``
and ``new`` PINs of a ``change_pin`` step with :data:`PIN_MASK`. Only those
values change: the positions come from the YAML parser, so comments, layout
and every other value are kept as written.

A masked copy does not run again as it is (a PIN must be digits):
:func:`read_scenario_copy` reads it for a report, with placeholder PINs.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from twin.scenario import Scenario, parse_scenario

__all__ = ["PIN_MASK", "mask_pins", "write_scenario_copy", "read_scenario_copy"]

#: The text that replaces each PIN value in the copy.
PIN_MASK = '"******"'

_CHANGE_PIN_KEYS = ("old", "new")

#: The valid PIN that replaces each mask when a copy is read back.
_PLACEHOLDER_PIN = '"0000"'


def mask_pins(text: str) -> str:
    """Return the scenario YAML ``text`` with every PIN value replaced by :data:`PIN_MASK`.

    Raises :class:`yaml.YAMLError` when ``text`` is not YAML.
    """
    spans: set[tuple[int, int]] = set()
    for document in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if document is not None:
            _collect(document, spans, set())
    for start, end in sorted(spans, reverse=True):
        value = text[start:end]
        anchor = ""
        if value.startswith("&"):
            # An anchored PIN keeps its anchor, so that aliases of it still resolve.
            name, _, _ = value.partition(" ")
            anchor = name + " "
        text = text[:start] + anchor + PIN_MASK + text[end:]
    return text


def write_scenario_copy(source: Path, copy: Path) -> None:
    """Write the scenario file ``source`` to ``copy`` with its PINs masked."""
    text = source.read_text(encoding="utf-8-sig")
    copy.write_text(mask_pins(text), encoding="utf-8")


def read_scenario_copy(copy: Path, lang: str | None = None) -> Scenario:
    """Read a run folder's masked scenario copy, with a placeholder for each PIN.

    Raises :class:`twin.scenario.ScenarioError` like ``load_scenario``. The
    scenario is fit for a report, not for a run: its PINs are not the real ones.
    """
    text = copy.read_text(encoding="utf-8").replace(PIN_MASK, _PLACEHOLDER_PIN)
    return parse_scenario(text, str(copy), lang)


# Private interface


def _collect(node: yaml.Node, spans: set[tuple[int, int]], seen: set[int]) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _collect(item, spans, seen)
    elif isinstance(node, yaml.MappingNode):
        change_pin = any(
            isinstance(key, yaml.ScalarNode) and key.value == "do"
            and isinstance(value, yaml.ScalarNode) and value.value == "change_pin"
            for key, value in node.value
        )
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else ""
            is_pin = isinstance(name, str) and (
                name.lower().endswith("pin") or (change_pin and name in _CHANGE_PIN_KEYS)
            )
            if is_pin and isinstance(value, yaml.ScalarNode):
                spans.add((value.start_mark.index, value.end_mark.index))
            else:
                _collect(value, spans, seen)

"""JSON Schema of scenario files, for editors and the ``twin schema`` command."""

from __future__ import annotations

from typing import Any

from twin.scenario.model import Scenario

__all__ = ["scenario_json_schema"]

_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scenario_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) that scenario files follow, with YAML key names.

    Amount fields carry ``"x-unit": "yuan"``; their defaults, kept in fen by the
    models, are written as yuan text (``"1800.00"``) as a file would give them.
    """
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    _defaults_in_yuan(schema)
    return {"$schema": _SCHEMA_DIALECT, **schema}


# Private interface


def _defaults_in_yuan(node: Any) -> None:
    if isinstance(node, dict):
        default = node.get("default")
        if (
            node.get("x-unit") == "yuan"
            and isinstance(default, int)
            and not isinstance(default, bool)
        ):
            whole, fen = divmod(default, 100)
            node["default"] = f"{whole}.{fen:02d}"
        for value in node.values():
            _defaults_in_yuan(value)
    elif isinstance(node, list):
        for value in node:
            _defaults_in_yuan(value)

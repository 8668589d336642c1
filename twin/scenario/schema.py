"""JSON Schema of scenario files, for editors and the ``twin schema`` command."""

from __future__ import annotations

from typing import Any

from twin.scenario.model import Scenario

__all__ = ["scenario_json_schema"]

_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scenario_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) that scenario files follow, with YAML key names."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": _SCHEMA_DIALECT, **schema}

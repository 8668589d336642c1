"""The base class of every scenario model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["ScenarioModel"]


class ScenarioModel(BaseModel):
    """A frozen pydantic model that rejects unknown keys.

    Field docstrings become the descriptions in the exported JSON Schema. Fields
    named after Python keywords (``from``) are declared as ``from_`` with an alias,
    and both spellings are accepted from Python code.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        use_attribute_docstrings=True,
    )

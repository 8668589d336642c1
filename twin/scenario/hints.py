"""Hints for a mistyped key or value: which names a place allows, and the closest one."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel

__all__ = ["allowed_keys", "closest"]


def closest(word: object, options: typing.Iterable[str]) -> str | None:
    """Return the option most like ``word``, if one is close enough to be a likely typo."""
    matches = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Return the keys the mapping at ``loc`` inside ``model`` may have, as written in YAML.

    ``loc`` is a pydantic location: field names or aliases, list indexes, dict
    keys and the tags of tagged unions. An empty list means the place is not a
    model (or could not be resolved).
    """
    annotation: Any = model
    for element in loc:
        annotation = _step(annotation, element)
        if annotation is None:
            return []
    target = _model_of(annotation)
    if target is None:
        return []
    return [info.alias or name for name, info in target.model_fields.items()]


# Private interface


def _step(annotation: Any, element: str | int) -> Any:
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)

    if _is_union(annotation):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        tagged = [m for m in members if _tag_of(m) == element]
        if tagged:
            return tagged[0]
        for member in members:
            found = _step(member, element)
            if found is not None:
                return found
        return None
    if origin in (list, tuple) and isinstance(element, int):
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    model = _model_of(annotation)
    if model is not None and isinstance(element, str):
        for name, info in model.model_fields.items():
            if element in (name, info.alias):
                return info.annotation
    return None


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap(annotation)
    if _is_union(annotation):
        models = [m for m in map(_model_of, typing.get_args(annotation)) if m is not None]
        return models[0] if len(models) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _tag_of(annotation: Any) -> str | None:
    model = _model_of(annotation)
    if model is None or "do" not in model.model_fields:
        return None
    return model.model_fields["do"].default

"""Yes/no where a number belongs: pydantic (like Python) reads `true` as 1 and `false` as 0 in every int and float
field, so `service_level: true` would mean 100 % and `containment: false` none. One walk over the scenario's data
finds every such value, in any numeric field of any section, list or mapping, and names it by its field path."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from .errors import Problem


def yes_no_problems(model: type[BaseModel], data: Any, where: str = "") -> list[Problem]:
    """Every true/false in `data` (as read from YAML) where `model`'s schema wants a number, by dotted path."""
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    for key, value in data.items():
        field = model.model_fields.get(key) if isinstance(key, str) else None
        if field is not None:
            problems += _check(field.annotation, value, f"{where}.{key}" if where else key)
    return problems


def _check(annotation: Any, value: Any, where: str) -> list[Problem]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _check(args[0], value, where)
    if isinstance(value, bool):
        return [Problem(where, f"must be a number, not {str(value).lower()}")] if _wants_number(annotation) else []
    if origin in (typing.Union, types.UnionType):
        return _check_union(args, value, where)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return yes_no_problems(annotation, value, where)
    if origin in (list, tuple) and isinstance(value, (list, tuple)) and args:
        fixed = origin is tuple and args[-1] is not Ellipsis     # tuple[float, float] vs list[float], tuple[float, ...]
        return [p for i, item in enumerate(value)
                for p in _check(args[min(i, len(args) - 1)] if fixed else args[0], item, f"{where}[{i}]")]
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        return [p for key, item in value.items() for p in _check(args[1], item, f"{where}.{key}")]
    return []


def _check_union(args: tuple, value: Any, where: str) -> list[Problem]:
    """A union: a section of one of several kinds (channels, by `kind`), or a value or a list of values."""
    models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
    if models and isinstance(value, dict):
        kinds = [m for m in models if "kind" in m.model_fields and m.model_fields["kind"].default == value.get("kind")]
        chosen = kinds[0] if kinds else models[0] if len(models) == 1 else None
        return yes_no_problems(chosen, value, where) if chosen else []
    for arg in args:
        problems = _check(arg, value, where)
        if problems:
            return problems
    return []


def _wants_number(annotation: Any) -> bool:
    """True when a type is a number (int or float, possibly optional or constrained) and not a yes/no."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _wants_number(args[0])
    if origin in (typing.Union, types.UnionType):
        return bool not in args and any(_wants_number(a) for a in args)
    return annotation in (int, float)

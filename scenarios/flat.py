"""Nested results as flat rows: {"channels": {"phone": {"service_level": 0.8}}} -> {"channels.phone.service_level":
0.8}, the one way results become the rows of a figures table, an Excel sheet or a comparison."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def flatten(data: Mapping | None, prefix: str = "") -> dict[str, Any]:
    """Every leaf of nested mappings under its dotted path ("a.b.c"), in the mappings' order. Lists are leaves:
    they are kept as they are (a caller drops them or writes them as text)."""
    out: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out

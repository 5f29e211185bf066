"""Scenario variants by dotted-path overrides: `channels.bot.containment=0.8`, `demand.scale=1.2`.

An override names a field by its path in the scenario YAML (list items by number: `shift_rules.lengths_hours.0`)
and gives a value written as YAML (`0.8`, `true`, `[4, 8]`, `"07:00-20:00"`). Overrides are applied to the
scenario's data and the result is validated like a scenario file, so a wrong type or a value out of range is
reported by its path, as is a path that does not exist, before anything runs.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import Any, Iterable

import yaml

from .errors import InputError, Problem, ScenarioError, did_you_mean
from .io import known_fields, scenario_from_dict, scenario_to_dict
from .model import AIChannel, ChatChannel, DeferredChannel, Scenario, VoiceChannel

# Mappings whose keys are names the user chose: an override may change an entry, never invent one.
_NAMED = ("channels", "skill_groups")
_CHANNEL_MODELS = {"voice": VoiceChannel, "chat": ChatChannel, "deferred": DeferredChannel, "ai": AIChannel}
# Mappings keyed by channel: an override may add an entry for a channel that exists.
_BY_CHANNEL = (("demand", "channel_scale"), ("demand", "rates"))


@dataclass(frozen=True)
class Override:
    """One `path=value` assignment; `text` is the value as the user wrote it."""

    path: str
    value: Any
    text: str

    def __str__(self) -> str:
        return f"{self.path}={self.text}"


def parse_value(text: str) -> Any:
    """A value written as YAML (`0.8` -> 0.8, `true` -> True, `[4, 8]` -> list); plain text stays a string."""
    try:
        return yaml.safe_load(text) if text.strip() else ""
    except yaml.YAMLError:
        return text


def parse_override(text: str, option: str = "--set") -> Override:
    """Parse `PATH=VALUE`; raises InputError naming the option when there is no `=` or no path."""
    path, sep, value = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise InputError([Problem(f"{option} {text}", "expected PATH=VALUE, e.g. channels.bot.containment=0.8")],
                         "invalid override")
    return Override(path, parse_value(value.strip()), value.strip())


def parse_sweep(text: str, option: str = "--sweep") -> list[Override]:
    """Parse `PATH=V1,V2,...` into one override per value (a value may itself be a YAML list `[4, 8]`)."""
    path, sep, values = text.partition("=")
    path = path.strip()
    if not sep or not path or not values.strip():
        raise InputError([Problem(f"{option} {text}", "expected PATH=V1,V2,..., e.g. demand.scale=1.0,1.2")],
                         "invalid sweep")
    try:
        # A YAML flow sequence splits on commas outside brackets and quotes, and types each value.
        parsed = yaml.safe_load(f"[{values}]")
    except yaml.YAMLError:
        parsed = None
    if not isinstance(parsed, list) or not parsed:
        raise InputError([Problem(path, f"cannot read the values '{values}' as a comma-separated list")],
                         "invalid sweep")
    texts = [str(v) if not isinstance(v, (list, dict)) else yaml.safe_dump(v, default_flow_style=True).strip()
             for v in parsed]
    return [Override(path, v, t) for v, t in zip(parsed, texts)]


def split_path(path: str) -> list[str | int]:
    """`channels.bot.containment` -> ['channels', 'bot', 'containment']; `a.b[2]` and `a.b.2` index lists."""
    parts: list[str | int] = []
    for raw in path.replace("[", ".").replace("]", "").split("."):
        if raw == "":
            raise InputError([Problem(path, "empty step in the path")], "invalid override")
        parts.append(int(raw) if raw.isdigit() else raw)
    return parts


def set_path(data: dict, path: str, value: Any, *, check: bool = True) -> None:
    """Set the dotted `path` in scenario data (in place), the one setter of scenario fields by path.

    check=True (overrides): the path must be one the scenario schema can hold, else InputError naming it; list
    items by number. check=False (a form being edited, validated as a whole afterwards): sections missing on the
    way become mappings, and None removes the key so the schema default applies.
    """
    parts: list = split_path(path) if check else path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        here = ".".join(str(p) for p in parts[:depth]) or "(top level)"
        last = depth == len(parts) - 1
        if not check:
            if not last and not isinstance(node.get(part), dict):
                node[part] = {}
        elif isinstance(node, list):
            if not isinstance(part, int) or not -len(node) <= part < len(node):
                raise InputError([Problem(path, f"{here} is a list of {len(node)} item(s); "
                                                f"'{part}' is not an item number 0..{len(node) - 1}")],
                                 "invalid override")
        elif isinstance(node, str) and depth and parts[depth - 1] == "open":
            # Opening hours written short ("07:00-22:00") open up into a mapping by weekday.
            node = _parent(data, parts[:depth])[parts[depth - 1]] = {"default": node}
            if part not in node:
                _check_new_key(data, parts[:depth], part, path)
        elif isinstance(node, dict):
            if part not in node:
                _check_new_key(data, parts[:depth], part, path)
                if not last:
                    node[part] = {}
        else:
            raise InputError([Problem(path, f"{here} is a single value, not a section with fields")],
                             "invalid override")
        if not last:
            node = node[part]
        elif value is None and not check:
            node.pop(part, None)
        else:
            node[part] = copy.deepcopy(value)


def _parent(data: dict, parts: list) -> Any:
    node: Any = data
    for part in parts[:-1]:
        node = node[part]
    return node


def _check_new_key(data: dict, parent: list, key, path: str) -> None:
    """A key the data does not spell out yet: fine when it is a field of the schema there, else an error."""
    if len(parent) == 1 and parent[0] in _NAMED:
        what = "channel" if parent[0] == "channels" else "skill group"
        raise InputError([Problem(path, f"unknown {what} '{key}'{did_you_mean(key, data[parent[0]])}")],
                         "invalid override")
    if tuple(parent) in _BY_CHANNEL:
        if key not in data.get("channels", {}):
            raise InputError([Problem(path, f"unknown channel '{key}'{did_you_mean(key, data.get('channels', {}))}")],
                             "invalid override")
        return
    known = known_fields(list(parent))
    if len(parent) == 2 and parent[0] == "channels":
        kind = data["channels"][parent[1]].get("kind")
        known = sorted(set(_CHANNEL_MODELS[kind].model_fields) - {"base_dir"}) if kind in _CHANNEL_MODELS else known
    if key not in known or key == "base_dir":
        where = ".".join(str(p) for p in parent) or "the scenario"
        raise InputError([Problem(path, f"{where} has no field '{key}'{did_you_mean(key, known)}")],
                         "invalid override")


def apply_overrides(scenario: Scenario, overrides: Iterable[Override]) -> Scenario:
    """A new scenario: `scenario` with every override applied, validated like a scenario file.

    Raises InputError naming the override's path when the path does not exist, the value has the wrong type or
    is out of range, or the change breaks a rule across fields (e.g. `escalate_to` a deferred channel).
    """
    overrides = list(overrides)
    if not overrides:
        return scenario
    data = scenario_to_dict(scenario)
    for ov in overrides:
        set_path(data, ov.path, ov.value)
    try:
        return scenario_from_dict(data, base_dir=scenario.base_dir)
    except ScenarioError as exc:
        title = "invalid override " + ", ".join(str(o) for o in overrides)
        raise InputError(_name_paths(exc.problems, overrides), title) from None


def _name_paths(problems: list[Problem], overrides: list[Override]) -> list[Problem]:
    """Problems from validation, each tied to the override that caused it (its path is always named)."""
    out = []
    for p in problems:
        if any(p.where == o.path or p.where.startswith(o.path + ".") or p.where.startswith(o.path + "[")
               or o.path.startswith(p.where + ".") for o in overrides):
            out.append(p)
        else:
            out.append(Problem(p.where, f"{p.message} (after {', '.join(str(o) for o in overrides)})"))
    return out


def override_grid(sets: Iterable[Override], sweeps: Iterable[list[Override]]) -> list[list[Override]]:
    """Every combination of the sweeps' values (the first sweep varies slowest), each with the fixed `sets` first."""
    sets, sweeps = list(sets), [list(s) for s in sweeps]
    paths = [o.path for o in sets] + [s[0].path for s in sweeps if s]
    dup = sorted({p for p in paths if paths.count(p) > 1})
    if dup:
        raise InputError([Problem(p, "is set or swept more than once") for p in dup], "invalid sweep")
    return [sets + list(point) for point in itertools.product(*sweeps)] if sweeps else [sets]


def label(overrides: Iterable[Override]) -> str:
    """A short readable name for a variant: `channels.bot.containment=0.8, demand.scale=1.2` (or 'base')."""
    text = ", ".join(str(o) for o in overrides)
    return text or "base"

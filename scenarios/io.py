"""Load and save scenarios as YAML, reporting every problem with its field path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from .errors import Problem, ScenarioError, did_you_mean
from .model import AFTER_HOURS_ACTIONS, HUMAN_KINDS, Scenario
from .numbers import yes_no_problems
from .rules import RULE_NAMES
from .tables import read_text, write_text_atomic

_KIND_TAGS = {"voice", "chat", "deferred", "ai"}
# A scenario is a few levels deep; a much deeper document is a generated or broken file (and would exhaust
# Python's recursion limit while it is read).
MAX_YAML_DEPTH = 50


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a key given twice in one mapping is an error (PyYAML keeps the last one,
    so a channel defined twice would silently lose the first definition)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, f"unhashable key {key!r}",
                                                        key_node.start_mark) from None
            if key in seen:
                raise _DuplicateKey(key, seen[key], key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key, first, mark):
        super().__init__(f"key '{key}' appears twice")
        self.key, self.first, self.mark = key, first, mark


def _depth(node, limit: int) -> int:
    """Nesting depth of a composed YAML node, iteratively (no recursion), stopping past `limit`."""
    stack, deepest = [(node, 1)], 0
    while stack:
        current, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            return deepest
        if isinstance(current, yaml.MappingNode):
            stack += [(v, d + 1) for _, v in current.value]
        elif isinstance(current, yaml.SequenceNode):
            stack += [(v, d + 1) for v in current.value]
    return deepest


def parse_yaml(text: str, name: str) -> Any:
    """YAML text as data; duplicate keys, too-deep nesting and syntax errors raise ScenarioError naming the
    line (`name:line N`)."""
    try:
        # The reader rejects control characters as soon as it is built: inside the try, like every YAML error.
        loader = _UniqueKeyLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _depth(node, MAX_YAML_DEPTH) > MAX_YAML_DEPTH:
                raise ScenarioError([Problem(name, f"nested more than {MAX_YAML_DEPTH} levels deep; "
                                                   "a scenario is a few levels of mappings and lists")])
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except _DuplicateKey as exc:
        raise ScenarioError([Problem(f"{name}:line {exc.mark.line + 1}",
                                     f"key '{exc.key}' appears twice in the same mapping (first on line "
                                     f"{exc.first.line + 1}); YAML would silently keep only the last one")]) from None
    except yaml.reader.ReaderError as exc:
        raise ScenarioError([Problem(name, f"character #x{exc.character:04x} at offset {exc.position} is not "
                                           "allowed in YAML (a binary or control character)")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:line {mark.line + 1}" if mark else name
        raise ScenarioError([Problem(where, f"not valid YAML ({getattr(exc, 'problem', None) or exc})")]) from None
    except RecursionError:
        raise ScenarioError([Problem(name, "nested too deeply to read")]) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario YAML file; relative paths inside it resolve against its folder.

    Raises ScenarioError listing every problem (YAML syntax, schema, cross-references, missing files).
    """
    path = Path(path)
    data = parse_yaml(read_text(path, "invalid scenario"), str(path))
    if not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), "expected a mapping of scenario fields at the top level")])
    return scenario_from_dict(data, base_dir=path.resolve().parent)


def scenario_from_dict(data: dict[str, Any], base_dir: Path | None = None, check_files: bool = True) -> Scenario:
    """Validate a plain dict (as read from YAML) into a Scenario, or raise ScenarioError with every problem."""
    yes_no = yes_no_problems(Scenario, data)
    named = {p.where for p in yes_no}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(yes_no + [p for p in _problems_from_pydantic(exc) if p.where not in named]) from None
    except RecursionError:
        # Only a pathologically nested dict (not one read by parse_yaml, which limits depth) gets here.
        raise ScenarioError([Problem("(top level)", "nested too deeply to read")]) from None
    if yes_no:
        raise ScenarioError(yes_no)
    scenario.base_dir = base_dir
    problems = check_scenario(scenario, check_files=check_files)
    if problems:
        raise ScenarioError(problems)
    return scenario


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain YAML-ready data: every field spelled out, paths as written."""
    data = scenario.model_dump(mode="json", exclude_none=True, exclude={"base_dir"})
    # A channel reads best with its kind first.
    data["channels"] = {name: {"kind": ch["kind"], **{k: v for k, v in ch.items() if k != "kind"}}
                        for name, ch in data["channels"].items()}
    return _compact_hours(data)


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write the scenario as YAML atomically (a crash never leaves half a file)."""
    path = Path(path)
    write_text_atomic(path, dump_yaml(scenario))
    return path


def dump_yaml(scenario: Scenario) -> str:
    return yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True, width=110)


def _after_hours_problems(name: str, bot, channels) -> list[Problem]:
    """`after_hours` of an AI channel names an action or a deferred channel."""
    fallback = bot.after_hours_channel()
    if fallback is None:
        return []
    deferred = [c for c, ch in channels.items() if ch.kind == "deferred"]
    choices = (f"choose a deferred channel{' (' + ', '.join(deferred) + ')' if deferred else ''}, where the bot "
               f"leaves a web form, or one of {', '.join(AFTER_HOURS_ACTIONS)}")
    where = f"channels.{name}.after_hours"
    if fallback not in channels:
        return [Problem(where, f"unknown channel or action '{fallback}'; {choices}"
                               f"{did_you_mean(fallback, [*deferred, *AFTER_HOURS_ACTIONS])}")]
    if channels[fallback].kind != "deferred":
        return [Problem(where, f"'{fallback}' is a {channels[fallback].kind} channel; {choices}")]
    return []


def check_scenario(scenario: Scenario, check_files: bool = True) -> list[Problem]:
    """Cross-field checks the schema alone cannot make: references between channels, skills and files."""
    problems: list[Problem] = []
    channels = scenario.channels
    human = set(scenario.human_channels())
    if not human:
        problems.append(Problem("channels", "at least one voice, chat or deferred channel is needed"))
    for name, ch in channels.items():
        if ch.kind == "ai":
            target = channels.get(ch.escalate_to)
            if target is None:
                problems.append(Problem(f"channels.{name}.escalate_to",
                                        f"unknown channel '{ch.escalate_to}'{did_you_mean(ch.escalate_to, channels)}"))
            elif target.kind not in ("voice", "chat"):
                problems.append(Problem(f"channels.{name}.escalate_to",
                                        f"'{ch.escalate_to}' is a {target.kind} channel; escalations go to voice or chat"))
            problems += _after_hours_problems(name, ch, channels)
    covered: set[str] = set()
    for gname, group in scenario.skill_groups.items():
        for i, skill in enumerate(group.skills):
            if skill not in channels:
                problems.append(Problem(f"skill_groups.{gname}.skills[{i}]",
                                        f"unknown channel '{skill}'{did_you_mean(skill, channels)}"))
            elif channels[skill].kind not in HUMAN_KINDS:
                problems.append(Problem(f"skill_groups.{gname}.skills[{i}]",
                                        f"'{skill}' is handled by the bot, not by agents"))
            else:
                covered.add(skill)
    for name in sorted(human - covered):
        problems.append(Problem(f"channels.{name}", "no skill group has this channel as a skill"))
    demand = scenario.demand
    for key in list(demand.channel_scale) + list(demand.rates or {}):
        field = "channel_scale" if key in demand.channel_scale else "rates"
        if key not in channels:
            problems.append(Problem(f"demand.{field}.{key}", f"unknown channel '{key}'{did_you_mean(key, channels)}"))
    if demand.rates is not None:
        for key, values in demand.rates.items():
            if isinstance(values, list) and len(values) != scenario.n_intervals:
                problems.append(Problem(f"demand.rates.{key}",
                                        f"has {len(values)} values; the week has {scenario.n_intervals} intervals "
                                        f"({scenario.days} days x {scenario.intervals_per_day})"))
            elif isinstance(values, list) and key in channels:
                problems += _rates_when_closed(scenario, key, values)
    if check_files:
        for field in ("history", "forecast"):
            value = getattr(demand, field)
            if value is not None and not scenario.resolve(value).exists():
                problems.append(Problem(f"demand.{field}", f"file not found: {scenario.resolve(value)}"))
    if human and not problems:
        from .calendar import open_mask

        if not any(open_mask(scenario, name).any() for name in human):
            # Nothing to staff: the shift model would have no interval to cover (and no linear program to solve).
            problems.append(Problem("open", "every voice, chat and deferred channel is closed the whole week "
                                            f"({scenario.start} + {scenario.days} days); check open and the channels' "
                                            "own open"))
    rules = scenario.shift_rules
    if rules.start_every_minutes % scenario.interval_minutes:
        problems.append(Problem("shift_rules.start_every_minutes",
                                f"must be a multiple of interval_minutes ({scenario.interval_minutes})"))
    for gname, group in scenario.skill_groups.items():
        if group.constant_agents is not None and group.constant_agents > group.headcount:
            problems.append(Problem(f"skill_groups.{gname}.constant_agents",
                                    f"{group.constant_agents} agents on duty in every open interval is more than the "
                                    f"group's headcount ({group.headcount})"))
        longest = max(rules.lengths_hours) * rules.max_shifts_per_week
        shortest = min(rules.lengths_hours) * rules.min_shifts_per_week
        if group.min_hours_per_week > longest:
            problems.append(Problem(f"skill_groups.{gname}.min_hours_per_week",
                                    f"{group.min_hours_per_week:g} h cannot be reached with at most "
                                    f"{rules.max_shifts_per_week} shifts of at most {max(rules.lengths_hours):g} h"))
        if group.max_hours_per_week < shortest:
            problems.append(Problem(f"skill_groups.{gname}.max_hours_per_week",
                                    f"{group.max_hours_per_week:g} h is below the {shortest:g} h of "
                                    f"min_shifts_per_week shifts"))
    return problems


def _rates_when_closed(scenario: Scenario, channel: str, values: list[float]) -> list[Problem]:
    """Contacts given for intervals the channel is closed would be dropped without a word: say which."""
    from .calendar import open_mask, week_intervals

    closed = ~open_mask(scenario, channel) & (np.asarray(values, float) > 0)
    if not closed.any():
        return []
    idx = week_intervals(scenario)
    first = [f"[{i}] {idx[i]:%a %Y-%m-%d %H:%M}" for i in np.flatnonzero(closed)[:3]]
    return [Problem(f"demand.rates.{channel}",
                    f"{int(closed.sum())} value(s) > 0 fall in intervals when {channel} is closed "
                    f"({'; '.join(first)}{' ...' if closed.sum() > 3 else ''}); set them to 0 or widen the "
                    f"channel's opening hours")]


def _problems_from_pydantic(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = list(err["loc"])
        # Drop the discriminator tag pydantic inserts after a channel's name.
        if len(loc) >= 3 and loc[0] == "channels" and loc[2] in _KIND_TAGS:
            del loc[2]
        # ... and the member names of a union ("function-before[check(), constrained-float]", "list[...]").
        loc = [part for part in loc if not (isinstance(part, str) and ("[" in part or part.startswith("function-")))]
        where = _dotted(loc)
        problems.append(Problem(where, _message(err, loc)))
    return _union_problems(problems)


def _union_problems(problems: list[Problem]) -> list[Problem]:
    """A value of a union (a number or a list of numbers) fails once per member; when one member's message says
    what is wrong with the value (or an item of it), the others' "Input should be a valid list" only confuse."""
    def specific(q: Problem, where: str) -> bool:
        return not q.message.startswith("Input should be") and \
            (q.where == where or q.where.startswith((where + "[", where + ".")))

    out = []
    for p in problems:
        if p.message.startswith("Input should be a valid") and any(specific(q, p.where) for q in problems):
            continue
        if p not in out:
            out.append(p)
    return out


def _dotted(loc: list) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _message(err: dict, loc: list) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "greater_than":
        return f"must be > {_num(ctx['gt'])}"
    if kind == "greater_than_equal":
        return f"must be >= {_num(ctx['ge'])}"
    if kind == "less_than":
        return f"must be < {_num(ctx['lt'])}"
    if kind == "less_than_equal":
        return f"must be <= {_num(ctx['le'])}"
    if kind == "extra_forbidden":
        return f"unknown key '{loc[-1]}'{did_you_mean(loc[-1], known_fields(loc[:-1]))}"
    if kind == "missing":
        return "required field is missing"
    if kind.startswith("union_tag") and "rule" in str(ctx.get("discriminator")):   # scenarios.rules
        return f"rule must be one of {', '.join(RULE_NAMES)}" + (f" (got {ctx['tag']!r})" if "tag" in ctx else "")
    if kind == "union_tag_invalid":
        return f"kind must be one of voice, chat, deferred, ai (got {ctx.get('tag')!r})"
    if kind == "union_tag_not_found":
        return "kind is missing (voice, chat, deferred or ai)"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')} (got {err.get('input')!r})"
    msg = err["msg"]
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


def _num(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def known_fields(parent_loc: list) -> list[str]:
    """Field names valid at a location, for 'did you mean' hints on misspelled keys."""
    from . import model as m

    keyed = {"channels": (m.VoiceChannel, m.ChatChannel, m.DeferredChannel, m.AIChannel),
             "skill_groups": (m.SkillGroup,)}
    models: tuple[type[BaseModel], ...] = (Scenario,)
    parts = list(parent_loc)
    while parts:
        part = parts.pop(0)
        if models == (Scenario,) and part in keyed:
            if not parts:
                return []
            parts.pop(0)  # the channel or group name
            models = keyed[part]
            continue
        nxt = []
        for model in models:
            field = model.model_fields.get(part) if isinstance(part, str) else None
            if field is not None:
                args = getattr(field.annotation, "__args__", (field.annotation,))
                nxt += [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if not nxt:
            return []
        models = tuple(nxt)
    return sorted({name for model in models for name in model.model_fields} - {"base_dir"})


def _compact_hours(data: dict) -> dict:
    """Write opening hours in their short form."""
    def fix(d: dict):
        if isinstance(d.get("open"), dict):
            o = d["open"]
            if set(o) <= {"default"}:
                d["open"] = o.get("default", "00:00-24:00")
    fix(data)
    for ch in data.get("channels", {}).values():
        fix(ch)
    return data

"""The supervisor's actions for the rest of a day, each checked against the labour rules before it is offered.

Each action kind is a small function listing its legal actions for one shift (or one agent without a shift
today); `candidate_actions` gathers them in a fixed order (per shift of the day: overtime, start early, VTO,
moves; then call-ins by agent id), so the CP-SAT choice (optimizer.intraday_choice) sees the same list every time:

- overtime: extend a shift still running (or not started) at its end by `overtime_minutes`, up to latest_end,
  within the agent's max_hours_per_week and min_rest_hours before the next day's shift (`overtime_problems`);
- start early: bring forward a shift that starts at least `notice` after now, within earliest_start and the rest
  after the previous day's shift (`start_early_problems`);
- voluntary time off (VTO): end a running or later shift early, from a point at least `notice` after now, not in
  a lunch or break (`vto_problems`);
- move a lunch or break that has not started to another position of its window (optimizer.templates.shape: the
  windows the shift selection used), after now, clear of the shift's other breaks (`move_problems`);
- call in an agent with no shift today for a shift of an allowed length starting at least `notice` after now,
  legal for the agent's week (one shift a day, max shifts, max hours, min rest, max consecutive days,
  unavailability: optimizer.roster_rules; `call_in_problems`).

Times are seconds from the scenario week's start; hours are paid hours; costs are in hourly-cost units (added
hours at `premium` x hourly_cost, VTO saving hourly_cost).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from scenarios import Agent, Roster, Scenario, Shift, clock_minutes, format_clock

from .agents import generate_agents
from .roster_rules import rule_breaks, shift_type
from .templates import shape

DAY = 86400.0


@dataclass(frozen=True)
class ActionMenu:
    """Which actions are offered and what they cost. Minutes are clock minutes; `premium` multiplies hourly_cost
    for added hours; `move_cost` is the small cost of moving a lunch or break (hourly-cost units)."""

    notice_minutes: int = 30            # earliest a changed start, end or call-in may take effect after now
    overtime_minutes: tuple[int, ...] = (30, 60, 90, 120)
    vto_minutes: tuple[int, ...] = (60, 120, 180, 240)
    move_minutes: tuple[int, ...] = (-60, -30, 30, 60)
    call_in_lengths_hours: tuple[float, ...] = (4.0, 6.0)
    premium: float = 1.5
    move_cost: float = 0.01


@dataclass
class Action:
    """One supervisor action: `shift` is the index of the roster shift it changes (None for a call-in) and
    `new_shift` the shift after it; hours > 0 added, < 0 released; cost in hourly-cost units; `span` the time it
    changes (seconds from the week start: the overtime, the hours given back, the new break or the called-in
    shift)."""

    agent: str
    skill_group: str
    kind: str
    shift: int | None
    new_shift: Shift
    hours: float
    cost: float
    detail: str
    span: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class Today:
    """Where the actions are checked: the scenario, the week's roster, `now` (seconds from the week start) and
    the notice (seconds) a changed start, end or call-in needs after now."""

    scenario: Scenario
    roster: Roster
    now: float
    notice_s: float = 0.0

    @property
    def day(self) -> int:
        """The day of now (0 = the week's first)."""
        return int(self.now // DAY)


# --- labour-rule checks of each action ------------------------------------------------------------------------

def _agent_week(roster: Roster, agent: str, replace: int | None = None, new: Shift | None = None) -> list[Shift]:
    week = [s for k, s in enumerate(roster.shifts) if s.agent == agent and k != replace]
    return week + ([new] if new is not None else [])


def week_problems(scenario: Scenario, agent: Agent, week: list[Shift]) -> list[str]:
    """The hard labour rules an agent's week of shifts breaks (one shift a day, max shifts, max hours, min rest,
    max consecutive days, unavailability: optimizer.roster_rules), plus shifts outside earliest_start..latest_end.
    A week still short of min_shifts_per_week is not a problem here (the roster was published with it)."""
    rules = scenario.shift_rules
    types = [shift_type(s) for s in week]
    paid = {k: s.paid_seconds / 60 for k, s in zip(types, week)}
    out = list(rule_breaks(agent, types, paid, rules, scenario.days, finished=False))
    earliest, latest = clock_minutes(rules.earliest_start), clock_minutes(rules.latest_end)
    for k in types:
        if k.start_min < earliest or k.end_min > latest:
            out.append(f"shift hours: day {k.day} {k.start_min // 60:02d}:{k.start_min % 60:02d}, "
                       f"{k.length_min} min, outside {rules.earliest_start}-{rules.latest_end}")
    return out


def overtime_problems(today: Today, k: int, agent: Agent, minutes: int) -> list[str]:
    """Why extending shift `k` by `minutes` at its end is not allowed (empty: allowed)."""
    s = today.roster.shifts[k]
    if s.end_s < today.now + today.notice_s:
        return [f"the shift ends before now + notice"]
    new = dataclasses.replace(s, end_s=s.end_s + minutes * 60)
    return week_problems(today.scenario, agent, _agent_week(today.roster, s.agent, k, new))


def start_early_problems(today: Today, k: int, agent: Agent, minutes: int) -> list[str]:
    """Why starting shift `k` `minutes` earlier is not allowed (empty: allowed)."""
    s = today.roster.shifts[k]
    if s.start_s - minutes * 60 < today.now + today.notice_s:
        return ["the new start is before now + notice"]
    new = dataclasses.replace(s, start_s=s.start_s - minutes * 60)
    return week_problems(today.scenario, agent, _agent_week(today.roster, s.agent, k, new))


def vto_shift(s: Shift, new_end: float) -> Shift:
    """Shift `s` ended at `new_end`: lunch and breaks after it dropped, one straddling it cut off."""
    lunch = s.lunch if s.lunch and s.lunch[1] <= new_end else None
    breaks = [b for b in s.breaks if b[1] <= new_end]
    return dataclasses.replace(s, end_s=new_end, lunch=lunch, breaks=breaks)


def vto_problems(today: Today, s: Shift, new_end: float) -> list[str]:
    """Why ending shift `s` at `new_end` is not allowed: before now + notice, not inside the shift, or in the
    middle of its lunch or a break."""
    out = []
    if new_end < today.now + today.notice_s:
        out.append("the new end is before now + notice")
    if not s.start_s < new_end < s.end_s:
        out.append("the new end is not inside the shift")
    for a, b in ([s.lunch] if s.lunch else []) + list(s.breaks):
        if a < new_end < b:
            out.append("the new end falls in a lunch or break")
    return out


def cut_windows(scenario: Scenario, s: Shift) -> tuple[list[float], list[list[float]]]:
    """Allowed starts (seconds from the week start) of the shift's lunch and of each break: the windows the
    shift selection placed them in (optimizer.templates.shape for the shift's length, at the interval step)."""
    length = int(round((s.end_s - s.start_s) / 60))
    _, lunch, breaks = shape(scenario.shift_rules, length, scenario.interval_minutes)
    return [s.start_s + o * 60 for o in lunch], [[s.start_s + o * 60 for o in w] for w in breaks]


def move_problems(today: Today, s: Shift, which: str, j: int, new_start: float) -> list[str]:
    """Why moving the shift's lunch (`which` = "lunch") or break j to start at `new_start` is not allowed: it has
    started or would start before now, leaves its window, or overlaps another lunch or break."""
    lunch_w, break_w = cut_windows(today.scenario, s)
    old = s.lunch if which == "lunch" else (s.breaks[j] if j < len(s.breaks) else None)
    if old is None:
        return [f"the shift has no {which} {j}"]
    out = []
    if old[0] < today.now or new_start < today.now:
        out.append(f"the {which} has started or would start before now")
    window = lunch_w if which == "lunch" else (break_w[j] if j < len(break_w) else [])
    if not any(abs(new_start - w) < 1e-6 for w in window):
        out.append(f"{which} at {format_clock(new_start)} is outside its window "
                   f"({', '.join(format_clock(w) for w in window[:1] + window[-1:]) or 'none'})")
    length = old[1] - old[0]
    others = ([s.lunch] if s.lunch and which != "lunch" else []) + [b for i, b in enumerate(s.breaks)
                                                                    if which == "lunch" or i != j]
    if any(a < new_start + length and new_start < b for a, b in others):
        out.append(f"{which} at {format_clock(new_start)} overlaps another lunch or break")
    return out


def call_in_problems(today: Today, agent: Agent, new: Shift) -> list[str]:
    """Why calling `agent` in for shift `new` is not allowed (empty: allowed)."""
    out = []
    if new.start_s < today.now + today.notice_s:
        out.append("the shift starts before now + notice")
    return out + week_problems(today.scenario, agent, _agent_week(today.roster, agent.id, None, new))


# --- the catalogue: each kind's legal actions -----------------------------------------------------------------

def overtime(today: Today, menu: ActionMenu, k: int, agent: Agent) -> list[Action]:
    """Shift `k` extended at its end by each of the menu's overtime lengths that the rules allow."""
    allowed = [m for m in menu.overtime_minutes if not overtime_problems(today, k, agent, m)]
    return [_added_time(today, menu, k, m, at_end=True) for m in allowed]


def start_early(today: Today, menu: ActionMenu, k: int, agent: Agent) -> list[Action]:
    """Shift `k` brought forward by each of the menu's overtime lengths that the rules allow."""
    allowed = [m for m in menu.overtime_minutes if not start_early_problems(today, k, agent, m)]
    return [_added_time(today, menu, k, m, at_end=False) for m in allowed]


def _added_time(today: Today, menu: ActionMenu, k: int, minutes: int, at_end: bool) -> Action:
    """Shift `k` longer by `minutes` at its end (overtime) or its start (start early), paid at the premium."""
    s = today.roster.shifts[k]
    cost = menu.premium * today.scenario.skill_groups[s.skill_group].hourly_cost * minutes / 60
    if at_end:
        new = dataclasses.replace(s, end_s=s.end_s + minutes * 60)
        return Action(s.agent, s.skill_group, "overtime", k, new, minutes / 60, cost,
                      f"work until {format_clock(new.end_s)} instead of {format_clock(s.end_s)}", (s.end_s, new.end_s))
    new = dataclasses.replace(s, start_s=s.start_s - minutes * 60)
    return Action(s.agent, s.skill_group, "start early", k, new, minutes / 60, cost,
                  f"start at {format_clock(new.start_s)} instead of {format_clock(s.start_s)}", (new.start_s, s.start_s))


def voluntary_time_off(today: Today, menu: ActionMenu, k: int) -> list[Action]:
    """Shift `k` ended early by each of the menu's VTO lengths that the rules allow; saves the paid time cut."""
    s = today.roster.shifts[k]
    rate = today.scenario.skill_groups[s.skill_group].hourly_cost
    out = []
    for m in menu.vto_minutes:
        new_end = s.end_s - m * 60
        if not vto_problems(today, s, new_end):
            new = vto_shift(s, new_end)
            saved = (s.paid_seconds - new.paid_seconds) / 3600
            out.append(Action(s.agent, s.skill_group, "voluntary time off", k, new, -saved, -rate * saved,
                              f"leave at {format_clock(new_end)} instead of {format_clock(s.end_s)}", (new_end, s.end_s)))
    return out


def moved_breaks(today: Today, menu: ActionMenu, k: int) -> list[Action]:
    """Shift `k`'s lunch, then each break, moved by each of the menu's move lengths that stay in its window."""
    s = today.roster.shifts[k]
    out = []
    cuts = ([("lunch", 0, s.lunch)] if s.lunch else []) + [("break", j, b) for j, b in enumerate(s.breaks)]
    for which, j, (a, b) in cuts:
        for m in menu.move_minutes:
            t = a + m * 60
            if move_problems(today, s, which, j, t):
                continue
            if which == "lunch":
                new = dataclasses.replace(s, lunch=(t, t + b - a))
            else:
                br = list(s.breaks)
                br[j] = (t, t + b - a)
                new = dataclasses.replace(s, breaks=sorted(br))
            out.append(Action(s.agent, s.skill_group, f"move {which}", k, new, 0.0, menu.move_cost,
                              f"{which} {format_clock(a)}-{format_clock(b)} -> {format_clock(t)}-{format_clock(t + b - a)}",
                              (t, t + b - a)))
    return out


def call_ins(today: Today, menu: ActionMenu, agent: Agent) -> list[Action]:
    """An agent without a shift today called in, for each allowed length, at every other start step from now +
    notice (and earliest_start) to the last start ending by latest_end, where the agent's week allows it."""
    rules = today.scenario.shift_rules
    step = today.scenario.interval_minutes * 60.0
    earliest = today.day * DAY + clock_minutes(rules.earliest_start) * 60
    latest = today.day * DAY + clock_minutes(rules.latest_end) * 60
    first = max(earliest, np.ceil((today.now + today.notice_s) / step) * step)
    start_step = rules.start_every_minutes * 60.0
    rate = today.scenario.skill_groups[agent.skill_group].hourly_cost
    out = []
    for length_h in menu.call_in_lengths_hours:
        for start in np.arange(first, latest - length_h * 3600 + 1, start_step * 2):
            new = _called_shift(today.scenario, agent, float(start), length_h)
            if call_in_problems(today, agent, new):
                continue
            hours = new.paid_seconds / 3600
            out.append(Action(agent.id, agent.skill_group, "call in", None, new, hours, menu.premium * rate * hours,
                              f"called in {format_clock(new.start_s)}-{format_clock(new.end_s)}", (new.start_s, new.end_s)))
    return out


def _called_shift(scenario: Scenario, agent: Agent, start: float, length_h: float) -> Shift:
    """A called-in shift with lunch and breaks at the first positions of their windows."""
    rules = scenario.shift_rules
    length = int(round(length_h * 60))
    lunch_min, lunch, breaks = shape(rules, length, scenario.interval_minutes)
    lunch_span = (start + lunch[0] * 60, start + (lunch[0] + lunch_min) * 60) if lunch_min and lunch else None
    br = [(start + w[len(w) // 2] * 60, start + (w[len(w) // 2] + rules.breaks_minutes) * 60) for w in breaks]
    return Shift(agent.id, agent.skill_group, start, start + length * 60, lunch_span, br, rules.paid_lunch)


def _contracts(scenario: Scenario, roster: Roster, agents: list[Agent] | None) -> dict[str, Agent]:
    out = {a.id: a for a in (agents or generate_agents(scenario))}
    for s in roster.shifts:
        if s.agent not in out:
            g = scenario.skill_groups[s.skill_group]
            out[s.agent] = Agent(s.agent, s.skill_group, g.min_hours_per_week, g.max_hours_per_week)
    return out


def candidate_actions(scenario: Scenario, roster: Roster, now: float, menu: ActionMenu = ActionMenu(), *,
                      agents: list[Agent] | None = None, absent: frozenset[str] = frozenset()) -> list[Action]:
    """Every legal action for the rest of the day of `now` (seconds from the week start). `agents`: the
    contracts (None: generated from the headcounts; rostered agents missing from them get their group's); agents
    in `absent` are not called in."""
    today = Today(scenario, roster, now, menu.notice_minutes * 60.0)
    contracts = _contracts(scenario, roster, agents)
    day_start, day_end = today.day * DAY, (today.day + 1) * DAY
    out: list[Action] = []
    for k, s in enumerate(roster.shifts):
        if not (day_start <= s.start_s < day_end) or s.end_s <= now:
            continue
        agent = contracts[s.agent]
        out += overtime(today, menu, k, agent)
        out += start_early(today, menu, k, agent)
        out += voluntary_time_off(today, menu, k)
        out += moved_breaks(today, menu, k)
    working_today = {s.agent for s in roster.shifts if day_start <= s.start_s < day_end}
    for agent in sorted(contracts.values(), key=lambda a: a.id):
        if agent.id not in working_today and agent.id not in absent:
            out += call_ins(today, menu, agent)
    return out


def apply_actions(roster: Roster, actions: list[Action]) -> Roster:
    """The roster with the actions applied (changed shifts replaced, called-in shifts added)."""
    shifts = list(roster.shifts)
    for a in actions:
        if a.shift is None:
            shifts.append(a.new_shift)
        else:
            shifts[a.shift] = a.new_shift
    return Roster(roster.week_start, shifts)

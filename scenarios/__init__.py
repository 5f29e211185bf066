"""Shared domain types, the bottom layer every other package imports (and which imports none of them).

Entry points:
- `load_scenario` / `scenario_from_dict` / `save_scenario`: the Scenario and its YAML I/O (scenarios.model,
  scenarios.io); `Demand.factor(channel)` is what a channel's expected contacts are multiplied by.
- `week_intervals` / `open_mask` / `next_open_interval` / `interval_index`: the week's grid.
- Clock times "HH:MM" (scenarios.clock): `clock_minutes`, `clock_seconds`, `format_clock`, `is_clock`,
  `hours_minutes`, `parse_span`, `DAY_MINUTES`.
- Staff as data (scenarios.staffing): `Roster`, `Shift`, `ROSTER_COLUMNS`, `read_roster`, `read_staffing`,
  `constant_staffing`.
- The named agents (scenarios.agents): `Agent` (a rostered agent's contract), `read_agents`; `TimeOff`,
  `read_time_off`, `apply_time_off`; locked shifts `read_locked` (a Roster) / `check_locked`; `split_by_day`.
- The capacity plan's inputs (scenarios.capacity): `CapacityInput`, `load_capacity`.
- Planned activities inside shifts (scenarios.activities): `ActivitySpec` (the scenario's `activities:`),
  `Activity` (a placed one, `Shift.activities`).
- `CsvText`: a CSV held in memory with its file's name (an upload), read wherever a path is.
- `InputError` / `Problem`: errors naming the field, row or interval.
- `scenarios.overrides`: dotted-path changes (`set_path`, the one setter of scenario fields by path);
  `scenarios.progress`: the progress callback type every long-running function accepts.
"""

from . import bounds
from .activities import Activity, ActivitySpec
from .agents import (Agent, TimeOff, apply_time_off, check_locked, read_agents, read_locked, read_time_off,
                     split_by_day)
from .capacity import CapacityInput, load_capacity
from .calendar import interval_index, next_open_interval, open_mask, week_intervals
from .clock import DAY_MINUTES, clock_minutes, clock_seconds, format_clock, hours_minutes, is_clock, parse_span
from .errors import InputError, Problem, ScenarioError
from .io import dump_yaml, load_scenario, save_scenario, scenario_from_dict, scenario_to_dict
from .progress import Progress, no_progress, scaled
from .staffing import (ROSTER_COLUMNS, Roster, Shift, constant_staffing, read_roster, read_staffing,
                       staffing_from_matrix, staffing_matrix)
from .model import (AIChannel, ChatChannel, DeferredChannel, DeferredTarget, Demand, OpeningHours, Scenario,
                    ShiftRules, SkillGroup, VoiceChannel, VoiceTarget)
from .tables import CsvText

EXAMPLES_DIR = __import__("pathlib").Path(__file__).parent / "examples"
EXAMPLE_SCENARIO = EXAMPLES_DIR / "insurance_week.yaml"

__all__ = [
    "AIChannel", "Activity", "ActivitySpec", "Agent", "CapacityInput", "load_capacity", "DAY_MINUTES", "bounds", "ChatChannel", "CsvText", "DeferredChannel", "DeferredTarget",
    "Demand", "EXAMPLE_SCENARIO", "InputError", "OpeningHours", "Progress", "no_progress", "scaled",
    "ROSTER_COLUMNS", "Roster", "Shift", "TimeOff", "apply_time_off", "check_locked", "clock_minutes",
    "clock_seconds", "constant_staffing", "format_clock", "hours_minutes", "is_clock", "parse_span",
    "read_agents", "read_locked", "read_roster", "read_staffing", "read_time_off", "split_by_day",
    "staffing_from_matrix", "staffing_matrix", "Problem", "Scenario", "ScenarioError", "ShiftRules", "SkillGroup",
    "VoiceChannel", "VoiceTarget", "dump_yaml", "interval_index", "load_scenario", "next_open_interval", "open_mask",
    "save_scenario", "scenario_from_dict", "scenario_to_dict", "week_intervals",
]

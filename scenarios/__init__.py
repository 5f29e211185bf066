"""Shared domain types, the bottom layer every other package imports (and which imports none of them).

Entry points: `load_scenario` / `scenario_from_dict` / `save_scenario` (the Scenario and its YAML I/O,
scenarios.model and scenarios.io), `week_intervals` / `open_mask` / `interval_index` (the week's grid),
`Roster`, `Shift`, `read_roster`, `read_staffing`, `constant_staffing` (staff as data, scenarios.staffing),
`InputError` / `Problem` (errors naming the field, row or interval), `scenarios.overrides` (dotted-path changes)
and `scenarios.progress` (the progress callback type every long-running function accepts).
"""

from . import bounds
from .calendar import interval_index, open_mask, week_intervals
from .errors import InputError, Problem, ScenarioError
from .io import dump_yaml, load_scenario, save_scenario, scenario_from_dict, scenario_to_dict
from .progress import Progress, no_progress, scaled
from .staffing import (Roster, Shift, constant_staffing, read_roster, read_staffing, staffing_from_matrix,
                       staffing_matrix)
from .model import (AIChannel, ChatChannel, DeferredChannel, DeferredTarget, Demand, OpeningHours, Scenario,
                    ShiftRules, SkillGroup, VoiceChannel, VoiceTarget)

EXAMPLES_DIR = __import__("pathlib").Path(__file__).parent / "examples"
EXAMPLE_SCENARIO = EXAMPLES_DIR / "insurance_week.yaml"

__all__ = [
    "AIChannel", "bounds", "ChatChannel", "DeferredChannel", "DeferredTarget", "Demand", "EXAMPLE_SCENARIO", "InputError",
    "OpeningHours", "Progress", "no_progress", "scaled", "Roster", "Shift", "constant_staffing", "read_roster", "read_staffing", "staffing_from_matrix",
    "staffing_matrix", "Problem", "Scenario", "ScenarioError", "ShiftRules", "SkillGroup", "VoiceChannel", "VoiceTarget",
    "dump_yaml", "interval_index", "load_scenario", "open_mask", "save_scenario", "scenario_from_dict",
    "scenario_to_dict", "week_intervals",
]

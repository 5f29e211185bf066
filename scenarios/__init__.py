"""Shared domain types: the scenario (channels, demand, skill groups, shift rules, targets) and its YAML I/O.

What-if variants, sweeps and stored runs live in submodules (`scenarios.whatif`, `scenarios.store`) that are
imported on demand, because they drive `sim` and `optimizer`, which themselves import the types from here.
"""

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
    "AIChannel", "ChatChannel", "DeferredChannel", "DeferredTarget", "Demand", "EXAMPLE_SCENARIO", "InputError",
    "OpeningHours", "Progress", "no_progress", "scaled", "Roster", "Shift", "constant_staffing", "read_roster", "read_staffing", "staffing_from_matrix",
    "staffing_matrix", "Problem", "Scenario", "ScenarioError", "ShiftRules", "SkillGroup", "VoiceChannel", "VoiceTarget",
    "dump_yaml", "interval_index", "load_scenario", "open_mask", "save_scenario", "scenario_from_dict",
    "scenario_to_dict", "week_intervals",
]

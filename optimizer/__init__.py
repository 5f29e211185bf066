"""Optimizer: staffing requirements, shifts with lunch and breaks, and the weekly roster of named agents.

It imports only `scenarios`; the demand comes in as an argument (planning.demand resolves it) and the loop that
simulates and re-sizes (planning.schedule) composes these entry points:

- `requirements(scenario, demand, method)` -> available agents per interval and channel (Erlang A/C, chat,
  deferred work); `on_duty`, `requirements_warnings`, `requirement_arrays`; `baseline_requirement` (Erlang C).
- `select_shifts(scenario, requirement, limits)` -> `ShiftPlan` of `PlannedShift`s (CP-SAT, day by day);
  `paid_hours_lower_bound` (the week's LP relaxation); `two_step_shifts` (the traditional baseline);
  `group_limits` / `GroupLimits`; `shift_templates` / `Template`; `check_rules`.
- `build_roster(scenario, shifts, agents)` -> `RosterOutcome` (CP-SAT, named agents); `roster_rule_breaks`
  checks a roster's hard rules; `generate_agents` (scenarios.Agent from the headcounts); `to_shift`, `plan_roster`;
  `minimum_checks` -> `MinimumCheck` per agent (contracted minimum pro-rated for time off, each miss explained).
- `coverage_tables(scenario, roster, requirement)`: coverage per interval and channel, per group, short
  intervals (pooled over skill groups: optimizer.pooling); `coverage_sets`.
- `write_outputs` / `write_excel`: the roster CSV and the workbook; `publish_workbook` / `write_calendars`: the
  published week (a workbook for the floor, one iCalendar file per agent).
- `Locked` / `NO_LOCKS`: shifts kept as they are while the rest is scheduled around them.
- `resize_requirement`: raise or lower a requirement where judged simulated intervals miss or beat the targets.
- `candidate_actions(scenario, roster, now, menu)` -> the supervisor's legal `Action`s for the rest of a day
  (overtime, start early, voluntary time off, moved lunches and breaks, call-ins; `ActionMenu`), each kind's
  labour-rule check against `Today` (`overtime_problems`, `start_early_problems`, `vto_problems`,
  `move_problems`, `call_in_problems`; `cut_windows`, `vto_shift`); `apply_actions`. `choose_actions` -> `Choice`
  (CP-SAT over their coverage and cost; `ChoiceSettings`, `on_duty_coverage`): optimizer.intraday_actions,
  optimizer.intraday_choice.
- `plan_hiring(problem, budget)` -> `CapacityOutcome`: the hiring plan over the weeks ahead (CP-SAT: training
  classes with lead time, size limits, ramp-up, attrition, flex, overtime, cross-training, shortage penalty) for a
  `CapacityProblem` of `CapacityGroup`s; `rule_of_thumb` (a planner's monthly rule), `evaluate_capacity`,
  `plan_cohorts` / `Cohort`, `capacity_cover`, `capacity_costs`, `HiringPlan` of `TrainingClass`es and `Transfer`s,
  `SHORT_TOLERANCE_FTE` (optimizer.capacity).
- `carry_over(scenario, agents, previous)`: the agents after a previous roster, so rest, days in a row and the
  rule catalogue's look-back hold across the horizon's start (optimizer.continuity; `Before`).
- `bind_rules(scenario, agents)`: the agents under the scenario's rule catalogue (scenarios.rules;
  optimizer.rule_catalogue), which build_roster and roster_rule_breaks apply themselves.
- `score_analysis(scenario, roster, agents)` -> `ScoreReport` (`RuleCost` per agent and soft rule);
  `fairness(scenario, roster)` -> `FairnessReport` (evenings, weekends, holidays per agent; one figure).
- `honour_bids(scenario, roster, agents, bids)` -> (roster, `BidOutcome`s): ranked bids (scenarios.bids) honoured
  in seniority order by handing shifts between agents of a group within the rules (optimizer.bids).
- `place_activities(scenario, roster, requirement, agents)` -> `ActivityPlacement`: the scenario's planned
  activities (scenarios.activities) placed inside the rostered shifts where coverage has the most surplus
  (CP-SAT; optimizer.activities), with what could not be placed and why; `check_activities`;
  `activity_reserve` (the requirement with room for them, for shift selection).
- `Budget`: a solver stage's effort (CP-SAT deterministic time), wall-clock safety limit and threads
  (optimizer.solver): the same inputs give the same plan and roster on any machine, quiet or loaded.
"""

from .activities import (ActivityPlacement, PlacedActivity, UnplacedActivity, activity_reserve, check_activities,
                         place_activities)
from .agents import generate_agents, group_limits
from .capacity import (SHORT_TOLERANCE_FTE, CapacityGroup, CapacityOutcome, CapacityProblem, Cohort, HiringPlan,
                       TrainingClass, Transfer, capacity_costs, capacity_cover, evaluate_capacity, plan_cohorts,
                       plan_hiring, rule_of_thumb)
from .bids import BidOutcome, honour_bids
from .baseline import baseline_requirement, two_step_shifts
from .continuity import Before, carry_over
from .coverage import coverage_tables
from .fairness import FairnessReport, fairness
from .export import publish_workbook, write_calendars, write_excel, write_outputs
from .intraday_actions import (Action, ActionMenu, Today, apply_actions, call_in_problems, candidate_actions,
                               cut_windows, move_problems, overtime_problems, start_early_problems, vto_problems,
                               vto_shift)
from .intraday_choice import Choice, ChoiceSettings, choose_actions, on_duty_coverage
from .locked import NO_LOCKS, Locked
from .minimum_hours import MinimumCheck, minimum_checks
from .plan import GroupLimits, PlannedShift, ShiftPlan, plan_roster, to_shift
from .pooling import coverage_sets
from .resize import resize_requirement
from .requirements import on_duty, requirement_arrays, requirements, requirements_warnings
from .roster import RosterOutcome, build_roster
from .roster_rules import roster_rule_breaks
from .rule_catalogue import bind_rules
from .score import RuleCost, ScoreReport, score_analysis
from .shifts import paid_hours_lower_bound, select_shifts
from .solver import Budget
from .templates import Template, check_rules, shift_templates

__all__ = ["ActivityPlacement", "PlacedActivity", "UnplacedActivity", "activity_reserve", "check_activities",
           "place_activities",
           "SHORT_TOLERANCE_FTE", "CapacityGroup", "CapacityOutcome", "CapacityProblem", "Cohort", "HiringPlan",
           "TrainingClass", "Transfer", "capacity_costs", "capacity_cover", "evaluate_capacity", "plan_cohorts",
           "plan_hiring", "rule_of_thumb", "MinimumCheck", "minimum_checks",
           "BidOutcome", "honour_bids", "Before", "carry_over", "bind_rules", "FairnessReport", "fairness", "RuleCost",
           "ScoreReport", "score_analysis",
           "NO_LOCKS", "Locked", "publish_workbook", "resize_requirement", "write_calendars", "Action", "ActionMenu", "Choice", "ChoiceSettings", "Today", "apply_actions", "call_in_problems",
           "candidate_actions", "choose_actions", "cut_windows", "move_problems", "on_duty_coverage",
           "overtime_problems", "start_early_problems", "vto_problems", "vto_shift",
           "Budget", "GroupLimits", "PlannedShift", "RosterOutcome", "ShiftPlan", "Template", "baseline_requirement",
           "build_roster", "check_rules", "coverage_sets", "coverage_tables", "generate_agents", "group_limits",
           "on_duty", "paid_hours_lower_bound", "plan_roster", "requirement_arrays", "requirements",
           "requirements_warnings", "roster_rule_breaks", "select_shifts", "shift_templates", "to_shift",
           "two_step_shifts", "write_excel", "write_outputs"]

"""Optimizer: staffing requirements, shifts with lunch and breaks, and the weekly roster, verified by simulation.

Entry point: `schedule(scenario, ...) -> ScheduleResult`. Building blocks: `requirements` / `on_duty`
(optimizer.requirements, Erlang A/C per interval and channel), `optimizer.pooling` (multi-skill coverage sets),
`select_shifts` (CP-SAT shift selection), `build_roster` (CP-SAT roster of named agents), `read_agents` /
`generate_agents`, `write_outputs` (CSV and Excel).
"""

from .agents import Agent, generate_agents, read_agents
from .export import write_excel, write_outputs
from .requirements import on_duty, requirements, requirements_warnings
from .roster import build_roster
from .schedule import METHODS, ScheduleResult, schedule
from .shifts import ShiftPlan, paid_hours_lower_bound, select_shifts
from .templates import Template, check_rules, shift_templates

__all__ = ["Agent", "METHODS", "ScheduleResult", "ShiftPlan", "Template", "build_roster", "check_rules",
           "generate_agents", "on_duty", "paid_hours_lower_bound", "read_agents", "requirements",
           "requirements_warnings", "schedule", "select_shifts", "shift_templates", "write_excel", "write_outputs"]

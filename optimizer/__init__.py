"""Optimizer: staffing requirements, shifts with lunch and breaks, and the weekly roster, verified by simulation.

Building blocks (composed by planning.schedule): `requirements` / `on_duty`
(optimizer.requirements, Erlang A/C per interval and channel), `optimizer.pooling` (multi-skill coverage sets),
`select_shifts` (CP-SAT shift selection), `build_roster` (CP-SAT roster of named agents), `read_agents` /
`generate_agents`, `write_outputs` (CSV and Excel).
"""

from .agents import Agent, generate_agents, read_agents
from .export import write_excel, write_outputs
from .requirements import on_duty, requirements, requirements_warnings
from .roster import build_roster
from .coverage import coverage_tables, plan_roster
from .baseline import baseline_requirement, two_step_shifts
from .agents import group_limits
from .shifts import ShiftPlan, paid_hours_lower_bound, select_shifts
from .templates import Template, check_rules, shift_templates

__all__ = ["Agent", "ShiftPlan", "baseline_requirement", "coverage_tables", "group_limits", "plan_roster", "two_step_shifts", "Template", "build_roster", "check_rules",
           "generate_agents", "on_duty", "paid_hours_lower_bound", "read_agents", "requirements",
           "requirements_warnings", "select_shifts", "shift_templates", "write_excel", "write_outputs"]

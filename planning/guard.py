"""The size guards: refuse a run too large for the machine before any forecasting, model building or simulation.

- guard_size: contacts and agents a simulation would hold. planning.simulate, planning.schedule and
  planning.run_whatif call it at entry, so the CLI and the app are guarded alike.
- guard_shift_model: the variables of the week's shift-selection model, built before CP-SAT and its wall-clock
  safety limit start (planning.schedule; what-if variants when re-optimised).
- guard_variant_count / whatif_work: a what-if grid's variants and the work they are (planning.whatif).
- guard_crew: a schedule with nobody to roster.
The limits come from the caller (the CLI's --max-contacts / --max-agents / --max-shift-variables /
--max-variants), else $CCPLAN_MAX_CONTACTS / $CCPLAN_MAX_AGENTS / $CCPLAN_MAX_SHIFT_VARIABLES /
$CCPLAN_MAX_VARIANTS, else the defaults here and in scenarios.bounds.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from optimizer import generate_agents, shift_templates
from scenarios import Agent, InputError, Problem, Roster, Scenario, staffing_matrix
from scenarios.bounds import SizeEstimate, check_size, limit_from

from .demand import rough_week_contacts

# What a use case that has checked its size at entry passes to the entry points it calls inside (what-if
# scheduling a roster per variant): the caller's limits were applied once, the defaults must not apply again.
ALREADY_GUARDED = {"max_contacts": math.inf, "max_agents": math.inf, "max_shift_variables": math.inf}

MAX_SHIFT_VARIABLES_ENV = "CCPLAN_MAX_SHIFT_VARIABLES"
# The example week's model holds 11,165 variables (3 skill groups, 7 days); 4 weeks of it about 45,000.
DEFAULT_MAX_SHIFT_VARIABLES = 200_000
# CPU seconds per variable to build the week's shift model and solve its LP relaxation before CP-SAT starts,
# measured on the example with 20 one-agent skill groups (74,151 variables: 3.7 s building, 2.9 s LP, one core of
# this project's 2-core test machine); the message's time is this rough order of magnitude, never a decision.
SECONDS_PER_SHIFT_VARIABLE = 9e-5

MAX_VARIANTS_ENV = "CCPLAN_MAX_VARIANTS"
DEFAULT_MAX_VARIANTS = 200
# Simulated contacts per CPU second, and the fixed cost of a variant (its requirements, demand, storing the run):
# measured on the example week with fixed staff (36,099 contacts per replication, about 0.25 s of one core each
# beyond 1 s per run) on this project's 2-core test machine; the estimate is an order of magnitude for the message.
CONTACTS_PER_SECOND = 150_000
VARIANT_SECONDS = 1.0


def peak_agents(scenario: Scenario, plan: pd.DataFrame | Roster | None) -> float:
    """Most agents on duty at once: a staffing plan's busiest interval, a roster's agents, else the skill groups'
    constant_agents (when any) or headcounts."""
    if isinstance(plan, Roster):
        return float(len(plan.agents))
    if isinstance(plan, pd.DataFrame):
        return float(staffing_matrix(scenario, plan).sum(axis=1).max(initial=0.0))
    constant = sum(g.constant_agents or 0 for g in scenario.skill_groups.values())
    return float(constant or sum(g.headcount for g in scenario.skill_groups.values()))


def guard_size(scenario: Scenario, *, replications: int | None = None, workers: int | None = None,
               agents: float | None = None, max_contacts: float | None = None,
               max_agents: float | None = None) -> None:
    """Estimate the week's contacts per replication (without forecasting) and the agents on duty at once (default:
    every head of every skill group), and raise InputError with the estimate and the override when they are above
    the limits (scenarios.bounds.check_size). `workers`: replications in memory at once (default: min(replications,
    cores))."""
    reps = replications or scenario.simulation.replications
    if agents is None:
        agents = sum(g.headcount for g in scenario.skill_groups.values())
    estimate = SizeEstimate(rough_week_contacts(scenario), float(agents), int(reps),
                            int(workers or min(reps, os.cpu_count() or 1)))
    check_size(estimate, max_contacts=max_contacts, max_agents=max_agents)


def guard_crew(scenario: Scenario, agents: list[Agent]) -> None:
    """Refuse to schedule nobody: every skill group's headcount 0 and no agents given (the solver would return an
    empty roster that misses every target, without saying why)."""
    if not agents:
        counts = ", ".join(f"{name} {g.headcount}" for name, g in scenario.skill_groups.items())
        raise InputError([Problem("skill_groups", f"every headcount is 0 ({counts}) and no agents are given: "
                                                  "nothing can be scheduled; give a group a headcount or pass an "
                                                  "agents file")], "nothing to schedule")


def duration(seconds: float) -> str:
    """A rough duration for a message: '40 s', '12 min', '3.5 h'."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def shift_model_variables(scenario: Scenario, agents: list[Agent], place_breaks: bool = True) -> dict[str, int]:
    """Decision variables of the week's shift-selection model per skill group with agents: one count per shift
    template and, when lunch and breaks are placed in the model, one per lunch and break position."""
    staffed = {a.skill_group for a in agents}
    by_skills: dict[tuple[str, ...], int] = {}
    out = {}
    for name, group in scenario.skill_groups.items():
        if name not in staffed:
            continue
        # Templates depend on a group only through the opening hours of its skills.
        skills = tuple(sorted(group.skills))
        if skills not in by_skills:
            by_skills[skills] = sum(1 + place_breaks * (len(t.lunch_offsets) + sum(map(len, t.break_offsets)))
                                    for t in shift_templates(scenario, name))
        out[name] = by_skills[skills]
    return out


def guard_shift_model(scenario: Scenario, agents: list[Agent], *, place_breaks: bool = True,
                      max_variables: float | None = None) -> None:
    """Refuse a shift model too large to build before its solver starts (before any work): the wall-clock safety
    limit (--time-limit) bounds CP-SAT's search, not the building of its model and LP relaxation, which grow with
    skill groups x days x templates. The limit: `max_variables`, else $CCPLAN_MAX_SHIFT_VARIABLES, else
    DEFAULT_MAX_SHIFT_VARIABLES. The message gives the estimate, the time it would take and groups to merge."""
    sizes = shift_model_variables(scenario, agents, place_breaks)
    total = sum(sizes.values())
    cap = limit_from(max_variables, MAX_SHIFT_VARIABLES_ENV, DEFAULT_MAX_SHIFT_VARIABLES)
    if total <= cap:
        return
    same: dict[tuple[str, ...], list[str]] = {}
    for name in sizes:
        same.setdefault(tuple(scenario.skill_groups[name].skills), []).append(name)
    merge = [f"{len(names)} with skills {', '.join(skills)} ({', '.join(names[:3])}"
             f"{', ...' if len(names) > 3 else ''})" for skills, names in same.items() if len(names) > 1]
    hint = ("; skill groups with the same skills can be one group with their headcounts added: "
            + "; ".join(merge[:3]) if merge else "")
    raise InputError([Problem("size", f"the shift model would hold about {total:,} variables ({len(sizes)} skill "
                                      f"groups x {scenario.days} days of shift templates with their lunch and break "
                                      f"positions), above the limit of {cap:,.0f}: building it takes at least "
                                      f"{duration(total * SECONDS_PER_SHIFT_VARIABLE)} of one core before the "
                                      f"solver and its --time-limit start{hint}; or raise the limit with "
                                      f"--max-shift-variables N or ${MAX_SHIFT_VARIABLES_ENV}")], "run too large")


@dataclass(frozen=True)
class WhatIfWork:
    """The work of a what-if run: variants (the base included), replications of each, contacts per replication,
    worker processes, and CP-SAT seconds per variant (re-optimised: two solver stages at their effort)."""

    variants: int
    replications: int
    contacts: float
    workers: int
    solver_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        """Lower estimate of the wall time: each variant's fixed cost, simulation and solving, over the workers."""
        each = VARIANT_SECONDS + self.replications * self.contacts / CONTACTS_PER_SECOND + self.solver_seconds
        return self.variants * each / max(1, self.workers)

    def text(self) -> str:
        """'2,001 variants x 20 replications: about 1,444,800,000 contacts to simulate, at least 1.6 h on 2 workers'."""
        solve = f" and {self.variants:,} schedules" if self.solver_seconds else ""
        return (f"{self.variants:,} variants x {self.replications} replications: about "
                f"{self.variants * self.replications * self.contacts:,.0f} contacts to simulate{solve}, at least "
                f"{duration(self.seconds)} on {self.workers} worker(s)")


def whatif_work(base: Scenario, variants: int, *, replications: int | None = None, workers: int | None = None,
                reoptimize: bool = False, effort: float = 15.0) -> WhatIfWork:
    """Estimate a what-if run before it starts, from the base's week (no forecasting): `replications` per variant
    (default: the scenario's), `workers` processes (default: the cores), `effort` per solver stage when
    re-optimising."""
    return WhatIfWork(variants, int(replications or base.simulation.replications), rough_week_contacts(base),
                      int(workers or os.cpu_count() or 1), 2 * effort if reoptimize else 0.0)


def guard_variant_count(work: WhatIfWork, *, max_variants: float | None = None, option: str = "--sweep") -> None:
    """Refuse a what-if grid with more variants than the limit (`max_variants`, else $CCPLAN_MAX_VARIANTS, else
    DEFAULT_MAX_VARIANTS) before any variant is built, saying how much work it would be."""
    cap = limit_from(max_variants, MAX_VARIANTS_ENV, DEFAULT_MAX_VARIANTS)
    if work.variants > cap:
        raise InputError([Problem(option, f"{work.text()}; {work.variants:,} variants is above the limit of "
                                          f"{cap:,.0f}: sweep fewer values, or raise the limit with --max-variants N "
                                          f"or ${MAX_VARIANTS_ENV}")], "run too large")


def guard_variants(variants: Iterable, staffing: pd.DataFrame | Roster | None = None, *,
                   replications: int | None = None, workers: int | None = None, max_contacts: float | None = None,
                   max_agents: float | None = None, reoptimize: bool = False, max_variants: float | None = None,
                   effort: float = 15.0) -> None:
    """The size guard for every what-if variant (planning.whatif.Variant) before any runs; each problem names its
    variant. `staffing`: the fixed staff every variant gets (None: each variant's headcounts). `reoptimize`: each
    variant is scheduled (at `effort` per solver stage), so its shift model is guarded too (guard_shift_model).
    The number of variants is guarded as well (guard_variant_count, `max_variants`)."""
    variants = list(variants)
    if variants:
        guard_variant_count(whatif_work(variants[0].scenario, len(variants), replications=replications,
                                        workers=workers, reoptimize=reoptimize, effort=effort),
                            max_variants=max_variants, option="variants")
    for variant in variants:
        try:
            guard_size(variant.scenario, replications=replications, workers=workers, max_contacts=max_contacts,
                       max_agents=max_agents,
                       agents=peak_agents(variant.scenario, staffing) if staffing is not None else None)
            if reoptimize:
                guard_shift_model(variant.scenario, generate_agents(variant.scenario))
        except InputError as exc:
            raise InputError([Problem(f"variant {variant.label}", p.message) for p in exc.problems],
                             exc.title) from None

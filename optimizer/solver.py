"""How the optimizer's CP-SAT solves are limited so that the same inputs give the same plan on any machine,
quiet or loaded.

Every solve runs on one CP-SAT worker with a fixed random seed and stops at an effort budget counted in CP-SAT's
deterministic time (its own measure of work, roughly a second each on a typical machine), which does not depend
on how busy the machine is. Independent parts (the days of shift selection, the skill groups of the roster) are
solved side by side on `workers` threads, each with its own share of the budget, so threads change the speed and
never the answer. A wall-clock limit stays only as an outer safety net: when it stops a solve before its effort
budget, the run says so, because that answer may then differ from run to run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

RANDOM_SEED = 20260105   # CP-SAT's seed: any fixed value gives repeatable solves
MIN_WALL_SECONDS = 0.05  # a solve started after the deadline still gets this long to return its hint
COMPLETION_SHARE = 0.1     # share of a solve's effort spent completing a partial hint (at most MAX_COMPLETION)
MAX_COMPLETION = 1.0


@dataclass(frozen=True)
class Budget:
    """A solver stage's limits: `effort` in CP-SAT deterministic time for the whole stage per week of the horizon
    (shift selection and the roster of a 4-week horizon get 4 x effort), `wall_seconds` the outer safety limit in
    seconds for the stage (None: no limit), `workers` threads for independent parts."""

    effort: float = 15.0
    wall_seconds: float | None = None
    workers: int = 2

    def deadline(self) -> float | None:
        """The stage's wall-clock deadline (time.perf_counter() units), starting now."""
        return None if self.wall_seconds is None else time.perf_counter() + float(self.wall_seconds)

    def describe(self) -> str:
        wall = "" if self.wall_seconds is None else f", wall-clock safety limit {self.wall_seconds:g} s"
        return f"effort budget {self.effort:g}{wall}"


@dataclass
class CpRun:
    """What one CP-SAT solve did: status name, whether it found a solution, the deterministic time and seconds
    it spent, and whether the wall-clock safety limit (not the effort budget) stopped it."""

    solver: cp_model.CpSolver
    status: str
    found: bool
    work: float
    seconds: float
    wall_stopped: bool


class RecordingModel(cp_model.CpModel):
    """A CpModel that remembers every variable it makes, so that a solution can be hinted back whole."""

    def __init__(self) -> None:
        super().__init__()
        self.variables: list[cp_model.IntVar] = []

    def new_int_var(self, lb, ub, name: str) -> cp_model.IntVar:
        var = super().new_int_var(lb, ub, name)
        self.variables.append(var)
        return var

    def new_bool_var(self, name: str) -> cp_model.IntVar:
        var = super().new_bool_var(name)
        self.variables.append(var)
        return var


def run_cp_sat(model: cp_model.CpModel, effort: float, deadline: float | None = None,
               gap: float | None = None, keep_hint: bool = False, *, fix_hinted: bool = False) -> CpRun:
    """Solve `model` on one worker within `effort` (deterministic time) and, as a safety net, `deadline`.
    `keep_hint`: the model's hint is a whole solution the search must start from: no symmetry breaking in
    presolve, which may cut that very solution off (a single worker does not otherwise take a complete hint as
    its first solution). `fix_hinted`: the hinted variables are fixed to their hinted values."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = RANDOM_SEED
    params.max_deterministic_time = max(float(effort), 0.0)
    wall = None
    if deadline is not None:
        wall = max(MIN_WALL_SECONDS, deadline - time.perf_counter())
        params.max_time_in_seconds = wall
    if gap is not None:
        params.relative_gap_limit = float(gap)
    if keep_hint:
        params.symmetry_level = 0
    if fix_hinted:
        params.fix_variables_to_their_hinted_value = True
    t0 = time.perf_counter()
    status = solver.solve(model)
    seconds = time.perf_counter() - t0
    work = solver.deterministic_time
    # Stopped by the clock: not proven optimal, short of its effort, and out of wall time.
    wall_stopped = (wall is not None and status != cp_model.OPTIMAL and work < 0.99 * effort
                    and seconds >= 0.95 * wall)
    return CpRun(solver, solver.status_name(status), status in (cp_model.OPTIMAL, cp_model.FEASIBLE), work,
                 seconds, wall_stopped)


def run_from_partial_hint(model: RecordingModel, hint: dict[cp_model.IntVar, int], effort: float,
                          deadline: float | None = None) -> CpRun:
    """Solve `model` starting from `hint`, which sets only some variables (the decisions, say, not the penalty
    terms that follow from them): a short first solve with the hinted variables fixed finds the values of all the
    others, and the solve proper starts from that complete solution. A single worker does not complete a partial
    hint by itself within a modest budget, and CP-SAT's own `repair_hint` aborts the whole process in OR-Tools
    9.15 when a time limit falls during the repair (`Check failed: heuristics.fixed_search != nullptr`).
    If the hinted values contradict a hard rule, the solve starts from the partial hint as it is. Replaces any
    hint the model had."""
    model.clear_hints()
    for var, value in hint.items():
        model.add_hint(var, value)
    first = run_cp_sat(model, min(COMPLETION_SHARE * effort, MAX_COMPLETION), deadline, fix_hinted=True)
    if first.found:
        complete = [(var, first.solver.value(var)) for var in model.variables]
        model.clear_hints()
        for var, value in complete:
            model.add_hint(var, value)
    run = run_cp_sat(model, max(effort - first.work, 0.0), deadline, keep_hint=first.found)
    run.work += first.work
    run.seconds += first.seconds
    return run

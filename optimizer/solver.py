"""How the optimizer's CP-SAT solves are limited: in seconds, or in CP-SAT's deterministic time (its own measure
of work, about a second each on a typical machine), with which one worker gives the same answer on any machine."""

from __future__ import annotations

from ortools.sat.python import cp_model


def cp_solver(time_limit: float, workers: int, deterministic: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver stopping after `time_limit` seconds (deterministic: units of deterministic time), on
    `workers` threads."""
    solver = cp_model.CpSolver()
    if deterministic:
        solver.parameters.max_deterministic_time = float(time_limit)
    else:
        solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)
    return solver

"""A CP-SAT model of linear rows that remembers them, and its LP relaxation (HiGHS via scipy).

The shift model is linear, and its LP relaxation is used twice: it shares the week's limits out over the days
and gives the lower bound of paid hours. Reading the rows back from CP-SAT's model proto is deprecated in
OR-Tools 9.15, so `LinearModel` records every variable's bounds, every row and the objective as they are added,
in the same order CP-SAT numbers them: the relaxation is exactly the model CP-SAT solves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

Terms = Iterable[tuple[cp_model.IntVar, int]]


@dataclass
class Row:
    """lo <= sum(coefficients x variables of `columns`) <= hi; None: open on that side."""

    columns: list[int]
    coefficients: list[int]
    lo: int | None
    hi: int | None


class LinearModel:
    """A CP-SAT model (`cp`) built only through `int_var`, `add` and `minimize`, which keep a copy of the rows
    (`rows`; a row's columns index `variables`, numbered as CP-SAT numbers them)."""

    def __init__(self) -> None:
        self.cp = cp_model.CpModel()
        self.variables: list[cp_model.IntVar] = []
        self._bounds: list[tuple[int, int]] = []
        self.rows: list[Row] = []
        self._objective: dict[int, int] = {}

    def int_var(self, lo: int, hi: int, name: str) -> cp_model.IntVar:
        var = self.cp.new_int_var(lo, hi, name)
        self.variables.append(var)
        self._bounds.append((lo, hi))
        return var

    def add(self, terms: Terms, lo: int | None = None, hi: int | None = None) -> None:
        """lo <= sum(coefficient x variable) <= hi; None leaves that side open."""
        merged = _merge(terms)
        columns = sorted(merged)
        coefficients = [merged[c] for c in columns]
        self.rows.append(Row(columns, coefficients, lo, hi))
        expr = cp_model.LinearExpr.weighted_sum([self.variables[c] for c in columns], coefficients)
        self.cp.add_linear_constraint(expr, cp_model.INT_MIN if lo is None else lo,
                                      cp_model.INT_MAX if hi is None else hi)

    def minimize(self, terms: Terms) -> None:
        self._objective = _merge(terms)
        columns = sorted(self._objective)
        self.cp.minimize(cp_model.LinearExpr.weighted_sum([self.variables[c] for c in columns],
                                                          [self._objective[c] for c in columns]))

    def hint(self, values: Terms) -> None:
        """Replace the solution hint by (variable, value) pairs."""
        self.cp.clear_hints()
        for var, value in values:
            self.cp.add_hint(var, int(value))


@dataclass
class LpSolution:
    """The LP relaxation's optimal value and variable values."""

    value: float
    x: np.ndarray

    def value_of(self, var: cp_model.IntVar) -> float:
        return float(self.x[var.index])


def lp_relaxation(model: LinearModel, objective: Terms | None = None,
                  fixed_zero: Iterable[cp_model.IntVar] = ()) -> LpSolution:
    """Solve the LP relaxation of `model` with HiGHS: its own objective, or `objective` ((variable, coefficient)
    pairs); `fixed_zero` variables held at 0. RuntimeError when the LP has no optimum."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, vstack

    n = len(model._bounds)
    bounds = list(model._bounds)
    for var in fixed_zero:
        bounds[var.index] = (0, 0)
    c = np.zeros(n)
    for column, coefficient in (model._objective.items() if objective is None
                                else ((v.index, k) for v, k in objective)):
        c[column] += coefficient
    rows, cols, vals = [], [], []
    for r, row in enumerate(model.rows):
        rows += [r] * len(row.columns)
        cols += row.columns
        vals += row.coefficients
    a = coo_matrix((vals, (rows, cols)), shape=(len(model.rows), n)).tocsr()
    # HiGHS through linprog takes "<=" rows only: upper limits as they are, lower limits negated, in that order.
    upper = np.array([row.hi is not None for row in model.rows], dtype=bool)
    lower = np.array([row.lo is not None for row in model.rows], dtype=bool)
    hi = np.array([np.nan if row.hi is None else row.hi for row in model.rows], float)
    lo = np.array([np.nan if row.lo is None else row.lo for row in model.rows], float)
    res = linprog(c, A_ub=vstack([a[upper], -a[lower]]), b_ub=np.concatenate([hi[upper], -lo[lower]]),
                  bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"LP relaxation failed: {res.message}")
    return LpSolution(float(res.fun), res.x)


def _merge(terms: Terms) -> dict[int, int]:
    """Coefficients by variable index, repeats added and zeros dropped (as CP-SAT stores a row)."""
    out: dict[int, int] = {}
    for var, coefficient in terms:
        out[var.index] = out.get(var.index, 0) + int(coefficient)
    return {k: v for k, v in out.items() if v != 0}

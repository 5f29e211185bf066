"""Rounds on the roster as assigned: with a real agent list the loop's kept plan is rostered to named agents after
the loop (shifts moved to other agents or days, lengthened to contracted minimums, a few nobody can take) and
certified again; when that roster misses the targets the loop goes on from the roster's own certificate for a
few more rounds (re-size the requirement from the intervals the roster misses, select shifts, roster them to the
agents, certify the roster), and the best roster by the loop's own order (Round.score) is kept.

Why here and not more loop rounds for everyone: with generated agents the roster is the plan the loop certified;
with a real list it is another roster, judged only once the loop is over, so its misses can only be answered after.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from optimizer import RosterOutcome, resize_requirement
from sim import judge_simulation

from .schedule_results import RoundSummary

if TYPE_CHECKING:
    from .schedule import Certificate, Round, ScheduleLoop

ROSTER_ROUNDS = 3   # rounds on the roster as assigned, at most, after the loop's own


def rounds_on_roster(loop: ScheduleLoop, kept: Round, outcome: RosterOutcome, certificate: Certificate,
                     analytic: pd.DataFrame, *, limit: int = ROSTER_ROUNDS) -> Round:
    """The best of the kept plan's roster (`outcome`, certified as `certificate`) and up to `limit` rounds solved
    from the roster's own certificate; the rounds are added to `loop.rounds` (their summaries say what each
    roster's certification showed). Returns a Round whose `outcome` and `certificate` are its roster's."""
    from .schedule import Round

    s = loop.settings
    # The kept round as rostered: ranked by the roster's own paid hours and certificate.
    best = Round(kept.number, kept.requirement, kept.plan, kept.solve_seconds,
                 replace(kept.summary, paid_hours=round(outcome.roster.paid_hours(), 2)), outcome,
                 certificate=certificate)
    current, requirement = best, kept.requirement
    for k in range(limit):
        if current.certificate.meets_targets:
            break
        judged = current.certificate.judged_at_risk
        if judged is None:
            judged = judge_simulation(loop.scenario, current.certificate.result, loop.margin)
        requirement, moved = resize_requirement(loop.scenario, requirement, judged, analytic, lower=False,
                                                misses=loop.misses)
        if not moved["raised"]:
            break
        number = len(loop.rounds) + 1

        def progress(fraction: float, message: str = "", number=number) -> None:
            loop.progress(0.86 + 0.04 * (k + fraction) / limit, f"round {number} on the roster as assigned: {message}")

        progress(0.0, f"{moved['raised']} interval(s) raised")
        t0 = time.perf_counter()
        plan = loop.select_shifts(requirement, progress)
        rostered = loop.roster(plan)
        seconds = time.perf_counter() - t0
        loop.solve_seconds += seconds
        loop.note(plan.warnings)
        cert = loop.certify(rostered.roster, progress)
        summary = RoundSummary(number, round(rostered.roster.paid_hours(), 2), len(rostered.roster.shifts),
                               round(seconds, 2), plan.status, unassigned_shifts=len(rostered.unassigned),
                               raised=moved["raised"], lowered=0)
        summary.certified = cert.figures()
        summary.certified_short_intervals = len(cert.short_intervals)
        current = Round(number, requirement, plan, seconds, summary, rostered, certificate=cert)
        loop.rounds.append(current)
        if current.score() < best.score():
            best = current
    return best

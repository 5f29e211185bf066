"""Simulation of the contact center's week: phone, chat, email and AI-bot queues served by skilled agents.

What it offers (everything outside sim uses these names only):
- `simulate(scenario, staffing, demand=..., replications, seed, executor) -> SimResult`: the week on fresh
  customers, means with 95% CIs (sim.replications, sim.results).
- `replicate(jobs, executor=...)`: the one way replications run, for every use: `Fresh` customers, `GivenArrivals`
  (a past period's real arrival times; per-contact `ContactOutcomes`) and `Resume` (a run captured at an instant
  and continued on other staffing: intraday re-planning). `build_spec` makes a job's `ModelSpec`; `build_result`
  turns the interval records of replications into a SimResult. Jobs run on any concurrent.futures.Executor or in
  this process; sim makes no pools (planning.execution does).
- `Engine`, `SimState`: one replication; `Engine.capture()` records its state at an instant, `Engine(..., state=)`
  resumes from it (sim.state).
- Targets: `judge`, `judge_simulation`, `meeting_shares`, `open_intervals`, `target_of`, `max_abandon_of` judge
  simulated intervals against the scenario's targets (sim.targets); `interval_errors` the standard errors of each
  interval's figures over the replications.
- `arrival_times` (a Poisson arrival stream), `offered_load_staffing` (a quick staffing plan for a first run),
  `Estimate`, `paired_difference_ci`, `welch_difference_ci` (confidence intervals).

The engine (sim.model) runs on SimPy's public API: two processes (the arrival stream and the staffing timetable)
and timeouts whose callbacks end services, chat sessions and bot sessions; customers are drawn in advance per
channel (sim.customers) so staffing plans compared with one seed see the same contacts.
"""

from .arrivals import arrival_times
from .estimates import Estimate, paired_difference_ci, welch_difference_ci
from .inputs import ModelSpec, build_spec
from .model import Engine
from .quick_staffing import offered_load_staffing
from .records import ContactOutcomes
from .replications import Fresh, GivenArrivals, Job, Resume, replicate, simulate
from .results import ChannelFigures, DayFigures, GroupFigures, SimResult, SimSummary, build_result
from .state import SimState
from .targets import (interval_errors, judge, judge_simulation, max_abandon_of, meeting_shares, open_intervals,
                      target_of)

__all__ = ["ChannelFigures", "ContactOutcomes", "DayFigures", "Engine", "Estimate", "Fresh", "GivenArrivals",
           "GroupFigures", "Job", "ModelSpec", "Resume", "SimResult", "SimState", "SimSummary", "arrival_times",
           "build_result", "build_spec", "interval_errors", "judge", "judge_simulation", "max_abandon_of",
           "meeting_shares", "offered_load_staffing", "open_intervals", "paired_difference_ci", "replicate", "simulate",
           "target_of", "welch_difference_ci"]

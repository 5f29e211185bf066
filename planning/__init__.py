"""Planning: composes the libraries (forecasting, sim, optimizer) into the jobs a planner runs.

Entry points:
- `scenario_demand(scenario)`: the week's demand, resolved once from the scenario's source (explicit rates, a
  forecast file, or its history forecast with `demand.model`), scales applied; `week_demand` adds its error law
  (`DemandUncertainty`: the forecast's own backtest, or `demand.day_sd`) (planning.demand);
- `simulate(scenario, staffing, ...)`: sim.simulate with the scenario's demand resolved here;
- `schedule(scenario, ...)`: the schedule pipeline, requirements -> shift selection -> simulation -> re-sizing
  -> roster -> KPIs (planning.schedule, `ScheduleLoop`); with `risk` (default DEFAULT_RISK) the roster is
  planned and certified against plausible weeks drawn from the demand's error law (planning.plausible);
- `build_variants` / `run_whatif`: what-if variants and sweeps compared with paired CIs (planning.whatif);
- `open_executor`: where replications and variants run, a process pool or Dask (planning.execution);
- `ReplayModel` / `replay_with` / `calibrate_and_replay`: replay a past period with a calibrated (or a
  scenario's) model, or calibrate on its first days and replay the others (planning.calibrate_replay);
- `backtest_plan`: plan each of the last N weeks of a history from the weeks before and judge the rosters (with
  the Erlang C baseline's and a hindsight roster's) on the week's actual counts, a `PlanBacktest`
  (planning.backtest_plan);
- `prepare_publish`: a roster ready to publish, with coverage against the requirement (planning.publish);
- `capacity_plan`: how many people to hire and train, and when, over the weeks ahead (a `CapacityResult`: weekly
  forecast, `StaffingCurve` from ccplan's own schedule of the representative week, the hiring plan against a
  planner's rule of thumb, a Monte Carlo of attrition and demand, what-ifs); `staffing_curve`, `read_curve`, `curve_key`
  (planning.capacity);
- `guard_size`: the size guard simulate, schedule and run_whatif call at entry (planning.guard);
- `Workspace`: the SQLite store of runs (planning.store).
"""

from .backtest_plan import PlanBacktest, backtest_plan
from .capacity import CapacityResult, StaffingCurve, capacity_plan, curve_key, read_curve, staffing_curve
from .calibrate_replay import CalibratedReplay, ReplayModel, calibrate_and_replay, replay_json, replay_with
from .demand import DemandUncertainty, WeekDemand, scenario_demand, week_demand
from .execution import open_executor
from .guard import guard_size
from .publish import PublishedWeek, prepare_publish
from .run import simulate
from .schedule import DEFAULT_RISK, METHODS, RISK_CURVE, ScheduleResult, schedule
from .store import Workspace
from .whatif import build_variants, run_whatif

__all__ = ["CapacityResult", "StaffingCurve", "capacity_plan", "curve_key", "read_curve", "staffing_curve", "DEFAULT_RISK", "DemandUncertainty", "METHODS", "PlanBacktest", "RISK_CURVE", "WeekDemand",
           "backtest_plan", "week_demand", "CalibratedReplay", "PublishedWeek", "ReplayModel", "ScheduleResult", "Workspace",
           "build_variants", "calibrate_and_replay", "guard_size", "open_executor", "prepare_publish", "replay_json",
           "replay_with", "run_whatif", "scenario_demand", "schedule", "simulate"]

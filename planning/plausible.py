"""Planning against plausible weeks: weeks of demand drawn from the forecast's error law, a roster simulated on
each, and what the roster can claim for the real week.

`draw_weeks` draws K weeks of contacts per interval (counts, as a real week brings) from the demand's error law
with one seeded generator: every plan compared with one seed meets the same K weeks (common random numbers).
`simulate_weeks` simulates a roster r times on each week through sim's public API and judges each week's intervals
on the mean over its r replications: per week and channel, the share of open intervals meeting every target.
With few replications a week, an interval near its limit is judged by the luck of its customers, and the shares
and the week at the risk come out pessimistic; `smoothed_judgements` judges each interval instead on its figures
fitted across the weeks (least squares on the week's contacts in the interval, the interval before and the day),
which averages that noise over all K x r replications.
`plausible_figures` summarises those shares: the claimed share (their mean, the share expected on the real week)
and, at a risk setting (e.g. 0.9), the (1 - risk) lower quantile, which must meet the target share for a plan
to hold "on 90% of plausible weeks".
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios import Roster, Scenario, week_intervals
from scenarios.progress import Progress
from sim import Fresh, SimResult, build_result, build_spec, judge, judge_simulation, meeting_shares, replicate

from .demand import DemandUncertainty
from .schedule_results import PlausibleFigures


# An interval's figures are fitted across weeks (smoothed_judgements) when it was judged in at least this many:
# its 5 coefficients need twice as many weeks to average noise rather than follow it.
SMOOTH_MIN_WEEKS = 10


@dataclass(frozen=True)
class PlausibleWeeks:
    """K demand tables (columns as planning.demand.scenario_demand; contacts are counts per interval) drawn from
    the error law around `expected` with `seed`."""

    expected: pd.DataFrame
    tables: list[pd.DataFrame]
    seed: int

    def __len__(self) -> int:
        return len(self.tables)


@dataclass(frozen=True)
class WeeksSimulation:
    """A roster simulated on plausible weeks: `judged[k]` week k's open intervals judged on the mean over its
    replications (sim.judge_simulation), `shares[k][channel]` the share of them meeting every target, and `pooled`
    every replication of every week in one SimResult (the week's figures expected over plausible weeks)."""

    judged: list[pd.DataFrame]
    shares: list[dict[str, float | None]]
    pooled: SimResult
    replications: int        # per week

    def judged_at_risk(self, risk: float) -> pd.DataFrame:
        """Each open interval judged as in its plausible week at the risk: the week of rank `risk_rank` from the
        worst (by how far it misses the service level or exceeds the abandonment), so an interval that meets its
        targets here meets them on at least about `risk` of the weeks. Columns as sim.judge."""
        rank = risk_rank(risk, len(self.judged))
        table = pd.concat(self.judged, ignore_index=True)
        severity = np.maximum(table["sl_gap"].to_numpy(float), table["abandon_excess"].to_numpy(float))
        table = table.assign(_severity=severity).sort_values(["channel", "ds", "_severity"], ascending=[True, True, False],
                                                             kind="stable")
        return table.groupby(["channel", "ds"], sort=False).nth(rank).drop(columns="_severity").reset_index(drop=True)


def risk_rank(risk: float, weeks: int) -> int:
    """The rank from the worst (0-based) of the week read at `risk` among `weeks` sorted weeks: the lower of the two
    that np.quantile interpolates between at 1 - risk (what plausible_figures accepts on), so a reading there is
    never kinder than the acceptance. Rounded before the floor: (1 - 0.9) x 19 is 1.8999... in floating point."""
    return min(int(np.floor(round((1 - risk) * (weeks - 1), 9))), weeks - 1)


def draw_weeks(scenario: Scenario, expected: pd.DataFrame, uncertainty: DemandUncertainty, *, weeks: int,
               seed: int) -> PlausibleWeeks:
    """`weeks` plausible weeks around `expected` (planning.demand's table): per channel with a law, its counts
    drawn by the law (its days share the week's shock); channels without one keep their expected contacts."""
    rng = np.random.default_rng(seed)
    per_day = 1440 // scenario.interval_minutes
    n = len(week_intervals(scenario))
    days = -(-n // per_day)
    drawn = {}
    for name in scenario.channels:
        own = expected["channel"] == name
        law = uncertainty.laws.get(name)
        contacts = expected.loc[own, "contacts"].to_numpy(float)
        if law is None:
            drawn[name] = np.repeat(contacts[None], weeks, axis=0)
            continue
        grid = np.zeros(days * per_day)
        grid[:n] = contacts
        drawn[name] = law.sample(grid.reshape(days, per_day), rng, weeks).reshape(weeks, -1)[:, :n]
    tables = []
    for k in range(weeks):
        table = expected.copy()
        for name, values in drawn.items():
            table.loc[table["channel"] == name, "contacts"] = values[k]
        tables.append(table)
    return PlausibleWeeks(expected, tables, seed)


def simulate_weeks(scenario: Scenario, staff: Roster, weeks: PlausibleWeeks, *, replications: int, seed: int,
                   executor: Executor | None = None, progress: Progress | None = None) -> WeeksSimulation:
    """Simulate `staff` `replications` times on every plausible week (replication j of week k: child
    k * replications + j of SeedSequence(seed)), all in one `sim.replicate` call; each week judged on its figures
    smoothed across the weeks (`smoothed_judgements`)."""
    specs = [build_spec(scenario, staff, table) for table in weeks.tables]
    children = np.random.SeedSequence(seed).spawn(len(specs) * replications)
    jobs = [Fresh(spec, children[k * replications + j]) for k, spec in enumerate(specs) for j in range(replications)]
    records = replicate(jobs, executor=executor, progress=progress)
    ds = week_intervals(scenario)
    judged = [judge_simulation(scenario, build_result(spec, ds, records[k * replications:(k + 1) * replications],
                                                       seed)) for k, spec in enumerate(specs)]
    judged = smoothed_judgements(scenario, weeks, judged)
    pooled = build_result(build_spec(scenario, staff, weeks.expected), ds, records, seed)
    return WeeksSimulation(judged, [meeting_shares(scenario, j) for j in judged], pooled, replications)


def smoothed_judgements(scenario: Scenario, weeks: PlausibleWeeks, judged: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """Each week's intervals judged (sim.judge) on their service level and abandonment fitted across the weeks.

    Per interval, least squares over the weeks of its figure (the mean over the week's replications) on the
    week's contacts in the interval (linear and squared: service falls faster as the load nears capacity), in
    the interval before (the queue it inherits) and over the day, each relative to its mean over the weeks. What
    the contacts explain is kept; the rest, the luck of a few replications' customers, is averaged out. An
    interval judged in fewer than SMOOTH_MIN_WEEKS weeks keeps its own figures. Figures are clipped to 0..1;
    `offered` stays each week's own."""
    k = len(judged)
    if k < SMOOTH_MIN_WEEKS:
        return judged
    per_day = 1440 // scenario.interval_minutes
    frames = []
    for table, week in zip(judged, weeks.tables):
        contacts = week.set_index(["channel", "ds"])["contacts"]
        by_channel = contacts.groupby(level="channel", sort=False)
        day = by_channel.transform(lambda c: c.groupby(np.arange(len(c)) // per_day).transform("sum"))
        keys = pd.MultiIndex.from_frame(table[["channel", "ds"]])
        frames.append(table.assign(_contacts=contacts.reindex(keys).to_numpy(float),
                                   _before=by_channel.shift(1).fillna(0.0).reindex(keys).to_numpy(float),
                                   _day=day.reindex(keys).to_numpy(float)))
    rows = pd.concat(frames, ignore_index=True)
    rows["week"] = np.repeat(np.arange(k), [len(f) for f in frames])
    figures = rows[["service_level", "abandon"]].to_numpy(float)
    drivers = rows[["_contacts", "_before", "_day"]].to_numpy(float)
    for at in rows.groupby(["channel", "ds"], sort=False).indices.values():
        if len(at) < SMOOTH_MIN_WEEKS:
            continue
        mean = drivers[at].mean(axis=0)
        relative = (drivers[at] - mean) / np.where(mean > 0, mean, 1.0)
        x = np.column_stack([np.ones(len(at)), relative, relative[:, 0] ** 2])
        beta, *_ = np.linalg.lstsq(x, figures[at], rcond=None)
        figures[at] = np.clip(x @ beta, 0.0, 1.0)
    rows = rows.assign(service_level=figures[:, 0], abandon_rate=figures[:, 1])
    columns = ["ds", "channel", "offered", "service_level", "abandon_rate"]
    return [judge(scenario, own[columns]) for _, own in rows.groupby("week", sort=True)]


def plausible_figures(shares: Sequence[dict[str, float | None]], *, risk: float, target_share: float, seed: int,
                      replications: int) -> PlausibleFigures:
    """Per channel the claimed share (mean of the weekly shares) and the share held at `risk` (their (1 - risk)
    lower quantile); the plan meets the targets when every channel's share at risk reaches `target_share`."""
    channels = [c for c in shares[0] if any(week[c] is not None for week in shares)] if shares else []
    weekly = {c: [float(week[c]) for week in shares if week[c] is not None] for c in channels}
    claimed = {c: round(float(np.mean(v)), 4) for c, v in weekly.items()}
    at_risk = {c: round(float(np.quantile(v, 1 - risk)), 4) for c, v in weekly.items()}
    return PlausibleFigures(seed=seed, weeks=len(shares), replications=replications, risk=risk,
                            target_share=target_share, claimed=claimed, at_risk=at_risk,
                            weekly={c: [round(x, 4) for x in v] for c, v in weekly.items()})


def hedged_demand(expected: pd.DataFrame, uncertainty: DemandUncertainty, risk: float) -> pd.DataFrame:
    """The expected contacts of each channel times the `risk` quantile of its day factor: what the requirement is
    sized on when the plan must hold on that share of plausible days."""
    factors = expected["channel"].map(lambda c: uncertainty.day_factor(c, risk)).to_numpy(float)
    return expected.assign(contacts=expected["contacts"].to_numpy(float) * factors)

"""Calibrate the model of a real center from its call records, and simulate a past period of it.

- Channels: per call type (or mapped channel) the handle-time distribution and the patience
  (forecasting.servicefit).
- Agents: a server is on duty from the first call it takes to the last, in stretches split by gaps of
  STRETCH_GAP_MINUTES or more; skill groups are proposed from the servers' call mixes (a server whose calls are
  SPECIALIST_SHARE or more of one channel other than the busiest one is a specialist of that channel, everyone
  else a generalist of every channel).
- Availability: the share of on-duty time available for calls (after-call work, breaks, other work), by hour of
  day, fitted so that simulating the calibration days (their real arrivals, on-duty agents x availability)
  reproduces their observed abandonment and share answered within 60 s (`fit_availability`).

`simulate_period` is the one simulation of a past period used by the fit and by `planning.replay`: the real
arrival times of the records, handle times and patience drawn from the calibrated distributions, and a staffing
plan per interval and group of on-duty agents x availability. It never reads the waits or abandonments of the
simulated days. Times are local clock times; durations in seconds.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from forecasting import PRIORITY_SUFFIX
from forecasting import HandleFit, PatienceFit, fit_handle, fit_patience
from scenarios import InputError, Problem, Scenario
from sim import ContactOutcomes, GivenArrivals, ModelSpec, build_spec, replicate

from .execution import executor_or_local

STRETCH_GAP_MINUTES = 30.0
SPECIALIST_SHARE = 0.8
MIN_CALLS_CHANNEL = 30        # call types with fewer contacts join the busiest channel
THRESHOLDS = (20.0, 60.0)     # seconds: the fixed service-level thresholds every replay reports
CHUNK_DAYS = 7                # a period is simulated in weeks (parallel jobs; a scenario holds at most 28 days)
AVAIL_BOUNDS = (0.2, 1.0)
# The period is simulated on a 5-minute staffing grid whatever the reporting interval: a staffing plan puts the
# fractional agent of an interval at its start, so on a 30-minute grid agents who came at 19:15 would work
# 19:00-19:07 in the simulation (openings and shift changes were the worst replayed intervals).
SIM_MINUTES = 5
MIN_HOUR_CALLS = 150          # hours of day with fewer calibration calls keep the overall availability


# --- agents from the records -----------------------------------------------------------------------------------

def server_stretches(records: pd.DataFrame, gap_minutes: float = STRETCH_GAP_MINUTES) -> pd.DataFrame:
    """Stretches of work per server: columns server, start, end (date-times), calls.

    A stretch runs from the start of a server's first call to the end of its last one; a gap of `gap_minutes`
    or more between the end of one call and the start of the next begins a new stretch.
    """
    served = records[records["served"] & records["server"].notna()].sort_values(["server", "service_start"])
    out = []
    gap = pd.Timedelta(minutes=gap_minutes)
    for server, own in served.groupby("server", sort=True):
        starts, ends = own["service_start"].to_numpy(), own["service_end"].to_numpy()
        run_end = np.maximum.accumulate(ends)
        new = np.concatenate(([True], starts[1:] - run_end[:-1] >= gap))
        ids = np.cumsum(new)
        for k in np.unique(ids):
            sel = ids == k
            out.append((server, pd.Timestamp(starts[sel][0]), pd.Timestamp(run_end[sel][-1]), int(sel.sum())))
    return pd.DataFrame(out, columns=["server", "start", "end", "calls"])


def server_mix(records: pd.DataFrame) -> pd.DataFrame:
    """Share of each server's answered calls per channel (rows: servers, columns: channels)."""
    served = records[records["served"] & records["server"].notna()]
    counts = served.groupby(["server", "channel"]).size().unstack(fill_value=0)
    return counts.div(counts.sum(axis=1), axis=0)


def propose_groups(records: pd.DataFrame, channels: list[str],
                   specialist_share: float = SPECIALIST_SHARE) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Skill groups ({group: skills in routing order}) and each server's group, from the servers' call mixes.

    Channels are routed in order of volume, high-priority channels ("<type>_priority") first. A server with
    `specialist_share` or more of its calls in one channel other than the busiest is a specialist
    ("<channel>_only"); the rest are "generalist" with every channel.
    """
    order = list(records["channel"].value_counts().index)
    order = [c for c in order if c in channels] + [c for c in channels if c not in order]

    def base(c: str) -> str:
        return c[:-len(PRIORITY_SUFFIX)] if c.endswith(PRIORITY_SUFFIX) else c

    busiest = base(order[0])
    order = sorted(order, key=lambda c: not str(c).endswith(PRIORITY_SUFFIX))   # stable: volume order within
    mix = server_mix(records)
    mix = mix.T.groupby(lambda c: base(str(c))).sum().T          # a call type and its priority channel together
    groups: dict[str, list[str]] = {}
    member: dict[str, str] = {}
    for server, shares in mix.iterrows():
        top = str(shares.idxmax())
        if top != busiest and shares[top] >= specialist_share:
            name = f"{top}_only"
            groups[name] = [c for c in order if base(c) == top]
        else:
            name = "generalist"
            groups[name] = order
        member[str(server)] = name
    if "generalist" not in groups:
        groups["generalist"] = order
    return groups, member


def on_duty(stretches: pd.DataFrame, member: dict[str, str], groups: list[str], start: pd.Timestamp, days: int,
            *, interval_minutes: int) -> np.ndarray:
    """(intervals x groups) agents on duty: the share of each interval covered by each server's stretches.

    Servers without a group (not seen when the groups were proposed) count in "generalist", else the first group.
    """
    fallback = "generalist" if "generalist" in groups else groups[0]
    n = days * 1440 // interval_minutes
    length = interval_minutes * 60.0
    out = np.zeros((n, len(groups)))
    edges = np.arange(n + 1) * length
    for row in stretches.itertuples(index=False):
        own = member.get(row.server, fallback)
        g = groups.index(own if own in groups else fallback)
        a = (row.start - start).total_seconds()
        b = (row.end - start).total_seconds()
        a, b = max(a, 0.0), min(b, n * length)
        if b <= a:
            continue
        out[:, g] += np.clip(np.minimum(edges[1:], b) - np.maximum(edges[:-1], a), 0, None) / length
    return out


# --- the calibration -----------------------------------------------------------------------------------------

@dataclass
class Calibration:
    """What `calibrate` found. `availability` maps hour of day (0-23) to the available share of on-duty time."""

    interval_minutes: int
    channels: dict[str, HandleFit]
    patience: dict[str, PatienceFit | None]
    groups: dict[str, list[str]]
    member: dict[str, str]
    availability: dict[int, float]
    threshold_seconds: float = 20.0
    channel_map: dict[str, str] = field(default_factory=dict)
    period: tuple[str, str] = ("", "")
    fit_log: list[dict] = field(default_factory=list)
    observed_by_hour: list[dict] = field(default_factory=list)
    priority: dict | None = None    # {"column": ..., "high": [...]} when high-priority customers have channels

    def channel_yaml(self, name: str) -> dict:
        h = self.channels[name]
        out: dict = {"kind": "voice", "aht_seconds": round(h.mean_seconds, 1), "service": h.kind}
        if h.kind in ("lognormal", "gamma"):
            # the simulator has no gamma: a lognormal with the same mean and cv stands in (reported as such)
            out["service"] = "lognormal"
            out["service_cv"] = round(h.cv, 3)
        if h.kind == "empirical":
            out["service_sample_seconds"] = h.sample_seconds
        p = self.patience.get(name)
        if p is not None:
            out["patience_seconds"] = round(p.mean_seconds, 1)
            out["patience"] = p.kind
            if p.kind == "weibull":
                out["patience_cv"] = round(p.cv, 3)
        out["target"] = {"answer_within_seconds": self.threshold_seconds, "service_level": 0.8}
        return out

    def fragment(self) -> dict:
        """The scenario fragment (channels, skill_groups, shrinkage) plus the `calibration` block replay reads."""
        weights = {int(r["hour"]): r["offered"] for r in self.observed_by_hour}
        total = sum(weights.values()) or 1.0
        mean_avail = sum(self.availability[h] * weights.get(h, 0) for h in self.availability) / total
        return {
            "interval_minutes": self.interval_minutes,
            "shrinkage": round(1 - mean_avail, 3),
            "channels": {name: self.channel_yaml(name) for name in self.channels},
            "skill_groups": {g: {"skills": skills, "headcount": sum(1 for m in self.member.values() if m == g)}
                             for g, skills in self.groups.items()},
            "calibration": {
                "period": list(self.period),
                "channel_map": self.channel_map,
                **({"priority": self.priority} if self.priority else {}),
                "availability_by_hour": {int(h): round(float(a), 3) for h, a in sorted(self.availability.items())},
                "servers": dict(sorted(self.member.items())),
                "hourly_aht_seconds": {n: {int(k): v for k, v in h.hourly_mean_seconds.items()}
                                       for n, h in self.channels.items() if h.varies_by_hour},
            },
        }

    def report(self) -> dict:
        """The fit tables: handle-time candidates, patience (exponential, Weibull, Kaplan-Meier), availability."""
        return {
            "period": list(self.period),
            "channels": {n: {"handle": h.as_dict(),
                             "patience": None if self.patience.get(n) is None else self.patience[n].as_dict()}
                         for n, h in self.channels.items()},
            "skill_groups": self.groups,
            "servers": self.member,
            "availability_by_hour": {int(h): round(float(a), 4) for h, a in sorted(self.availability.items())},
            "availability_fit": self.fit_log,
            "observed_by_hour": self.observed_by_hour,
        }


def write_fragment(cal: Calibration, path: str | Path) -> None:
    """Write the scenario fragment YAML (atomically: a temporary file, then rename)."""
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    head = (f"# ccplan calibrate: calls {cal.period[0]} .. {cal.period[1]}\n"
            "# Merge channels, skill_groups and shrinkage into a scenario; the calibration block is for ccplan replay.\n")
    tmp.write_text(head + yaml.safe_dump(cal.fragment(), sort_keys=False, width=120, default_flow_style=None))
    tmp.replace(path)


def read_fragment(path: str | Path) -> dict:
    """A fragment written by `write_fragment` (raises InputError when it is not one)."""
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "file not found")], "invalid calibration")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "calibration" not in data or "channels" not in data:
        raise InputError([Problem(str(path), "not a ccplan calibrate fragment (no calibration/channels block)")],
                         "invalid calibration")
    return data


# --- simulating a period ---------------------------------------------------------------------------------------

@dataclass
class PeriodModel:
    """Everything `simulate_period` needs besides availability: channels as scenario dicts, groups, members."""

    interval_minutes: int
    channels: dict[str, dict]
    groups: dict[str, list[str]]
    member: dict[str, str]
    hourly_aht: dict[str, dict[int, float]] = field(default_factory=dict)

    @classmethod
    def from_fragment(cls, fragment: dict) -> "PeriodModel":
        cal = fragment["calibration"]
        return cls(int(fragment.get("interval_minutes", 30)), dict(fragment["channels"]),
                   {g: list(v["skills"]) for g, v in fragment["skill_groups"].items()},
                   dict(cal.get("servers", {})),
                   {n: {int(k): float(v) for k, v in h.items()} for n, h in (cal.get("hourly_aht_seconds") or {}).items()})


def _interval_sums(spec: ModelSpec, outcomes: list[ContactOutcomes]) -> dict:
    """Per channel the per-interval sums of one replication of one chunk."""
    out = {}
    length, n = spec.interval_seconds, spec.n_intervals
    for ch, own in zip(spec.channels, outcomes):
        answered, abandoned, wait = own.answered, own.abandoned, own.wait
        iv = np.clip((own.arrival // length).astype(int), 0, n - 1)

        def count(mask, w=None):
            return np.bincount(iv[mask], weights=None if w is None else w[mask], minlength=n)

        left = answered | abandoned
        rec = {"offered": count(np.ones_like(answered)), "abandoned": count(abandoned),
               "answered": count(answered), "wait_left": count(left, wait), "left": count(left),
               "within_threshold": count(answered & (wait <= ch.threshold_seconds))}
        for thr in THRESHOLDS:
            rec[f"within_{int(thr)}"] = count(answered & (wait <= thr))
        out[ch.name] = rec
    return out


def _scenario(model: PeriodModel, start: dt.date, days: int, interval_minutes: int) -> Scenario:
    channels = {}
    for name, ch in model.channels.items():
        ch = dict(ch)
        ch.pop("open", None)
        channels[name] = ch
    return Scenario.model_validate({
        "name": "replay", "start": start, "days": days, "interval_minutes": interval_minutes,
        "open": "00:00-24:00", "shrinkage": 0.0, "channels": channels,
        "demand": {"rates": {n: 0.0 for n in channels}},
        "skill_groups": {g: {"skills": skills, "headcount": 1} for g, skills in model.groups.items()},
    })


def simulate_period(records: pd.DataFrame, model: PeriodModel, availability: dict[int, float] | np.ndarray,
                    replications: int = 10, seed: int = 1, *, workers: int | None = None,
                    stretches: pd.DataFrame | None = None, executor: Executor | None = None,
                    detail: bool = False) -> pd.DataFrame:
    """Simulate the records' period: their arrivals, the staffing read from them, calibrated service and patience.

    availability: share of on-duty time available per hour of day (dict hour -> share, or 24 values).
    Returns per (ds, channel) the mean over replications of offered, answered, abandoned, within_threshold,
    within_20, within_60, wait_left (seconds summed over contacts that left the line) and left, plus the
    staffing used (on_duty and available agents of all groups, per interval: the same on every channel row).
    Uses only arrival times, channels, who served and when (the staffing), never waits or abandonments.
    `detail` (one replication) returns instead the records with the simulated served, abandoned and
    wait_seconds of every call (calls still waiting when a chunk ends are neither served nor abandoned).
    The replications run on `executor` (planning.execution.open_executor), else on a local process pool of
    `workers` (default: cores; 1: in this process).
    """
    if detail:
        replications = 1
    avail = np.array([float(availability.get(h, 1.0)) for h in range(24)]) if isinstance(availability, dict) \
        else np.asarray(availability, float)
    unknown = sorted(set(records["channel"]) - set(model.channels))
    if unknown:
        raise InputError([Problem("calls", f"call type/channel '{u}' is not a channel of the model "
                                           f"(channels: {', '.join(model.channels)}); map call types to channels "
                                           "with --channel-map TYPE=CHANNEL") for u in unknown],
                         "calls do not match the model")
    if stretches is None:
        stretches = server_stretches(records)
    first = records["arrival"].min().normalize()
    last = records["arrival"].max().normalize()
    days_total = int((last - first).days) + 1
    groups = list(model.groups)
    grid = min(SIM_MINUTES, model.interval_minutes)
    per_day = 1440 // grid
    names = list(model.channels)
    jobs, chunks = [], []
    for c0 in range(0, days_total, CHUNK_DAYS):
        days = min(CHUNK_DAYS, days_total - c0)
        start = first + pd.Timedelta(days=c0)
        scenario = _scenario(model, start.date(), days, grid)
        n = days * per_day
        ds = pd.date_range(start, periods=n, freq=f"{grid}min")
        duty = on_duty(stretches, model.member, groups, start, days, interval_minutes=grid)
        hours = ds.hour.to_numpy()
        plan_m = duty * avail[hours][:, None]
        plan = pd.DataFrame({"ds": np.repeat(ds, len(groups)), "skill_group": np.tile(groups, n),
                             "agents": plan_m.ravel()})
        own = records[(records["arrival"] >= start) & (records["arrival"] < start + pd.Timedelta(days=days))]
        arrivals = []
        demand = []
        for name in names:
            t = ((own.loc[own["channel"] == name, "arrival"] - start).dt.total_seconds()).to_numpy(float)
            arrivals.append(np.sort(t))
            counts = np.bincount(np.minimum((t // (grid * 60)).astype(int), n - 1), minlength=n)
            base = float(model.channels[name]["aht_seconds"])
            hourly = model.hourly_aht.get(name, {})
            aht = np.array([hourly.get(int(h), base) for h in hours])
            demand.append(pd.DataFrame({"ds": ds, "channel": name, "contacts": counts.astype(float),
                                        "aht_seconds": aht}))
        spec = build_spec(scenario, plan, pd.concat(demand, ignore_index=True))
        children = np.random.SeedSequence([seed, c0]).spawn(replications)
        jobs += [GivenArrivals(spec, children[k], tuple(arrivals)) for k in range(replications)]
        chunks.append((ds, duty.sum(axis=1), plan_m.sum(axis=1), own))
    with executor_or_local(executor, max(1, min(workers or os.cpu_count() or 1, len(jobs)))) as run_on:
        results = replicate(jobs, executor=run_on)
    if detail:
        parts = []
        for (_, _, _, own), res in zip(chunks, results):
            by_name = {outcome.channel: outcome for outcome in res}
            for name in names:
                outcome = by_name[name]
                mine = own[own["channel"] == name].sort_values("arrival", kind="stable").copy()
                mine["served"], mine["abandoned"] = outcome.answered, outcome.abandoned
                mine["wait_seconds"] = np.nan_to_num(outcome.wait, nan=0.0)
                parts.append(mine)
        return pd.concat(parts).sort_values("arrival", kind="stable").reset_index(drop=True)
    rows = []
    for ci, (ds, duty, avail_agents, _) in enumerate(chunks):
        reps = [_interval_sums(jobs[k].spec, results[k]) for k in range(ci * replications, (ci + 1) * replications)]
        for name in names:
            frame = {"ds": ds, "channel": name}
            for f in reps[0][name]:
                frame[f] = np.mean([r[name][f] for r in reps], axis=0)
            frame["on_duty"] = duty
            frame["available_agents"] = avail_agents
            rows.append(pd.DataFrame(frame))
    fine = pd.concat(rows, ignore_index=True)
    if grid == model.interval_minutes:
        return fine
    # back to the reporting interval: contacts summed, agents averaged over the sub-intervals
    fine["ds"] = fine["ds"].dt.floor(f"{model.interval_minutes}min")
    agg = {c: ("mean" if c in ("on_duty", "available_agents") else "sum") for c in fine.columns
           if c not in ("ds", "channel")}
    return fine.groupby(["ds", "channel"], as_index=False, sort=False).agg(agg)


# --- observed figures ------------------------------------------------------------------------------------------

def observed_intervals(records: pd.DataFrame, interval_minutes: int, threshold_seconds: float | dict) -> pd.DataFrame:
    """The records' own figures per (ds, channel), with the same columns as `simulate_period`'s sums."""
    thr = records["channel"].map(threshold_seconds) if isinstance(threshold_seconds, dict) else threshold_seconds
    df = pd.DataFrame({
        "ds": records["arrival"].dt.floor(f"{interval_minutes}min"), "channel": records["channel"],
        "offered": 1.0, "answered": records["served"].astype(float), "abandoned": records["abandoned"].astype(float),
        "within_threshold": (records["served"] & (records["wait_seconds"] <= thr)).astype(float),
        "wait_left": records["wait_seconds"], "left": 1.0,
    })
    for t in THRESHOLDS:
        df[f"within_{int(t)}"] = (records["served"] & (records["wait_seconds"] <= t)).astype(float)
    return df.groupby(["ds", "channel"], as_index=False).sum()


def _by_hour(table: pd.DataFrame) -> pd.DataFrame:
    t = table.assign(hour=pd.to_datetime(table["ds"]).dt.hour)
    g = t.groupby("hour")[["offered", "abandoned", "within_60"]].sum()
    g["abandon"] = g["abandoned"] / g["offered"]
    g["sl60"] = g["within_60"] / g["offered"]
    return g


# --- availability ----------------------------------------------------------------------------------------------

def fit_availability(records: pd.DataFrame, model: PeriodModel, replications: int = 6, seed: int = 7,
                     workers: int | None = None, *, rounds: int = 4, progress=None,
                     stretches: pd.DataFrame | None = None, abandon_weight: float = 1.0,
                     executor: Executor | None = None) -> tuple[dict[int, float], list[dict], pd.DataFrame]:
    """Availability by hour of day such that simulating `records`' days reproduces their abandonment and
    share answered within 60 s, hour of day by hour of day (pooled over days and channels).

    Per hour the gap g = (simulated - observed abandonment) + (observed - simulated within-60-s share) falls as
    availability rises; first one overall share is found (secant steps on the total gap), then each hour with
    at least MIN_HOUR_CALLS calls is moved by secant steps on its own gap, `rounds` times. Every evaluation
    simulates the same customers (one seed), so successive gaps differ by availability alone.
    `stretches` (server, start, end) default to those read from the records. `abandon_weight` weighs the
    abandonment gap against the within-60-s gap (1: equal; not tuned on replayed days). `executor`, `workers`: as
    simulate_period's.
    Returns (availability per hour, the log of evaluations, observed figures per hour).
    """
    stretches = server_stretches(records) if stretches is None else stretches
    observed = _by_hour(observed_intervals(records, model.interval_minutes, 20.0))
    hours_fit = [int(h) for h in observed.index if observed.at[h, "offered"] >= MIN_HOUR_CALLS]
    log: list[dict] = []
    lo, hi = AVAIL_BOUNDS

    def evaluate(avail: np.ndarray) -> pd.DataFrame:
        sim = simulate_period(records, model, avail, replications, seed, workers=workers, stretches=stretches,
                              executor=executor)
        got = _by_hour(sim).reindex(observed.index)
        gap = abandon_weight * (got["abandon"] - observed["abandon"]) + (observed["sl60"] - got["sl60"])
        total = float((gap * observed["offered"]).sum() / observed["offered"].sum())
        log.append({"availability": [round(float(a), 4) for a in avail], "total_gap": round(total, 5),
                    "abandon_sim": round(float(got["abandoned"].sum() / got["offered"].sum()), 5),
                    "sl60_sim": round(float(got["within_60"].sum() / got["offered"].sum()), 5)})
        if progress:
            progress(min(0.95, len(log) / (3 + rounds + 1)), f"availability fit, evaluation {len(log)}")
        return gap.fillna(0.0), total

    # 1) one share for every hour: secant on the total gap from 1.0 and 0.7
    a0, a1 = 1.0, 0.7
    _, g0 = evaluate(np.full(24, a0))
    gaps, g1 = evaluate(np.full(24, a1))
    for _ in range(2):
        if abs(g1 - g0) < 1e-9:
            break
        a2 = float(np.clip(a1 - g1 * (a1 - a0) / (g1 - g0), lo, hi))
        a0, g0 = a1, g1
        a1 = a2
        gaps, g1 = evaluate(np.full(24, a1))
    overall = a1
    # 2) hour by hour, secant on each hour's gap (first step: the slope of the overall search)
    slope = (g1 - g0) / (a1 - a0) if abs(a1 - a0) > 1e-9 else -1.0
    slope = slope if slope < -0.05 else -1.0
    avail = np.full(24, overall)
    cur_g = np.array([gaps.get(h, 0.0) for h in range(24)])
    step_slopes = np.full(24, slope)
    for _ in range(rounds):
        new = avail.copy()
        for h in hours_fit:
            s = step_slopes[h]
            new[h] = float(np.clip(avail[h] - cur_g[h] / s, max(lo, avail[h] - 0.15), min(hi, avail[h] + 0.15)))
        if np.allclose(new, avail, atol=1e-3):
            break
        prev_a, prev_g = avail, cur_g
        avail = new
        gaps, _ = evaluate(avail)
        cur_g = np.array([gaps.get(h, 0.0) for h in range(24)])
        for h in hours_fit:
            da = avail[h] - prev_a[h]
            if abs(da) > 1e-4:
                s = (cur_g[h] - prev_g[h]) / da
                step_slopes[h] = s if s < -0.05 else step_slopes[h]
    # one hour of a few days is a small sample (its abandonment moves by points between samples) and where the
    # figures hardly respond to availability (e.g. the last hour of a day) the secant amplifies that noise:
    # smooth over neighbouring fitted hours (weights 1/4, 1/2, 1/4)
    smooth = avail.copy()
    for h in hours_fit:
        near = [(w, avail[j]) for w, j in ((0.25, h - 1), (0.5, h), (0.25, h + 1)) if j in hours_fit]
        smooth[h] = sum(w * a for w, a in near) / sum(w for w, _ in near)
    return {h: float(smooth[h]) for h in range(24)}, log, observed


def calibrate(records: pd.DataFrame, interval_minutes: int = 30, threshold_seconds: float = 20.0,
              replications: int = 6, seed: int = 7, *, workers: int | None = None, channel_map: dict | None = None,
              progress=None, executor: Executor | None = None) -> Calibration:
    """Fit channels, skill groups and availability to call records (from forecasting.calls.call_records).

    Call types with fewer than MIN_CALLS_CHANNEL contacts join the busiest channel (a small "<type>_priority"
    channel joins its type), as recorded in `channel_map`. `executor`, `workers`: where the availability fit's
    simulations run (simulate_period).
    """
    if records.empty:
        raise InputError([Problem("calls", "no calls in the chosen period")], "invalid call records")
    counts = records["channel"].value_counts()
    channel_map = dict(channel_map or {})
    small = [c for c in counts.index if counts[c] < MIN_CALLS_CHANNEL]
    if small and len(small) < len(counts):
        for c in small:
            # a small priority channel joins its call type when that is big enough, else the busiest channel
            own = str(c)[:-len(PRIORITY_SUFFIX)] if str(c).endswith(PRIORITY_SUFFIX) else None
            channel_map[c] = own if own in counts.index and own not in small else str(counts.index[0])
        records = records.assign(channel=records["channel"].replace({c: channel_map[c] for c in small}))
    channels: dict[str, HandleFit] = {}
    patience: dict[str, PatienceFit | None] = {}
    for name, own in records.groupby("channel", sort=False):
        served = own[own["served"] & own["handle_seconds"].notna()]
        if len(served) < 10:
            raise InputError([Problem(f"calls:{name}", f"{len(served)} answered calls: too few to fit handle times")],
                             "invalid call records")
        channels[str(name)] = fit_handle(served["handle_seconds"].to_numpy(), served["arrival"].dt.hour.to_numpy())
        try:
            patience[str(name)] = fit_patience(own["wait_seconds"].to_numpy(), own["abandoned"].to_numpy())
        except ValueError:
            patience[str(name)] = None    # (almost) nobody abandoned: infinite patience
    order = list(records["channel"].value_counts().index)
    channels = {n: channels[n] for n in order}
    groups, member = propose_groups(records, order)
    period = (str(records["arrival"].min().date()), str(records["arrival"].max().date()))
    cal = Calibration(interval_minutes, channels, patience, groups, member, {h: 1.0 for h in range(24)},
                      threshold_seconds, channel_map, period)
    model = PeriodModel.from_fragment(cal.fragment())
    cal.availability, cal.fit_log, observed = fit_availability(records, model, replications, seed, workers,
                                                              progress=progress, executor=executor)
    cal.observed_by_hour = [{"hour": int(h), "offered": int(r.offered), "abandon": round(float(r.abandon), 4),
                             "sl60": round(float(r.sl60), 4)} for h, r in observed.iterrows()]
    return cal

"""KPI display: the simulator's summary per channel against the scenario's targets, as st.metric tiles."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app.ui import readable
from app.ui.readable import number as _num, pct
from scenarios import Scenario
from sim import SimSummary


def pp(diff: float, against: str = "target") -> str | None:
    """A tile's delta: '+1.5 pp vs target'; None when unknown."""
    return None if math.isnan(diff) else f"{readable.pp(diff)} vs {against}"


def channel_metrics(sc: Scenario, summary: SimSummary, key_prefix: str = "") -> None:
    """One row of tiles per channel: service level (delta vs target), abandon rate (vs max), waits; bot: containment."""
    for name, ch in sc.channels.items():
        kpi = summary.channels.get(name)
        if kpi is None:
            continue
        st.markdown(f"**{name}** ({ch.kind})")
        cols = st.columns(4)
        if ch.kind == "ai":
            offered = _num(kpi.offered)
            contained = _num(kpi.contained)
            share = contained / offered if offered else math.nan
            cols[0].metric(f"{name} sessions", f"{offered:,.0f}")
            cols[1].metric(f"{name} contained", pct(share), pp(share - ch.containment, "setting"),
                           delta_color="off")
            cols[2].metric(f"{name} escalated", f"{_num(kpi.escalated):,.0f}")
            continue
        target = ch.target
        sl = _num(kpi.service_level)
        cols[0].metric(f"{name} service level", pct(sl), pp(sl - target.service_level),
                       help=f"target {target.service_level:.0%} within "
                            + (f"{target.respond_within_hours:g} h" if ch.kind == "deferred"
                               else f"{target.answer_within_seconds:g} s"))
        if ch.kind == "deferred":
            cols[1].metric(f"{name} offered", f"{_num(kpi.offered):,.0f}")
            cols[2].metric(f"{name} answered", f"{_num(kpi.answered):,.0f}")
            cols[3].metric(f"{name} unfinished", f"{_num(kpi.unfinished):,.0f}")
            continue
        ab = _num(kpi.abandon_rate)
        limit = target.max_abandon_rate
        cols[1].metric(f"{name} abandon rate", pct(ab),
                       pp(ab - limit, "max") if limit is not None else None,
                       delta_color="inverse")
        asa = _num(kpi.asa_seconds)
        cols[2].metric(f"{name} ASA", "n/a" if math.isnan(asa) else f"{asa:,.0f} s",
                       help="average speed of answer, seconds")
        meet = _num(kpi.intervals_meeting_target)
        cols[3].metric(f"{name} intervals meeting target", pct(meet))


def group_metrics(summary: SimSummary) -> None:
    groups = summary.skill_groups
    if not groups:
        return
    cols = st.columns(max(len(groups), 1))
    for col, (name, g) in zip(cols, groups.items()):
        col.metric(f"{name} occupancy", pct(g.occupancy),
                   help=f"paid {_num(g.paid_hours):,.0f} h, busy {_num(g.busy_hours):,.0f} h")


def summary_table(sc: Scenario, summary: SimSummary) -> pd.DataFrame:
    """Channels x KPIs (with targets) as a table."""
    rows = []
    for name, kpi in summary.channels.items():
        ch = sc.channels.get(name)
        target = getattr(ch, "target", None)
        rows.append({"channel": name, "offered": kpi.offered, "answered": kpi.answered, "abandoned": kpi.abandoned,
                     "service_level": kpi.service_level,
                     "target_service_level": getattr(target, "service_level", None),
                     "abandon_rate": kpi.abandon_rate, "asa_seconds": kpi.asa_seconds,
                     "wait_p90_seconds": kpi.wait_p90_seconds})
    return pd.DataFrame(rows)


# --- what-if KPI names and directions ------------------------------------------------------------------------

_NAMES = {"service_level": "service level", "abandon_rate": "abandoned", "asa_seconds": "average speed of answer",
          "intervals_meeting_target": "open intervals meeting targets", "occupancy": "occupancy",
          "paid_hours": "paid hours", "agent_hours": "agent-hours required", "escalated": "escalated to people",
          "busy_hours": "busy hours", "offered": "offered", "answered": "answered", "abandoned": "abandoned contacts",
          "contained": "contained by the bot", "wait_p90_seconds": "90th percentile wait",
          "wait_mean_seconds": "mean wait of answered"}
# Lower is better for these; higher for intervals meeting targets and service level; occupancy is neither.
LOWER_IS_BETTER = ("abandon", "asa", "paid_hours", "wait", "agent_hours", "escalated")
NEUTRAL = ("occupancy", "offered", "answered", "busy_hours", "contained")


def kpi_label(kpi: str) -> str:
    """'channels.phone.service_level' -> 'phone: service level'; 'paid_hours' -> 'Paid hours (all agents)'."""
    parts = kpi.split(".")
    name = _NAMES.get(parts[-1], parts[-1].replace("_", " "))
    if len(parts) == 1:
        return name[0].upper() + name[1:] + (" (all agents)" if parts[0] == "paid_hours" else "")
    owner = parts[-2] if len(parts) >= 2 else ""
    if parts[0] == "requirements":
        return f"{owner}: {name} (requirement)"
    return f"{owner}: {name}"


def kpi_direction(kpi: str) -> str:
    """Streamlit's delta_color for the KPI: "inverse" when lower is better, "off" when neither, else "normal"."""
    name = kpi.split(".")[-1]
    if any(s in name for s in NEUTRAL):
        return "off"
    if any(s in kpi for s in LOWER_IS_BETTER):
        return "inverse"
    return "normal"


def kpi_rank(kpi: str) -> tuple:
    """Order of the what-if headline: paid hours first, then the share of intervals meeting targets, then the
    service level, then everything else in its own order."""
    name = kpi.split(".")[-1]
    if name == "paid_hours":
        return (0 if kpi == "paid_hours" else 1,)
    if name == "intervals_meeting_target":
        return (2,)
    if name == "service_level":
        return (3,)
    return (4,)


def comparison_table(table: pd.DataFrame) -> pd.DataFrame:
    """A what-if comparison (planning.whatif.compare: variant, kpi, value, base, ...) as one row per KPI in plain
    words, one column per variant (the first is the base) and one per difference to the base (the variant's figure
    minus the base's, as the figures beside it say), every figure in its unit (readable.figure)."""
    variants = list(dict.fromkeys(table["variant"]))
    kpi_names = list(dict.fromkeys(table["kpi"]))
    by = {(r.variant, r.kpi): r for r in table.itertuples(index=False)}
    rows = []
    for kpi in kpi_names:
        row = {"KPI": kpi_label(kpi)}
        for v in variants:
            r = by.get((v, kpi))
            row[v] = readable.figure(kpi, None if r is None else r.value)
        for v in variants[1:]:
            r = by.get((v, kpi))
            row[f"Δ {v}"] = readable.figure(kpi, None if r is None else _num(r.value) - _num(r.base), signed=True)
        rows.append(row)
    return pd.DataFrame(rows, columns=["KPI", *variants, *(f"Δ {v}" for v in variants[1:])])


@dataclass(frozen=True)
class Delta:
    """A variant's difference to the base as shown: `diff` = its figure minus the base's; `lo`, `hi` the 95%
    interval (None: none shown)."""

    diff: float
    lo: float | None = None
    hi: float | None = None


def variant_delta(row) -> Delta | None:
    """The difference a what-if comparison row (planning.whatif.compare) shows: the variant's figure minus the
    base's, so it always agrees with the two figures beside it; None when it is zero or unknown. The paired
    interval is about the mean of per-replication figures, which for a pooled figure (the share of intervals
    meeting targets over all replications) is another number: it is shown only when it holds the difference shown.
    """
    diff = _num(row["value"]) - _num(row["base"])
    if math.isnan(diff) or diff == 0:
        return None
    lo, hi = _num(row["diff_lo"]), _num(row["diff_hi"])
    if row["method"] == "exact" or math.isnan(lo) or math.isnan(hi) or not lo <= diff <= hi:
        return Delta(diff)
    return Delta(diff, lo, hi)

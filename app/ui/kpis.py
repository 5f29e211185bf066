"""KPI display: the simulator's summary per channel against the scenario's targets, as st.metric tiles."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from scenarios import Scenario


def _num(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def pct(value) -> str:
    v = _num(value)
    return "n/a" if math.isnan(v) else f"{v:.1%}"


def pp(diff: float) -> str | None:
    return None if math.isnan(diff) else f"{diff * 100:+.1f} pp vs target"


def channel_metrics(sc: Scenario, summary: dict, key_prefix: str = "") -> None:
    """One row of tiles per channel: service level (delta vs target), abandon rate (vs max), waits; bot: containment."""
    channels = summary.get("channels") or {}
    for name, ch in sc.channels.items():
        kpi = channels.get(name)
        if kpi is None:
            continue
        st.markdown(f"**{name}** ({ch.kind})")
        cols = st.columns(4)
        if ch.kind == "ai":
            offered = _num(kpi.get("offered"))
            contained = _num(kpi.get("contained"))
            share = contained / offered if offered else math.nan
            cols[0].metric(f"{name} sessions", f"{offered:,.0f}")
            cols[1].metric(f"{name} contained", pct(share), f"{(share - ch.containment) * 100:+.1f} pp vs setting"
                           if not math.isnan(share) else None, delta_color="off")
            cols[2].metric(f"{name} escalated", f"{_num(kpi.get('escalated')):,.0f}")
            continue
        target = ch.target
        sl = _num(kpi.get("service_level"))
        cols[0].metric(f"{name} service level", pct(sl), pp(sl - target.service_level),
                       help=f"target {target.service_level:.0%} within "
                            + (f"{target.respond_within_hours:g} h" if ch.kind == "deferred"
                               else f"{target.answer_within_seconds:g} s"))
        if ch.kind == "deferred":
            cols[1].metric(f"{name} offered", f"{_num(kpi.get('offered')):,.0f}")
            cols[2].metric(f"{name} answered", f"{_num(kpi.get('answered')):,.0f}")
            cols[3].metric(f"{name} unfinished", f"{_num(kpi.get('unfinished')):,.0f}")
            continue
        ab = _num(kpi.get("abandon_rate"))
        limit = target.max_abandon_rate
        cols[1].metric(f"{name} abandon rate", pct(ab),
                       pp(ab - limit).replace("target", "max") if limit is not None and not math.isnan(ab) else None,
                       delta_color="inverse")
        asa = _num(kpi.get("asa_seconds"))
        cols[2].metric(f"{name} ASA", "n/a" if math.isnan(asa) else f"{asa:,.0f} s",
                       help="average speed of answer, seconds")
        meet = _num(kpi.get("intervals_meeting_target"))
        cols[3].metric(f"{name} intervals meeting target", pct(meet))


def group_metrics(summary: dict) -> None:
    groups = summary.get("skill_groups") or {}
    if not groups:
        return
    cols = st.columns(max(len(groups), 1))
    for col, (name, g) in zip(cols, groups.items()):
        col.metric(f"{name} occupancy", pct(g.get("occupancy")),
                   help=f"paid {_num(g.get('paid_hours')):,.0f} h, busy {_num(g.get('busy_hours')):,.0f} h")


def summary_table(sc: Scenario, summary: dict) -> pd.DataFrame:
    """Channels x KPIs (with targets) as a table."""
    rows = []
    for name, kpi in (summary.get("channels") or {}).items():
        ch = sc.channels.get(name)
        target = getattr(ch, "target", None)
        rows.append({"channel": name, "offered": kpi.get("offered"), "answered": kpi.get("answered"),
                     "abandoned": kpi.get("abandoned"), "service_level": kpi.get("service_level"),
                     "target_service_level": getattr(target, "service_level", None),
                     "abandon_rate": kpi.get("abandon_rate"), "asa_seconds": kpi.get("asa_seconds"),
                     "wait_p90_seconds": kpi.get("wait_p90_seconds")})
    return pd.DataFrame(rows)

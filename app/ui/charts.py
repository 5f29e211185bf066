"""Altair charts of the app. Inputs are the packages' long-format tables; nothing is computed here but layout."""

from __future__ import annotations

import altair as alt
import pandas as pd

BAND_OPACITY = 0.25


def history_forecast(history: pd.DataFrame, forecast: pd.DataFrame, title: str = "") -> alt.Chart:
    """Contacts per interval: history as a grey line, the forecast as a line with its prediction band.

    history: ds, contacts. forecast: ds, yhat and optionally yhat_lo, yhat_hi.
    """
    layers = []
    if len(history):
        h = history[["ds", "contacts"]].assign(series="history")
        layers.append(alt.Chart(h).mark_line(color="#888", strokeWidth=1).encode(
            x=alt.X("ds:T", title=None), y=alt.Y("contacts:Q", title="contacts per interval"),
            tooltip=[alt.Tooltip("ds:T", format="%a %d %b %H:%M"), alt.Tooltip("contacts:Q", format=".1f")]))
    if len(forecast):
        if {"yhat_lo", "yhat_hi"} <= set(forecast.columns):
            layers.append(alt.Chart(forecast).mark_area(opacity=BAND_OPACITY, color="#1f77b4").encode(
                x="ds:T", y="yhat_lo:Q", y2="yhat_hi:Q",
                tooltip=[alt.Tooltip("ds:T", format="%a %d %b %H:%M"), alt.Tooltip("yhat_lo:Q", format=".1f"),
                         alt.Tooltip("yhat_hi:Q", format=".1f")]))
        layers.append(alt.Chart(forecast).mark_line(color="#1f77b4").encode(
            x="ds:T", y=alt.Y("yhat:Q", title="contacts per interval"),
            tooltip=[alt.Tooltip("ds:T", format="%a %d %b %H:%M"), alt.Tooltip("yhat:Q", format=".1f")]))
    return alt.layer(*layers).properties(title=title, height=220)


def interval_line(df: pd.DataFrame, y: str, title: str, *, color: str | None = None, target: float | None = None,
                  y_title: str | None = None, y_format: str = ".2f", band: tuple[str, str] | None = None) -> alt.Chart:
    """A per-interval line (one per `color` value), an optional CI band and a dashed target line."""
    enc = dict(x=alt.X("ds:T", title=None), y=alt.Y(f"{y}:Q", title=y_title or y, axis=alt.Axis(format=y_format)),
               tooltip=[alt.Tooltip("ds:T", format="%a %d %b %H:%M"), alt.Tooltip(f"{y}:Q", format=y_format)])
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=None)
        enc["tooltip"].append(alt.Tooltip(f"{color}:N"))
    layers = []
    if band and set(band) <= set(df.columns):
        benc = dict(x="ds:T", y=f"{band[0]}:Q", y2=f"{band[1]}:Q")
        if color:
            benc["color"] = alt.Color(f"{color}:N", title=None)
        layers.append(alt.Chart(df).mark_area(opacity=0.15).encode(**benc))
    layers.append(alt.Chart(df).mark_line(strokeWidth=1.5).encode(**enc))
    if target is not None:
        layers.append(alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(color="red", strokeDash=[6, 3]).encode(
            y="target:Q", tooltip=[alt.Tooltip("target:Q", title="target", format=y_format)]))
    return alt.layer(*layers).properties(title=title, height=220)


def coverage(df: pd.DataFrame, title: str = "") -> alt.Chart:
    """Requirement vs scheduled agents per interval. df: ds, series, agents (long)."""
    colors = alt.Scale(domain=["required", "scheduled"], range=["#d62728", "#1f77b4"])
    return alt.Chart(df).mark_line(interpolate="step-after", strokeWidth=1.5).encode(
        x=alt.X("ds:T", title=None), y=alt.Y("agents:Q", title="available agents"),
        color=alt.Color("series:N", title="agents", scale=colors,
                        legend=alt.Legend(orient="top", labelExpr="datum.label == 'required' ? 'required (target)' "
                                                                  ": 'scheduled (available)'")),
        strokeDash=alt.StrokeDash("series:N", legend=None),
        tooltip=[alt.Tooltip("ds:T", format="%a %d %b %H:%M"), "series:N", alt.Tooltip("agents:Q", format=".1f")],
    ).properties(title=title, height=260)


def gantt(segments: pd.DataFrame, title: str = "") -> alt.Chart:
    """Per-agent timeline of the week: one bar per work period, lunch and break.

    segments: agent, skill_group, part ("work", "lunch", "break"), start, end (timestamps).
    """
    n_agents = max(segments["agent"].nunique(), 1)
    colors = alt.Scale(domain=["work", "lunch", "break"], range=["#4c78a8", "#f58518", "#e45756"])
    return alt.Chart(segments).mark_bar().encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%a %H:%M")), x2="end:T",
        # Every agent labelled: no label dropped for overlap, long ids not cut.
        y=alt.Y("agent:N", title=None, sort=sorted(segments["agent"].unique()),
                axis=alt.Axis(labelOverlap=False, labelLimit=240, labelFontSize=10)),
        color=alt.Color("part:N", scale=colors, title=None),
        tooltip=["agent:N", "skill_group:N", "part:N", alt.Tooltip("start:T", format="%a %H:%M"),
                 alt.Tooltip("end:T", format="%a %H:%M")],
    ).properties(title=title, height=min(18 * n_agents + 40, 2400))


def grouped_bars(df: pd.DataFrame, x: str, y: str, color: str, title: str = "", *, y_format: str = ".2f",
                 y_title: str | None = None) -> alt.Chart:
    """Side-by-side bars (e.g. a KPI per variant); `y_format` (d3) for the axis and the tooltip (".0%": shares)."""
    return alt.Chart(df).mark_bar().encode(
        x=alt.X(f"{x}:N", title=None), y=alt.Y(f"{y}:Q", title=y_title or y, axis=alt.Axis(format=y_format)), color=alt.Color(f"{color}:N", title=None),
        xOffset=f"{color}:N", tooltip=[f"{x}:N", f"{color}:N", alt.Tooltip(f"{y}:Q", format=y_format)],
    ).properties(title=title, height=260)


def roster_segments(roster, agents: list[str] | None = None) -> pd.DataFrame:
    """A Roster's shifts cut into work periods, lunch and breaks, as timestamps for `gantt`."""
    base = pd.Timestamp(roster.week_start)
    keep = set(agents) if agents is not None else None
    rows = []
    for s in roster.shifts:
        if keep is not None and s.agent not in keep:
            continue
        parts = [("work", a, b) for a, b in s.work_periods()]
        if s.lunch:
            parts.append(("lunch", *s.lunch))
        parts += [("break", a, b) for a, b in s.breaks]
        for part, a, b in parts:
            rows.append({"agent": s.agent, "skill_group": s.skill_group, "part": part,
                         "start": base + pd.Timedelta(seconds=a), "end": base + pd.Timedelta(seconds=b)})
    return pd.DataFrame(rows, columns=["agent", "skill_group", "part", "start", "end"])


def claimed_vs_actual(df: pd.DataFrame, title: str = "", *, threshold: float | None = None) -> alt.Chart:
    """Share of intervals meeting targets per week: one colour per method, claimed dashed and actual solid, with an
    optional dotted threshold line. df (long): week (date), method, figure ("claimed" / "actual"), share (0..1)."""
    dashes = alt.Scale(domain=["claimed", "actual"], range=[[6, 3], [1, 0]])
    layers = [alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("week:T", title="week starting", axis=alt.Axis(format="%d %b %Y")),
        y=alt.Y("share:Q", title="intervals meeting targets", axis=alt.Axis(format="%")),
        color=alt.Color("method:N", title="method"), strokeDash=alt.StrokeDash("figure:N", title=None, scale=dashes),
        tooltip=[alt.Tooltip("week:T", format="%a %d %b %Y"), "method:N", "figure:N",
                 alt.Tooltip("share:Q", format=".1%")])]
    if threshold is not None:
        layers.append(alt.Chart(pd.DataFrame({"threshold": [threshold]})).mark_rule(
            color="grey", strokeDash=[2, 2]).encode(y="threshold:Q",
                                                  tooltip=[alt.Tooltip("threshold:Q", format=".0%")]))
    return alt.layer(*layers).properties(title=title, height=260)


def risk_curve(df: pd.DataFrame, title: str = "") -> alt.Chart:
    """Paid hours against risk (df: risk as a share, paid hours), points joined by a line."""
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("risk:Q", title="risk (share of plausible weeks the targets hold on)", axis=alt.Axis(format=".0%"),
                scale=alt.Scale(zero=False)),
        y=alt.Y("paid hours:Q", title="paid hours", scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("risk:Q", format=".0%"), alt.Tooltip("paid hours:Q", format=",.1f")],
    ).properties(title=title, height=220)

"""KPIs as the commands show them: a flat KPI name as a row label, values and differences as table cells, and the
comparison table of `ccplan whatif` and `ccplan runs compare`."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Console
from rich.table import Table

console = Console()

HEADLINE = ("service_level", "abandon_rate", "asa_seconds", "escalated", "occupancy", "paid_hours", "agent_hours")


def print_comparison(table: pd.DataFrame, title: str = "", all_kpis: bool = False) -> None:
    """Headline KPIs of each variant: value, base, difference and its 95% CI (a comparison from planning.whatif).

    The base (first variant) is not repeated; each other variant gets a table titled by its overrides. Rows with
    nothing to say are left out of the headline view: zero everywhere, or a skill group's paid hours that no
    variant changes (fixed staff).
    """
    shown = table
    if not all_kpis:
        last = table["kpi"].str.split(".").str[-1]
        shown = table[last.isin(HEADLINE)]
        unchanged = shown.groupby("kpi")["diff"].transform(lambda d: bool((d.fillna(0) == 0).all()))
        empty = shown.groupby("kpi")["value"].transform(lambda v: bool((v.fillna(0) == 0).all()))
        group_hours = shown["kpi"].str.startswith("skill_groups.") & shown["kpi"].str.endswith(".paid_hours")
        shown = shown[~(empty & unchanged) & ~(group_hours & unchanged)]
    shown = shown[~(shown["value"].isna() & shown["base"].isna())]
    base = shown["variant"].iloc[0] if len(shown) else ""
    console.print(f"[bold]{title}[/bold]" + ("\n" if title else "") + f"base: {base}")
    for k, (variant, rows) in enumerate(shown.groupby("variant", sort=False)):
        if k == 0:
            continue
        out = Table(title=f"[bold]{variant}[/bold]", title_justify="left")
        for col in ("KPI", "value", "base", "difference", "95% CI"):
            out.add_column(col, justify="left" if col == "KPI" else "right", no_wrap=True)
        for row in rows.itertuples(index=False):
            # Long waits (deferred work) read better in minutes, their differences too.
            minutes = row.kpi.endswith("_seconds") and abs(row.base) >= 600
            if row.method == "exact":
                ci = "exact"
            elif math.isnan(row.diff_lo):
                ci = "n/a"
            else:
                ci = (f"{format_kpi_difference(row.kpi, row.diff_lo, False, minutes)} .. "
                      f"{format_kpi_difference(row.kpi, row.diff_hi, False, minutes)}")
            mark = " *" if (row.method in ("paired", "welch") and not math.isnan(row.diff_lo)
                            and (row.diff_lo > 0 or row.diff_hi < 0)) else ""
            out.add_row(kpi_label(row.kpi), format_kpi(row.kpi, row.value, minutes),
                        format_kpi(row.kpi, row.base, minutes),
                        format_kpi_difference(row.kpi, row.diff, True, minutes) + mark, ci)
        console.print(out)
    console.print("pp = percentage points; * = the 95% CI of the difference excludes 0", style="dim")



_NAMES = {"service_level": "SL", "abandon_rate": "abandoned", "asa_seconds": "ASA", "wait_p90_seconds": "wait p90",
          "agent_hours": "needs (agent-h)", "escalated": "escalated", "paid_hours": "paid hours",
          "intervals_meeting_target": "intervals on target"}


def kpi_label(kpi: str) -> str:
    """A flat KPI name as a table row: "channels.phone.service_level" -> "phone SL"."""
    parts = kpi.split(".")
    name = _NAMES.get(parts[-1], parts[-1].replace("_", " "))
    return f"{parts[1]} {name}" if parts[0] in ("channels", "skill_groups", "requirements") else name


def _is_share(kpi: str) -> bool:
    return kpi.endswith(("service_level", "abandon_rate", "occupancy", "intervals_meeting_target", "p_wait"))


def _number(value: float, sign: str = "") -> str:
    """One decimal below 100, none above (the table stays narrow)."""
    return f"{value:{sign},.1f}" if abs(value) < 100 else f"{value:{sign},.0f}"


def format_kpi(kpi: str, value: float, minutes: bool = False) -> str:
    """A KPI's value for a table: shares in %, seconds in s (or min with `minutes`), hours in h; "-" when none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if _is_share(kpi):
        return f"{value:.1%}"
    if kpi.endswith("_seconds"):
        return f"{_number(value / 60)} min" if minutes else f"{_number(value)} s"
    if kpi.endswith("hours"):
        return f"{_number(value)} h"
    return _number(value)


def format_kpi_difference(kpi: str, value: float, unit: bool = True, minutes: bool = False) -> str:
    """A difference of a KPI, signed: shares in percentage points (pp), seconds, minutes or hours as `format_kpi`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if _is_share(kpi):
        return f"{value * 100:+.1f}" + (" pp" if unit else "")
    if kpi.endswith("_seconds"):
        return _number(value / 60, "+") + (" min" if unit else "") if minutes else _number(value, "+") + (" s" if unit else "")
    return _number(value, "+") + (" h" if unit and kpi.endswith("hours") else "")

"""Writing a schedule: the roster CSV (scenarios.staffing format) and an Excel workbook with roster, coverage
and KPI sheets (openpyxl)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_excel(result, path: str | Path) -> Path:
    """Workbook with sheets roster, coverage (ds, channel, required, scheduled, short), groups, shortfalls, kpis."""
    path = Path(path)
    tmp = path.with_name(path.stem + ".tmp.xlsx")
    kpis = _flat(result.kpis)
    with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        result.roster.to_frame().to_excel(xl, sheet_name="roster", index=False)
        cov = result.coverage.copy()
        cov["ds"] = cov["ds"].astype(str)
        cov.to_excel(xl, sheet_name="coverage", index=False)
        groups = result.groups.copy()
        groups["ds"] = groups["ds"].astype(str)
        groups.to_excel(xl, sheet_name="groups", index=False)
        pd.DataFrame(result.shortfalls, columns=["ds", "channels", "short_agents"]).to_excel(
            xl, sheet_name="shortfalls", index=False)
        pd.DataFrame(sorted(kpis.items()), columns=["kpi", "value"]).to_excel(xl, sheet_name="kpis", index=False)
    tmp.replace(path)
    return path


def write_outputs(result, csv: str | Path | None = None, xlsx: str | Path | None = None) -> list[Path]:
    """Write the roster CSV and/or the workbook; returns the paths written."""
    written = []
    if csv:
        written.append(result.roster.write_csv(csv))
    if xlsx:
        written.append(write_excel(result, xlsx))
    return written


def _flat(data, prefix: str = "") -> dict:
    """Nested KPI dict -> {"channels.phone.service_level": value, ...} (lists of rounds as text)."""
    out = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, name + "."))
        elif isinstance(value, list):
            out[name] = str(value)
        else:
            out[name] = value
    return out

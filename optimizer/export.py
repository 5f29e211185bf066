"""Writing a schedule: the roster CSV (scenarios.staffing format), an Excel workbook with roster, coverage
and KPI sheets (openpyxl); and the published week (`publish_workbook`: an agent x day grid, the shift list,
coverage and figures) with one iCalendar file per agent (`write_calendars`, icalendar)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scenarios import clock_minutes
from scenarios.tables import write_atomic


def write_excel(result, path: str | Path) -> Path:
    """Workbook with sheets roster, coverage (ds, channel, required, scheduled, short), groups, shortfalls, kpis
    (result.kpi_rows(), lists such as the rounds as text). `result`: a planning.ScheduleResult."""
    kpis = {k: str(v) if isinstance(v, list) else v for k, v in result.kpi_rows().items()}
    return write_atomic(path, lambda tmp: _write_sheets(result, kpis, tmp))


def _write_sheets(result, kpis: dict, tmp: Path) -> None:
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


def write_outputs(result, csv: str | Path | None = None, xlsx: str | Path | None = None) -> list[Path]:
    """Write the roster CSV and/or the workbook; returns the paths written."""
    written = []
    if csv:
        written.append(result.roster.write_csv(csv))
    if xlsx:
        written.append(write_excel(result, xlsx))
    return written


# --- publishing: the week as agents and team leads read it ----------------------------------------------------

GRID_SHEET = "Week"
SHIFTS_SHEET = "Shifts"
COVERAGE_SHEET = "Coverage"
FIGURES_SHEET = "Figures"
OFF = "off"


def shift_cell(row: dict) -> str:
    """The grid text of one roster row: '07:00-15:30, lunch 11:00' (clock times HH:MM as in the roster)."""
    text = f"{row['start']}-{row['end']}"
    lunch = str(row.get("lunch_start") or "").strip()
    if lunch and lunch.lower() != "nan":
        text += f", lunch {lunch}"
    if _activities(row):
        text += ", " + _activities(row).replace(";", ", ")
    return text


def _activities(row: dict) -> str:
    """The row's `activities` cell ("coaching 10:00-10:30;..."), "" when it has none."""
    text = str(row.get("activities") or "").strip()
    return "" if text.lower() == "nan" else text


def roster_week(frame: pd.DataFrame, days: list | None = None) -> list:
    """The dates of the grid's columns: `days` when given (the scenario's week), else every date from the
    roster's first to its last (datetime.date objects)."""
    import datetime as dt

    if days:
        return list(days)
    dates = sorted({dt.date.fromisoformat(str(d)) for d in frame["date"]})
    if not dates:
        return []
    return [dates[0] + dt.timedelta(days=i) for i in range((dates[-1] - dates[0]).days + 1)]


def publish_workbook(frame: pd.DataFrame, path: str | Path, *, days: list | None = None,
                     coverage: pd.DataFrame | None = None, figures: dict | None = None,
                     title: str = "") -> Path:
    """Write the published week: sheet "Week" (one row per agent, one column per date, cells like
    '07:00-15:30, lunch 11:00' and any activities ', coaching 10:00-10:30', 'off' on days off, paid hours per
    week), "Shifts" (one row per shift with real dates and date-times, and its activities when any has one), "Coverage" (per interval and channel: required and scheduled available agents, when
    known) and "Figures" (name, value, unit). Headers are frozen and columns sized to their text. `frame` has the
    roster CSV's columns (scenarios.staffing.ROSTER_COLUMNS, plus optional paid_hours in hours). Written to a
    temporary file, then renamed: never a half-written workbook."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    rows = frame.fillna("").astype(str).to_dict("records")
    week = roster_week(frame, days)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE4EE")
    off_font = Font(color="999999")
    wb = Workbook()

    # The grid: agent x day.
    ws = wb.active
    ws.title = GRID_SHEET
    header = ["Agent", "Skill group"] + [d.strftime("%a %d %b %Y") for d in week] + ["Paid hours"]
    ws.append(header)
    by_agent: dict[str, list[dict]] = {}
    for r in rows:
        by_agent.setdefault(r["agent"], []).append(r)
    col_of = {d.isoformat(): 3 + i for i, d in enumerate(week)}
    for agent in sorted(by_agent):
        own = by_agent[agent]
        line: list = [agent, own[0]["skill_group"]] + [OFF] * len(week) + [0.0]
        for r in own:
            col = col_of.get(dt.date.fromisoformat(r["date"]).isoformat())
            if col is None:
                continue
            line[col - 1] = shift_cell(r) if line[col - 1] == OFF else line[col - 1] + " / " + shift_cell(r)
        line[-1] = round(sum(_paid_hours(r) for r in own), 2)
        ws.append(line)
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=2 + len(week)):
        for cell in row:
            if cell.value == OFF:
                cell.font = off_font
            cell.alignment = Alignment(horizontal="center")
    _style_header(ws, bold, head_fill)
    ws.freeze_panes = "C2"
    for row in ws.iter_rows(min_row=2, min_col=len(header), max_col=len(header)):
        row[0].number_format = "0.00"

    # The shift list, with real dates and times.
    sh = wb.create_sheet(SHIFTS_SHEET)
    with_activities = any(_activities(r) for r in rows)
    sh.append(["Agent", "Skill group", "Date", "Start", "End", "Lunch start", "Lunch end", "Breaks", "Paid hours"]
              + ["Activities"] * with_activities)
    for r in sorted(rows, key=lambda r: (r["agent"], r["date"], r["start"])):
        day = dt.date.fromisoformat(r["date"])
        start = _at(day, r["start"])
        end = _at(day, r["end"])
        if end <= start:
            end += dt.timedelta(days=1)
        lunch_a = _at(day, r["lunch_start"], after=start) if r.get("lunch_start") else None
        lunch_b = _at(day, r["lunch_end"], after=start) if r.get("lunch_end") else None
        sh.append([r["agent"], r["skill_group"], day, start, end, lunch_a, lunch_b,
                   (r.get("breaks") or "").replace(";", ", "), round(_paid_hours(r), 2)]
                  + [_activities(r).replace(";", ", ")] * with_activities)
    for row in sh.iter_rows(min_row=2):
        row[2].number_format = "yyyy-mm-dd ddd"
        for cell in row[3:7]:
            cell.number_format = "yyyy-mm-dd hh:mm"
        row[8].number_format = "0.00"
    _style_header(sh, bold, head_fill)
    sh.freeze_panes = "B2"

    if coverage is not None and len(coverage):
        cv = wb.create_sheet(COVERAGE_SHEET)
        cols = [c for c in ("ds", "channel", "required", "scheduled", "short") if c in coverage.columns]
        cv.append(["Interval start" if c == "ds" else c.capitalize() + (" (agents)" if c != "channel" else "")
                   for c in cols])
        for rec in coverage[cols].itertuples(index=False):
            values = []
            for c, v in zip(cols, rec):
                if c == "ds":
                    # Excel has no time zones: the local clock time the planner reads.
                    values.append(pd.Timestamp(v).tz_localize(None).to_pydatetime())
                elif c == "channel":
                    values.append(str(v))
                else:
                    values.append(round(float(v), 2))
            cv.append(values)
        for row in cv.iter_rows(min_row=2):
            row[0].number_format = "yyyy-mm-dd hh:mm"
            for cell in row[2:]:
                cell.number_format = "0.00"
        _style_header(cv, bold, head_fill)
        cv.freeze_panes = "A2"

    fg = wb.create_sheet(FIGURES_SHEET)
    fg.append(["Figure", "Value", "Unit"])
    if title:
        fg.append(["Scenario", title, ""])
    fg.append(["Agents rostered", len(by_agent), "agents"])
    fg.append(["Shifts", len(rows), "shifts"])
    fg.append(["Paid hours", round(sum(_paid_hours(r) for r in rows), 2), "hours"])
    for name, value, unit in _figure_rows(figures or {}):
        fg.append([name, value, unit])
    _style_header(fg, bold, head_fill)
    fg.freeze_panes = "A2"

    for sheet in wb.worksheets:
        _fit_columns(sheet, get_column_letter)
    return write_atomic(path, wb.save)


def _figure_rows(kpis: dict) -> list[tuple[str, object, str]]:
    """Readable rows from a roster's figures (JSON: planning.versions.roster_figures, short_intervals): per channel
    the simulated service level and share of open intervals meeting targets, in percent; idle hours and cost."""
    out: list[tuple[str, object, str]] = []
    if kpis.get("idle_hours") is not None:
        out.append(("Idle hours", round(float(kpis["idle_hours"]), 1), "hours"))
    if kpis.get("cost") is not None:
        out.append(("Cost", round(float(kpis["cost"]), 2), "currency units"))
    for channel, ch in (kpis.get("channels") or {}).items():
        if not isinstance(ch, dict):
            continue
        if ch.get("service_level") is not None:
            out.append((f"{channel}: service level (simulated)", round(100 * ch["service_level"], 1), "%"))
        if ch.get("target") is not None:
            out.append((f"{channel}: service level target", round(100 * ch["target"], 1), "%"))
        if ch.get("intervals_meeting_target") is not None:
            out.append((f"{channel}: open intervals meeting targets", round(100 * ch["intervals_meeting_target"], 1),
                        "%"))
        if ch.get("abandon_rate") is not None:
            out.append((f"{channel}: abandoned (simulated)", round(100 * ch["abandon_rate"], 1), "%"))
    if kpis.get("short_intervals") is not None:
        out.append(("Intervals short of the requirement", int(kpis["short_intervals"]), "intervals"))
    return out


def _paid_hours(row: dict) -> float:
    """Paid hours of a roster row: its paid_hours column, else the shift less its lunch (treated as unpaid)."""
    text = str(row.get("paid_hours") or "").strip()
    if text and text.lower() != "nan":
        return float(text)
    length = (clock_minutes(row["end"]) - clock_minutes(row["start"])) % 1440 or 1440
    if str(row.get("lunch_start") or "").strip() and str(row.get("lunch_end") or "").strip():
        length -= (clock_minutes(row["lunch_end"]) - clock_minutes(row["lunch_start"])) % 1440
    return length / 60


def _at(day, clock: str, after=None):
    """The date-time of clock time `clock` on `day` (the next day when it falls before `after`)."""
    import datetime as dt

    value = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=clock_minutes(clock))
    if after is not None and value < after:
        value += dt.timedelta(days=1)
    return value


def _style_header(ws, bold, fill) -> None:
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill


def _fit_columns(ws, letter) -> None:
    """Column widths from the longest text shown (dates and times at their displayed width)."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if value is None:
                continue
            n = 16 if hasattr(value, "hour") else 15 if hasattr(value, "year") else len(str(value))
            widths[cell.column] = max(widths.get(cell.column, 0), n)
    for col, n in widths.items():
        ws.column_dimensions[letter(col)].width = min(max(n + 2, 8), 60)


def write_calendars(frame: pd.DataFrame, folder: str | Path, *, timezone: str | None = None,
                    calendar_name: str = "ccplan shifts") -> list[Path]:
    """One iCalendar file per agent (`<agent>.ics` in `folder`): an event per shift, summary 'Shift 07:00-15:30',
    lunch, breaks and activities in the description. Times are in `timezone` (an IANA name) or floating local times when it is
    None or "local". An event's UID is the agent and the shift's date (an agent works at most one shift a day), not
its times: re-publishing a week with a shift moved or shortened updates the agent's event for that day instead of
adding a second one."""
    import datetime as dt
    import re
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tz = ZoneInfo(timezone) if timezone and timezone != "local" else None
    rows = frame.fillna("").astype(str).to_dict("records")
    by_agent: dict[str, list[dict]] = {}
    for r in rows:
        by_agent.setdefault(r["agent"], []).append(r)
    stamp = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)   # fixed: the same roster gives the same files
    written = []
    for agent in sorted(by_agent):
        cal = Calendar()
        cal.add("prodid", "-//ccplan//published roster//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"{calendar_name}: {agent}")
        for r in sorted(by_agent[agent], key=lambda r: (r["date"], r["start"])):
            day = dt.date.fromisoformat(r["date"])
            start = _at(day, r["start"])
            end = _at(day, r["end"])
            if end <= start:
                end += dt.timedelta(days=1)
            if tz is not None:
                start, end = start.replace(tzinfo=tz), end.replace(tzinfo=tz)
            ev = Event()
            ev.add("uid", f"{agent}-{r['date']}@ccplan")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", start)
            ev.add("dtend", end)
            ev.add("summary", f"Shift {r['start']}-{r['end']} ({r['skill_group']})")
            notes = []
            if r.get("lunch_start"):
                notes.append(f"Lunch {r['lunch_start']}-{r['lunch_end']}")
            if r.get("breaks"):
                notes.append("Breaks " + r["breaks"].replace(";", ", "))
            if _activities(r):
                notes.append("Activities " + _activities(r).replace(";", ", "))
            if notes:
                ev.add("description", "; ".join(notes))
            cal.add_component(ev)
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", agent) or "agent"
        target = folder / f"{safe}.ics"
        tmp = target.with_suffix(".ics.tmp")
        tmp.write_bytes(cal.to_ical())
        tmp.replace(target)
        written.append(target)
    return written

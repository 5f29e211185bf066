"""Agents' bids: ranked wishes for days off or start times, read from a CSV (optimizer.bids honours them in
seniority order).

Columns: `agent`, `seniority` (a whole number; lower = more senior, honoured first), `rank` (1 = the agent's
first wish), `bid`: `off sat;sun` (days off by weekday) or `start 07:00-09:00` (every shift starts in the span).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .clock import parse_span
from .errors import InputError, Problem
from .rules import WEEKDAY_NAMES
from .tables import read_table


@dataclass(frozen=True)
class Bid:
    """One ranked wish: `days_off` (weekdays, 0 = Monday) or a span of start minutes `start` (lo, hi)."""

    agent: str
    seniority: int
    rank: int
    days_off: frozenset[int] = frozenset()
    start: tuple[int, int] | None = None

    def text(self) -> str:
        if self.days_off:
            return "off " + ";".join(WEEKDAY_NAMES[d] for d in sorted(self.days_off))
        lo, hi = self.start
        return f"start {lo // 60:02d}:{lo % 60:02d}-{hi // 60:02d}:{hi % 60:02d}"


def read_bids(source: str | Path | pd.DataFrame, known_agents: set[str]) -> list[Bid]:
    """Read and check a bids CSV; InputError names the file, row and field of every problem."""
    name = "bids" if isinstance(source, pd.DataFrame) else str(source)
    df = read_table(source, ("agent", "seniority", "rank", "bid"), title="invalid bids file", text=True, name=name)
    problems, out = [], []
    for i, row in enumerate(df.to_dict("records")):
        where = f"{name}:row {i + 2}"
        agent = str(row["agent"]).strip()
        if agent not in known_agents:
            problems.append(Problem(f"{where}, agent", f"'{agent}' is not among the agents"))
            continue
        numbers = []
        for field in ("seniority", "rank"):
            text = str(row[field]).strip()
            if not text.isdigit():
                problems.append(Problem(f"{where}, {field}", f"'{text}' is not a whole number >= 0"))
            numbers.append(int(text) if text.isdigit() else 0)
        kind, _, what = str(row["bid"]).strip().partition(" ")
        try:
            if kind == "off":
                days = [d.strip().lower()[:3] for d in what.split(";") if d.strip()]
                if not days or any(d not in WEEKDAY_NAMES for d in days):
                    raise ValueError(f"'{what}' is not a list of weekdays such as sat;sun")
                out.append(Bid(agent, *numbers, days_off=frozenset(WEEKDAY_NAMES.index(d) for d in days)))
            elif kind == "start":
                span = parse_span(what.strip())
                if span is None:
                    raise ValueError(f"'{what}' is not a span of start times such as 07:00-09:00")
                out.append(Bid(agent, *numbers, start=span))
            else:
                raise ValueError(f"'{row['bid']}' is neither 'off DAYS' nor 'start HH:MM-HH:MM'")
        except ValueError as exc:
            problems.append(Problem(f"{where}, bid", str(exc)))
    if problems:
        raise InputError(problems[:50], "invalid bids file")
    return out

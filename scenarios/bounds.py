"""What a number can physically mean in a contact center: one set of limits for the schema and every table reader.

Every limit is generous (a real center stays far inside it) but finite, so that a typo such as `1e12` contacts,
`.inf` seconds of handle time or 600-minute breaks is reported with the bound it broke instead of exhausting memory
or turning into an integer overflow deep inside the solver. The message names the bound and its unit, e.g.
"must be finite and at most 14400 s (4 h) (got inf)".

- `Limit`: a named upper bound (lower bounds stay in the schema's `Field(gt=..., ge=...)`).
- `bounded(limit)`: the pydantic validator the schema attaches to a field (runs before the type check, so `inf`
  written as text or as YAML `.inf` is caught too).
- `check_cell(...)` / `check_column(...)`: the same checks for a table cell or column, naming `file:row N`.
- `SizeEstimate` / `check_size`: the size guard before heavy work (contacts and agents a run would hold).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
from pydantic import BeforeValidator

from .errors import InputError, Problem


@dataclass(frozen=True)
class Limit:
    """An upper bound `hi` in `unit`; `note` restates it in a friendlier unit ("4 h"). `least`: the smallest
    positive value that is not a typo (a handle time of a nanosecond); 0 and below stay the schema's own checks."""

    hi: float
    unit: str = ""
    note: str = ""
    least: float = 0.0

    def text(self, value: float | None = None) -> str:
        """'14400 s (4 h)'."""
        value = self.hi if value is None else value
        unit = f" {self.unit}" if self.unit else ""
        note = f" ({self.note})" if self.note and value == self.hi else ""
        shown = str(int(value)) if float(value).is_integer() else f"{value:g}"
        return f"{shown}{unit}{note}"

    def problem(self, value: float, lo: float | None = None, lo_open: bool = False) -> str | None:
        """None when `value` is finite, within [lo, hi] (lo excluded when `lo_open`) and, when positive, at least
        `least`; else the message."""
        low = "" if lo is None else f"{'>' if lo_open else '>='} {lo:g} and "
        if not math.isfinite(value):
            return f"must be finite{', ' + low if low else ' and '}at most {self.text()} (got {value})"
        if lo is not None and (value < lo or (lo_open and value == lo)):
            return f"must be {low}at most {self.text()} (got {value:g})"
        if value > self.hi:
            return f"must be at most {self.text()} (got {value:g})"
        if 0 < value < self.least:
            return f"must be at least {self.text(self.least)} (got {value:g})"
        return None


# --- the limits (units in the names) -------------------------------------------------------------------------
HANDLE_SECONDS = Limit(14_400, "s", "4 h", least=1)        # a mean handle time, bot time, AHT of a table
SAMPLE_HANDLE_SECONDS = Limit(14_400, "s", "4 h")          # one recorded handle time (a sample may hold 0.4 s)
PATIENCE_SECONDS = Limit(28_800, "s", "8 h", least=1)      # how long a customer waits before abandoning
SAMPLE_PATIENCE_SECONDS = Limit(28_800, "s", "8 h")        # one recorded patience
ANSWER_WITHIN_SECONDS = Limit(14_400, "s", "4 h", least=1)  # real-time service-level threshold
RESPOND_WITHIN_HOURS = Limit(672, "h", "4 weeks")          # deferred (email) deadline
VARIATION = Limit(10, "", "coefficient of variation")      # service_cv, patience_cv
ESCALATED_AHT_FACTOR = Limit(10, "x")
BOT_SESSIONS = Limit(1_000_000, "sessions")
CONTACTS_PER_INTERVAL = Limit(1_000_000, "contacts per interval")
DEMAND_SCALE = Limit(100, "x")
HEADCOUNT = Limit(50_000, "agents")                        # per skill group
AGENTS_PER_INTERVAL = Limit(50_000, "agents")              # staffing plans, constant_agents
HOURLY_COST = Limit(100_000, "per hour")
HOURS_PER_WEEK = Limit(80, "h", "no labour law allows more")
LUNCH_MINUTES = Limit(180, "min", "3 h")
BREAK_MINUTES = Limit(60, "min")
SHIFT_HOURS = Limit(16, "h", least=0.25)                   # shift lengths and hours measured inside a shift
LUNCH_WINDOW_HOURS = Limit(16, "h")                        # lunch starts this long after the shift start
START_EVERY_MINUTES = Limit(1440, "min", "a day")
SEED = Limit(2 ** 63 - 1, "", "the largest integer the run store keeps")
FIRST_YEAR, LAST_YEAR = 1970, 2200                         # pandas timestamps end in 2262; weeks need holidays


def bounded(limit: Limit) -> BeforeValidator:
    """Pydantic validator: a number (or numeric text) must be finite and at most `limit.hi`.

    Runs before pydantic's own type and lower-bound checks, which keep their "must be > 0" messages; values that
    are not numbers at all are left to pydantic's type error.
    """
    def check(value: Any) -> Any:
        if isinstance(value, bool):
            # YAML's yes/no/true/false would otherwise count as 1 and 0.
            raise ValueError(f"must be a number, not {str(value).lower()}")
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            return value
        message = limit.problem(number)
        if message:
            raise ValueError(message)
        return value
    return BeforeValidator(check)


# --- table cells ---------------------------------------------------------------------------------------------

def parse_number(text: Any) -> float | None:
    """A cell as a float: None when empty, NaN when not a number (numbers stay as they are)."""
    if text is None:
        return None
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return None if isinstance(text, float) and math.isnan(text) else float(text)
    text = str(text).strip()
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return math.nan


def check_column(values: pd.Series, column: str, limit: Limit, where: Callable[[int], str], *,
                 lo: float = 0.0, lo_open: bool = False, required: bool = True,
                 most: int = 5) -> tuple[np.ndarray, list[Problem]]:
    """Check a table column cell by cell: a number, finite, within [lo, limit.hi].

    `values`: the raw column (text or numbers); `where(i)` names row i (e.g. "history.csv:row 12").
    Empty cells are a problem when `required`, else NaN ("unknown"). Returns the numbers (NaN where empty or bad)
    and at most `most` problems (plus one line counting the rest).
    """
    out = np.full(len(values), np.nan)
    problems: list[Problem] = []
    bad = 0
    for i, raw in enumerate(values.tolist()):
        number = parse_number(raw)
        if number is None:
            if required:
                message = f"{column} is empty"
            else:
                continue
        elif math.isnan(number):
            message = f"{column} '{raw}' is not a number"
        else:
            message = limit.problem(number, lo, lo_open)
            if message:
                message = f"{column} {message}"
            else:
                out[i] = number
                continue
        bad += 1
        if len(problems) < most:
            problems.append(Problem(where(i), message))
    if bad > most:
        problems.append(Problem("", f"... and {bad - most} more rows with a bad {column}"))
    return out, problems


# --- size guard ----------------------------------------------------------------------------------------------

MAX_CONTACTS_ENV = "CCPLAN_MAX_CONTACTS"
MAX_AGENTS_ENV = "CCPLAN_MAX_AGENTS"
DEFAULT_MAX_CONTACTS = 3_000_000   # simulated contacts per replication (the example week has about 40,000)
DEFAULT_MAX_AGENTS = 20_000        # agents on duty at once (the example peaks near 100)
# Memory the simulator holds per contact of one replication (customer draws, event records): a rough order of
# magnitude for the message, not a measured figure; a replication runs in each worker at once.
BYTES_PER_CONTACT = 400


@dataclass(frozen=True)
class SizeEstimate:
    """What a run would hold: contacts per replication, the most agents on duty at once, memory in bytes."""

    contacts: float
    agents: float
    replications: int
    workers: int

    @property
    def memory_bytes(self) -> float:
        return self.contacts * BYTES_PER_CONTACT * max(1, self.workers)


def limit_from(option_value: float | None, env: str, default: float) -> float:
    """A guard's limit: the command's option when given, else the environment variable `env`, else `default`."""
    if option_value is not None:
        return float(option_value)
    text = os.environ.get(env, "").strip()
    if not text:
        return float(default)
    try:
        value = float(text)
    except ValueError:
        raise InputError([Problem(env, f"'{text}' is not a number")], "invalid option") from None
    if not value > 0:
        raise InputError([Problem(env, f"must be > 0 (got {text})")], "invalid option")
    return value


def check_size(estimate: SizeEstimate, *, max_contacts: float | None = None, max_agents: float | None = None,
               option: str = "--max-contacts") -> None:
    """Refuse a run larger than the guard (before any work), naming the estimate and how to allow it.

    Limits: `max_contacts` / `max_agents` when given (a command's option), else $CCPLAN_MAX_CONTACTS /
    $CCPLAN_MAX_AGENTS, else the defaults above. `option` is how the command's override is spelled.
    """
    contacts_cap = limit_from(max_contacts, MAX_CONTACTS_ENV, DEFAULT_MAX_CONTACTS)
    agents_cap = limit_from(max_agents, MAX_AGENTS_ENV, DEFAULT_MAX_AGENTS)
    problems = []
    mem = estimate.memory_bytes / 2 ** 30
    if not math.isfinite(estimate.contacts) or estimate.contacts > contacts_cap:
        problems.append(Problem("size", f"about {estimate.contacts:,.0f} contacts per replication "
                                        f"(x {estimate.replications} replications, about {mem:,.1f} GiB of memory "
                                        f"with {estimate.workers} worker(s)) is above the limit of "
                                        f"{contacts_cap:,.0f}; check demand (rates, scale, forecast) or raise the limit with "
                                        f"{option} N or ${MAX_CONTACTS_ENV}"))
    if not math.isfinite(estimate.agents) or estimate.agents > agents_cap:
        problems.append(Problem("size", f"{estimate.agents:,.0f} agents (on duty at once, or to roster) is above "
                                        f"the limit of {agents_cap:,.0f}; check the staffing or headcounts or "
                                        f"raise the limit with --max-agents N or ${MAX_AGENTS_ENV}"))
    if problems:
        raise InputError(problems, "run too large")

"""The roster completion's notes name days by their date, as every other rule message does."""
from __future__ import annotations

import datetime as dt

from optimizer.plan import PlannedShift
from optimizer.roster_complete import Completion
from optimizer.templates import Template
from scenarios import Shift


def test_a_retimed_shift_is_named_by_its_date():
    # week starting Monday 2026-01-05; a shift planned on day 2 (Wednesday) 08:00 for 8 h, re-timed to 09:00
    planned = PlannedShift("phone_only", Template(day=2, start_min=480, length_min=480, paid_min=450), None, ())
    wed_9 = (2 * 24 + 9) * 3600
    given = Shift("agent-7", "phone_only", wed_9, wed_9 + 8 * 3600)
    done = Completion([given], [], retimed=[(planned, given)])
    [note] = done.notes(dt.datetime(2026, 1, 5))
    assert "phone_only Wed 2026-01-07 08:00 8 h -> agent-7 09:00 8 h" in note
    assert "day " not in note

"""The capacity plan's readers (scenarios.capacity): bad rows named by file and row."""

from __future__ import annotations

import pytest

from scenarios import InputError
from scenarios.capacity import headcount_from_agents, monthly_rate, read_weekly_history, weekly_rate


def test_weekly_history_rows_are_checked(tmp_path):
    path = tmp_path / "weekly.csv"
    path.write_text("week,channel,contacts\n2026-01-05,phone,100\n2026-01-13,phone,abc\n2026-01-05,phone,90\n")
    with pytest.raises(InputError) as err:
        read_weekly_history(path)
    text = str(err.value)
    assert f"{path}:row 3: week 2026-01-13 is not a Monday" in text
    assert f"{path}:row 3: contacts 'abc' is not a number" in text


def test_weekly_history_duplicate_week(tmp_path):
    path = tmp_path / "weekly.csv"
    path.write_text("week,channel,contacts\n2026-01-05,phone,100\n2026-01-05,phone,90\n")
    with pytest.raises(InputError, match=r"row 3: week 2026-01-05 and channel 'phone' appear twice"):
        read_weekly_history(path)


def test_headcount_from_agents_counts_each_group(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_text("agent,skill_group\na1,phone\na2,phone\na3,chat\n")
    assert headcount_from_agents(path) == {"chat": 1, "phone": 2}


def test_weekly_and_monthly_rates_compound_to_each_other():
    w = weekly_rate(0.03)
    assert (1 - w) ** (52.1775 / 12) == pytest.approx(0.97)
    assert monthly_rate(w) == pytest.approx(0.03)

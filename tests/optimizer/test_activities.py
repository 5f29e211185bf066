"""Planned activities placed inside shifts (scenarios.activities, optimizer.place_activities): hand-made shifts
and requirements where the right place is known, the reasons an activity is left out, the input errors, and the
roster's CSV and simulation treating the activity like a break."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer import place_activities
from scenarios import Activity, Agent, InputError, Roster, Shift, read_roster, week_intervals
from schedule_helpers import small_scenario

H = 3600.0
DAY = 86400.0


def scenario(activities: list[dict], days: int = 7, **kw):
    # phone and chat open 08:00-20:00, 60-minute intervals, shrinkage 0.2, shifts of 4/6/8 h from 07:00 to 21:00
    return small_scenario(days=days, activities=activities, **kw)


def shift(agent: str, day: int = 0, group: str = "generalist") -> Shift:
    """09:00-17:00 with lunch 12:00-12:30 and breaks 10:30-10:45 and 15:30-15:45."""
    d = day * DAY
    return Shift(agent, group, d + 9 * H, d + 17 * H, (d + 12 * H, d + 12.5 * H),
                 [(d + 10.5 * H, d + 10.75 * H), (d + 15.5 * H, d + 15.75 * H)])


def requirement(sc, phone: dict[int, float], default: float) -> pd.DataFrame:
    """Phone: `default` available agents in every hour, except hours of day 0 given in `phone`; chat none."""
    idx = week_intervals(sc)
    values = np.array([phone.get(int(t.hour), default) if (t - idx[0]).days == 0 else default for t in idx])
    return pd.concat([pd.DataFrame({"ds": idx, "channel": "phone", "agents": values}),
                      pd.DataFrame({"ds": idx, "channel": "chat", "agents": 0.0})], ignore_index=True)


def agents(*names: str, group: str = "generalist") -> list[Agent]:
    return [Agent(n, group, 0, 40) for n in names]


def spans(s: Shift) -> list[tuple[float, float]]:
    return [((a.start_s % DAY) / H, (a.end_s % DAY) / H) for a in s.activities]


def test_an_activity_goes_where_the_group_has_the_most_surplus():
    # Two agents on duty 09:00-17:00 (both 60 on-duty minutes an hour outside lunch and breaks). The phone needs
    # 1.0 available agents (1.25 on duty after shrinkage 0.2) in every hour except 14:00-15:00 (0.8 -> 1.0): room
    # for (2 - 1.25) x 60 = 45 on-duty minutes in a plain hour, (2 - 1.0) x 60 = 60 at 14:00. The first 60-minute
    # coaching takes 14:00-15:00 whole; a second there (or half in it) would leave minutes short, so it goes
    # where the room holds it: not 14:00-15:00.
    sc = scenario([{"name": "coaching", "minutes": 60, "skill_groups": ["generalist"], "per_week": 1}])
    roster = Roster(sc.start, [shift("a"), shift("b")])
    out = place_activities(sc, roster, requirement(sc, {14: 0.8}, 1.0), agents("a", "b"))
    assert len(out.placed) == 2 and out.unplaced == []
    placed = sorted(spans(s)[0] for s in out.roster.shifts)
    assert placed.count((14.0, 15.0)) == 1
    other = next(p for p in placed if p != (14.0, 15.0))
    assert other[1] <= 14.0 or other[0] >= 15.0
    # and it leaves no channel set short: in a break's hour (on duty 1.5) there is room for 15 minutes, in the
    # lunch hour (on duty 1.0) none, in a plain hour 45: the only such places take 45 minutes of a plain hour and
    # 15 of a break's hour: 09:15-10:15, 10:45-11:45 or 15:45-16:45
    assert other in {(9.25, 10.25), (10.75, 11.75), (15.75, 16.75)}


def test_one_agent_takes_the_emptiest_hour_and_never_a_break_or_lunch():
    # The emptiest hour is 12:00-13:00, but lunch is 12:00-12:30: a 60-minute activity cannot be there. Next
    # emptiest: 16:00-17:00 (0.3), free of breaks (15:30-15:45 ends before): there.
    sc = scenario([{"name": "coaching", "minutes": 60, "skill_groups": ["generalist"]}])
    out = place_activities(sc, Roster(sc.start, [shift("a")]), requirement(sc, {12: 0.0, 16: 0.3}, 0.7),
                           agents("a"))
    (s,) = out.roster.shifts
    assert spans(s) == [(16.0, 17.0)]
    assert s.lunch == shift("a").lunch and s.breaks == shift("a").breaks     # the shift is otherwise unchanged


def test_days_and_window_are_kept_and_what_does_not_fit_is_explained():
    # Allowed only on Tuesday and 09:00-11:00: a's Monday shift cannot hold it ("no shift on its days"); b works
    # Tuesday, but 09:00-11:00 holds only 90 free minutes before the 10:30 break, not 120.
    sc = scenario([{"name": "training", "minutes": 90, "skill_groups": ["generalist"], "days": ["tue"],
                    "window": "09:00-11:00"},
                   {"name": "workshop", "minutes": 120, "agents": ["b"], "window": "09:00-11:00"}])
    roster = Roster(sc.start, [shift("a", 0), shift("b", 1)])
    out = place_activities(sc, roster, requirement(sc, {}, 0.5), agents("a", "b", "c"))
    b = next(s for s in out.roster.shifts if s.agent == "b")
    assert spans(b) == [(9.0, 10.5)]
    reasons = {(u.agent, u.activity): u.why for u in out.unplaced}
    assert reasons == {("a", "training"): "no shift on its days (tue)",
                       ("b", "workshop"): "no 120 min between lunch and breaks inside 09:00-11:00 in the week's shifts",
                       ("c", "training"): "no shift that week"}
    assert "3 could not be" in out.summary()


def test_per_week_counts_each_week_of_a_longer_horizon():
    # 14 days, 2 per week, one a day: the agent works Monday and Tuesday of each week -> 4 placed, one a shift.
    sc = scenario([{"name": "coaching", "minutes": 30, "skill_groups": ["generalist"], "per_week": 2}], days=14)
    roster = Roster(sc.start, [shift("a", d) for d in (0, 1, 7, 8)])
    out = place_activities(sc, roster, requirement(sc, {}, 0.5), agents("a"))
    assert [len(s.activities) for s in out.roster.shifts] == [1, 1, 1, 1] and out.unplaced == []


def test_a_group_session_seats_its_participants_together():
    # Three agents with the same shift; a team meeting with 3 seats is one session (all at one time); with 2 seats
    # it takes two sessions.
    for seats, sessions in ((3, 1), (2, 2)):
        sc = scenario([{"name": "team meeting", "minutes": 60, "skill_groups": ["generalist"], "seats": seats}])
        roster = Roster(sc.start, [shift(n) for n in "abc"])
        out = place_activities(sc, roster, requirement(sc, {}, 0.0), agents("a", "b", "c"))
        assert len(out.placed) == 3
        assert len({p.start for p in out.placed}) == sessions


def test_an_activity_longer_than_any_shift_or_for_unknown_people_is_an_input_error():
    # 9 h does not fit in the longest shift (8 h): named with the agents
    sc = scenario([{"name": "offsite", "minutes": 540, "skill_groups": ["phone_only"]}])
    with pytest.raises(InputError) as err:
        place_activities(sc, Roster(sc.start, []), requirement(sc, {}, 0), agents("p1", "p2", group="phone_only"))
    (problem,) = err.value.problems
    assert problem.where == "activities[0]" and "'offsite'" in problem.message and "p1, p2" in problem.message
    # an agent who is away on every allowed day cannot take it either
    away = Agent("p1", "phone_only", 0, 40, [(1, 0, 1440)])
    sc = scenario([{"name": "coaching", "minutes": 30, "agents": ["p1"], "days": ["tue"]}])
    with pytest.raises(InputError, match="p1"):
        place_activities(sc, Roster(sc.start, []), requirement(sc, {}, 0), [away])
    sc = scenario([{"name": "coaching", "minutes": 30, "skill_groups": ["generalst"], "agents": ["zz"]}])
    with pytest.raises(InputError) as err:
        place_activities(sc, Roster(sc.start, []), requirement(sc, {}, 0), agents("a"))
    assert [p.where for p in err.value.problems] == ["activities[0].skill_groups", "activities[0].agents"]


def test_bad_activity_entries_name_the_field():
    from scenarios import ScenarioError

    bad = [({"name": "x", "minutes": 0, "skill_groups": ["generalist"]}, "minutes"),
           ({"name": "x", "minutes": 30}, "skill_groups and/or agents"),
           ({"name": "x", "minutes": 90, "agents": ["a"], "window": "09:00-10:00"}, "do not fit in the window"),
           ({"name": "x", "minutes": 30, "agents": ["a"], "days": ["someday"]}, "not weekdays"),
           ({"name": "x", "minutes": 30, "agents": ["a"], "room": 4}, "room")]
    for entry, text in bad:
        with pytest.raises((ScenarioError, InputError, ValueError)) as err:
            scenario([entry])
        assert "activities" in str(err.value) and text in str(err.value)


def test_an_activity_is_off_the_queues_in_coverage_csv_and_simulation():
    from sim.inputs import build_spec

    sc = scenario([])
    s = shift("a")
    s.activities = [Activity("coaching", 14 * H, 15 * H)]
    roster = Roster(sc.start, [s])
    avail = roster.availability(sc)
    at = avail[(avail["skill_group"] == "generalist")].set_index("ds")["agents"]
    assert at[pd.Timestamp("2026-01-05 14:00")] == 0 and at[pd.Timestamp("2026-01-05 13:00")] == 1
    assert s.paid_seconds == 7.5 * H                                   # paid time, as a break is
    frame = roster.to_frame()
    assert frame["activities"].tolist() == ["coaching 14:00-15:00"]
    again = read_roster(frame, sc)
    assert again.shifts[0].activities == s.activities
    # a roster without activities is written as before: no activities column
    assert "activities" not in Roster(sc.start, [shift("a")]).to_frame().columns
    demand = requirement(sc, {}, 0).rename(columns={"agents": "contacts"})
    spec = build_spec(sc, roster, demand)
    periods = [(a / H, b / H) for a, b in spec.roster[0].work_periods]
    assert (14.0, 15.0) not in periods and all(not (a < 15 and b > 14) for a, b in periods)


def test_shift_selection_reserves_the_activities_time():
    # Two generalists, a 60-minute coaching each on Monday 09:00-11:00: 120 on-duty minutes over two 60-minute
    # intervals = 1 agent on duty in each, 0.8 available at shrinkage 0.2, added to the generalists' first channel
    # (phone) at Monday 09:00 and 10:00 only.
    from optimizer import activity_reserve

    sc = scenario([{"name": "coaching", "minutes": 60, "skill_groups": ["generalist"], "days": ["mon"],
                    "window": "09:00-11:00"}])
    req = requirement(sc, {}, 1.0)
    out = activity_reserve(sc, agents("a", "b") + agents("p", group="phone_only"), req)
    added = (out["agents"] - req["agents"]).round(9)
    changed = out.loc[added != 0, ["ds", "channel"]]
    assert [(str(ds), c) for ds, c in changed.itertuples(index=False)] == [("2026-01-05 09:00:00", "phone"),
                                                                          ("2026-01-05 10:00:00", "phone")]
    assert added[added != 0].tolist() == [0.8, 0.8]


def test_a_roster_row_with_an_activity_outside_its_shift_is_named():
    sc = scenario([])
    frame = Roster(sc.start, [shift("a")]).to_frame()
    frame["activities"] = ["coaching 17:30-18:00"]
    with pytest.raises(InputError) as err:
        read_roster(frame, sc)
    assert [(p.where, p.message) for p in err.value.problems] == [
        ("roster:row 2", "activity 'coaching' 17:30-18:00 is not inside the shift")]
    frame["activities"] = ["10:00-10:30"]
    with pytest.raises(InputError, match="is not 'NAME HH:MM-HH:MM'"):
        read_roster(frame, sc)

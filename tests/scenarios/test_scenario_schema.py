"""The scenario schema: valid and invalid cases, field paths in messages, YAML round trip."""

from __future__ import annotations

import pytest

from scenarios import (OpeningHours, ScenarioError, load_scenario, open_mask, save_scenario, scenario_from_dict,
                       week_intervals)
from scenarios.io import scenario_to_dict


def problems_of(data, base_dir=None) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, base_dir=base_dir)
    return [str(p) for p in info.value.problems]


def test_example_loads_with_expected_shape(example):
    assert example.interval_minutes == 30 and example.days == 7
    assert example.n_intervals == 7 * 48
    assert set(example.channels) == {"phone", "chat", "email", "bot"}
    assert [c.kind for c in example.channels.values()] == ["voice", "chat", "deferred", "ai"]
    assert 100 <= sum(g.headcount for g in example.skill_groups.values()) <= 150
    assert example.start.weekday() == 0  # a Monday
    assert example.demand.history is not None and example.resolve(example.demand.history).exists()


def test_relative_paths_resolve_against_the_scenario_folder(example, example_path):
    assert example.resolve(example.demand.history) == (example_path.parent / "data" / "insurance_history.csv").resolve()


def test_negative_aht_names_the_field(example_data, example_path):
    example_data["channels"]["phone"]["aht_seconds"] = -5
    assert "channels.phone.aht_seconds: must be > 0" in problems_of(example_data, example_path.parent)


def test_misspelled_key_is_rejected_by_name_with_a_hint(example_data, example_path):
    example_data["channels"]["chat"]["concurency"] = example_data["channels"]["chat"].pop("concurrency")
    (msg,) = problems_of(example_data, example_path.parent)
    assert msg == "channels.chat.concurency: unknown key 'concurency' (did you mean 'concurrency'?)"


def test_misspelled_top_level_and_nested_keys(example_data, example_path):
    example_data["shrinkge"] = 0.3
    example_data["shift_rules"]["min_rest_hour"] = 11
    msgs = problems_of(example_data, example_path.parent)
    assert "shrinkge: unknown key 'shrinkge' (did you mean 'shrinkage'?)" in msgs
    assert "shift_rules.min_rest_hour: unknown key 'min_rest_hour' (did you mean 'min_rest_hours'?)" in msgs


def test_missing_history_file_is_reported_by_path(example_data, tmp_path):
    example_data["demand"]["history"] = "data/missing.csv"
    (msg,) = problems_of(example_data, tmp_path)
    assert msg == f"demand.history: file not found: {tmp_path / 'data' / 'missing.csv'}"


def test_every_problem_is_listed_at_once(example_data, example_path):
    example_data["channels"]["phone"]["aht_seconds"] = 0
    example_data["shrinkage"] = 1.5
    example_data["channels"]["bot"]["containment"] = 1.2
    msgs = problems_of(example_data, example_path.parent)
    assert len(msgs) == 3
    assert "shrinkage: must be < 1" in msgs
    assert "channels.bot.containment: must be <= 1" in msgs


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["channels"]["bot"].update(escalate_to="fax"), "channels.bot.escalate_to: unknown channel 'fax'"),
    (lambda d: d["channels"]["bot"].update(escalate_to="email"),
     "channels.bot.escalate_to: 'email' is a deferred channel; escalations go to voice or chat"),
    (lambda d: d["skill_groups"]["digital"].update(skills=["chat", "emial"], priority=None),
     "skill_groups.digital.skills[1]: unknown channel 'emial' (did you mean 'email'?)"),
    (lambda d: d["skill_groups"]["generalist"].update(min_hours_per_week=45, max_hours_per_week=40),
     "skill_groups.generalist: min_hours_per_week (45) is above max_hours_per_week (40)"),
    (lambda d: d["channels"]["chat"].update(kind="sms"), "channels.chat: kind must be one of voice, chat, deferred, ai"),
    (lambda d: d["channels"]["phone"].update(open="25:00-26:00"), "channels.phone.open"),
    (lambda d: d.update(interval_minutes=20), "interval_minutes: must be one of"),
    (lambda d: d["shift_rules"].update(lengths_hours=[10], earliest_start="08:00", latest_end="16:00"),
     "shift_rules: no shift of 10 h fits between earliest_start 08:00 and latest_end 16:00"),
    (lambda d: d["demand"].update(rates={"phone": 3.0}), "demand: give exactly one of history, forecast, rates"),
    (lambda d: d["skill_groups"]["generalist"].update(priority=["phone", "chat"]),
     "skill_groups.generalist: priority must list the same channels as skills"),
])
def test_invalid_cases_name_their_field(example_data, example_path, mutate, expected):
    mutate(example_data)
    msgs = problems_of(example_data, example_path.parent)
    assert any(m.startswith(expected) for m in msgs), msgs


def test_uncovered_channel_is_an_error(example_data, example_path):
    example_data["skill_groups"] = {"phone_only": example_data["skill_groups"]["phone_only"]}
    msgs = problems_of(example_data, example_path.parent)
    assert "channels.chat: no skill group has this channel as a skill" in msgs
    assert "channels.email: no skill group has this channel as a skill" in msgs


def test_rates_list_must_cover_the_week(example_data, example_path):
    example_data["demand"] = {"rates": {"phone": [1.0] * 10}}
    msgs = problems_of(example_data, example_path.parent)
    assert "demand.rates.phone: has 10 values; the week has 336 intervals (7 days x 48)" in msgs


def test_yaml_round_trip_is_equal(example, tmp_path):
    out = save_scenario(example, tmp_path / "copy.yaml")
    # The copy's history path is relative: give it the same folder to resolve against.
    (tmp_path / "data").symlink_to(example.resolve(example.demand.history).parent)
    again = load_scenario(out)
    assert again.model_dump(exclude={"base_dir"}) == example.model_dump(exclude={"base_dir"})
    assert scenario_to_dict(again) == scenario_to_dict(example)


def test_round_trip_of_a_minimal_scenario_spells_out_defaults(tmp_path):
    data = {"start": "2026-03-02", "channels": {"phone": {"kind": "voice", "aht_seconds": 200,
                                                          "target": {"answer_within_seconds": 20, "service_level": 0.8}}},
            "demand": {"rates": {"phone": 10}}, "skill_groups": {"all": {"skills": ["phone"], "headcount": 5}}}
    sc = scenario_from_dict(data)
    save_scenario(sc, tmp_path / "s.yaml")
    text = (tmp_path / "s.yaml").read_text()
    assert "interval_minutes: 30" in text and "shrinkage: 0.3" in text
    assert load_scenario(tmp_path / "s.yaml").model_dump(exclude={"base_dir"}) == sc.model_dump(exclude={"base_dir"})


def test_opening_hours_spans():
    hours = OpeningHours.model_validate({"default": "07:00-22:00", "sat": "09:00-14:00", "sun": "closed",
                                         "fri": "20:00-02:00"})
    assert hours.is_open(0, 7 * 60) and not hours.is_open(0, 22 * 60) and not hours.is_open(0, 6 * 60 + 59)
    assert hours.is_open(5, 9 * 60) and not hours.is_open(5, 14 * 60)
    assert not hours.is_open(6, 12 * 60)
    assert hours.is_open(4, 23 * 60) and hours.is_open(5, 60)  # Friday's span runs past midnight into Saturday
    assert OpeningHours.model_validate("24h").is_open(3, 0)


def test_week_grid_and_open_mask(example):
    idx = week_intervals(example)
    assert len(idx) == 336 and str(idx[0]) == "2026-01-05 00:00:00" and str(idx[-1]) == "2026-01-11 23:30:00"
    phone = open_mask(example, "phone")
    # Mon-Fri 07:00-24:00 = 34 intervals; Sat 07:00-14:00 = 14; Sun 20:00-24:00 = 8.
    assert phone.sum() == 5 * 34 + 14 + 8
    assert open_mask(example, "bot").all()

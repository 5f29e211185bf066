"""Dotted-path overrides: applied to the scenario's data, validated like a file, every mistake named by its path."""

from __future__ import annotations

import pytest

from scenarios import InputError
from scenarios.overrides import apply_overrides, override_grid, parse_override, parse_sweep


def _apply(scenario, *texts):
    return apply_overrides(scenario, [parse_override(t) for t in texts])


def test_overrides_change_exactly_the_named_fields(example):
    variant = _apply(example, "channels.bot.containment=0.8", "demand.scale=1.2",
                     "skill_groups.generalist.headcount=90", "channels.chat.open.sat=closed",
                     "shift_rules.lengths_hours[0]=5", "demand.channel_scale.phone=1.1")
    assert variant.channels["bot"].containment == 0.8
    assert variant.demand.scale == 1.2
    assert variant.skill_groups["generalist"].headcount == 90
    assert variant.channel_open("chat").span(5) is None and variant.channel_open("chat").span(4) == (480, 1320)
    assert variant.shift_rules.lengths_hours == [5, 6, 8]
    assert variant.demand.channel_scale == {"phone": 1.1}
    # Relative data paths still resolve: the variant keeps the base's folder.
    assert variant.resolve(variant.demand.history) == example.resolve(example.demand.history)
    # The base is untouched.
    assert example.channels["bot"].containment == 0.6 and example.demand.scale == 1.0


def test_values_are_yaml_scalars():
    assert parse_override("a.b=0.8").value == 0.8
    assert parse_override("a.b=90").value == 90
    assert parse_override("a.b=true").value is True
    assert parse_override("a.b=[4, 8]").value == [4, 8]
    assert parse_override("a.b=07:00-20:00").value == "07:00-20:00"
    assert [o.value for o in parse_sweep("channels.bot.containment=0.4,0.6,0.8")] == [0.4, 0.6, 0.8]
    assert [o.value for o in parse_sweep("shift_rules.lengths_hours=[4, 8],[6]")] == [[4, 8], [6]]


@pytest.mark.parametrize("text, path, words", [
    ("channels.bot.containmnt=0.8", "channels.bot.containmnt", "did you mean 'containment'"),
    ("channels.bots.containment=0.8", "channels.bots.containment", "unknown channel 'bots'"),
    ("skill_groups.generalists.headcount=90", "skill_groups.generalists.headcount", "unknown skill group"),
    ("demand.scal=1.2", "demand.scal", "did you mean 'scale'"),
    ("channels.phone.concurrency=2", "channels.phone.concurrency", "no field 'concurrency'"),
    ("demand.channel_scale.phnoe=1.1", "demand.channel_scale.phnoe", "unknown channel 'phnoe'"),
    ("channels.bot.containment.x=1", "channels.bot.containment.x", "single value"),
    ("shift_rules.lengths_hours.7=4", "shift_rules.lengths_hours.7", "list of 3"),
    ("channels.bot.containment=abc", "channels.bot.containment", "valid number"),
    ("skill_groups.generalist.headcount=9.5", "skill_groups.generalist.headcount", "integer"),
    ("channels.bot.containment=1.5", "channels.bot.containment", "must be <= 1"),
    ("demand.scale=-1", "demand.scale", "must be >= 0"),
    ("channels.chat.concurrency=0", "channels.chat.concurrency", "must be >= 1"),
    ("channels.bot.escalate_to=email", "channels.bot.escalate_to", "deferred"),
    ("interval_minutes=7", "interval_minutes", "must be one of"),
])
def test_bad_overrides_are_rejected_naming_the_path(example, text, path, words):
    with pytest.raises(InputError) as info:
        _apply(example, text)
    assert any(p.where == path for p in info.value.problems), str(info.value)
    assert words in str(info.value)


def test_malformed_assignments_are_input_errors():
    with pytest.raises(InputError, match="PATH=VALUE"):
        parse_override("channels.bot.containment")
    with pytest.raises(InputError, match="PATH=V1,V2"):
        parse_sweep("demand.scale=")


def test_grid_is_the_product_with_the_sets_on_every_point():
    grid = override_grid([parse_override("demand.overdispersion=0.1")],
                         [parse_sweep("channels.bot.containment=0.4,0.6,0.8"), parse_sweep("demand.scale=1.0,1.2")])
    assert len(grid) == 6
    assert [str(o) for o in grid[1]] == ["demand.overdispersion=0.1", "channels.bot.containment=0.4",
                                         "demand.scale=1.2"]
    assert {(p[1].value, p[2].value) for p in grid} == {(c, s) for c in (0.4, 0.6, 0.8) for s in (1.0, 1.2)}
    with pytest.raises(InputError, match="more than once"):
        override_grid([parse_override("demand.scale=1")], [parse_sweep("demand.scale=1.0,1.2")])

"""Who changed the workspace: an audit row for every kind of change, a viewer's changes refused at the store, and
two planners saving edits of the same version (the second refused, naming the change and who made it, its edits
kept as a draft)."""

from __future__ import annotations

import pytest

from planning import audit
from planning.audit import PLANNER, VIEWER, PermissionDenied, User
from planning.edits import StaleBase, open_base, roster_changes, save_edit
from planning.store import Workspace
from scenarios import Roster, Shift

ANN, BOB = User("ann@example.com", PLANNER), User("bob@example.com", PLANNER)
VERA = User("vera@example.com", VIEWER)
H = 3600


def _roster(example, *shifts) -> Roster:
    return Roster(example.start, [Shift(agent, "generalist", start * H, end * H) for agent, start, end in shifts])


def test_every_kind_of_change_is_audited_with_who_and_when(example, tmp_path):
    path = tmp_path / "ws.sqlite"
    roster = _roster(example, ("a1", 8, 16))
    with Workspace(path, user=ANN) as ws:
        batch = ws.add_batch("whatif", example.name, {"variants": []})
        run = ws.add_run("simulate", example, {"replications": 1}, seed=1, roster=roster)
        vid = ws.add_version("Generated", example, roster, {"paid_hours": 8.0}, seed=1)
        ws.record_edit(audit.SHIFT_LOCKED, ("version", vid), "a1 · 2026-01-05 · 08:00-16:00")
        ws.record_edit(audit.SHIFT_EDITED, ("version", vid), "a1 · 2026-01-05 · 08:00-16:00 moved to 09:00-17:00")
        ws.publish_version(vid)
    with Workspace(path, user=BOB) as ws:
        ws.delete([run])
        ws.delete_version(vid)
        rows = ws.history()
    # Newest first: one row per change, each naming the user, the role, the action and the target.
    assert [(r.user, r.action, r.target) for r in reversed(rows)] == [
        (ANN.name, "batch opened", f"batch {batch}"),
        (ANN.name, "run stored", f"run {run}"),
        (ANN.name, "version saved", f"version {vid}"),
        (ANN.name, "shift locked", f"version {vid}"),
        (ANN.name, "shift edited", f"version {vid}"),
        (ANN.name, "version published", f"version {vid}"),
        (BOB.name, "run deleted", f"run {run}"),
        (BOB.name, "version deleted", f"version {vid}"),
    ]
    assert {r.role for r in rows} == {PLANNER}
    assert all(r.at.endswith("+00:00") for r in rows)
    assert "moved to 09:00-17:00" in rows[3].detail


def test_a_viewer_can_read_but_every_change_is_refused_and_nothing_is_stored(example, tmp_path):
    path = tmp_path / "ws.sqlite"
    roster = _roster(example, ("a1", 8, 16))
    with Workspace(path, user=ANN) as ws:
        vid = ws.add_version("Generated", example, roster, {"paid_hours": 8.0})
        run = ws.add_run("simulate", example, {"replications": 1}, roster=roster)
    with Workspace(path, user=VERA) as ws:
        assert ws.get_version(vid).name == "Generated"   # reading is allowed
        refused = [lambda: ws.add_version("Mine", example, roster, {}),
                   lambda: ws.publish_version(vid),
                   lambda: ws.delete_version(vid),
                   lambda: ws.delete([run]),
                   lambda: ws.add_run("simulate", example, {"replications": 1}),
                   lambda: ws.add_batch("whatif", example.name, {}),
                   lambda: ws.record_edit(audit.SHIFT_LOCKED, ("version", vid), "a1")]
        for change in refused:
            with pytest.raises(PermissionDenied, match="user vera@example.com: .*a viewer may read"):
                change()
        assert [v.id for v in ws.versions()] == [vid] and ws.get_version(vid).published_at is None
        assert [r.id for r in ws.runs()] == [run]
        assert len(ws.history()) == 2   # only Ann's two changes


def test_without_a_named_user_the_os_user_acts_unless_the_app_server_requires_one(example, tmp_path, monkeypatch):
    import getpass

    monkeypatch.delenv(audit.REQUIRE_ENV, raising=False)
    with Workspace(tmp_path / "ws.sqlite") as ws:
        ws.add_version("CLI", example, _roster(example, ("a1", 8, 16)), {})
        assert ws.history()[0].user == getpass.getuser()
    monkeypatch.setenv(audit.REQUIRE_ENV, "1")   # as `ccplan app` sets it for its server
    with Workspace(tmp_path / "ws.sqlite") as ws, pytest.raises(PermissionDenied, match="nobody is signed in"):
        ws.add_version("anonymous", example, _roster(example, ("a1", 8, 16)), {})


def test_second_save_on_a_stale_base_is_refused_naming_the_change_and_keeps_the_edits(example, tmp_path):
    """Two sessions (two store clients) open version 1; Ann saves first, Bob's save on the same base is refused."""
    path = tmp_path / "ws.sqlite"
    original = _roster(example, ("a1", 8, 16), ("a2", 9, 17))
    with Workspace(path, user=ANN) as ws:
        v1 = ws.add_version("Generated", example, original, {})
    ann_base, bob_base = open_base(v1, path), open_base(v1, path)

    ann_roster = _roster(example, ("a1", 10, 18), ("a2", 9, 17))      # Ann moves a1's shift
    v2 = save_edit("Ann's week", example, ann_roster, None, base=ann_base, seed=1, user=ANN, workspace=path)
    carl_base = open_base(v1, path)   # opened after Ann's save, before Bob's refused one
    bob_roster = _roster(example, ("a1", 8, 16), ("a2", 9, 17), ("a3", 12, 20))   # Bob adds a shift
    with pytest.raises(StaleBase) as refused:
        save_edit("Bob's week", example, bob_roster, None, base=bob_base, seed=1, user=BOB, workspace=path)
    message = str(refused.value)
    assert f"version {v2} 'Ann's week' was saved from it by ann@example.com" in message
    assert "1 shift(s) added or changed, 1 removed or changed (agents a1)" in message
    assert f"kept as draft version {refused.value.draft_id}" in message

    with Workspace(path) as ws:
        draft = ws.get_version(refused.value.draft_id)
        # Nothing lost: Bob's roster is stored whole, as a draft of the same base, audited as his.
        assert draft.roster_csv == bob_roster.to_frame().to_csv(index=False)
        assert (draft.name, draft.parent_id) == ("Bob's week (draft)", v1)
        assert [(r.user, r.action) for r in ws.history(("version", draft.id))] == [(BOB.name, "draft saved")]
        assert [v.id for v in ws.versions()] == [v1, v2, draft.id]

    # Bob opens Ann's version and saves his edit on it: accepted. A draft never makes another editor stale.
    rebased = save_edit("Bob's week", example, bob_roster, None, base=open_base(v2, path), seed=1, user=BOB,
                        workspace=path)
    carl = save_edit("Carl's week", example, original, None, base=carl_base, seed=1, user=ANN, workspace=path)
    assert rebased > v2 and carl > rebased


def test_a_viewer_cannot_save_an_edit_even_on_a_fresh_base(example, tmp_path):
    path = tmp_path / "ws.sqlite"
    with Workspace(path, user=ANN) as ws:
        v1 = ws.add_version("Generated", example, _roster(example, ("a1", 8, 16)), {})
    with pytest.raises(PermissionDenied):
        save_edit("mine", example, _roster(example, ("a1", 9, 17)), None, base=open_base(v1, path), seed=1,
                  user=VERA, workspace=path)
    with Workspace(path) as ws:
        assert len(ws.versions()) == 1


def test_roster_changes_counts_shifts_by_set_difference(example):
    a = _roster(example, ("a1", 8, 16), ("a2", 9, 17)).to_frame().to_csv(index=False)
    b = _roster(example, ("a1", 8, 16), ("a2", 10, 18), ("a3", 8, 12)).to_frame().to_csv(index=False)
    assert roster_changes(a, a) == "no shift changed"
    assert roster_changes(a, b) == "2 shift(s) added or changed, 1 removed or changed (agents a2, a3)"

"""Two planners in two app sessions (AppTest) open the same version on the Schedule page and both save: the first
save is kept, the second is refused on the page with the newer version and who saved it, and its edits are kept as
a draft version (and stay in the editor). A shift locked in the editor is audited against the version open."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

from conftest import ROOT  # noqa: E402

APP = ROOT / "app" / "streamlit_app.py"
SETTINGS = {"run_verify": False, "run_solver_effort": 2, "run_replications": 2, "run_workers": 1}


@pytest.fixture
def small_week(tmp_path, monkeypatch):
    from schedule_helpers import small_scenario
    from scenarios import save_scenario

    monkeypatch.setenv("CCPLAN_WORKSPACE", str(tmp_path / "workspace.sqlite"))
    path = save_scenario(small_scenario(days=3, headcounts=(8, 4), costs=(1.0, 1.0)), tmp_path / "small.yaml")
    monkeypatch.setenv("CCPLAN_SCENARIO", str(path))
    return tmp_path / "workspace.sqlite"


def _session() -> AppTest:
    """One planner's browser session on the Schedule page with the first version open in the editor."""
    at = AppTest.from_file(str(APP), default_timeout=300).run()
    for key, value in SETTINGS.items():
        (at.sidebar.toggle(key=key) if key == "run_verify" else at.sidebar.number_input(key=key)).set_value(value)
    at.run()
    at.switch_page("pages/4_schedule.py").run()
    at.button(key="generate_roster").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="version_a").set_value(at.selectbox(key="version_a").options[0]).run()
    at.button(key="open_version").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_second_save_on_the_same_version_is_refused_on_the_page_and_kept_as_a_draft(small_week):
    import getpass

    from planning.store import Workspace

    ann, bob = _session(), _session()   # both opened version 1
    first_shift = ann.multiselect(key="lock_shifts").options[0]
    ann.multiselect(key="lock_shifts").set_value([first_shift]).run()
    ann.button(key="lock_apply").click().run()
    ann.text_input(key="version_name").set_value("Ann's week").run()
    ann.button(key="save_version").click().run()
    assert any("Saved version" in s.value for s in ann.success), [e.value for e in ann.error]

    bob.text_input(key="version_name").set_value("Bob's week").run()
    bob.button(key="save_version").click().run()
    errors = "\n".join(e.value for e in bob.error)
    with Workspace(small_week) as ws:
        stored = {v.name: v for v in ws.versions()}
    ann_v, draft = stored["Ann's week"], stored["Bob's week (draft)"]
    assert "not saved: the version changed since you opened it" in errors
    assert f"version {ann_v.id} 'Ann's week' was saved from it by {getpass.getuser()}" in errors
    assert f"kept as draft version {draft.id}" in errors
    assert "Bob's week" not in stored and ann_v.parent_id == draft.parent_id == 1
    assert draft.roster_csv == ann_v.roster_csv    # nobody edited a shift: the same roster, kept whole
    with Workspace(small_week) as ws:
        assert [e.action for e in ws.history(("version", draft.id))] == ["draft saved"]
        # Ann's lock in the editor is in the history of the version she had open, with the shift named.
        locked = [e for e in ws.history(("version", 1)) if e.action == "shift locked"]
        assert [(e.user, e.detail) for e in locked] == [(getpass.getuser(), first_shift)]

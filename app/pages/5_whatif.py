"""What-if: define variants as override rows (path = value), run them against the base with common random
numbers, compare side by side with deltas and confidence intervals; open and compare stored runs."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from app.ui import charts, history, kpis, library, readable, settings, state
from app.ui.errors import show_input_error, user_errors
from planning import store, whatif
from scenarios import InputError, Problem
from scenarios.overrides import parse_override
from sim import SimSummary

HEADLINE = ("paid_hours", "intervals_meeting_target", "service_level", "abandon_rate", "asa_seconds", "escalated",
            "occupancy", "agent_hours")


def example_rows(sc) -> list[dict]:
    """The rows the table starts with, each one that applies to this scenario: its AI channel's containment at 75%
    (when it has one) and 10% more demand."""
    bot = next((name for name, ch in sc.channels.items() if ch.kind == "ai"), None)
    rows = [{"variant": f"{bot} 75%", "path": f"channels.{bot}.containment", "value": "0.75"}] if bot else []
    return rows + [{"variant": "10% busier", "path": "demand.scale", "value": "1.1"}]


sc = settings.page("What-if")


tab_run, tab_stored = st.tabs(["Variants", "Stored runs"])


def comparison_view(table: pd.DataFrame, key: str) -> None:
    """Side by side: one column per variant, each KPI's value; the delta to the base with its CI below it. Paid
    hours and the share of open intervals meeting targets lead (a demand rise shows there long before the week's
    service level moves); labels are plain words; green is better and red worse in each KPI's own direction; an
    unchanged KPI shows no arrow."""
    if table is None or not len(table):
        st.caption("Nothing to compare.")
        return
    variants = list(dict.fromkeys(table["variant"]))
    base = variants[0]
    headline = table[table["kpi"].str.split(".").str[-1].isin(HEADLINE)]
    # Rows with nothing to say stay in the full table only: zero everywhere, or unchanged group paid hours.
    unchanged = headline.groupby("kpi")["diff"].transform(lambda d: bool((d.fillna(0) == 0).all()))
    empty = headline.groupby("kpi")["value"].transform(lambda v: bool((v.fillna(0) == 0).all()))
    group_hours = headline["kpi"].str.startswith("skill_groups.") & headline["kpi"].str.endswith(".paid_hours")
    headline = headline[~(empty & unchanged) & ~(group_hours & unchanged) & headline["value"].notna()]
    order = sorted(dict.fromkeys(headline["kpi"]), key=kpis.kpi_rank)
    for kpi in order:
        rows = headline[headline["kpi"] == kpi]
        cols = st.columns(len(variants) + 1)
        cols[0].markdown(f"**{kpis.kpi_label(kpi)}**")
        for col, (_, row) in zip(cols[1:], rows.iterrows()):
            delta = None
            if row["variant"] != base:
                shown = kpis.variant_delta(row)
                delta = None if shown is None else (f"{readable.figure(kpi, shown.diff, True)}" + (
                    f" [{readable.figure(kpi, shown.lo, True)}, {readable.figure(kpi, shown.hi, True)}]" if shown.lo is not None else ""))
            col.metric(row["variant"], readable.figure(kpi, row["value"]), delta, delta_color=kpis.kpi_direction(kpi), help=kpi)
    sl = headline[headline["kpi"].str.endswith(".service_level")].assign(
        channel=lambda d: d["kpi"].str.split(".").str[1])
    if len(sl):
        st.altair_chart(charts.grouped_bars(sl, "channel", "value", "variant", "Service level by variant",
                                            y_format=".1%", y_title="service level"),
                        width="stretch")
    st.dataframe(kpis.comparison_table(table), hide_index=True, width="stretch")
    st.download_button("Comparison (CSV)", table.to_csv(index=False), file_name="whatif_comparison.csv",
                       mime="text/csv", key=f"{key}_csv")


def variants_tab() -> None:
    st.caption("Each row sets one field of the scenario (a dotted path as in the YAML, e.g. "
               "`channels.bot.containment`, `demand.scale`, `skill_groups.generalist.headcount`). Rows with the "
               "same variant name make one variant. Every variant runs with the same seed as the base.")
    rows = st.data_editor(pd.DataFrame(example_rows(sc)), num_rows="dynamic", hide_index=True, key="whatif_rows",
                          width="stretch")
    reoptimize = st.toggle("Re-optimise each variant (new roster per variant)", value=False, key="whatif_reopt",
                           help="Off: every variant keeps the base's staff (the scenario's constant agents, else "
                                "the Schedule page's roster). On: each variant gets its own roster (verified by "
                                "simulation when the sidebar says so) and reports its paid hours; a full schedule "
                                "per variant takes a while.")
    spec = [(str(r.get("variant") or "").strip(), str(r.get("path") or "").strip(), str(r.get("value") or "").strip())
            for r in rows.to_dict("records") if str(r.get("path") or "").strip()]
    problems = [Problem(f"row {i + 1}", "needs a variant name") for i, (v, p, _) in enumerate(spec) if not v]
    variants = None
    if problems:
        show_input_error(InputError(problems, "invalid variants"))
    elif spec:
        try:
            groups: dict[str, list] = {}
            for v, p, value in spec:
                groups.setdefault(v, []).append(parse_override(f"{p}={value}"))
            variants = [whatif.Variant("base", [], sc, is_base=True)]
            for label, overrides in groups.items():
                built = whatif.build_variants(sc, sets=overrides, fixed_staff=not reoptimize)
                v = built[-1]
                v.label = label if not v.is_base else f"{label} (= base)"
                if not v.is_base:
                    variants.append(v)
        except InputError as exc:
            show_input_error(exc)
            variants = None
    key = (json.dumps(spec), reoptimize)
    run = st.button("Run what-if", type="primary", key="whatif_run", disabled=not variants or len(variants) < 2)
    inputs = (state.scenario_key(), key, state.seed(), state.replications(), state.verify(), history.aht_source())
    if variants and len(variants) >= 2 and (run or st.session_state.get("whatif_last") == inputs):
        with user_errors("What-if"):
            result = library.run_whatif(variants, reoptimize, key)
        st.session_state["whatif_last"] = inputs
        st.caption(result.basis() + ".")
        st.caption(f"Every figure below is this what-if's own simulation ({result.replications} replications, seed "
                   f"{result.seed}, handle times from the {history.aht_source()}); a difference is the variant's figure "
                   "minus the base's, with its 95% interval from paired replications where that interval is about "
                   "the same figure." + (" A re-optimised variant's schedule notes quote its certification sample "
                                         "(fresh customers), so their shares can differ from the figures below."
                                         if reoptimize else ""))
        for note in result.notes:
            st.caption(readable.note(note))
        if result.batch_id is not None:
            st.caption(f"Stored as batch {result.batch_id} in the workspace.")
        comparison_view(result.comparison, "whatif")


with tab_run:
    variants_tab()

with tab_stored:
    with user_errors("Opening the workspace"):
        with store.Workspace() as ws:
            infos = ws.runs()
            path = ws.path
    st.caption(f"Workspace `{path}` (set CCPLAN_WORKSPACE to use another).")
    if not infos:
        st.info("No stored runs yet: run a what-if, or save a simulation from the Simulate page.")
    else:
        listing = pd.DataFrame([{"id": r.id, "saved (UTC)": readable.when(r.created_at), "kind": r.kind, "label": r.label,
                                 "scenario": r.scenario_name, "seed": r.seed, "replications": r.replications,
                                 "batch": r.batch_id, "overrides": ", ".join(r.overrides)} for r in infos])
        st.dataframe(listing, hide_index=True, width="stretch")
        ids = st.multiselect("Open runs (the first is the reference)", listing["id"].tolist(),
                             key="stored_runs_pick")
        if ids:
            with user_errors("Reading the runs"):
                with store.Workspace() as ws:
                    opened = [ws.run(i) for i in ids]
            first = opened[0]
            if len(opened) == 1:
                st.markdown(f"**Run {first.id}** · {first.kind} · {first.label or first.scenario_name} · "
                            f"seed {first.seed} · saved {readable.when(first.created_at)} UTC")
                try:
                    run_sc = state.parse(first.scenario_yaml, first.scenario_dir or str(state.base_dir()))
                    kpis.channel_metrics(run_sc, SimSummary.from_json(first.results))
                except InputError as exc:
                    show_input_error(exc)
                roster = first.roster_frame()
                if roster is not None:
                    st.dataframe(roster, hide_index=True, width="stretch", height=260)
                if st.button("Use this run's scenario", key="stored_use_scenario"):
                    state.set_scenario(first.scenario_yaml, first.scenario_dir or state.base_dir(),
                                       f"run {first.id}")
                    st.rerun()
            else:
                runs_kpis = [whatif.kpis_from_results(f"run {r.id} {r.label}".strip(), r.results, r.seed)
                             for r in opened]
                comparison_view(whatif.compare(runs_kpis), "stored")

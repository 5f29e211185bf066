"""History on the Data page: mapping a history's channel names onto the scenario's channels, and which handle
time (AHT) the forecast carries: the history's or the scenario's `aht_seconds`.

Only glue over forecasting.read_history and planning's demand: the mapped history is written as a new CSV (summed
contacts, contact-weighted handle times) that the scenario then names, so every page and the CLI read the same file.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from scenarios import Scenario

AHT_SOURCE = "aht_source"       # session: "history" (default) or "scenario"
IGNORE = "(leave out)"
MAPPED = Path(tempfile.gettempdir()) / "ccplan-app-uploads"


def aht_source() -> str:
    return st.session_state.get(AHT_SOURCE, "history")


def set_aht_source(source: str) -> None:
    """Use `source` ("history" or "scenario", planning.aht) for every page from now on."""
    st.session_state[AHT_SOURCE] = source


def history_has_aht(sc: Scenario) -> bool:
    """Whether the scenario's history has handle times (which then win over its aht_seconds by default)."""
    if sc.demand.history is None:
        return False
    try:
        columns = pd.read_csv(sc.resolve(sc.demand.history), nrows=1).columns
    except (OSError, ValueError):
        return False
    return "aht_seconds" in columns


def aht_summary(sc: Scenario, history: pd.DataFrame | None, demand: pd.DataFrame) -> pd.DataFrame:
    """Per channel with an `aht_seconds`: the scenario's value, the history's contact-weighted mean (seconds),
    and the one the forecast uses now."""
    rows = []
    for name, channel in sc.channels.items():
        aht = getattr(channel, "aht_seconds", None)
        if aht is None:
            continue
        own = demand[demand["channel"] == name]
        used = (own["contacts"] * own["aht_seconds"]).sum() / max(own["contacts"].sum(), 1e-9)
        hist = None
        if history is not None and "aht_seconds" in history.columns:
            h = history[(history["channel"] == name) & history["aht_seconds"].notna()]
            if len(h) and h["contacts"].sum() > 0:
                hist = float((h["contacts"] * h["aht_seconds"]).sum() / h["contacts"].sum())
        rows.append({"channel": name, "scenario aht_seconds": float(aht),
                     "history mean (s)": None if hist is None else round(hist, 1), "used (s)": round(float(used), 1)})
    return pd.DataFrame(rows)


def forecast_warnings(forecast: pd.DataFrame | None) -> list[str]:
    """The forecast's warnings, each once: forecasting.forecast's `attrs["warnings"]` (model auto's `warnings_`,
    per channel: too few backtest weeks, a high backtest WAPE, a prediction band that covers badly)."""
    if forecast is None:
        return []
    return list(dict.fromkeys(forecast.attrs.get("warnings", [])))


def backtest_warnings(table: pd.DataFrame | None, model: str) -> list[str]:
    """Per channel, what the backtest says against the forecast the scenario uses (`model`; `auto`: the model it
    picks): a WAPE above forecasting's HIGH_WAPE, an 80% band covering outside COVERAGE_OK of the actual counts."""
    from forecasting import COVERAGE_OK, HIGH_WAPE

    if table is None or not len(table) or not {"channel", "model", "wape"} <= set(table.columns):
        return []
    out = []
    for row in table[table["model"] == model].itertuples(index=False):
        name = f"{row.channel}: the {model} forecast" + (f" ({row.chosen})" if model == "auto" else "")
        wape = float(row.wape)
        if wape > HIGH_WAPE:
            out.append(f"{name} missed interval counts by {wape:.0%} (WAPE) in the backtest, above "
                       f"{HIGH_WAPE:.0%}: a rough guide only; plan with a margin")
        cover = float(getattr(row, "coverage80", float("nan")))
        if cover == cover and not COVERAGE_OK[0] <= cover <= COVERAGE_OK[1]:
            out.append(f"{name}'s 80% prediction band held {cover:.0%} of the actual counts in the backtest "
                       f"(a well-calibrated band holds {COVERAGE_OK[0]:.0%}-{COVERAGE_OK[1]:.0%}): the band is "
                       f"{'too narrow' if cover < COVERAGE_OK[0] else 'too wide'}")
    return out


def unmatched(sc: Scenario, history: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(history channels the scenario does not have, scenario channels with no history)."""
    have = set(history["channel"])
    return sorted(have - set(sc.channels)), [c for c in sc.channels if c not in have]


def mapped_history(history: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The history with channels renamed by `mapping` (history name -> scenario name, or IGNORE to drop);
    channels mapped onto the same scenario channel are summed per interval, handle times weighted by contacts."""
    df = history.copy()
    df["channel"] = df["channel"].map(lambda c: mapping.get(c, c))
    df = df[df["channel"] != IGNORE]
    has_aht = "aht_seconds" in df.columns
    if has_aht:
        df["_work"] = df["contacts"] * df["aht_seconds"].fillna(0)
        df["_known"] = np.where(df["aht_seconds"].notna(), df["contacts"], 0.0)
    grouped = df.groupby(["ds", "channel"], sort=True)
    out = grouped["contacts"].sum().reset_index()
    if has_aht:
        work, known = grouped["_work"].sum().to_numpy(), grouped["_known"].sum().to_numpy()
        out["aht_seconds"] = np.where(known > 0, work / np.where(known > 0, known, 1), np.nan)
    return out


def write_mapped(history: pd.DataFrame, mapping: dict[str, str], name: str) -> Path:
    """The mapped history as a CSV named after the original (kept by content, reused)."""
    frame = mapped_history(history, mapping)
    frame = frame.assign(ds=frame["ds"].dt.strftime("%Y-%m-%d %H:%M"))
    text = frame.to_csv(index=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    MAPPED.mkdir(parents=True, exist_ok=True)
    path = MAPPED / f"{Path(name).stem}-mapped-{digest}.csv"
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return path


def why_chosen(table: pd.DataFrame) -> list[str]:
    """Per channel, why `auto` picks its model: the lowest backtest WAPE among the models that ran on the most
    folds (as forecasting.backtest chooses), with the runner-up and its WAPE (in %)."""
    if table is None or not len(table) or not {"channel", "model", "wape", "folds"} <= set(table.columns):
        return []
    out = []
    ran = table.dropna(subset=["wape"])
    ran = ran[ran["folds"] > 0]
    for channel, rows in ran.groupby("channel", sort=False):
        rows = rows[rows["folds"] == rows["folds"].max()]
        ranked = rows.sort_values("wape")
        best = ranked.iloc[0]
        text = (f"**{channel}**: `auto` picks **{best['model']}**, the lowest WAPE ({100 * best['wape']:.1f}%) "
                f"of {len(ranked)} model{'s' if len(ranked) != 1 else ''} over {int(best['folds'])} backtest week(s)")
        if len(ranked) > 1:
            second = ranked.iloc[1]
            text += f"; next {second['model']} at {100 * second['wape']:.1f}%"
        out.append(text + ".")
    return out

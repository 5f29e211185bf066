"""Which handle time (AHT) the week's demand carries: the history's (the forecast's `aht_seconds`, the default)
or the scenario's `aht_seconds` on every interval. The app's choice, applied the same way wherever demand is
resolved (the app's pages, what-if variants), so every figure is computed at the AHT it is labelled with."""

from __future__ import annotations

import pandas as pd

from scenarios import Scenario

AHT_SOURCES = ("history", "scenario")


def with_aht_source(scenario: Scenario, demand: pd.DataFrame, source: str) -> pd.DataFrame:
    """`demand` with each channel's handle time (seconds) from `source`: "history" keeps the forecast's (the
    history's where it had one), "scenario" puts the scenario's `aht_seconds` on every interval of the channel."""
    if source != "scenario":
        return demand
    out = demand.copy()
    for name, channel in scenario.channels.items():
        aht = getattr(channel, "aht_seconds", None)
        if aht is not None:
            out.loc[out["channel"] == name, "aht_seconds"] = float(aht)
    return out

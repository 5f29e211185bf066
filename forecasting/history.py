"""Read contact history (long format: ds, channel, contacts[, aht_seconds]) and bring it to the planning interval."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scenarios import InputError, Problem

REQUIRED = ("ds", "channel", "contacts")


def read_history(source: str | Path | pd.DataFrame, interval_minutes: int | None = None) -> pd.DataFrame:
    """Checked long-format history, sorted by channel and ds; resampled to `interval_minutes` when given."""
    name = "history" if isinstance(source, pd.DataFrame) else str(source)
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        if not Path(source).exists():
            raise InputError([Problem(name, "file not found")], "invalid history")
        try:
            df = pd.read_csv(source)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise InputError([Problem(name, f"not a readable CSV ({exc})")], "invalid history") from None
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError([Problem(name, f"missing column {', '.join(missing)} (has: {', '.join(map(str, df.columns))})")],
                         "invalid history")
    df["ds"] = pd.to_datetime(df["ds"], errors="coerce")
    df["contacts"] = pd.to_numeric(df["contacts"], errors="coerce")
    problems = []
    for col, bad in (("ds", df["ds"].isna()), ("contacts", df["contacts"].isna() | (df["contacts"] < 0))):
        for i in np.flatnonzero(bad.to_numpy())[:5]:
            problems.append(Problem(f"{name}:row {i + 2}", f"{col} must be {'a date-time' if col == 'ds' else 'a count >= 0'}"))
    if problems:
        raise InputError(problems, "invalid history")
    if "aht_seconds" not in df.columns:
        df["aht_seconds"] = np.nan
    df = df.sort_values(["channel", "ds"]).reset_index(drop=True)
    if interval_minutes:
        df = resample_history(df, interval_minutes)
    return df


def resample_history(df: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    """Sum contacts into `interval_minutes` buckets; AHT becomes the contact-weighted mean."""
    out = []
    for channel, own in df.groupby("channel", sort=True):
        own = own.set_index("ds")
        weighted = (own["aht_seconds"] * own["contacts"]).fillna(0)
        rule = f"{interval_minutes}min"
        contacts = own["contacts"].resample(rule).sum()
        with_aht = own["contacts"].where(own["aht_seconds"].notna(), 0).resample(rule).sum()
        aht = (weighted.resample(rule).sum() / with_aht).where(with_aht > 0)
        out.append(pd.DataFrame({"ds": contacts.index, "channel": channel, "contacts": contacts.to_numpy(),
                                 "aht_seconds": aht.to_numpy()}))
    return pd.concat(out, ignore_index=True)

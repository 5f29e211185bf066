"""History input: each bad-input case gives its message; resampling and gap rules with known answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting import read_history, resample_history, to_grid
from scenarios import InputError


def _history(days=14, step=30, start="2026-01-05", open_=("08:00", "18:00"), weekdays=range(7), channel="phone"):
    ds = []
    for d in pd.date_range(start, periods=days, freq="D"):
        if d.dayofweek in weekdays:
            ds += list(pd.date_range(d + pd.Timedelta(open_[0] + ":00"), d + pd.Timedelta(open_[1] + ":00"),
                                     freq=f"{step}min", inclusive="left"))
    ds = pd.DatetimeIndex(ds)
    return pd.DataFrame({"ds": ds, "channel": channel, "contacts": np.arange(len(ds)) % 7 + 1.0})


def _message(df, **kw) -> str:
    with pytest.raises(InputError) as err:
        read_history(df, **kw)
    return str(err.value)


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "h.csv"
    _history().drop(columns="channel").to_csv(path, index=False)
    msg = _message(path)
    assert "missing column channel" in msg and str(path) in msg


def test_file_not_found(tmp_path):
    assert "file not found" in _message(tmp_path / "gone.csv")


def test_negative_count_names_the_row(tmp_path):
    df = _history()
    df.loc[5, "contacts"] = -3
    path = tmp_path / "h.csv"
    df.to_csv(path, index=False)
    assert f"{path}:row 7: contacts must be >= 0 and at most 1000000 contacts per interval (got -3)" in _message(path)


def test_unreadable_count_and_date_name_the_row():
    df = _history().astype({"contacts": object, "ds": object})
    df.loc[2, "contacts"] = "many"
    df.loc[4, "ds"] = "yesterday"
    msg = _message(df)
    assert "history:row 4: contacts 'many' is not a number" in msg
    assert "history:row 6: ds must be a date-time" in msg


def test_duplicate_timestamp():
    df = _history()
    df = pd.concat([df.iloc[:10], df.iloc[9:10], df.iloc[10:]], ignore_index=True)
    msg = _message(df)
    assert "history:row 12: channel phone: duplicate timestamp 2026-01-05 12:30:00" in msg


def test_unsorted_timestamps():
    df = _history()
    df.iloc[[3, 4]] = df.iloc[[4, 3]].to_numpy()
    msg = _message(df)
    assert "history:row 6: channel phone: timestamps not in increasing order" in msg


def test_mixed_granularity_off_grid():
    df = _history()
    df.loc[7, "ds"] = df.loc[7, "ds"] + pd.Timedelta(minutes=10)
    msg = _message(df)
    assert "history:row 9: mixed granularity: 2026-01-05 11:40:00 is not on the file's 30-minute grid" in msg


def test_mixed_granularity_coarser_day():
    fine = _history(days=7, step=15)
    coarse = _history(days=7, step=60, start="2026-01-12")
    msg = _message(pd.concat([fine, coarse], ignore_index=True))
    assert "mixed granularity: channel phone has 60-minute rows on 2026-01-12 but 15-minute rows elsewhere" in msg


def test_gap_in_open_hours_is_reported_not_zero():
    df = _history()
    drop = (df["ds"] >= "2026-01-07 10:00") & (df["ds"] < "2026-01-07 11:00")
    msg = _message(df[~drop])
    assert "channel phone, 2026-01-07 (Wed): 2 of 20 intervals missing (10:00-10:30)" in msg
    assert "--allow-gaps" in msg
    kept = read_history(df[~drop], allow_gaps=True)
    missing = kept[kept["contacts"].isna()]
    assert list(missing["ds"].astype(str)) == ["2026-01-07 10:00:00", "2026-01-07 10:30:00"]
    assert "2 of 20 intervals missing" in str(kept.attrs["gaps"][0])


def test_missing_day_is_a_gap_unless_a_holiday():
    df = _history()
    df = df[df["ds"].dt.normalize() != pd.Timestamp("2026-01-08")]
    assert "2026-01-08 (Thu): all 20 intervals missing" in _message(df)
    ok = read_history(df, closed_dates=[dt.date(2026, 1, 8)])
    assert ok["contacts"].notna().all()


def test_closed_weekdays_and_hours_are_not_gaps():
    # Monday-Friday 07:00-21:00 only, like the US bank series: weekends and nights absent, no gaps.
    df = _history(days=21, step=5, open_=("07:00", "21:00"), weekdays=range(5))
    out = read_history(df, interval_minutes=30)
    assert out.attrs["gaps"] == [] and out["contacts"].notna().all()
    grid = to_grid(out, "phone", 30)
    assert grid.open_weekdays == (0, 1, 2, 3, 4) and grid.days_per_week == 5 and grid.n_slots == 28


def test_resampling_sums_counts_and_weights_aht():
    ds = pd.date_range("2026-01-05 08:00", periods=12, freq="5min")
    df = pd.DataFrame({"ds": ds, "channel": "phone", "contacts": [1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 10],
                       "aht_seconds": [100, 200, 300, np.nan, 100, 100, np.nan, np.nan, np.nan, np.nan, np.nan, 60]})
    out = resample_history(df, 30, step_minutes=5)
    assert list(out["contacts"]) == [21, 10]
    # weighted by the contacts that have a handle time: (100*1 + 200*2 + 300*3 + 100*5 + 100*6) / 17
    assert out["aht_seconds"].iloc[0] == pytest.approx(2500 / 17)
    assert out["aht_seconds"].iloc[1] == pytest.approx(60)


def test_cannot_split_coarse_history():
    with pytest.raises(InputError, match="cannot turn 60-minute history into 30-minute intervals"):
        read_history(_history(step=60), interval_minutes=30)


def test_bucket_with_missing_row_stays_missing():
    df = _history(days=7, step=15)
    drop = df["ds"] == pd.Timestamp("2026-01-06 09:15")
    out = read_history(df[~drop], interval_minutes=30, allow_gaps=True)
    row = out[out["ds"] == pd.Timestamp("2026-01-06 09:00")]
    assert row["contacts"].isna().all()

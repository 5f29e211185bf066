"""Forecast accuracy and fit time per model, against statsforecast on the same folds, and the speed of `auto`.

1. Two real series, week ahead, rolling origin, last 4 one-week folds (3 on the Anonymous Bank: one month):
   - the US bank (tests/fixtures/us_bank_calls_30min.csv: ../shared/data/us-bank-calls-5min-2003.csv summed to
     30 minutes; 33 weeks, Mon-Fri 07:00-21:00);
   - the Anonymous Bank (tests/fixtures/anonymous_bank_calls_30min.csv: ../shared/data/anonymous-bank-1999-01.tsv
     counted per 30 minutes by `history_from_calls`, every call type as one channel; January 1999, 7 days a week).
   Every ccplan model, then `auto` itself backtested as a model (each fold's auto backtests, picks and fits its error
   law on the history before that fold only): its WAPE over the 4-week same-weekday mean's, and the share of actual
   counts inside its 80% band, overall and split by the band alone: cells whose band is [0, 0] (a forecast of
   nothing) and the others.
2. statsforecast's SeasonalNaive, AutoETS and MSTL (AutoETS trend) on the US bank folds (the open intervals end
   to end, missing days filled like ccplan fills them: statsforecast needs a gap-free series), same metrics.
3. A year of 30-minute history for 4 channels (phone, chat, email, bot), generated from the bank's weekday and
   intraday profile with yearly seasonality, day-level noise and Poisson counts (seeded): `forecast(..., "auto")`
   end to end (read and check the CSV, backtest 6 models x 4 folds per channel, refit, forecast a week).

Run: .venv/bin/python benchmarks/forecast_accuracy.py [--seed 1] [--skip-statsforecast]
Prints a table and a final JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecasting import AutoModel, WeekdayMean, backtest, backtest_grid, forecast, read_history, to_grid  # noqa: E402
from forecasting import metrics  # noqa: E402
from forecasting import fold_windows  # noqa: E402
from forecasting import impute_days  # noqa: E402

BANK = ROOT / "tests" / "fixtures" / "us_bank_calls_30min.csv"
SERIES = {"us_bank": BANK, "anonymous_bank": ROOT / "tests" / "fixtures" / "anonymous_bank_calls_30min.csv"}


def series_ccplan(path: Path) -> list[dict]:
    """Every model's backtest rows, then `auto` backtested as a model (nested: no look at the fold's week)."""
    rows, _ = backtest(path, folds=4, horizon_days=7, allow_gaps=True)
    grid = to_grid(read_history(path, allow_gaps=True), "calls", 30)
    nested, _ = backtest_grid(grid, [WeekdayMean(), AutoModel()], folds=4, horizon_days=7)
    mean4, auto = nested
    return rows + [{**auto, "model": "auto (nested)", "ratio_to_weekday_mean": auto["wape"] / mean4["wape"],
                    **banded_coverage(grid)}]


def banded_coverage(grid) -> dict:
    """`auto`'s 80% band coverage on the same folds split by the band alone (never by the actual): cells whose
    band is [0, 0] (a forecast of nothing: night intervals of a 24-hour series) and the others. Refits auto on
    each fold (as backtest_grid does) to keep its bands."""
    inside, degenerate = [], []
    for fold in fold_windows(grid, 4, 7):
        model = AutoModel()
        if not model.can_fit(grid.head(fold.origin)):
            continue
        model.fit(grid.head(fold.origin))
        _, lo, hi = model.predict(grid.days[fold.rows], closed_dates=grid.closed_days)
        actual = grid.values[fold.rows]
        keep = np.isfinite(actual)
        inside.append(((actual >= lo) & (actual <= hi))[keep])
        degenerate.append((hi <= 0)[keep])
    inside, degenerate = np.concatenate(inside), np.concatenate(degenerate)
    return {"cells": int(inside.size), "degenerate_band_cells": int(degenerate.sum()),
            "coverage80_degenerate_band": float(inside[degenerate].mean()) if degenerate.any() else float("nan"),
            "coverage80_open_band": float(inside[~degenerate].mean())}


def bank_statsforecast() -> list[dict]:
    """statsforecast models on the ccplan folds of the bank series."""
    os.environ.setdefault("NIXTLA_ID_AS_COL", "1")
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS, SeasonalNaive

    grid = to_grid(read_history(BANK, allow_gaps=True), "calls", 30)
    s, m = grid.n_slots, grid.days_per_week
    candidates = {
        "sf SeasonalNaive": lambda: SeasonalNaive(season_length=s * m),
        "sf AutoETS(day)": lambda: AutoETS(season_length=s),
        "sf MSTL+AutoETS": lambda: MSTL(season_length=[s, s * m], trend_forecaster=AutoETS(model="ZZN")),
    }
    # numba compiles on first use: warm up on a short series so fit times are steady-state
    warm = pd.DataFrame({"unique_id": "w", "ds": np.arange(4 * s * m), "y": np.tile(np.arange(s * m, dtype=float), 4)})
    StatsForecast([make() for make in candidates.values()], freq=1).forecast(h=s, df=warm, level=[80])
    rows = []
    for label, make in candidates.items():
        actual, pred, lo, hi, secs, mases = [], [], [], [], [], []
        for fold in fold_windows(grid, 4, 7):
            train = impute_days(grid.values[:fold.origin], m)
            y = train.ravel()
            df = pd.DataFrame({"unique_id": "calls", "ds": np.arange(len(y)), "y": y})
            steps = grid.head(fold.origin).steps_ahead(grid.days[fold.rows])
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fc = StatsForecast([make()], freq=1).forecast(h=int(steps.max()) * s, df=df, level=[80])
            secs.append(time.perf_counter() - t0)
            col = [c for c in fc.columns if c not in ("unique_id", "ds") and "-lo-" not in c and "-hi-" not in c][0]
            take = lambda c: np.clip(fc[c].to_numpy().reshape(-1, s)[steps - 1], 0, None)  # noqa: E731
            a = grid.values[fold.rows]
            actual.append(a), pred.append(take(col)), lo.append(take(f"{col}-lo-80")), hi.append(take(f"{col}-hi-80"))
            mases.append(metrics.mase(a, pred[-1], grid.values[:fold.origin].ravel(), s * m))
        a, p = np.concatenate(actual), np.concatenate(pred)
        rows.append({"channel": "calls", "model": label, "folds": len(secs), "wape": metrics.wape(a, p),
                     "mase": float(np.nanmean(mases)), "bias": metrics.bias(a, p), "daily_mape": metrics.daily_mape(a, p),
                     "coverage80": metrics.coverage(a, np.concatenate(lo), np.concatenate(hi)),
                     "fit_seconds": float(np.mean(secs))})
    return rows


# --- a synthetic year ------------------------------------------------------------------------------------------

CHANNELS = {
    # name: (share of phone volume, open span per weekday Mon..Sun as (start hour, end hour) or None, weekend factor)
    "phone": (1.00, [(7, 21)] * 5 + [(8, 14), None]),
    "chat": (0.30, [(8, 22)] * 7),
    "email": (0.20, [(0, 24)] * 7),
    "bot": (0.45, [(0, 24)] * 7),
}
WEEKEND_LEVEL = {"phone": (0.45, 0.0), "chat": (0.6, 0.5), "email": (0.5, 0.4), "bot": (0.8, 0.7)}


def bank_profiles() -> tuple[np.ndarray, np.ndarray]:
    """The bank's weekday levels (Mon-Fri, mean 1) and its intraday shape over 07:00-21:00 at 30 min (sums to 1)."""
    grid = to_grid(read_history(BANK, allow_gaps=True), "calls", 30)
    daily = np.nansum(grid.values, axis=1)
    ok = grid.normal
    pos = np.arange(len(daily)) % 5
    level = np.array([daily[ok & (pos == k)].mean() for k in range(5)])
    shape = np.nanmean(grid.values[ok] / daily[ok, None], axis=0)[:28]     # drop the one-slot 21:00 interval
    return level / level.mean(), shape / shape.sum()


def synthetic_year(seed: int, weeks: int = 52) -> tuple[pd.DataFrame, list[dt.date]]:
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    level, shape = bank_profiles()
    start = pd.Timestamp("2025-01-06")                                        # a Monday
    days = pd.date_range(start, periods=7 * weeks, freq="D")
    closed = [dt.date(2025, 12, 25), dt.date(2025, 12, 26), dt.date(2025, 4, 18), dt.date(2025, 4, 21)]
    hours = np.arange(48) / 2
    base_daily = 30_000 / 20                                                  # phone contacts a weekday, a 20th of the bank
    frames = []
    for name, (share, spans) in CHANNELS.items():
        sat, sun = WEEKEND_LEVEL[name]
        values = np.zeros((len(days), 48))
        for i, day in enumerate(days):
            span = spans[day.dayofweek]
            if span is None or (day.date() in closed and name in ("phone", "chat")):
                continue
            week_level = list(level) + [sat, sun]
            year = 1 + 0.12 * np.cos(2 * np.pi * (day.dayofyear - 20) / 365.25)
            total = base_daily * share * week_level[day.dayofweek] * year * rng.gamma(400, 1 / 400)
            lo, hi = span
            open_ = (hours >= lo) & (hours < hi)
            # the bank's 07-21 shape stretched over the channel's span; a night floor for 24-hour channels
            x = np.interp(hours[open_], np.linspace(lo, hi - 0.5, 28), shape)
            if hi - lo == 24:
                x = x + 0.15 * x.mean()
            values[i, open_] = rng.poisson(total * x / x.sum())
        ds = (days.to_numpy()[:, None] + pd.to_timedelta(30 * np.arange(48), unit="min").to_numpy()[None, :]).ravel()
        frames.append(pd.DataFrame({"ds": ds, "channel": name, "contacts": values.ravel().astype(int)}))
    return pd.concat(frames, ignore_index=True), closed


def year_auto(seed: int) -> dict:
    history, closed = synthetic_year(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "year.csv"
        out = history.copy()
        out["ds"] = out["ds"].dt.strftime("%Y-%m-%d %H:%M")
        out.to_csv(path, index=False)
        t0 = time.perf_counter()
        fc = forecast(path, horizon_days=7, model="auto", closed_dates=closed)
        seconds = time.perf_counter() - t0
    scores = fc.attrs["scores"]
    chosen = {ch: fc[fc["channel"] == ch]["model"].iloc[0] for ch in scores}
    best = {ch: min((r for r in rows if r["folds"] == 4), key=lambda r: r["wape"]) for ch, rows in scores.items()}
    naive = {ch: next(r for r in rows if r["model"] == "snaive") for ch, rows in scores.items()}
    return {"rows": len(history), "channels": len(scores), "seconds": round(seconds, 2), "chosen": chosen,
            "auto_wape": {ch: round(r["wape"], 4) for ch, r in best.items()},
            "snaive_wape": {ch: round(r["wape"], 4) for ch, r in naive.items()}}


def rows_by_model(rows: list[dict]) -> dict[str, dict]:
    return {r["model"]: r for r in rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-statsforecast", action="store_true")
    args = ap.parse_args()

    series = {name: series_ccplan(path) for name, path in SERIES.items()}
    if not args.skip_statsforecast:
        series["us_bank"] += bank_statsforecast()
    for name, rows in series.items():
        print(f"{name}, 30 min, last one-week folds (rolling origin)")
        print(f"{'model':<26} {'WAPE':>7} {'MASE':>6} {'bias':>7} {'day MAPE':>8} {'cover80':>7} {'fit s/fold':>10}")
        for r in rows:
            label = r["model"] + (f" ({r['chosen']})" if "chosen" in r else "")
            print(f"{label:<26} {r['wape']:>7.4f} {r['mase']:>6.3f} {r['bias']:>+7.4f} {r['daily_mape']:>8.4f} "
                  f"{r['coverage80']:>7.3f} {r['fit_seconds']:>10.3f}")
        nested = rows_by_model(rows)["auto (nested)"]
        print(f"  auto / 4-week weekday mean WAPE: {nested['ratio_to_weekday_mean']:.3f} (target <= 0.93); "
              f"80% band coverage {nested['coverage80']:.3f} (target 0.75-0.85); on the "
              f"{nested['cells'] - nested['degenerate_band_cells']} cells whose band is not [0, 0] "
              f"{nested['coverage80_open_band']:.3f}, on the {nested['degenerate_band_cells']} with a [0, 0] band "
              f"{nested['coverage80_degenerate_band']:.3f}\n")
    year = year_auto(args.seed)
    print(f"\nSynthetic year, 4 channels x 30 min ({year['rows']:,} rows): auto read+backtest+fit+forecast in "
          f"{year['seconds']:.1f} s on {os.cpu_count()} cores")
    for ch in year["chosen"]:
        print(f"  {ch:<6} chose {year['chosen'][ch]:<18} WAPE {year['auto_wape'][ch]:.4f} "
              f"(seasonal naive {year['snaive_wape'][ch]:.4f})")
    summary = {
        "benchmark": "forecast_accuracy",
        "series": {name: {r["model"]: {k: round(r[k], 4) for k in ("wape", "mase", "bias", "daily_mape", "coverage80",
                                                                   "fit_seconds")} | ({"chosen": r["chosen"]} if "chosen" in r else {})
                          for r in rows} for name, rows in series.items()},
        "auto_vs_weekday_mean": {name: {"wape_ratio": round(rows_by_model(rows)["auto (nested)"]["ratio_to_weekday_mean"], 4),
                                        "coverage80": round(rows_by_model(rows)["auto (nested)"]["coverage80"], 4),
                                        **{k: round(v, 4) for k, v in rows_by_model(rows)["auto (nested)"].items()
                                           if k.startswith("coverage80_") or k.endswith("cells")}}
                                 for name, rows in series.items()},
        "year_4_channels": year,
        "cores": os.cpu_count(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

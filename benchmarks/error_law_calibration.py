"""Is the forecast's error law calibrated on weeks it never saw? (issue 24, US bank series, the plan_vs_actual
scenario.)

For every full week from `--first` on, the week is forecast by `planning.week_demand` exactly as
`benchmarks/plan_vs_actual.py` plans it (model auto, history cut at the week's Monday; the law is fitted on the 8
backtest weeks before that), and its day totals are compared with the actual ones: the log day factor
z_d = log(actual day total / forecast day total) against the law's normal with mean `bias_`, sd `day_sd_` and
within-week correlation `day_corr_`. Reported per week: the law, the realized z, and the PIT (the law's
probability of a value at most the realized one) of the week's mean z and of its largest z (the busiest day
against forecast, which the plan at a risk must cover). Then, over the validation weeks (before the 4 test weeks
of plan_vs_actual) and over the test weeks: the standardized z's spread (1 when the sd is right), its mean (0
when the bias is right), the share of weeks whose largest z exceeded the law's 90% quantile of it (0.10 when
calibrated), and the law's quantiles of the week's largest day factor (the volume a plan at that risk must cover
on its busiest day), which bound the paid hours planning against plausible weeks needs; also the mean of the
law's day sd, the rms of the realized log day factors (the forecast's own day-total error) and the mean 90%
quantile of the busiest day factor, the figures a better day-total forecast should lower.

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/error_law_calibration.py [--first 2003-06-16] [--test-weeks 4]
(about 15 s a week: the forecast and the law's backtest). Prints a table and a final JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from forecasting import read_history  # noqa: E402
from plan_vs_actual import BANK, bank_scenario  # noqa: E402
from planning import week_demand  # noqa: E402
from planning.backtest_plan import actual_demand, backtest_weeks, week_scenario  # noqa: E402
from scenarios import InputError  # noqa: E402
from scenarios.tables import parse_datetimes, read_table  # noqa: E402

DRAWS = 200_000          # Monte Carlo weeks for the law's quantiles of the largest day factor
RISKS = (0.5, 0.75, 0.9, 0.95)


def day_factors(forecast: pd.DataFrame, actual: pd.DataFrame) -> np.ndarray:
    """log(actual / forecast) of each open day's total, in day order."""
    f = forecast.groupby(pd.DatetimeIndex(forecast["ds"]).date)["contacts"].sum()
    a = actual.groupby(pd.DatetimeIndex(actual["ds"]).date)["contacts"].sum()
    keep = (f > 0) & (a > 0)
    return np.log((a[keep] / f[keep]).to_numpy(float))


def law_weeks(law, days: int, rng: np.random.Generator) -> np.ndarray:
    """DRAWS weeks of `days` log day factors from the law (the week shock shared, one shock per day)."""
    week = rng.normal(0.0, law.day_sd_ * np.sqrt(law.day_corr_), size=(DRAWS, 1))
    day = rng.normal(0.0, law.day_sd_ * np.sqrt(1 - law.day_corr_), size=(DRAWS, days))
    return law.bias_ + week + day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", default="2003-06-16", help="first week (Monday) to forecast")
    parser.add_argument("--test-weeks", type=int, default=4, help="the last weeks: plan_vs_actual's test weeks")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = bank_scenario()
    counts = read_history(BANK, scenario.interval_minutes, allow_gaps=True)
    mondays = [m for m in full_weeks(scenario, counts) if m >= dt.date.fromisoformat(args.first)]
    raw = read_table(BANK, ("ds", "channel"), text=True)
    raw_ds = parse_datetimes(raw["ds"])
    rng = np.random.default_rng(args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for monday in mondays:
            cut = Path(folder) / f"history-before-{monday}.csv"
            raw[(raw_ds < pd.Timestamp(monday)).to_numpy()].to_csv(cut, index=False)
            week = week_scenario(scenario, monday, cut)
            planned = week_demand(week)
            law = planned.uncertainty.laws["calls"]
            z = day_factors(planned.table, actual_demand(week, counts))
            sims = law_weeks(law, len(z), rng)
            rows.append({"week": monday.isoformat(), "bias": law.bias_, "day_sd": law.day_sd_,
                         "day_corr": law.day_corr_, "z": z.tolist(),
                         "pit_mean": float((sims.mean(axis=1) <= z.mean()).mean()),
                         "pit_max": float((sims.max(axis=1) <= z.max()).mean()),
                         "max_day_factor": {str(r): float(np.exp(np.quantile(sims.max(axis=1), r))) for r in RISKS},
                         "one_day_factor": {str(r): float(np.exp(np.quantile(sims[:, 0], r))) for r in RISKS}})
            r = rows[-1]
            print(f"{r['week']}  bias {r['bias']:+.2%}  sd {r['day_sd']:.2%}  corr {r['day_corr']:.2f}  "
                  f"mean z {np.mean(z):+.2%}  max z {np.max(z):+.2%}  PIT mean {r['pit_mean']:.2f}  "
                  f"PIT max {r['pit_max']:.2f}  busiest day at risk 0.9: x{r['max_day_factor']['0.9']:.3f}",
                  flush=True)
    split = len(rows) - args.test_weeks
    out = {"weeks": rows, "validation": summary(rows[:split]), "test": summary(rows[split:])}
    for name in ("validation", "test"):
        s = out[name]
        print(f"{name} ({s['weeks']} weeks): standardized z sd {s['z_sd']:.3f} (1 if calibrated), mean "
              f"{s['z_mean']:+.3f} (0); largest day above the law's 90% quantile in {s['max_above_q90']:.0%} of weeks "
              f"(10%); week mean above its 90% quantile in {s['mean_above_q90']:.0%} (10%); the law's day sd "
              f"{s['law_day_sd_mean']:.2%} on average, realized log day factors {s['z_rms']:.2%} rms; the law's 90% "
              f"quantile of the busiest day x{s['max_day_factor_q90_mean']:.3f} on average")
    print(json.dumps(out))


def full_weeks(scenario, counts) -> list[dt.date]:
    """Every full week with enough history before it (backtest_weeks refuses more weeks than there are)."""
    n = 1
    while True:
        try:
            backtest_weeks(scenario, counts, n + 1)
        except InputError:
            return backtest_weeks(scenario, counts, n)
        n += 1


def summary(rows: list[dict]) -> dict:
    standardized = np.concatenate([(np.array(r["z"]) - r["bias"]) / r["day_sd"] for r in rows])
    z = np.concatenate([r["z"] for r in rows])
    return {"weeks": len(rows), "z_sd": float(standardized.std()), "z_mean": float(standardized.mean()),
            "law_day_sd_mean": float(np.mean([r["day_sd"] for r in rows])), "z_rms": float(np.sqrt(np.mean(z ** 2))),
            "max_day_factor_q90_mean": float(np.mean([r["max_day_factor"]["0.9"] for r in rows])),
            "max_above_q90": float(np.mean([r["pit_max"] > 0.9 for r in rows])),
            "mean_above_q90": float(np.mean([r["pit_mean"] > 0.9 for r in rows]))}


if __name__ == "__main__":
    main()

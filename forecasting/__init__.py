"""Forecasting: contacts per interval and channel from history, with backtested model choice and its error law.

What it offers (everything outside forecasting uses these names only):
- History: `read_history` / `resample_history` (long format: ds, channel, contacts[, aht_seconds]), `to_grid` /
  `DayGrid` (one channel as days x intervals).
- Forecasts: `forecast(history, ...)` (one call over long data), `backtest(history, ...)` and `backtest_grid`
  (rolling origin, `fold_windows`), `Forecaster`, `AutoModel` (chosen by backtest; carries `error_model_` and
  `warnings_`), the models (`DayProfile`, `WeekdayMean`, `SeasonalNaive`, `ETSProfile`, `MSTLModel`,
  `SARIMAXFourier`), `model_from_name` / `MODEL_NAMES`, and `impute_days` (closed or missing days filled from the
  same weekday, as the models see them).
- The forecast's error law: `ForecastErrorModel` (fitted to `backtest_residuals`): draws of plausible weeks and
  calibrated prediction intervals; `HIGH_WAPE` and `COVERAGE_OK`, the limits its warnings use.
- Call records: `read_calls`, `call_records` / `CallColumns` (per-call ACD records checked into one table),
  `history_from_calls` (counts per interval), `PRIORITY_SUFFIX`.
- Service and patience fits from call records: `fit_handle` / `HandleFit`, `fit_patience` / `PatienceFit`.
- Weeks ahead: `weekly_forecast` -> `WeeklyForecast` (weekly contacts with yearly season, trend, holiday weeks,
  a band and sampled future paths; the handle time per week) for the capacity plan.
- Intraday: `check_actuals`, `reforecast` / `reforecast_rest` (the rest of the day from the morning's counts,
  a Gamma-Poisson day factor), `DayFactorPrior`, `learn_prior_from_grid`.
"""

from .backtest import AutoModel, backtest_grid, backtest_residuals, fold_windows
from .calls import PRIORITY_SUFFIX, CallColumns, call_records, history_from_calls, read_calls
from .dayprofile import DayProfile
from .error import COVERAGE_OK, HIGH_WAPE, ForecastErrorModel
from .forecast import MODEL_NAMES, Forecaster, backtest, forecast, model_from_name
from .grid import DayGrid, to_grid
from .history import read_history, resample_history
from .intraday import DayFactorPrior, check_actuals, learn_prior_from_grid, reforecast, reforecast_rest
from .models import (ETSProfile, ForecastModel, MSTLModel, SARIMAXFourier, SeasonalNaive, WeekdayMean,
                     impute_days)
from .weekly import WeeklyForecast, weekly_forecast
from .servicefit import HandleFit, PatienceFit, fit_handle, fit_patience

__all__ = [
    "COVERAGE_OK", "HIGH_WAPE", "AutoModel", "CallColumns", "DayFactorPrior", "DayGrid", "DayProfile", "ETSProfile", "ForecastErrorModel",
    "ForecastModel", "Forecaster", "HandleFit", "MODEL_NAMES", "MSTLModel", "PRIORITY_SUFFIX", "PatienceFit",
    "SARIMAXFourier", "SeasonalNaive", "WeekdayMean", "backtest", "backtest_grid", "backtest_residuals",
    "call_records", "check_actuals", "fit_handle", "fit_patience", "fold_windows", "forecast", "history_from_calls",
    "impute_days", "learn_prior_from_grid", "model_from_name", "read_calls", "read_history", "reforecast",
    "reforecast_rest", "resample_history", "to_grid", "WeeklyForecast", "weekly_forecast",
]

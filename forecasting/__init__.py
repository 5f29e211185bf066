"""Forecasting: contacts per interval and channel from history, with backtested model choice and its error law.

Entry points: `forecast(history, ...)`,
`backtest(history, ...)`, `read_history(...)`, `history_from_calls(...)`; models in `forecasting.models` and
`forecasting.dayprofile`; the forecast's error law (draws of plausible weeks, calibrated intervals) in
`forecasting.error`.
"""

from .backtest import AutoModel, backtest_grid, backtest_residuals
from .calls import history_from_calls
from .dayprofile import DayProfile
from .error import ForecastErrorModel
from .forecast import MODEL_NAMES, Forecaster, backtest, forecast, model_from_name
from .grid import DayGrid, to_grid
from .history import read_history, resample_history
from .models import ETSProfile, ForecastModel, MSTLModel, SARIMAXFourier, SeasonalNaive, WeekdayMean

__all__ = [
    "AutoModel", "DayGrid", "DayProfile", "ETSProfile", "ForecastErrorModel", "ForecastModel", "Forecaster",
    "MODEL_NAMES", "MSTLModel", "SARIMAXFourier", "SeasonalNaive", "WeekdayMean", "backtest", "backtest_grid",
    "backtest_residuals", "forecast", "history_from_calls", "model_from_name", "read_history", "resample_history",
    "to_grid",
]

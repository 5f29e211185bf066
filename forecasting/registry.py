"""The forecast models by their CLI names."""

from __future__ import annotations

from .dayprofile import DayProfile
from .models import ETSProfile, ForecastModel, MSTLModel, SARIMAXFourier, SeasonalNaive, WeekdayMean

MODELS: dict[str, type[ForecastModel]] = {
    "snaive": SeasonalNaive, "weekday_mean": WeekdayMean, "ets": ETSProfile, "mstl": MSTLModel,
    "sarimax": SARIMAXFourier, "dayprofile": DayProfile,
}


def make_model(name: str) -> ForecastModel:
    """A model by its CLI name with default parameters."""
    return MODELS[name]()

"""Forecasting: contacts per interval and channel from history."""

from .demand import scenario_demand
from .history import read_history

__all__ = ["read_history", "scenario_demand"]

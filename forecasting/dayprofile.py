"""Day totals and intraday profiles forecast separately: a robust weekly level times calendar effects times shares.

Day totals: a log-linear regression over the last `window_weeks` weeks of open days,
    log(day total) = week level + weekday effect + calendar effects,
fitted by iteratively reweighted least squares with Huber weights, so an odd day (an outage, the day after a
holiday that was not flagged) barely moves the weekday effects. Calendar effects are the ones banks and insurers
see every month: the first, second and third open day of a month, the last open day of a month, and the first open
day after a closure (callers who could not get through call the next day); each is kept only when the history holds
at least `min_events` normal days of it. The coming week's level is an exponentially weighted mean of the recent
week levels (weight `decay ** age in weeks`) in which a week far from the median of the recent ones is
left out (Tukey's bisquare): one low week before the target no longer drags the forecast down. The decay is chosen
from `decays` on the last `tune_weeks` weeks of the history (each forecast from the weeks before it). With at least
`long_weeks` week levels the coming level is an equal-weight combination of that short-memory level and the
bisquare-weighted mean of every week level in the window (decay 1): week levels wander by about 4% from week to
week on a bank's series, and choosing the memory from a few weeks' errors follows that noise; with half of the long
mean a sustained shift still moves the forecast at least half way at once (fully once most recent weeks show it:
the bisquare weights then leave the old weeks out). Combining rather than choosing follows Bates & Granger and
Taylor's call-center comparisons. Under `long_weeks` levels (a month of a fast-changing series) only the short
memory is used.

Intraday profile: each weekday's share of the day per interval, an exponentially weighted mean over all normal
days of that weekday (weight `profile_decay ** age in weeks`), lightly smoothed across neighbouring intervals when
that forecast the last weeks better (few contacts per interval: the shares are mostly Poisson noise).
This is the Shen & Huang idea (forecast the day's volume and its shape separately) with robust estimates of each.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .grid import DayGrid
from .models import ForecastModel

#: calendar effects of a day, columns of `calendar_flags`
CALENDAR_EFFECTS = ("month_day_1", "month_day_2", "month_day_3", "month_last_day", "after_closure")
HUBER_K = 1.5           # Huber's constant in robust standard deviations (95% efficiency for normal errors)
BISQUARE_K = 4.685      # Tukey's bisquare constant, robust standard deviations (95% efficiency)


def calendar_flags(days: pd.DatetimeIndex, open_weekdays: Iterable[int], shut: Iterable[pd.Timestamp]) -> np.ndarray:
    """0/1 matrix (days x CALENDAR_EFFECTS). Open days are the `open_weekdays` (0 = Monday) not in `shut`."""
    open_weekdays = set(open_weekdays)
    shut = {pd.Timestamp(d).normalize() for d in shut}
    out = np.zeros((len(days), len(CALENDAR_EFFECTS)))
    months: dict[tuple[int, int], list[pd.Timestamp]] = {}
    for day in days:
        key = (day.year, day.month)
        if key not in months:
            cal = pd.date_range(day.replace(day=1), day + pd.offsets.MonthEnd(0), freq="D")
            months[key] = [d for d in cal if d.dayofweek in open_weekdays and d not in shut]
    for i, day in enumerate(days):
        open_days = months[(day.year, day.month)]
        k = open_days.index(day) + 1 if day in open_days else 0
        before = day - pd.Timedelta(days=1)
        while before.dayofweek not in open_weekdays:
            before -= pd.Timedelta(days=1)
        out[i] = [k == 1, k == 2, k == 3, bool(open_days) and day == open_days[-1], before in shut]
    return out


def huber_weights(residuals: np.ndarray, k: float = HUBER_K) -> np.ndarray:
    """Huber IRLS weights: 1 within k robust standard deviations (1.4826 x MAD), k sd / |r| beyond."""
    scale = 1.4826 * np.median(np.abs(residuals - np.median(residuals))) if len(residuals) else 0.0
    if scale <= 0:
        return np.ones(len(residuals))
    u = np.abs(residuals) / (k * scale)
    return np.minimum(1.0, 1.0 / np.maximum(u, 1e-12))


def robust_level(levels: np.ndarray, decay: float, recent: int = 6) -> float:
    """Exponentially weighted mean of week levels (newest first); a week far from the median of the recent ones
    gets Tukey's bisquare weight (0 beyond BISQUARE_K robust sd): an odd week is left out, not just damped."""
    weights = decay ** np.arange(len(levels))
    if len(levels) >= 3:
        r = levels - np.median(levels[:recent])
        scale = 1.4826 * np.median(np.abs(r[:recent]))
        if scale > 0:
            weights = weights * np.clip(1 - (r / (BISQUARE_K * scale)) ** 2, 0, None) ** 2
    if weights.sum() <= 0:
        return float(np.median(levels[:recent]))
    return float((weights * levels).sum() / weights.sum())


class DayProfile(ForecastModel):
    """Robust day totals (weekly level x weekday x calendar effects) times exponentially weighted intraday shares."""

    name = "dayprofile"
    min_weeks = 1.0

    def __init__(self, window_weeks: int = 26, decays: tuple[float, ...] = (0.3, 0.5, 0.7),
                 profile_decay: float = 0.9, smoothing: tuple[float, ...] = (0.0, 0.1, 0.2), min_events: int = 3,
                 tune_weeks: int = 3, long_weeks: int = 8, long_share: float = 0.5):
        self.window_weeks = window_weeks
        self.long_weeks = long_weeks
        self.long_share = long_share
        self.decays = decays
        self.profile_decay = profile_decay
        self.smoothing = smoothing
        self.min_events = min_events
        self.tune_weeks = tune_weeks

    # -- fit -------------------------------------------------------------------------------------------------------
    def _fit(self, grid: DayGrid) -> None:
        self.shut_ = self._shut_days(grid)
        flags = calendar_flags(grid.days, grid.open_weekdays, self.shut_)
        self.decay_ = self._tune_decay(grid, flags)
        self.weekday_, self.effects_, self.coef_, self.levels_ = self._regress(grid, flags)
        self.effects_names_ = [CALENDAR_EFFECTS[j] for j in self.effects_]
        self.level_ = self._level(self.levels_, self.decay_)
        self.smooth_ = self._tune_smoothing(grid)
        self.profile_ = self._profiles(grid, self.smooth_)

    @staticmethod
    def _shut_days(grid: DayGrid) -> list[pd.Timestamp]:
        """Closures plus days with no data at all: the day after either is an 'after closure' day."""
        empty = ~np.isfinite(grid.values).any(axis=1)
        return sorted({pd.Timestamp(d) for d in grid.closed_days} | set(grid.days[empty]))

    def _regress(self, grid: DayGrid, flags: np.ndarray, rows_upto: int | None = None):
        """(weekday effect per row % m, kept effect columns, their coefficients, week levels newest first)."""
        n = len(grid.days) if rows_upto is None else rows_upto
        m = grid.days_per_week
        daily = np.nansum(grid.values[:n], axis=1)
        ok = grid.normal[:n] & (daily > 0)
        rows = np.arange(max(0, n - self.window_weeks * m), n)
        rows = rows[ok[rows]]
        week = (n - 1 - rows) // m                       # 0 = the last week of the history
        weeks = int(week.max()) + 1 if len(rows) else 0
        effects = [j for j in range(flags.shape[1]) if flags[rows, j].sum() >= self.min_events]
        X = np.hstack([np.eye(weeks)[week], np.eye(m)[rows % m][:, 1:], flags[np.ix_(rows, effects)]])
        y = np.log(daily[rows])
        w = np.ones(len(rows))
        for _ in range(5):
            sw = np.sqrt(w)
            beta = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]
            w = huber_weights(y - X @ beta)
        seen = np.isin(np.arange(weeks), week)
        weekday = np.r_[0.0, beta[weeks:weeks + m - 1]]
        return weekday, effects, beta[weeks + m - 1:], beta[:weeks][seen]

    def _level(self, levels: np.ndarray, decay: float) -> float:
        """The coming week's log level from week levels (newest first): the short-memory level at `decay`, combined
        with the long mean (share `long_share`) once there are `long_weeks` levels."""
        short = robust_level(levels, decay)
        if len(levels) < self.long_weeks or self.long_share <= 0:
            return short
        return (1 - self.long_share) * short + self.long_share * robust_level(levels, 1.0)

    def _tune_decay(self, grid: DayGrid, flags: np.ndarray) -> float:
        """The level decay whose week-ahead day totals erred least over the last `tune_weeks` weeks."""
        m = grid.days_per_week
        n = len(grid.days)
        daily = np.where(grid.normal, np.nansum(grid.values, axis=1), np.nan)
        errors = {d: 0.0 for d in self.decays}
        tried = 0
        for w in range(self.tune_weeks, 0, -1):
            origin = n - w * m
            if origin < 2 * m or grid.normal[:origin].sum() < 2 * m:
                continue
            weekday, effects, coef, levels = self._regress(grid, flags, origin)
            target = np.arange(origin, origin + m)
            base = weekday[target % m] + flags[np.ix_(target, effects)] @ coef
            for d in self.decays:
                errors[d] += float(np.nansum(np.abs(np.exp(self._level(levels, d) + base) - daily[target])))
            tried += 1
        if not tried:
            return sorted(self.decays)[len(self.decays) // 2]
        return min(errors, key=errors.get)

    def _profiles(self, grid: DayGrid, smooth: float, rows_upto: int | None = None) -> np.ndarray:
        """Share of each interval in its day per weekday position (row k = rows t with t % m == k)."""
        n = len(grid.days) if rows_upto is None else rows_upto
        m = grid.days_per_week
        values = grid.values[:n]
        daily = np.nansum(values, axis=1)
        ok = grid.normal[:n] & (daily > 0)
        shares = np.where(ok[:, None], values / np.where(daily > 0, daily, 1)[:, None], 0.0)
        weights = np.where(ok, self.profile_decay ** ((n - 1 - np.arange(n)) // m), 0.0)
        pooled = shares.T @ weights / weights.sum() if weights.sum() > 0 else np.full(grid.n_slots, 1 / grid.n_slots)
        out = np.empty((m, grid.n_slots))
        for k in range(m):
            wk = np.where(np.arange(n) % m == k, weights, 0.0)
            out[k] = shares.T @ wk / wk.sum() if wk.sum() > 0 else pooled
            if smooth and grid.n_slots > 2:
                # neighbours only inside the open hours: a closed interval stays closed
                padded = np.pad(out[k], 1, mode="edge")
                smoothed = (1 - 2 * smooth) * out[k] + smooth * (padded[:-2] + padded[2:])
                out[k] = np.where(out[k] > 0, smoothed, 0.0)
            total = out[k].sum()
            out[k] = out[k] / total if total > 0 else pooled
        return out

    def _tune_smoothing(self, grid: DayGrid) -> float:
        """The profile smoothing that best forecast the shares of the last `tune_weeks` weeks (given their totals)."""
        if len(self.smoothing) < 2:
            return self.smoothing[0] if self.smoothing else 0.0
        m, n = grid.days_per_week, len(grid.days)
        errors = {s: 0.0 for s in self.smoothing}
        tried = 0
        for w in range(self.tune_weeks, 0, -1):
            origin = n - w * m
            if origin < m:
                continue
            target = np.arange(origin, origin + m)
            target = target[grid.normal[target]]
            actual = grid.values[target]
            for s in self.smoothing:
                prof = self._profiles(grid, s, origin)[target % m]
                errors[s] += float(np.abs(prof * actual.sum(axis=1, keepdims=True) - actual).sum())
            tried += 1
        return min(errors, key=errors.get) if tried else 0.0

    # -- forecast ---------------------------------------------------------------------------------------------------
    def predict(self, days, closed_dates=()):
        # the calendar effects of the coming days depend on which of them are closed
        self.future_shut_ = [pd.Timestamp(d) for d in closed_dates]
        return super().predict(days, closed_dates=closed_dates)

    def _point(self, steps):
        grid, m = self.grid_, self.days_per_week_
        cal = pd.date_range(grid.days[-1] + pd.Timedelta(days=1), periods=int(steps.max()) * 7 // m + 7, freq="D")
        future = cal[cal.dayofweek.isin(grid.open_weekdays)][steps - 1]
        shut = self.shut_ + getattr(self, "future_shut_", [])
        flags = calendar_flags(future, grid.open_weekdays, shut)[:, self.effects_]
        pos = (len(grid.days) - 1 + steps) % m
        totals = np.exp(self.level_ + self.weekday_[pos] + flags @ self.coef_)
        return totals[:, None] * self.profile_[pos]

    def _daily_forecast_errors(self, grid: DayGrid) -> np.ndarray:
        """Relative errors of this model's own week-ahead day totals over the last 8 weeks of the history."""
        m, n = grid.days_per_week, len(grid.days)
        flags = calendar_flags(grid.days, grid.open_weekdays, self.shut_)
        daily = np.where(grid.normal, np.nansum(grid.values, axis=1), np.nan)
        errors = []
        for w in range(8, 0, -1):
            origin = n - w * m
            if origin < 2 * m or grid.normal[:origin].sum() < 2 * m:
                continue
            weekday, effects, coef, levels = self._regress(grid, flags, origin)
            target = np.arange(origin, origin + m)
            fc = np.exp(self._level(levels, self.decay_) + weekday[target % m] + flags[np.ix_(target, effects)] @ coef)
            errors.append((fc - daily[target]) / fc)
        return np.concatenate(errors) if errors else super()._daily_forecast_errors(grid)

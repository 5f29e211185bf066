"""Derive the example scenario's contact history from the shared real bank data (a developer tool).

Phone: the real per-call records of "Anonymous Bank", January 1999 (Technion SEE lab; see README credits):
calls that asked for an agent (queued or served), counted per 30 minutes by the time they asked, scaled to the
insurer's size, with the served calls' mean handle time per interval scaled to the insurer's 300 s.
Three complete weeks are used (3-9, 17-23 and 24-30 January; the week of the 10th misses two days) and
relabelled to the three weeks before the example week, the bank's Sunday becoming our Monday (the Israeli
work week starts on Sunday), so Friday's short day becomes our Saturday.
Chat, email and the AI assistant are not in the data: they are drawn (Poisson, fixed seed) as documented
shares of each day's phone volume with intraday shapes of their own.

Run: python scripts/derive_example_history.py ../shared/data/anonymous-bank-1999-01.tsv
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "scenarios" / "examples" / "data" / "insurance_history.csv"
WEEKS = [("1999-01-03", "2025-12-15"), ("1999-01-17", "2025-12-22"), ("1999-01-24", "2025-12-29")]
INTERVAL = "30min"
PHONE_SCALE = 2.2          # insurer's phone volume / the bank's
PHONE_AHT_SCALE = 300 / 183  # insurer's mean handle time / the bank's (181-183 s)
# Share of each digital channel relative to the day's phone volume: digital = 45% of all contacts.
SHARES = {"chat": 0.22, "email": 0.18, "bot": 0.42}
# Digital demand by weekday relative to the phone's weekday level (customers write at weekends too).
DIGITAL_WEEKDAY = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.75, 0.6])
SEED = 2026


def _hours(peaks: list[tuple[float, float, float]], floor: float) -> np.ndarray:
    """Intraday shape over 48 half hours: a floor plus Gaussian bumps (centre hour, width hours, height)."""
    t = np.arange(48) / 2 + 0.25
    shape = np.full(48, floor)
    for centre, width, height in peaks:
        shape += height * np.exp(-0.5 * ((t - centre) / width) ** 2)
    return shape / shape.sum()


SHAPES = {
    "chat": _hours([(11, 2.0, 1.0), (14, 1.5, 0.7), (20, 1.5, 0.9)], 0.0) * 1.0,
    "email": _hours([(10, 3.0, 1.0), (16, 3.0, 0.8), (21, 2.0, 0.5)], 0.08),
    "bot": _hours([(10, 2.5, 0.8), (13, 2.0, 0.6), (20.5, 2.0, 1.0)], 0.05),
}
CHAT_OPEN = (8, 22)  # the chat is only offered while agents are there


def phone_history(path: Path) -> pd.DataFrame:
    calls = pd.read_csv(path, sep=r"\s+")
    calls = calls[calls.outcome != "PHANTOM"]
    asked = (calls.q_start != "0:00:00") | (calls.outcome == "AGENT")
    calls = calls[asked].copy()
    date = pd.to_datetime(calls.date.astype(str), format="%y%m%d")
    clock = calls.q_start.where(calls.q_start != "0:00:00", calls.vru_exit)
    calls["t"] = date + pd.to_timedelta(clock)
    rng = np.random.default_rng(SEED)
    frames = []
    for src, dst in WEEKS:
        lo = pd.Timestamp(src)
        week = calls[(calls.t >= lo) & (calls.t < lo + pd.Timedelta(days=7))].copy()
        week["ds"] = (week.t - lo + pd.Timestamp(dst)).dt.floor(INTERVAL)
        grid = pd.date_range(dst, periods=7 * 48, freq=INTERVAL)
        counts = week.groupby("ds").size().reindex(grid, fill_value=0)
        served = week[week.outcome == "AGENT"]
        aht = served.groupby("ds").ser_time.mean().reindex(grid) * PHONE_AHT_SCALE
        # Each real call counts twice, and a random 20% of them a third time: scale 2.2, integer counts.
        extra = rng.binomial(counts.to_numpy(), PHONE_SCALE - 2)
        frames.append(pd.DataFrame({"ds": grid, "channel": "phone", "contacts": counts.to_numpy() * 2 + extra,
                                    "aht_seconds": aht.round(1).to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def digital_history(phone: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(SEED + 1)
    daily = phone.groupby(phone.ds.dt.normalize()).contacts.sum()
    weekday_level = daily.groupby(daily.index.dayofweek).mean()
    level = weekday_level.iloc[:5].mean()
    frames = []
    for day, total in daily.items():
        # Digital volume follows the day's phone level (busy days are busy everywhere), not its weekday shape.
        ratio = total / weekday_level[day.dayofweek]
        grid = pd.date_range(day, periods=48, freq=INTERVAL)
        for channel, share in SHARES.items():
            shape = SHAPES[channel].copy()
            if channel == "chat":
                hours = np.arange(48) / 2
                shape[(hours < CHAT_OPEN[0]) | (hours >= CHAT_OPEN[1])] = 0
                shape /= shape.sum()
            mean = share * level * DIGITAL_WEEKDAY[day.dayofweek] * ratio * shape
            frames.append(pd.DataFrame({"ds": grid, "channel": channel, "contacts": rng.poisson(mean),
                                        "aht_seconds": np.nan}))
    return pd.concat(frames, ignore_index=True)


def main(path: str) -> None:
    phone = phone_history(Path(path))
    history = pd.concat([phone, digital_history(phone)], ignore_index=True)
    history = history.sort_values(["channel", "ds"]).reset_index(drop=True)
    history["ds"] = history.ds.dt.strftime("%Y-%m-%d %H:%M")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    history.to_csv(OUT, index=False)
    print(f"wrote {OUT}: {len(history)} rows")
    print(history.groupby("channel").contacts.sum())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[2] / "shared" / "data" / "anonymous-bank-1999-01.tsv"))

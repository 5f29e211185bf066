"""Derive the forecasting test fixtures from the shared real data (a developer tool; tests only read the outputs).

1. tests/fixtures/us_bank_calls_30min.csv: calls per 30 minutes of a large North American bank, 2003-03-03 to
   2003-10-24, weekdays 07:00-21:00 (Weinberg; published in the R package fpp3 as `bank_calls`, GPL-3; see README
   "Data credits"). The 5-minute counts are summed into 30-minute intervals (the 21:00 interval holds the single
   21:00-21:05 slot the source has). Days missing in the source (holidays and three data gaps) stay missing.
   Long format: ds, channel (= "calls"), contacts.
2. tests/fixtures/anonymous_bank_calls_sample.tsv: per-call records of "Anonymous Bank" (Technion SEE lab,
   Guedj & Mandelbaum), January 1999: the calls of 1999-01-03 and 1999-01-04 (every column, original format).

Run: python scripts/derive_forecast_fixtures.py [/work/shared/data]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def bank_30min(src: Path) -> pd.DataFrame:
    raw = pd.read_csv(src / "us-bank-calls-5min-2003.csv")
    ds = pd.to_datetime(raw["DateTime"].str.rstrip("Z"))   # marked Z but local clock time
    counts = raw.groupby(ds.dt.floor("30min"))["Calls"].sum()
    return pd.DataFrame({"ds": counts.index.strftime("%Y-%m-%d %H:%M"), "channel": "calls",
                         "contacts": counts.to_numpy()})


def calls_sample(src: Path) -> str:
    lines = (src / "anonymous-bank-1999-01.tsv").read_text().splitlines()
    keep = [lines[0]] + [ln for ln in lines[1:] if ln.split("\t")[5] in ("990103", "990104")]
    return "\n".join(keep) + "\n"


def main(src: Path) -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    bank = bank_30min(src)
    bank.to_csv(FIXTURES / "us_bank_calls_30min.csv", index=False)
    print(f"us_bank_calls_30min.csv: {len(bank)} rows, {bank['contacts'].sum():,} calls")
    text = calls_sample(src)
    (FIXTURES / "anonymous_bank_calls_sample.tsv").write_text(text)
    print(f"anonymous_bank_calls_sample.tsv: {text.count(chr(10)) - 1} calls")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")

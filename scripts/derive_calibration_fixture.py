"""Derive tests/fixtures/anonymous_bank_calls_week.tsv for the calibrate/replay tests (a developer tool; the tests
only read the output).

Per-call records of "Anonymous Bank" (Technion SEE lab, Guedj & Mandelbaum; see README "Data credits"), January
1999: every call of Sunday 3 to Wednesday 6 January 1999 (four working days of the Israeli week), every column,
original format, LF line endings.

Run: python scripts/derive_calibration_fixture.py [/work/shared/data]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAYS = ("990103", "990104", "990105", "990106")


def main(src: Path) -> None:
    lines = (src / "anonymous-bank-1999-01.tsv").read_text().splitlines()
    keep = [lines[0]] + [ln for ln in lines[1:] if ln.split("\t")[5] in DAYS]
    out = ROOT / "tests" / "fixtures" / "anonymous_bank_calls_week.tsv"
    out.write_text("\n".join(keep) + "\n")
    print(f"{out.name}: {len(keep) - 1} calls")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")

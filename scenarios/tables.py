"""Reading the user's CSV tables: one place for 'file not found', 'not a readable CSV' and 'missing column'."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from .errors import InputError, Problem


def read_table(source: str | Path | pd.DataFrame, required: Iterable[str] = (), *, title: str = "invalid input",
               text: bool = False, hint: str = "", name: str | None = None) -> pd.DataFrame:
    """A user's table from a CSV path (or a DataFrame, copied), with column names stripped of spaces.

    `text=True` reads every cell as text (empty cells as ""), for readers that check each row themselves.
    Raises InputError naming the file when it is missing, unreadable, or lacks a `required` column; `hint` is
    appended to the missing-column message (e.g. what the table needs). `name` is how messages call the table
    (default: its path, or "table" for a DataFrame).
    """
    name = name or ("table" if isinstance(source, pd.DataFrame) else str(source))
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        if not Path(source).exists():
            raise InputError([Problem(name, "file not found")], title)
        try:
            df = pd.read_csv(source, dtype=str, keep_default_na=False) if text else pd.read_csv(source)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise InputError([Problem(name, f"not a readable CSV ({exc})")], title) from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError([Problem(name, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                                        f"(has: {', '.join(df.columns)}{'; ' + hint if hint else ''})")], title)
    return df

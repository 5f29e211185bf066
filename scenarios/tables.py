"""Reading the user's files: one place for 'file not found', 'a folder', 'unreadable', 'not UTF-8 text',
'not a readable CSV' and 'missing column'."""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd

from .errors import InputError, Problem


# A user's file is read whole; anything larger than this is not a contact-center table typed or exported by hand.
MAX_FILE_BYTES = 2 * 1024 ** 3


def check_readable(path: str | Path, title: str = "invalid input", name: str | None = None,
                   sample_bytes: int = 1 << 20) -> None:
    """Check a user's file before a reader that is not ours opens it: it exists, is a file, can be read, and its
    first `sample_bytes` are UTF-8 text (the same messages as `read_text`, without reading a large file whole)."""
    path = Path(path)
    name = name or str(path)
    _check_file(path, name, title)
    try:
        with path.open("rb") as handle:
            data = handle.read(sample_bytes)
    except OSError as exc:
        raise InputError([Problem(name, f"cannot be read ({exc.strerror or exc})")], title) from None
    _decode(data, name, title, final=len(data) < sample_bytes)


def _check_file(path: Path, name: str, title: str) -> None:
    if not path.exists():
        raise InputError([Problem(name, "file not found")], title)
    if path.is_dir():
        raise InputError([Problem(name, "is a folder, not a file")], title)


def _decode(data: bytes, name: str, title: str, final: bool = True) -> str:
    """UTF-8 text (a byte-order mark allowed) or InputError saying what the bytes are instead."""
    import codecs

    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError([Problem(name, "is UTF-16 text; save it as UTF-8")], title)
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=final)
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                                        "save it as UTF-8 (a Latin-1 or Windows export?)")], title) from None
    if "\x00" in text:
        raise InputError([Problem(name, "is a binary file, not text")], title)
    return text


def read_text(path: str | Path, title: str = "invalid input", name: str | None = None) -> str:
    """The text of a user's file, decoded as UTF-8 (a byte-order mark is allowed).

    Raises InputError naming the file when it is missing, a folder, unreadable, too large, binary or in another
    encoding (Latin-1, UTF-16: the message says how to save it as UTF-8).
    """
    path = Path(path)
    name = name or str(path)
    _check_file(path, name, title)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError([Problem(name, f"is {size / 1024 ** 3:.1f} GiB; files above "
                                            f"{MAX_FILE_BYTES / 1024 ** 3:g} GiB are not read")], title)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, f"cannot be read ({exc.strerror or exc})")], title) from None
    return _decode(data, name, title)


def write_atomic(path: str | Path, write) -> Path:
    """Write a file atomically: `write(tmp)` fills a temporary file in the same folder, which then replaces `path`
    in one rename; an error, a full disk or a kill midway leaves the old file (or none), never half of one.
    The one helper every writer uses (app.commands.common re-exports it for the commands)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text_atomic(path: str | Path, text: str) -> Path:
    """`write_atomic` for a text (UTF-8)."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def parse_datetimes(values: pd.Series, name: str = "table") -> pd.Series:
    """Date-times of a table column as local clock times (tz-naive); NaT where a cell is not a date-time.

    Tables hold the center's local clock times. A column whose cells all carry the same UTC offset
    ("2026-01-05T08:00+01:00") is read as the clock times written (08:00): the export of a system in the center's
    own zone. A column mixing offsets (+01:00 and +02:00, or offsets and none) is refused: its cells would not be
    on one clock (an export in UTC next to local times, or a daylight-saving change); InputError names `name` and
    the first row (counting the header as row 1) whose offset differs from the first row's.
    """
    text = values.astype(str).str.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns about mixed offsets and formats; handled below
        # Fast path: the format of the first cell, vectorised (a history has 100,000s of rows).
        parsed = pd.to_datetime(text, errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        # One offset throughout (pandas found no other): mixed with naive cells it would not get here.
        retry = parsed.isna() & (text != "")
        if not retry.any():
            return parsed.dt.tz_localize(None)
        return _one_by_one(text, name)
    if pd.api.types.is_datetime64_dtype(parsed.dtype):
        # Cells in another format than the first one: parsed one by one below.
        retry = parsed.isna() & (text != "")
        if not retry.any():
            return parsed
        return _one_by_one(text, name)
    return _one_by_one(text, name)


def _one_by_one(text: pd.Series, name: str) -> pd.Series:
    """Each distinct cell parsed on its own; every cell on one UTC offset (or none), else InputError."""
    def one(cell: str):
        try:
            # ISO 8601 only: a second format in one file (05.01.2026: May or January?) stays an error.
            return pd.to_datetime(cell, format="ISO8601")
        except (ValueError, TypeError, OverflowError):
            return pd.NaT

    unique = {cell: one(cell) for cell in text.unique()}
    offsets = {cell: (None if stamp is pd.NaT or stamp.tzinfo is None else stamp.utcoffset())
               for cell, stamp in unique.items() if stamp is not pd.NaT}
    if len(set(offsets.values())) > 1:
        cells = text.tolist()
        first = next(i for i, c in enumerate(cells) if c in offsets)
        other = next(i for i, c in enumerate(cells) if c in offsets and offsets[c] != offsets[cells[first]])
        raise InputError([Problem(f"{name}:row {other + 2}",
                                  f"ds '{cells[other]}' has {_offset(offsets[cells[other]])} but row {first + 2} "
                                  f"('{cells[first]}') has {_offset(offsets[cells[first]])}: a ds column holds one "
                                  "clock; write local clock times without offsets")], "invalid date-times")
    local = {cell: stamp.tz_localize(None) if stamp is not pd.NaT and stamp.tzinfo is not None else stamp
             for cell, stamp in unique.items()}
    return pd.to_datetime(text.map(local), errors="coerce")


def _offset(offset) -> str:
    if offset is None:
        return "no UTC offset"
    minutes = int(offset.total_seconds() // 60)
    return f"UTC offset {'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass(frozen=True)
class CsvText:
    """A CSV file's content held in memory (an upload in the app) with the file's own name: every reader takes it
    where it takes a path, and its messages name `name` as they would name the path."""

    name: str
    text: str

    def __str__(self) -> str:
        return self.name


def read_table(source: str | Path | pd.DataFrame | CsvText, required: Iterable[str] = (), *,
               title: str = "invalid input", text: bool = False, hint: str = "",
               name: str | None = None) -> pd.DataFrame:
    """A user's table from a CSV path or CsvText (or a DataFrame, copied), with column names stripped of spaces.

    `text=True` reads every cell as text (empty cells as ""), for readers that check each row themselves.
    Raises InputError naming the file when it is missing, unreadable, or lacks a `required` column; `hint` is
    appended to the missing-column message (e.g. what the table needs). `name` is how messages call the table
    (default: its path, or "table" for a DataFrame).
    """
    name = name or ("table" if isinstance(source, pd.DataFrame) else str(source))
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        # A CsvText passes the same checks as a file's bytes (binary, a byte-order mark) and reads the same.
        data = _decode(source.text.encode("utf-8"), name, title) if isinstance(source, CsvText) \
            else read_text(source, title, name)
        content = io.StringIO(data)
        try:
            # Only an empty cell is missing: "nan", "NA" or "None" written in a file are values the reader
            # checks (and names), not blanks.
            df = pd.read_csv(content, dtype=str, keep_default_na=False) if text else \
                pd.read_csv(content, keep_default_na=False, na_values=[""])
        except pd.errors.EmptyDataError:
            raise InputError([Problem(name, "is empty (not even a header row)")], title) from None
        except (pd.errors.ParserError, ValueError) as exc:
            raise InputError([Problem(name, f"not a readable CSV ({str(exc).strip()})")], title) from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError([Problem(name, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                                        f"(has: {', '.join(df.columns)}{'; ' + hint if hint else ''})")], title)
    return df

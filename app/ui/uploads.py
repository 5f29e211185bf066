"""Uploaded files, checked before they are read: the file type by its name and the size against the app's limit.

Streamlit refuses an upload above `server.maxUploadSize` (`ccplan app --max-upload-mb`, 50 MB by default) before
it reaches the app; this second check holds when the app was started another way, and never lets through more than
the command line reads from a file (scenarios.tables.MAX_FILE_BYTES). What the file describes is then guarded like
any run of the command line: planning's entry points refuse a week too large for the machine (planning.guard).
"""

from __future__ import annotations

import os
from pathlib import PurePath

import streamlit as st

from scenarios.tables import MAX_FILE_BYTES

DEFAULT_MAX_MB = 50
ENV_VAR = "CCPLAN_MAX_UPLOAD_MB"


def max_upload_bytes() -> int:
    """The app's upload limit in bytes: $CCPLAN_MAX_UPLOAD_MB (set by `ccplan app`), else 50 MB; never above the
    command line's file limit."""
    try:
        mb = float(os.environ.get(ENV_VAR) or DEFAULT_MAX_MB)
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(min(mb * 1024 ** 2, MAX_FILE_BYTES))


def upload_problem(name: str, size: int, types: tuple[str, ...]) -> str | None:
    """Why an upload named `name` of `size` bytes may not be read, None when it may."""
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix not in types:
        return f"{name}: a .{suffix or '(none)'} file; this field takes {', '.join('.' + t for t in types)}"
    limit = max_upload_bytes()
    if size > limit:
        return (f"{name}: {size / 1024 ** 2:,.1f} MB; uploads above {limit / 1024 ** 2:,.0f} MB are not read "
                f"(`ccplan app --max-upload-mb` raises the limit)")
    return None


def content(file, types: tuple[str, ...]) -> bytes:
    """The bytes of an uploaded file (st.file_uploader's value) after its type and size are checked; a file that
    fails is named in an error and the page stops, before any of it is read."""
    problem = upload_problem(file.name, int(file.size), types)
    if problem:
        st.error(problem)
        st.stop()
    return file.getvalue()

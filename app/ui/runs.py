"""Long library calls with a live progress bar, cached on their inputs.

`st.cache_data` would replay every progress update of the first run on each cache hit, and package callbacks
may arrive from worker threads that have no Streamlit context. So results live in a store owned by
`st.cache_resource` (one per server, shared by sessions), keyed on a hash of the inputs the caller names; on a miss
the call runs inside `st.status` with an `st.progress` bar fed by the package's progress callback.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

MAX_RESULTS = 48


class ResultStore:
    """A small thread-safe LRU map from input hash to result."""

    def __init__(self, size: int = MAX_RESULTS):
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: str) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def values(self) -> list:
        with self._lock:
            return list(self._items.values())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@st.cache_resource(show_spinner=False)
def store() -> ResultStore:
    return ResultStore()


def input_key(kind: str, *parts: Any) -> str:
    return hashlib.sha256(repr((kind, *parts)).encode()).hexdigest()


def cached(kind: str, parts: tuple, compute: Callable[[Callable[[float, str], None]], Any], label: str) -> Any:
    """The result of `compute(progress)` for these inputs: from the store, or computed now with a progress bar."""
    key = input_key(kind, *parts)
    hit = store().get(key)
    if hit is not None:
        return hit
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text=label)
        owner = get_script_run_ctx(suppress_warning=True)

        def progress(fraction: float, message: str = "") -> None:
            # Callbacks from solver or pool threads cannot touch the page; the script thread's updates suffice.
            if owner is None or get_script_run_ctx(suppress_warning=True) is not owner:
                return
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=message or label)

        try:
            result = compute(progress)
        except Exception:
            status.update(label=f"{label}: failed", state="error", expanded=True)
            raise
        bar.progress(1.0, text="done")
        status.update(label=f"{label}: done", state="complete", expanded=False)
    store().put(key, result)
    return result


def peek(kind: str, parts: tuple) -> Any:
    """A stored result for these inputs, or None (never computes)."""
    return store().get(input_key(kind, *parts))


def memo(kind: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """Like `cached` for quick derived results (e.g. an export's bytes): no progress display."""
    key = input_key(kind, *parts)
    hit = store().get(key)
    if hit is None:
        hit = compute()
        store().put(key, hit)
    return hit

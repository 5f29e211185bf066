"""Progress reporting shared by long-running work: a callback taking (fraction done 0..1, message)."""

from __future__ import annotations

from typing import Callable, Protocol


class Progress(Protocol):
    def __call__(self, fraction: float, message: str = "") -> None: ...


def no_progress(fraction: float, message: str = "") -> None:
    """The default: report nothing."""


def scaled(progress: Progress | None, lo: float, hi: float) -> Progress:
    """A callback mapping 0..1 onto lo..hi of an outer callback (for a step inside a longer job)."""
    outer = progress or no_progress

    def inner(fraction: float, message: str = "") -> None:
        outer(lo + (hi - lo) * min(max(fraction, 0.0), 1.0), message)

    return inner


ProgressFn = Callable[[float, str], None]

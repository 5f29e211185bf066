"""Time spans -> seconds covered in each interval, without a loop over spans."""

from __future__ import annotations

import numpy as np


def coverage(starts, ends, n_intervals: int, interval_seconds: float) -> np.ndarray:
    """Seconds of the spans [start, end) falling in each of `n_intervals` intervals starting at 0.

    Uses F(b) = sum over spans of |[s, e) & [0, b)| = sum_{s<b} (b - s) - sum_{e<b} (b - e), evaluated at every
    interval edge from sorted starts and ends; the difference of F between edges is the covered time.
    """
    s = np.sort(np.asarray(starts, float))
    e = np.sort(np.asarray(ends, float))
    edges = np.arange(n_intervals + 1) * float(interval_seconds)
    cs = np.concatenate(([0.0], np.cumsum(s)))
    ce = np.concatenate(([0.0], np.cumsum(e)))
    ks = np.searchsorted(s, edges, side="right")
    ke = np.searchsorted(e, edges, side="right")
    total = (ks * edges - cs[ks]) - (ke * edges - ce[ke])
    return np.diff(total)

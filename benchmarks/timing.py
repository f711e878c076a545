"""Timing helper shared by the benchmark scripts (run as ``python benchmarks/bench_*.py``, so
this folder is on ``sys.path``)."""

from __future__ import annotations

import time
from typing import Any, Callable


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The best wall-clock seconds of ``runs`` calls of ``fn``, and the last call's result."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result

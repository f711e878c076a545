"""A minimal progress bar on stderr, shown only on a terminal and only for long runs."""

from __future__ import annotations

import sys
import time
from typing import TextIO

_DELAY = 0.5
"""Seconds before the bar first appears (short runs never show it)."""
_INTERVAL = 0.1
"""Minimum seconds between redraws."""
_WIDTH = 30


class Progress:
    """Fraction-done bar; a no-op unless enabled and ``stream.isatty()``.

    Use as a context manager; call :meth:`update` with the fraction done in ``[0, 1]``.
    """

    def __init__(self, label: str, enabled: bool = True, stream: TextIO | None = None):
        self._stream = stream if stream is not None else sys.stderr
        self._label = label
        self._on = bool(enabled) and _isatty(self._stream)
        self._start = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def update(self, fraction: float, note: str = "") -> None:
        """Redraw with ``fraction`` done and an optional ``note`` (e.g. the current loss)."""
        if not self._on:
            return
        now = time.monotonic()
        if now - self._start < _DELAY or now - self._last < _INTERVAL:
            return
        self._last = now
        fraction = min(1.0, max(0.0, fraction))
        filled = int(round(fraction * _WIDTH))
        bar = "#" * filled + "-" * (_WIDTH - filled)
        tail = f" {note}" if note else ""
        self._stream.write(f"\r{self._label} [{bar}] {100 * fraction:5.1f}% {now - self._start:6.1f}s{tail}")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


__all__ = ["Progress"]

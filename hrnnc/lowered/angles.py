"""Exact-where-possible arithmetic on merged angles (floats or symbolic values).

A merged angle is a sum of contributions. Numeric sums are reduced mod 2π on qubits
(``exp(i·2π·∏ n̂_j) = I``) and dropped when they vanish up to the rounding of the sum;
symbolic sums are dropped only when no free symbol is left and the value vanishes, i.e.
when they cancel symbolically. An undecided symbolic angle is kept, never guessed.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

TWO_PI = 2.0 * math.pi
ROUNDING = 1e-12
"""A numeric sum ``s`` of contributions ``c_i`` vanishes when ``|s| ≤ ROUNDING · max(1, Σ|c_i|)``
(mod 2π on qubits): far above the rounding error of the sum, far below any physical angle."""


def numeric(angle: Any) -> float | None:
    """The angle as a float, or None while it has free symbols."""
    if isinstance(angle, float):
        return angle
    try:
        return float(angle)
    except (TypeError, ValueError, RuntimeError):
        return None


def merged(contributions: Sequence[Any], periodic: bool) -> Any | None:
    """The canonical sum of ``contributions``, or None when it vanishes.

    Args:
        contributions: The angles of one monomial in one block, in arrival order.
        periodic: Reduce mod 2π into ``(−π, π]`` (qubits).
    """
    total = contributions[0]
    for c in contributions[1:]:
        total = total + c
    value = numeric(total)
    if value is None:
        return total
    scale = max(1.0, sum(abs(numeric(c) or 0.0) for c in contributions))
    if periodic:
        value = math.remainder(value, TWO_PI)
        if value == -math.pi:
            value = math.pi
    if abs(value) <= ROUNDING * scale:
        return None
    if periodic and abs(abs(value) - math.pi) <= ROUNDING * scale:
        return math.pi
    return value


__all__ = ["ROUNDING", "TWO_PI", "merged", "numeric"]

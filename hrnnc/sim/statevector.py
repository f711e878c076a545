"""Qubit statevector kernels on an ``(2,)*n`` tensor view (no dense matrices, no amplitude loops).

The flat statevector uses the index convention of :mod:`hrnnc.sim.conventions`
(site ``j`` is bit ``j``). Reshaped C-order to ``(2,)*n``, site ``j`` is axis
``n - 1 - j``, so a phase on hyperedge ``e`` is an in-place multiply of the strided
view with index 1 on the axes of ``e``: it touches exactly the ``2^(n-|e|)``
amplitudes whose bits on ``e`` are all set.

A split of site ``v`` returns the two candidate post-measurement *halves*: the
state after outcome ``y`` is ``|χ_y⟩_v ⊗ φ_y`` with ``χ`` from the basis, so only
``φ_y`` (``2^(n-1)`` amplitudes) needs storing while the other branch is pending.
"""

from __future__ import annotations

import cmath
from dataclasses import dataclass

import numpy as np

from hrnnc.sim.program import DiagBlock, Split

DTYPE = np.complex128
ITEMSIZE = 16
"""Bytes per amplitude."""
INV_SQRT2 = 0.7071067811865476


def axis_of(site: int, n: int) -> int:
    return n - 1 - site


def _index(n: int, fixed: dict[int, int]) -> tuple[object, ...]:
    idx: list[object] = [slice(None)] * n
    for site, bit in fixed.items():
        idx[axis_of(site, n)] = bit
    return tuple(idx)


def plus_state(n: int) -> np.ndarray:
    """``|+⟩^{⊗n}`` as an ``(2,)*n`` tensor."""
    return np.full((2,) * n, 2.0 ** (-n / 2), dtype=DTYPE)


def apply_diag(psi: np.ndarray, block: DiagBlock) -> None:
    """Multiply ``psi`` in place by ``exp(i Σ γ_e ∏_{j∈e} n̂_j)``."""
    n = psi.ndim
    for sites, angle in block.edges:
        psi[_index(n, dict.fromkeys(sites, 1))] *= cmath.exp(1j * angle)


@dataclass(frozen=True)
class Branch:
    """One outcome of a split: its bit, weight and the state of the other sites."""

    bit: int
    weight: float
    """Unnormalized probability ``‖φ‖²`` (the state before the split need not be normalized)."""
    half: np.ndarray
    """``φ``: the amplitudes of the remaining sites, shape ``(2,)*(n-1)``, unnormalized."""


def split(psi: np.ndarray, op: Split) -> list[Branch]:
    """The outcomes of a single-site projective measurement, weights and halves.

    For an X split, ``φ_0 = (a + b)/√2``, ``φ_1 = (a − b)/√2`` with ``a``, ``b`` the
    halves of ``psi`` where the site is 0, 1. For a Z split, ``φ_y`` is the half with
    the site equal to ``y``. A reset whose site is not entangled with the rest (``a ∥ b``)
    yields a single branch, since both hidden outcomes give the same state.
    """
    n = psi.ndim
    a = psi[_index(n, {op.site: 0})]
    b = psi[_index(n, {op.site: 1})]
    if op.basis == "z":
        halves = [np.array(a), np.array(b)]
    else:
        if op.reset and _parallel(a, b):
            half = np.array(a if _norm2(a) >= _norm2(b) else b)
            return [Branch(0, 1.0, half * np.sqrt(1.0 / max(_norm2(half), 1e-300)))]
        halves = [(a + b) * INV_SQRT2, (a - b) * INV_SQRT2]
    return [Branch(y, _norm2(h), h) for y, h in enumerate(halves)]


def materialize(psi: np.ndarray, op: Split, branch: Branch, scale: float) -> None:
    """Overwrite ``psi`` with the post-measurement state of ``branch`` times ``scale``."""
    n = psi.ndim
    lo = psi[_index(n, {op.site: 0})]
    hi = psi[_index(n, {op.site: 1})]
    if op.basis == "z":
        (lo if branch.bit == 0 else hi)[...] = branch.half * scale
        (hi if branch.bit == 0 else lo)[...] = 0.0
        return
    np.multiply(branch.half, scale * INV_SQRT2, out=lo)
    if branch.bit == 0 or op.reset:
        hi[...] = lo
    else:
        np.negative(lo, out=hi)


def _norm2(x: np.ndarray) -> float:
    flat = x.reshape(-1)
    return float(np.vdot(flat, flat).real)


def _parallel(a: np.ndarray, b: np.ndarray, tol: float = 1e-12) -> bool:
    """True when ``a`` and ``b`` are linearly dependent (the site is in a product state)."""
    na, nb = _norm2(a), _norm2(b)
    if na * nb == 0.0:
        return True
    overlap = np.vdot(a.reshape(-1), b.reshape(-1))
    return abs(overlap) ** 2 >= (1.0 - tol) * na * nb


__all__ = ["Branch", "DTYPE", "ITEMSIZE", "apply_diag", "axis_of", "materialize", "plus_state", "split"]

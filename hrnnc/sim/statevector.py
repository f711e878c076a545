"""Qubit statevector register: diagonal blocks and single-site splits, without amplitude loops.

The flat statevector uses the index convention of :mod:`hrnnc.sim.conventions`
(site ``j`` is bit ``j``). For site ``w`` the vector is viewed as ``(H, 2, L)`` with
``L = 2^w``, so ``[:, 0, :]`` and ``[:, 1, :]`` are the halves with ``x_w = 0, 1``.

Three bookkeeping devices keep the work per measurement at a few passes over memory:

* **Lazy norm.** The stored vector ``ψ_s`` is not renormalized; its squared norm
  ``N`` is tracked exactly through each split, and probabilities are ratios.
* **Z frame.** The physical state is ``Z^f ψ_s`` for a bit mask ``f``. After an
  X-basis outcome the stored site is always ``|+⟩`` and ``f_w`` records the
  outcome; ``Z`` commutes with every diagonal and with Z-basis measurements, and it
  flips later X outcomes on its site.
* **Product form.** Right after an X split of ``w`` the stored state is ``|+⟩_w ⊗ φ``;
  only ``φ`` (the ``x_w = 0`` half) is written, and the next diagonal writes both
  halves in one pass (``ψ[x_w=1] = D[x_w=1]·φ``).

A phase block is applied either as in-place multiplies of strided views (``(2,)*n``
view, index 1 on the axes of the edge: exactly the ``2^(n-|e|)`` amplitudes with all
bits of ``e`` set) or, when it is reused, as one multiply by its cached diagonal.
"""

from __future__ import annotations

import cmath
from dataclasses import dataclass
from typing import Any

import numpy as np

from hrnnc.sim.program import DiagBlock, Split

DTYPE = np.complex128
ITEMSIZE = 16
"""Bytes per amplitude."""
_RESCALE = 1e150
"""Renormalize the stored vector when its squared norm leaves ``[1/_RESCALE, _RESCALE]``."""


def strided_multiply(tensor: np.ndarray, block: DiagBlock) -> None:
    """Multiply a ``(2,)*n`` tensor in place by ``exp(i Σ γ_e ∏_{j∈e} n̂_j)``."""
    n = tensor.ndim
    for sites, angle in block.terms:
        idx: list[Any] = [slice(None)] * n
        for j in sites:
            idx[n - 1 - j] = 1
        tensor[tuple(idx)] *= cmath.exp(1j * angle)


def block_diagonal(n: int, block: DiagBlock) -> np.ndarray:
    """The flat diagonal (length ``2**n``) of one phase block."""
    diag = np.ones((2,) * n, dtype=DTYPE)
    strided_multiply(diag, block)
    return diag.reshape(-1)


def _halves(flat: np.ndarray, site: int) -> tuple[np.ndarray, np.ndarray]:
    v = flat.reshape(-1, 2, 1 << site)
    return v[:, 0, :], v[:, 1, :]


def _real_halves(flat: np.ndarray, site: int) -> tuple[np.ndarray, np.ndarray]:
    v = flat.view(np.float64).reshape(-1, 2, 2 << site)
    return v[:, 0, :], v[:, 1, :]


def _dot(x: np.ndarray, y: np.ndarray) -> float:
    """``Σ x·y`` over float views (einsum: no temporaries, no BLAS threads)."""
    return float(np.einsum("ij,ij->", x, y))


@dataclass(frozen=True)
class Outcome:
    """One possible result of a split, in the register's current frame."""

    bit: int
    """The physical outcome bit (0 ↔ eigenvalue +1)."""
    prob: float
    """Its probability."""
    stored: int
    """Which stored half / sign the branch keeps (``-1``: unentangled reset, no branching)."""
    norm2: float
    """Squared norm of the stored vector after entering the branch."""


@dataclass(frozen=True)
class Parked:
    """A pending branch: enough to restore the register at the split."""

    op: Split
    outcome: Outcome
    half: np.ndarray
    zframe: int


class Register:
    """A mutable ``n``-qubit stored statevector with its norm, Z frame and product flag."""

    def __init__(self, n: int):
        self.n = n
        self.psi = np.full(1 << n, 2.0 ** (-n / 2), dtype=DTYPE)
        self.norm2 = 1.0
        self.zframe = 0
        self.product: int | None = None

    # -- phases ---------------------------------------------------------------
    def expand(self) -> None:
        """Write the ``x_w = 1`` half of a product-form state."""
        if self.product is not None:
            lo, hi = _halves(self.psi, self.product)
            hi[...] = lo
            self.product = None

    def apply_strided(self, block: DiagBlock) -> None:
        self.expand()
        strided_multiply(self.psi.reshape((2,) * self.n), block)

    def apply_diagonal(self, diag: np.ndarray) -> None:
        if self.product is None:
            np.multiply(self.psi, diag, out=self.psi)
            return
        lo, hi = _halves(self.psi, self.product)
        dlo, dhi = _halves(diag, self.product)
        np.multiply(lo, dhi, out=hi)
        np.multiply(lo, dlo, out=lo)
        self.product = None

    # -- splits ---------------------------------------------------------------
    def outcomes(self, op: Split) -> list[Outcome]:
        """The possible outcomes of ``op`` with their probabilities (not yet pruned)."""
        self.expand()
        w = op.site
        af, bf = _real_halves(self.psi, w)
        # Probabilities come from the halves' own norms, never as "1 - p" against the tracked
        # norm: rounding drift there turned exactly-zero branches into 1e-13 ones that later
        # vanished (E0601 on a valid model).
        na, nb = _dot(af, af), _dot(bf, bf)
        big = na + nb
        if op.basis == "z":
            return [Outcome(0, na / big, 0, na), Outcome(1, nb / big, 1, nb)]
        if op.reset:
            pure = self._unentangled(af, bf)
            if pure is not None:
                return [pure]
        r = _dot(af, bf)
        w0, w1 = max(0.0, (big + 2 * r) / 2), max(0.0, (big - 2 * r) / 2)
        flip = (self.zframe >> w) & 1 if not op.reset else 0
        return [Outcome(s ^ flip, wt / big, s, 4 * wt) for s, wt in ((0, w0), (1, w1))]

    def _unentangled(self, af: np.ndarray, bf: np.ndarray) -> Outcome | None:
        """A single outcome when the site is in a product state with the rest (``a ∥ b``)."""
        na, nb, re = _dot(af, af), _dot(bf, bf), _dot(af, bf)
        im = _imag_overlap(af, bf)
        if re * re + im * im < (1.0 - 1e-12) * na * nb and na * nb > 0.0:
            return None
        keep = 0 if na >= nb else 1
        return Outcome(0, 1.0, -1 - keep, 2 * max(na, nb))

    def park(self, op: Split, outcome: Outcome) -> Parked:
        """Copy what entering ``outcome`` later needs (call before entering another)."""
        a, b = _halves(self.psi, op.site)
        if op.basis == "z":
            half = np.array(a if outcome.stored == 0 else b)
        else:
            half = np.add(a, b) if outcome.stored == 0 else np.subtract(a, b)
        return Parked(op, outcome, half, self.zframe)

    def enter(self, op: Split, outcome: Outcome) -> None:
        """Project onto ``outcome`` in place."""
        w = op.site
        a, b = _halves(self.psi, w)
        if op.basis == "z":
            (b if outcome.stored == 0 else a)[...] = 0.0
        else:
            if outcome.stored == 0:
                np.add(a, b, out=a)
            elif outcome.stored == 1:
                np.subtract(a, b, out=a)
            elif outcome.stored == -2:
                a[...] = b
            self._after_x(op, outcome)
        self._set_norm(outcome.norm2)

    def resume(self, parked: Parked) -> None:
        """Restore the register into a parked branch."""
        op, outcome = parked.op, parked.outcome
        a, b = _halves(self.psi, op.site)
        self.product = None
        self.zframe = parked.zframe
        if op.basis == "z":
            (a if outcome.stored == 0 else b)[...] = parked.half
            (b if outcome.stored == 0 else a)[...] = 0.0
        else:
            a[...] = parked.half
            self._after_x(op, outcome)
        self._set_norm(outcome.norm2)

    def _after_x(self, op: Split, outcome: Outcome) -> None:
        mask = 1 << op.site
        self.zframe = (self.zframe & ~mask) | (0 if op.reset else outcome.bit << op.site)
        self.product = op.site

    def _set_norm(self, norm2: float) -> None:
        self.norm2 = norm2
        if not (1.0 / _RESCALE < norm2 < _RESCALE):
            self.psi *= 1.0 / np.sqrt(norm2)
            self.norm2 = 1.0

    # -- output ---------------------------------------------------------------
    def physical_state(self) -> np.ndarray:
        """A normalized copy of the physical state (frame applied)."""
        self.expand()
        out = self.psi.copy()
        for w in range(self.n):
            if (self.zframe >> w) & 1:
                _, hi = _halves(out, w)
                np.negative(hi, out=hi)
        flat = out.view(np.float64)
        out /= np.sqrt(float(np.dot(flat, flat)))
        return out


def _imag_overlap(af: np.ndarray, bf: np.ndarray) -> float:
    """``Im⟨a, b⟩`` from interleaved (re, im) float views."""
    return _dot(af[:, 0::2], bf[:, 1::2]) - _dot(af[:, 1::2], bf[:, 0::2])


__all__ = ["DTYPE", "ITEMSIZE", "Outcome", "Parked", "Register", "block_diagonal", "strided_multiply"]

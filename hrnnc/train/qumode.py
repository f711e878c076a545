"""Exact log-density of one qumode output sequence on the position grid, and its gradient (forward mode).

The grid simulator (:mod:`hrnnc.sim.qumode`, docs/simulator.md) gives the density of observed
values ``y_1 … y_m`` for inputs ``x`` as a product of conditional densities,
``p(y | x) = ∏_t p(y_t | y_<t, x)``. With ``ψ`` the normalised state before measurement ``t``,
``p(y_t | y_<t) = ‖K_t ψ‖²``, where ``K_t`` contracts the measured mode with the homodyne kernel
at ``y_t`` itself (``e^{−i y q} dq/√(2π)`` for ``p``, band-limited interpolation for ``q``:
:func:`~hrnnc.sim.cvgrid.condition_p`, :func:`~hrnnc.sim.cvgrid.condition_q`), not a table
lookup. The measured mode is re-prepared as the simulator does and the state renormalised.
Only the record's own branch is simulated.

**Gradient (forward mode).** Every grid operation is linear in ``ψ`` and smooth in the params
``θ``; the walker carries the *jet* ``(ψ, ∂_1ψ, …, ∂_Pψ)`` stacked on a leading axis:

* a phase block ``e^{if}``, ``f = Σ_e γ_e q_e``: ``∂(e^{if}ψ) = e^{if}(∂ψ + i (∂f) ψ)`` with
  ``∂f = Σ_e (∂γ_e) q_e``;
* ``shift(t)``, diagonal ``e^{−ikt}`` in the FFT basis: ``∂(S_t ψ) = S_t ∂ψ − i (∂t) S_t p̂ ψ``;
* conditioning on ``y_t`` and re-preparing the mode: ``K_t`` and the new mode do not depend on ``θ``.

The angles ``γ_e``, amounts ``t`` and stabilizer weights are dual numbers from the IR's own
evaluator (:func:`hrnnc.sim.dual.bindings`), so derivatives flow through consts, token
arguments' expressions and ``sin cos exp sqrt``. Renormalising is the only non-linear step;
instead, each conditioning divides the whole jet by the *constant* ``s_t = ‖K_t ψ‖`` at the
current ``θ``. The carried ``ψ̃_T(θ) = L(θ) ψ_0 / ∏_t s_t`` is then linear in the initial state,
``‖ψ̃_T(θ)‖² = p(y | x; θ) / ∏_t s_t²`` and ``‖ψ̃_T‖ = 1`` at the current ``θ``, so
``log p = Σ_t log s_t² + log ‖ψ̃_T‖²`` and ``∂ log p = 2 Re⟨ψ̃_T, ∂ψ̃_T⟩ / ‖ψ̃_T‖²``: exact to
rounding.

**Hidden resets.** A ``reset`` traces its mode out, as the simulator's exact densities do: the
state becomes a mixture ``ρ = Σ_k ψ_k ψ_k†`` held as branches (:mod:`hrnnc.sim.cvgrid`), and the
rows ``R = (√dq · ψ_k(…, q_i, …))_{(k, i)}`` of the traced mode satisfy ``ρ_rest = Σ_rows r r†``,
linear in ``ψ``. They are compressed by one *fixed* isometry, ``C = U_keep†`` from the SVD
``R = U Σ V†`` at the current ``θ``, applied to the value and to every tangent. Because
``C†C R = R`` (only singular values whose total weight is below :data:`RANK_TOLERANCE` of the trace
are dropped), ``∂ρ = ∂R^T C^T C̄ R̄ + c.c. = ∂R^T R̄ + c.c.``: the first derivatives of every later
density are those of the uncompressed mixture (the compression is never differentiated). The
branch count is at most the rest's grid size; memory is checked before each allocation and a
mixture over :data:`~hrnnc.sim.qumode.MIXTURE_BUDGET` is E0724, naming the reset.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from hrnnc.diagnostics import Code, TrainingError, error
from hrnnc.sim import cvgrid
from hrnnc.sim.memory import MEMORY_LIMIT_ENV, available_bytes, format_bytes, require_memory
from hrnnc.sim.qumode import (
    MIXTURE_BUDGET,
    PHASE_CACHE_BYTES,
    WORKING_COPIES,
    GridOp,
    Homodyne,
    PhaseBlock,
    Translation,
)

if TYPE_CHECKING:
    from hrnnc.sim.cvgrid import Grid
    from hrnnc.sim.dual import Dual

DENSITY_FLOOR = 1e-24
"""A conditional density (per unit of the outcome) at or below this is treated as zero (E0720):
grid amplitudes carry rounding errors near 1e-16, so a density there is noise, and so would be its
gradient."""
RANK_TOLERANCE = 1e-20
"""Trace weight the compression of a hidden reset's mixture may drop (its first-derivative error is
at most about the square root of this, relative)."""


@dataclass(frozen=True)
class DensityResult:
    """``log p(y | x)`` of one record and its gradient; ``log_prob = -inf`` when impossible."""

    log_prob: float
    grad: np.ndarray
    impossible_at: int | None = None
    """Index (0-based, time order) of the first output with density zero on the grid."""
    reason: str = ""
    """Why that output is impossible (outside the grid's window, or a vanishing density)."""


def _active(ops: Sequence[GridOp], size: int) -> np.ndarray:
    """Indices of the params some angle, amount or weight of ``ops`` depends on."""
    used = np.zeros(size, dtype=bool)
    for op in ops:
        duals = [a for _, a in op.terms] if isinstance(op, PhaseBlock) else \
            [op.amount] if isinstance(op, Translation) else []
        for d in duals:
            used |= d[1:] != 0.0
    return np.flatnonzero(used)


class GridWalker:
    """Log-density and gradient of the outputs of one lowered qumode sequence.

    Args:
        ops: The sequence lowered with dual angles (:func:`hrnnc.sim.qumode.lower_qumode_run`).
        n: Number of modes.
        squeezing: ``r`` of every preparation.
        grid: The grid, with a concrete extent (:meth:`Grid.for_squeezing`).
        size: Number of params (length of every gradient).
    """

    def __init__(self, ops: Sequence[GridOp], n: int, squeezing: float, grid: Grid, size: int):
        last = max((i for i, op in enumerate(ops) if isinstance(op, Homodyne) and op.recorded), default=-1)
        ops = tuple(ops[: last + 1])  # what follows the last output cannot change the outputs
        first = next((i for i, op in enumerate(ops) if isinstance(op, Homodyne) and op.recorded), len(ops))
        self.n, self.r, self.size = n, squeezing, size
        self.q = grid.positions(squeezing)
        self.dq = float(self.q[1] - self.q[0])
        self.k = grid.momenta(squeezing)
        self.active = _active(ops, size)
        self.outputs = sum(1 for op in ops if isinstance(op, Homodyne) and op.recorded)
        self._head, self._tail = ops[:first], ops[first:]
        self._start: np.ndarray | None = None
        self._factors: dict[int, tuple[np.ndarray, list[tuple[int, np.ndarray]]]] = {}
        self._cached_bytes = 0
        require_memory(self._bytes(1), f"the gradient of a {n}-mode sequence on {grid.points}^{n} grid points "
                                       f"({1 + len(self.active)} wavefunctions)")

    def _bytes(self, branches: int) -> int:
        return WORKING_COPIES * 16 * (1 + len(self.active)) * branches * self.q.shape[0] ** self.n

    def _mode(self, state: np.ndarray) -> np.ndarray:
        """``state`` normalised on the grid (a θ-independent constant)."""
        state = state.astype(cvgrid.DTYPE)
        return state / math.sqrt(float(np.sum(state.real ** 2 + state.imag ** 2)) * self.dq)

    def _initial(self) -> np.ndarray:
        """The jet after the operations before the first output (shared by every record)."""
        if self._start is None:
            n = self.n
            mode = self._mode(cvgrid.p_squeezed(self.q, self.r))
            jet = np.zeros((1 + len(self.active), 1) + (self.q.shape[0],) * n, dtype=cvgrid.DTYPE)
            value = np.ones((1,) * n, dtype=cvgrid.DTYPE)
            for j in range(n):
                value = value * cvgrid.along(mode, j, n)
            jet[0, 0] = value
            for op in self._head:
                jet = self._apply(jet, op)
            self._start = jet
        return self._start

    def log_prob(self, outputs: Sequence[float]) -> DensityResult:
        """``log p(outputs | inputs)`` on the grid and its gradient."""
        if len(outputs) != self.outputs:
            raise ValueError(f"the sequence measures {self.outputs} time(s); got {len(outputs)} output(s)")
        jet = start = self._initial()
        log_p = 0.0
        t = 0
        for op in self._tail:
            if isinstance(op, Homodyne) and op.recorded:
                y = float(outputs[t])
                outside = self._outside(op, y)
                if outside:
                    return DensityResult(-math.inf, np.zeros(self.size), t, outside)
                rest, density = self._condition(jet, op, y)
                if not (math.isfinite(density) and density > DENSITY_FLOOR):
                    return DensityResult(-math.inf, np.zeros(self.size), t,
                                         f"its density on the grid is {density:.3g}, at most {DENSITY_FLOOR:g}")
                log_p += math.log(density)
                t += 1
                # the last output's re-prepared mode (normalised, θ-independent) would change nothing
                jet = rest if t == self.outputs else self._reprepare(rest, op, y)
            else:
                jet = self._apply(jet, op, in_place=jet is not start)
        value = jet[0].reshape(-1)
        norm2 = float(np.sum(value.real ** 2 + value.imag ** 2))  # 1 up to a reset's dropped weight
        grad = np.zeros(self.size)
        if len(self.active):
            tangents = jet[1:].reshape(len(self.active), -1)
            grad[self.active] = 2.0 * (tangents @ value.conj()).real / norm2
        return DensityResult(log_p + math.log(norm2 * self.dq ** (jet.ndim - 2)), grad)

    def _apply(self, jet: np.ndarray, op: GridOp, in_place: bool = True) -> np.ndarray:
        """``op`` on the jet; ``in_place`` allows overwriting ``jet`` (never the shared prefix)."""
        if isinstance(op, PhaseBlock):
            return self._phase(jet, op, in_place)
        if isinstance(op, Translation):
            return self._shift(jet, op.site, op.amount)
        return self._trace_out(jet, op)

    def _phase_factors(self, op: PhaseBlock) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
        """``e^{if}`` and ``(row, i ∂f)`` of a block: the same for every record, so kept within
        :data:`~hrnnc.sim.qumode.PHASE_CACHE_BYTES`."""
        cached = self._factors.get(id(op))
        if cached is not None:
            return cached
        n = self.n
        with np.errstate(over="ignore", invalid="ignore"):
            f = cvgrid.phase_exponent(self.q, [(s, a[0]) for s, a in op.terms], n)
            cvgrid.require_finite(f)
            derivatives = []
            for row, index in enumerate(self.active, 1):
                terms = [(s, float(a[1 + index])) for s, a in op.terms if a[1 + index] != 0.0]
                if terms:
                    derivatives.append((row, 1j * cvgrid.phase_exponent(self.q, terms, n)))
        factors = (np.exp(1j * f), derivatives)
        size = sum(a.nbytes for a in (factors[0], *(d for _, d in derivatives)))
        if self._cached_bytes + size <= PHASE_CACHE_BYTES:
            self._factors[id(op)] = factors
            self._cached_bytes += size
        return factors

    def _phase(self, jet: np.ndarray, op: PhaseBlock, in_place: bool) -> np.ndarray:
        factor, derivatives = self._phase_factors(op)
        out = np.multiply(jet, factor, out=jet if in_place else None)
        scratch = np.empty_like(out[0]) if derivatives else None
        for row, slope in derivatives:
            out[row] += np.multiply(slope, out[0], out=scratch)
        return out

    def _shift(self, jet: np.ndarray, site: int, amount: Dual) -> np.ndarray:
        axis = 2 + site
        momenta = cvgrid.along(self.k, axis, jet.ndim)
        spectrum = np.fft.fft(jet, axis=axis)
        spectrum *= np.exp(-1j * momenta * amount[0])
        for row, index in enumerate(self.active, 1):
            slope = float(amount[1 + index])
            if slope:
                spectrum[row] += (-1j * slope) * momenta[0] * spectrum[0]
        return np.fft.ifft(spectrum, axis=axis)

    def _outside(self, op: Homodyne, y: float) -> str:
        """Why ``y`` lies outside the outcome window of the grid (empty when inside)."""
        if op.basis == "p":
            low, high, what = -math.pi / self.dq, math.pi / self.dq, "momentum"
            widen = "more --grid-points (the window is ±π·points/(2·extent))"
        else:
            low, high, what = float(self.q[0]), float(self.q[0]) + self.q.shape[0] * self.dq, "position"
            widen = "a larger --extent (the window is [−extent, extent))"
        if low <= y < high:
            return ""
        return (f"{y!r} lies outside the grid's {what} window [{low:.6g}, {high:.6g}), where the discretised "
                f"model has no density; widen it with {widen}")

    def _condition(self, jet: np.ndarray, op: Homodyne, y: float) -> tuple[np.ndarray, float]:
        """The other modes' jet given ``y`` (divided by ``s_t``), and the conditional density ``s_t²``."""
        axis = 2 + op.site
        condition = cvgrid.condition_p if op.basis == "p" else cvgrid.condition_q
        rest = condition(jet, self.q, axis, y)
        value = rest[0]
        density = float(np.sum(value.real ** 2 + value.imag ** 2)) * self.dq ** (self.n - 1)
        if math.isfinite(density) and density > DENSITY_FLOOR:
            rest /= math.sqrt(density)
        return rest, density

    def _reprepare(self, rest: np.ndarray, op: Homodyne, y: float) -> np.ndarray:
        """The measured mode re-prepared at ``y`` (p- or q-squeezed, as the simulator)."""
        squeezed = cvgrid.p_squeezed if op.basis == "p" else cvgrid.q_squeezed
        return cvgrid.insert_mode(rest, self._mode(squeezed(self.q, self.r, y)), 2 + op.site)

    def _trace_out(self, jet: np.ndarray, op: Homodyne) -> np.ndarray:
        """``reset``: the mode traced out (fixed-isometry compression of the mixture), re-prepared."""
        axis = 2 + op.site
        rows_per, points = jet.shape[1] * jet.shape[axis], self.q.shape[0]
        columns = points ** (self.n - 1)
        require_memory(16 * (2 * jet.size + min(rows_per, columns) * (rows_per + columns)),
                       f"tracing out mode {op.site} ({jet.shape[1]} branch(es) of {points}^{self.n} grid points, "
                       f"{jet.shape[0]} wavefunctions each)")
        moved = np.moveaxis(jet, axis, 2)
        rest_shape = moved.shape[3:]
        rows = moved.reshape(jet.shape[0], rows_per, columns) * math.sqrt(self.dq)
        u, sigma, _ = np.linalg.svd(rows[0], full_matrices=False)
        keep = _kept(sigma ** 2)
        needed = self._bytes(len(keep))
        budget = available_bytes() if os.environ.get(MEMORY_LIMIT_ENV) else min(available_bytes(), MIXTURE_BUDGET)
        if needed > budget:
            raise TrainingError([error(
                Code.E0724, f"the exact likelihood after this reset needs the mixture over its hidden outcome (mode "
                            f"{op.site} is entangled with the others): {len(keep)} branches of {points}^{self.n} grid "
                            f"points with {jet.shape[0] - 1} derivative(s), {format_bytes(needed)} with working "
                            f"copies, over the {format_bytes(budget)} budget; train with --loss mmd, use fewer "
                            f"--grid-points, or raise the limit with {MEMORY_LIMIT_ENV}=BYTES", op.span)])
        isometry = u[:, keep].conj().T
        branches = np.matmul(isometry, rows).reshape((jet.shape[0], len(keep), *rest_shape))
        return cvgrid.insert_mode(branches, self._mode(cvgrid.p_squeezed(self.q, self.r)), axis)


def _kept(weights: np.ndarray) -> np.ndarray:
    """The leading singular directions (``weights`` sorted decreasing) whose dropped tail weighs at
    most :data:`RANK_TOLERANCE` of the total; at least one."""
    tail = np.cumsum(weights[::-1])[::-1]  # tail[i] = weight of directions i, i+1, …
    total = float(tail[0]) if tail.size else 0.0
    count = int(np.count_nonzero(tail > RANK_TOLERANCE * total))
    return np.arange(max(count, 1))


__all__ = ["DENSITY_FLOOR", "RANK_TOLERANCE", "DensityResult", "GridWalker"]

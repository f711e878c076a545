"""Position-grid kernels for qumode wavefunctions (ħ = 1, ``[q, p] = i``).

A wavefunction of ``n`` modes is an array of shape ``(P,)*n``; axis ``j`` is mode ``j``
and entry ``[i_0, …]`` is ``ψ(q_{i_0}, …)`` on the grid ``q_i = −L + i·dq``,
``dq = 2L/P`` (so ``q = 0`` is index ``P/2``). It is normalized with the measure
``dq`` per mode: ``Σ |ψ|² dq^n = 1``. Momenta are those of the DFT,
``p_k = 2π·fftfreq(P, dq)``, a window ``[−π/dq, π/dq)`` with spacing ``π/L``.

A mixed state is held as a purification: an array of shape ``(K, P, …, P)`` whose leading
*mixture axis* indexes unnormalized branches ``ψ_k`` with ``ρ = Σ_k ψ_k ψ_k†`` (the axis
carries no ``dq``). The kernels that integrate take ``batch``, the number of such leading
axes (0 for a plain wavefunction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hrnnc.diagnostics import Code, SimulationError, error

DTYPE = np.complex128
MIXTURE_TOLERANCE = 1e-12
"""Trace weight a mixture may drop when :func:`trace_out` compresses it (its trace-norm error)."""
AUTO_WIDTH_SIGMAS = 7.0
"""The automatic half-width holds this many standard deviations of the initial q-spread."""


@dataclass(frozen=True)
class Grid:
    """The position grid of every mode.

    The default half-width (``extent=None``) is ``max(sqrt(π·points/2), 7·e^r/√2)``:
    ``sqrt(π·points/2)`` makes the position window ``[−L, L)`` and the momentum window
    ``[−π/dq, π/dq)`` equally wide (both ``±14.2`` for 128 points), which balances room
    for displacements against room for momentum kicks of the phase gates; it is widened
    when the initial momentum-squeezed state (q standard deviation ``e^r/√2``) would not
    fit within 7 standard deviations (r > 1.03 at 128 points).
    """

    points: int = 128
    """Grid points per mode (even, ≥ 8)."""
    extent: float | None = None
    """Half-width ``L`` of the position window ``[−L, L)``; None picks it from the squeezing."""

    def __post_init__(self) -> None:
        if int(self.points) != self.points or self.points < 8 or self.points % 2:
            raise ValueError(f"grid points must be an even integer ≥ 8, not {self.points}")
        low, high = EXTENT_RANGE
        if self.extent is not None and not (math.isfinite(self.extent) and low <= self.extent <= high):
            raise ValueError(f"grid extent must be a number from {low:g} to {high:g}, not {self.extent}")

    def half_width(self, squeezing: float) -> float:
        """``L``: the given extent, or the automatic choice for ``squeezing``."""
        if self.extent is not None:
            return float(self.extent)
        balanced = math.sqrt(math.pi * self.points / 2)
        return max(balanced, AUTO_WIDTH_SIGMAS * math.exp(squeezing) / math.sqrt(2))

    @classmethod
    def for_squeezing(cls, squeezing: float, points: int | None = None, extent: float | None = None) -> Grid:
        """A grid with a concrete extent (the automatic one unless ``extent`` is given)."""
        base = cls(points if points is not None else 128, extent)
        return cls(base.points, base.half_width(squeezing))

    def spacing(self, squeezing: float) -> float:
        return 2.0 * self.half_width(squeezing) / self.points

    def positions(self, squeezing: float) -> np.ndarray:
        """The grid ``q_i = −L + i·dq``, ``i = 0 … P−1``."""
        half = self.half_width(squeezing)
        return -half + self.spacing(squeezing) * np.arange(self.points)

    def momenta(self, squeezing: float) -> np.ndarray:
        """DFT momenta ``2π·fftfreq(P, dq)`` (FFT order, not sorted)."""
        return 2.0 * np.pi * np.fft.fftfreq(self.points, self.spacing(squeezing))


MAX_SQUEEZING = 12.0
"""Largest squeezing r (104 dB; experiments reach r ≈ 1.7): the automatic window ``7·e^r/√2`` then
stays inside :data:`EXTENT_RANGE`."""
EXTENT_RANGE = (1e-3, 1e6)
"""Allowed grid half-widths: narrower windows hold nothing, wider ones overflow ``q³`` phases."""


class VanishedStateError(SimulationError, ValueError):
    """E0603: a homodyne outcome where the grid state has no amplitude (a ValueError too, as before)."""


class NonFiniteStateError(SimulationError, ValueError):
    """E0602: the grid state holds NaN or inf."""


def _not_finite() -> NonFiniteStateError:
    return NonFiniteStateError([error(Code.E0602, "the qumode state is no longer finite on the grid: a gate "
                                      "argument is too large for the float range; use smaller angles")])


def require_finite(values: np.ndarray) -> None:
    """E0602 when a phase exponent or state holds NaN or inf (``phase(1e308) 0 0``)."""
    if not np.isfinite(values).all():
        raise _not_finite()


def check_squeezing(squeezing: float) -> float:
    r = float(squeezing)
    if not (math.isfinite(r) and 0 <= r <= MAX_SQUEEZING):
        raise ValueError(f"squeezing must be a number from 0 to {MAX_SQUEEZING:g}, not {squeezing}")
    return r


def p_squeezed(q: np.ndarray, r: float, momentum: float = 0.0) -> np.ndarray:
    """Momentum-squeezed state at mean momentum ``momentum``: Var q = e^{2r}/2, Var p = e^{-2r}/2."""
    s = math.exp(r)
    return (math.pi * s * s) ** -0.25 * np.exp(-q * q / (2 * s * s) + 1j * momentum * q)


def q_squeezed(q: np.ndarray, r: float, position: float) -> np.ndarray:
    """Position-squeezed state at mean position ``position``: Var q = e^{-2r}/2."""
    s = math.exp(-r)
    return ((math.pi * s * s) ** -0.25 * np.exp(-(q - position) ** 2 / (2 * s * s))).astype(DTYPE)


def normalize(psi: np.ndarray, dq: float, batch: int = 0) -> float:
    """Normalize in place on the grid; returns the squared norm before."""
    flat = psi.reshape(-1).view(np.float64)
    norm2 = float(np.einsum("i,i->", flat, flat)) * dq ** (psi.ndim - batch)
    if not math.isfinite(norm2):
        raise _not_finite()
    if norm2 <= 0.0:
        raise VanishedStateError([error(Code.E0603, "the conditional state vanished on the grid: the outcome lies "
                                        "where the state has no amplitude; lower --squeezing or widen the grid "
                                        "(--extent, --grid-points)")])
    psi *= 1.0 / math.sqrt(norm2)
    return norm2


def along(vector: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """``vector`` reshaped to broadcast along ``axis`` of an ``ndim``-array."""
    shape = [1] * ndim
    shape[axis] = vector.shape[0]
    return vector.reshape(shape)


def phase_exponent(q: np.ndarray, terms: list[tuple[tuple[int, ...], float]], n: int) -> np.ndarray:
    """``f(q) = Σ angle·∏_{j∈sites} q_j`` as a broadcastable real array (sites may repeat)."""
    f = np.zeros((1,) * n)
    for sites, angle in terms:
        mono = np.full((1,) * n, angle)
        for j in sites:
            mono = mono * along(q, j, n)
        f = f + mono
    return f


def apply_shift(psi: np.ndarray, momenta: np.ndarray, site: int, amount: float) -> np.ndarray:
    """``exp(−i t p_v)``: ``ψ(q) → ψ(q − t)`` (periodic on the window), via FFT."""
    spectrum = np.fft.fft(psi, axis=site)
    spectrum *= along(np.exp(-1j * momenta * amount), site, psi.ndim)
    return np.fft.ifft(spectrum, axis=site)


def mode_rows(psi: np.ndarray, site: int, dq: float, batch: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``w_i`` and rows ``u_i`` (shape ``(k, P)``) with ``ρ_site = Σ w_i u_i u_i†``.

    ``ρ_site`` is the reduced density matrix of the mode on the grid (other modes
    integrated with ``dq``, the ``batch`` leading mixture axes summed). With at most ``P``
    columns the columns themselves are used; otherwise ``ρ`` is diagonalized, so a density
    costs ``O(P^(n+1))``, not padded FFTs of the whole wavefunction.
    """
    points = psi.shape[site]
    matrix = np.moveaxis(psi, site, 0).reshape(points, -1)
    scale = dq ** (psi.ndim - 1 - batch)
    if matrix.shape[1] <= points:
        return np.full(matrix.shape[1], scale), matrix.T
    rho = (matrix @ matrix.conj().T) * scale
    weights, vectors = np.linalg.eigh(rho)
    keep = weights > 1e-15 * max(weights.max(), 1e-300)
    return weights[keep], vectors[:, keep].T


def p_density(psi: np.ndarray, q: np.ndarray, site: int, pad: int, batch: int = 0
              ) -> tuple[np.ndarray, np.ndarray]:
    """Density of a p-homodyne outcome on ``site`` at momentum spacing ``π/(pad·L)``.

    Zero-padding the window by ``pad`` evaluates the continuous Fourier transform
    ``Φ(p) = (2π)^{-1/2} ∫ ψ e^{−ipq} dq`` on a finer momentum grid.
    """
    points, dq = q.shape[0], q[1] - q[0]
    weights, rows = mode_rows(psi, site, dq, batch)
    spectrum = np.fft.fft(rows, n=pad * points, axis=1)
    dens = (weights[:, None] * (spectrum.real ** 2 + spectrum.imag ** 2)).sum(axis=0) * dq * dq / (2 * np.pi)
    values = 2 * np.pi * np.fft.fftfreq(pad * points, dq)
    order = np.argsort(values)
    return values[order], dens[order]


def q_density(psi: np.ndarray, q: np.ndarray, site: int, pad: int, batch: int = 0
              ) -> tuple[np.ndarray, np.ndarray]:
    """Density of a q-homodyne outcome on ``site`` at spacing ``dq/pad`` (band-limited interpolation)."""
    points, dq = q.shape[0], q[1] - q[0]
    weights, rows = mode_rows(psi, site, dq, batch)
    spectrum = np.fft.fft(rows, axis=1)
    half = points // 2
    padded = np.zeros((rows.shape[0], pad * points), dtype=DTYPE)
    padded[:, :half] = spectrum[:, :half]
    padded[:, pad * points - half:] = spectrum[:, points - half:]
    fine = np.fft.ifft(padded, axis=1) * pad
    dens = (weights[:, None] * (fine.real ** 2 + fine.imag ** 2)).sum(axis=0)
    values = q[0] + (dq / pad) * np.arange(pad * points)
    return values, dens


def condition_p(psi: np.ndarray, q: np.ndarray, site: int, value: float) -> np.ndarray:
    """The other modes' (unnormalized) state given ``p_site = value``: ``∫ ψ e^{−i y q} dq``."""
    dq = q[1] - q[0]
    kernel = np.exp(-1j * value * q) * dq / math.sqrt(2 * math.pi)
    return contract(psi, kernel, site)


def condition_q(psi: np.ndarray, q: np.ndarray, site: int, value: float) -> np.ndarray:
    """The other modes' (unnormalized) state given ``q_site = value`` (band-limited interpolation)."""
    points = q.shape[0]
    dq = q[1] - q[0]
    k = 2 * np.pi * np.fft.fftfreq(points, dq)
    kernel = np.exp(1j * np.outer(value - q, k)).sum(axis=1).real / points
    return contract(psi, kernel.astype(DTYPE), site)


def contract(psi: np.ndarray, kernel: np.ndarray, site: int) -> np.ndarray:
    """``Σ_i ψ[…, i, …] kernel[i]`` over axis ``site``.

    By ``np.einsum``'s own loops: one pass and no temporary, 2–15× faster than a product and a sum
    on 128³ grids; BLAS (``matmul``, ``tensordot``) is avoided, its threads stall on busy hosts (100×
    slower measured)."""
    letters = "abcdefghijklmnopqrstuvwxyz"[: psi.ndim]
    return np.einsum(f"{letters},{letters[site]}->{letters.replace(letters[site], '')}", psi, kernel)


def insert_mode(rest: np.ndarray, mode: np.ndarray, site: int) -> np.ndarray:
    """``mode ⊗ rest`` with ``mode`` on axis ``site`` (a contiguous array: later FFTs and products
    along any axis then need no copies)."""
    return np.expand_dims(rest, site) * along(mode, site, rest.ndim + 1)


def trace_out_bytes(shape: tuple[int, ...], site: int) -> int:
    """Peak bytes :func:`trace_out` allocates for a purification of ``shape`` (for the memory check)."""
    rows = math.prod(shape[:1]) * shape[site]
    columns = math.prod(shape[1:]) // shape[site]
    side = min(rows, columns)
    return 16 * (2 * rows * columns + 2 * side * side)


def trace_out(psi: np.ndarray, site: int, dq: float, tolerance: float = MIXTURE_TOLERANCE) -> np.ndarray:
    """A purification of the other modes' state once mode ``site`` is traced out.

    ``psi`` has one leading mixture axis and ``site`` is a mode axis (``≥ 1``). Tracing the
    mode out moves it into the mixture: the rows ``a_e = √dq · ψ_k(…, q_i, …)``, ``e = (k, i)``,
    satisfy ``ρ_rest = Σ_e a_e a_e†``. The rows are then compressed to an orthogonal set
    ``b_j`` with ``Σ_j b_j b_j† = ρ_rest``: the eigenvectors of the smaller Gram matrix
    (``A A†``, rows × rows, or ``ρ_rest`` itself, columns × columns). Branches are dropped, the
    lightest first, while their total weight stays within ``tolerance`` of the trace; a mode
    in a product state with the rest leaves exactly one branch.

    Returns:
        Shape ``(K', P, …)`` without axis ``site``: the new branches, unnormalized as the
        dropped weight leaves them (call :func:`normalize` with ``batch=1``).
    """
    moved = np.moveaxis(psi, site, 1)
    rest_shape = moved.shape[2:]
    rows = moved.reshape(moved.shape[0] * moved.shape[1], -1) * math.sqrt(dq)
    measure = dq ** len(rest_shape)
    if rows.shape[0] <= rows.shape[1]:
        weights, vectors = np.linalg.eigh((rows @ rows.conj().T) * measure)
        keep = _heaviest(weights, tolerance)
        branches = vectors[:, keep].conj().T @ rows
    else:
        weights, vectors = np.linalg.eigh(rows.T @ rows.conj())
        keep = _heaviest(weights * measure, tolerance)
        branches = (vectors[:, keep] * np.sqrt(np.clip(weights[keep], 0.0, None))).T
    return branches.reshape((len(keep), *rest_shape))


def _heaviest(weights: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices of the largest ``weights``, fewest first, whose complement weighs ≤ ``tolerance`` of the total."""
    clipped = np.clip(weights, 0.0, None)
    order = np.argsort(clipped)[::-1]
    total = float(clipped.sum())
    enough = np.flatnonzero(total - np.cumsum(clipped[order]) <= tolerance * total)
    return order[:enough[0] + 1] if enough.size else order  # rounding may leave a tiny remainder


__all__ = ["AUTO_WIDTH_SIGMAS", "MIXTURE_TOLERANCE", "Grid", "along", "apply_shift", "check_squeezing",
           "condition_p", "condition_q", "contract", "insert_mode", "mode_rows", "normalize", "p_density",
           "p_squeezed", "phase_exponent", "q_density", "q_squeezed", "trace_out", "trace_out_bytes"]

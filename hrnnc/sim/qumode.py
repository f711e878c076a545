"""Qumode k-HRNN simulator on a position grid (small models: n ≤ 3 at 128 points per mode).

Semantics (docs/semantics.md §2, ħ = 1): every mode starts, and is re-prepared by ``reset``, in
the momentum-squeezed vacuum with squeezing ``r`` (``Var q = e^{2r}/2``,
``Var p = e^{-2r}/2``; :mod:`hrnnc.sim.conventions`); ``phase(γ) e`` multiplies by
``exp(iγ ∏ q_j)``; ``shift(t) v`` translates ``q_v → q_v + t`` through an FFT.
Measurements are ideal homodynes followed by the finite-squeezing re-preparation that
the emitters use:

* ``measure p v`` → outcome ``y``; mode ``v`` becomes the p-squeezed state at momentum ``y``;
* ``measure q v`` → outcome ``y``; mode ``v`` becomes the q-squeezed state
  (``Var q = e^{-2r}/2``) at position ``y``;
* ``measure stab(v; κ)`` → ``U_κ†``, ``measure p v``, ``U_κ`` with
  ``U_κ = exp(i Σ κ_e ∏_{j∈e} q_j)``: its outcome is the value of the nullifier
  ``N_v(κ) = U_κ p_v U_κ†``;
* ``reset v`` → an unrecorded p-homodyne of ``v`` (which leaves the other modes in
  the correct branch of the mixture), then ``v`` is re-prepared undisplaced.

The post-measurement state of the other modes is exact for any real outcome (a
direct transform, not a grid lookup). Outcome densities are given on fine grids
(:data:`DENSITY_PAD` times finer than the FFT grid); samples draw a fine-grid cell by
its probability and a uniform point inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence, Union

import numpy as np

from hrnnc.ir import Basis, Measure, MeasureStab, Phase, RegisterKind, Reset, Shift, float_bindings, unroll
from hrnnc.sim import cvgrid
from hrnnc.sim.conventions import DEFAULT_SQUEEZING
from hrnnc.sim.cvgrid import Grid
from hrnnc.sim.memory import require_memory
from hrnnc.sim.progress import Progress
from hrnnc.sim.result import COARSE_POINTS, OutputDensity

if TYPE_CHECKING:
    from hrnnc.ir import Model

DENSITY_PAD = 8
"""Outcome densities are tabulated on a grid this many times finer than the FFT grid."""
PHASE_CACHE_BYTES = 256 << 20
"""Memory for phase factors shared by all shots of :func:`sample`."""
WORKING_COPIES = 6
"""Wavefunction-sized arrays alive at once (FFT scratch, phase exponents), for the memory check."""


@dataclass(frozen=True)
class _Phases:
    terms: tuple[tuple[tuple[int, ...], float], ...]


@dataclass(frozen=True)
class _Shift:
    site: int
    amount: float


@dataclass(frozen=True)
class _Homodyne:
    site: int
    basis: str
    """``"q"`` or ``"p"``."""
    recorded: bool = True
    reset: bool = False


_Op = Union[_Phases, _Shift, _Homodyne]


def lower_qumode_run(model: Model, tokens: str | Iterable[str],
                     params: Mapping[str, float] | None = None) -> tuple[_Op, ...]:
    """The run as phase blocks, shifts and homodynes (stabilizers lowered), in time order."""
    if model.kind is not RegisterKind.QUMODES:
        raise ValueError(f"model '{model.name}' has qubits; use hrnnc.sim.qubit")
    value = float_bindings(model, params)
    ops: list[_Op] = []
    pending: list[tuple[tuple[int, ...], float]] = []

    def flush() -> None:
        if pending:
            ops.append(_Phases(tuple(pending)))
            pending.clear()

    for cell in unroll(model, tokens):
        for stmt in cell.body:
            if isinstance(stmt, Phase):
                pending.append((stmt.indices, value(stmt.angle)))
                continue
            if isinstance(stmt, MeasureStab):
                weights = [(e.indices, value(e.weight)) for e in stmt.edges]
                pending.extend((s, -w) for s, w in weights)
                flush()
                ops.append(_Homodyne(stmt.vertex.index, "p"))
                pending.extend(weights)
                continue
            flush()
            if isinstance(stmt, Shift):
                ops.append(_Shift(stmt.site.index, value(stmt.amount)))
            elif isinstance(stmt, Measure):
                ops.append(_Homodyne(stmt.site.index, "q" if stmt.basis is Basis.Q else "p"))
            elif isinstance(stmt, Reset):
                ops.append(_Homodyne(stmt.site.index, "p", recorded=False, reset=True))
    flush()
    return tuple(ops)


class _State:
    """A wavefunction on the grid and the operations of one trajectory."""

    def __init__(self, n: int, r: float, grid: Grid):
        self.r = r
        self.q = grid.positions(r)
        self.dq = float(self.q[1] - self.q[0])
        self.k = grid.momenta(r)
        mode = cvgrid.p_squeezed(self.q, r)
        psi = np.ones((1,) * n, dtype=cvgrid.DTYPE)
        for j in range(n):
            psi = psi * cvgrid.along(mode, j, n)
        self.psi = psi
        cvgrid.normalize(self.psi, self.dq)

    def copy(self) -> _State:
        other = object.__new__(_State)
        other.__dict__.update(self.__dict__)
        other.psi = self.psi.copy()
        return other

    def phase_factor(self, op: _Phases) -> np.ndarray:
        return np.exp(1j * cvgrid.phase_exponent(self.q, list(op.terms), self.psi.ndim))

    def unitary(self, op: _Op, factor: np.ndarray | None = None) -> None:
        if isinstance(op, _Phases):
            self.psi = self.psi * (self.phase_factor(op) if factor is None else factor)
        elif isinstance(op, _Shift):
            self.psi = cvgrid.apply_shift(self.psi, self.k, op.site, op.amount)

    def density(self, op: _Homodyne) -> tuple[np.ndarray, np.ndarray]:
        if op.basis == "p":
            return cvgrid.p_density(self.psi, self.q, op.site, DENSITY_PAD)
        return cvgrid.q_density(self.psi, self.q, op.site, DENSITY_PAD)

    def collapse(self, op: _Homodyne, y: float) -> None:
        """Condition on outcome ``y`` and re-prepare the measured mode."""
        if op.basis == "p":
            rest = cvgrid.condition_p(self.psi, self.q, op.site, y)
            mode = cvgrid.p_squeezed(self.q, self.r, 0.0 if op.reset else y)
        else:
            rest = cvgrid.condition_q(self.psi, self.q, op.site, y)
            mode = cvgrid.q_squeezed(self.q, self.r, y)
        self.psi = cvgrid.insert_mode(rest, mode, op.site)
        cvgrid.normalize(self.psi, self.dq)

    def reset_pure(self, op: _Homodyne) -> bool:
        """Re-prepare ``op.site`` if it is unentangled; False if the state would be mixed."""
        rest = cvgrid.factor_out(self.psi, op.site)
        if rest is None:
            return False
        self.psi = cvgrid.insert_mode(rest, cvgrid.p_squeezed(self.q, self.r), op.site)
        cvgrid.normalize(self.psi, self.dq)
        return True


def _start(model: Model, squeezing: float, grid: Grid) -> _State:
    r = cvgrid.check_squeezing(squeezing)
    n = model.size
    require_memory(WORKING_COPIES * 16 * grid.points ** n,
                   f"a {n}-mode wavefunction on {grid.points}^{n} grid points")
    return _State(n, r, grid)


def final_wavefunction(
    model: Model,
    tokens: str | Iterable[str],
    squeezing: float = DEFAULT_SQUEEZING,
    grid: Grid = Grid(),
    outcomes: Sequence[float] | None = None,
    params: Mapping[str, float] | None = None,
) -> np.ndarray:
    """The normalized wavefunction after the run, given the measured values.

    Args:
        model: A checked qumode model.
        tokens: Input tokens.
        squeezing: Momentum squeezing ``r`` of initial and re-prepared modes.
        grid: The position grid (:class:`Grid`); positions are ``grid.positions(squeezing)``.
        outcomes: The real measured values in time order; required iff the run measures.
        params: Param values overriding the initial values.

    Returns:
        Complex array of shape ``(points,)*n`` (axis ``j`` is mode ``j``), position
        representation, ``Σ|ψ|² dq^n = 1`` with ``dq = grid.spacing(squeezing)``.

    Raises:
        ValueError: Wrong number of outcomes, or a ``reset`` of a mode entangled with
            the others (the state would be mixed).
        SimulationError: E0601 when the grid does not fit in memory.
    """
    ops = lower_qumode_run(model, tokens, params)
    values = [float(y) for y in (outcomes or ())]
    recorded = sum(1 for op in ops if isinstance(op, _Homodyne) and op.recorded)
    if len(values) != recorded:
        raise ValueError(f"the run measures {recorded} time(s); got {len(values)} outcome(s)")
    state = _start(model, squeezing, grid)
    it = iter(values)
    for op in ops:
        if not isinstance(op, _Homodyne):
            state.unitary(op)
        elif op.recorded:
            state.collapse(op, next(it))
        elif not state.reset_pure(op):
            raise ValueError(f"reset of mode {op.site} entangled with the other modes leaves a mixed "
                             "state; final_wavefunction is undefined")
    return state.psi


def outcome_density(
    model: Model,
    tokens: str | Iterable[str],
    outcomes: Sequence[float] = (),
    squeezing: float = DEFAULT_SQUEEZING,
    grid: Grid = Grid(),
    params: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The density of the *next* measured value given the earlier ones.

    Args:
        outcomes: Values of the first ``t`` measurements; the density is that of
            measurement ``t + 1`` (so ``()`` gives the first output's density).

    Returns:
        ``(values, density)``: evenly spaced outcome values (momentum or position,
        :data:`DENSITY_PAD` times finer than the FFT grid) and the probability density
        there (integrating to 1 up to the window's truncation).

    Raises:
        ValueError: The run has at most ``len(outcomes)`` measurements, or a reset of
            an entangled mode comes before it.
    """
    ops = lower_qumode_run(model, tokens, params)
    state = _start(model, squeezing, grid)
    it = iter([float(y) for y in outcomes])
    for op in ops:
        if not isinstance(op, _Homodyne):
            state.unitary(op)
            continue
        if not op.recorded:
            if not state.reset_pure(op):
                raise ValueError(f"reset of mode {op.site} entangled with the other modes comes before "
                                 "the measurement; its density depends on the mixture")
            continue
        y = next(it, None)
        if y is None:
            return state.density(op)
        state.collapse(op, y)
    raise ValueError(f"the run measures fewer than {len(outcomes) + 1} time(s)")


def _draw(rng: np.random.Generator, values: np.ndarray, density: np.ndarray) -> float:
    """A continuous sample: a fine-grid cell by probability, then uniform within it."""
    weights = np.clip(density, 0.0, None)
    total = weights.sum()
    step = values[1] - values[0]
    cell = rng.choice(len(values), p=weights / total)
    return float(values[cell] + step * (rng.random() - 0.5))


def sample(
    model: Model,
    tokens: str | Iterable[str],
    shots: int,
    seed: int | None = None,
    squeezing: float = DEFAULT_SQUEEZING,
    grid: Grid = Grid(),
    params: Mapping[str, float] | None = None,
    *,
    progress: bool = False,
) -> np.ndarray:
    """Seeded samples of the measured values.

    Returns:
        Float array of shape ``(shots, m)``: one row per shot, the ``m`` outcomes in time order.
    """
    if shots < 0:
        raise ValueError("shots must be non-negative")
    ops = lower_qumode_run(model, tokens, params)
    m = sum(1 for op in ops if isinstance(op, _Homodyne) and op.recorded)
    rng = np.random.default_rng(seed)
    start = _start(model, squeezing, grid)
    first = next((i for i, op in enumerate(ops) if isinstance(op, _Homodyne)), len(ops))
    for op in ops[:first]:
        start.unitary(op)
    out = np.empty((shots, m))
    head = ops[first] if first < len(ops) else None
    shared = start.density(head) if isinstance(head, _Homodyne) else None  # identical for every shot
    factors = _phase_cache(start, ops[first:], first)
    with Progress("sampling", progress) as bar:
        for shot in range(shots):
            state = start.copy()
            col = 0
            for i, op in enumerate(ops[first:], first):
                if not isinstance(op, _Homodyne):
                    state.unitary(op, factors.get(i))
                    continue
                y = _draw(rng, *(shared if i == first and shared is not None else state.density(op)))
                state.collapse(op, y)
                if op.recorded:
                    out[shot, col] = y
                    col += 1
            bar.update((shot + 1) / max(1, shots))
    return out


def _phase_cache(state: _State, ops: Sequence[_Op], offset: int) -> dict[int, np.ndarray]:
    """``exp(i f)`` of the phase blocks every shot applies, within :data:`PHASE_CACHE_BYTES`."""
    cache: dict[int, np.ndarray] = {}
    used = 0
    for i, op in enumerate(ops, offset):
        if isinstance(op, _Phases) and used + state.psi.nbytes <= PHASE_CACHE_BYTES:
            cache[i] = state.phase_factor(op)
            used += state.psi.nbytes
    return cache


def output_densities(
    model: Model,
    tokens: str | Iterable[str],
    squeezing: float = DEFAULT_SQUEEZING,
    grid: Grid = Grid(),
    params: Mapping[str, float] | None = None,
    condition: Sequence[float] | None = None,
    coarse_points: int = COARSE_POINTS,
) -> tuple[list[float], list[OutputDensity]]:
    """A density table per output, each conditioned on the earlier outputs.

    Output ``t``'s density is that of ``y_t`` given ``y_s = c_s`` for ``s < t``, where
    ``c`` is ``condition`` or, by default, the most likely value of each conditional
    density in turn. Hidden ``reset`` outcomes are fixed to their most likely value too.

    Returns:
        ``(c, densities)``: the conditioning values used (one per output but the last)
        and per output its mean and standard deviation (from the fine grid) and the
        density on ``coarse_points`` values spanning mean ± 4 standard deviations.
    """
    ops = lower_qumode_run(model, tokens, params)
    names = [s.output for c in unroll(model, tokens) for s in c.body if isinstance(s, (Measure, MeasureStab))]
    state = _start(model, squeezing, grid)
    given = list(condition or ())
    used: list[float] = []
    table: list[OutputDensity] = []
    for op in ops:
        if not isinstance(op, _Homodyne):
            state.unitary(op)
            continue
        values, dens = state.density(op)
        mode_value = float(values[int(np.argmax(dens))])
        if op.recorded:
            t = len(table)
            table.append(_coarse(names[t], values, dens, coarse_points))
            y = given[t] if t < len(given) else mode_value
            if t < len(names) - 1:
                used.append(y)
        else:
            y = mode_value
        state.collapse(op, y)
    return used, table


def _coarse(name: str, values: np.ndarray, dens: np.ndarray, points: int) -> OutputDensity:
    step = values[1] - values[0]
    mass = dens.sum() * step
    mean = float((values * dens).sum() * step / mass)
    std = float(np.sqrt(max(0.0, ((values - mean) ** 2 * dens).sum() * step / mass)))
    width = 4 * std if std > 0 else step
    grid = np.linspace(mean - width, mean + width, points)
    coarse = np.interp(grid, values, dens / mass, left=0.0, right=0.0)
    return OutputDensity(name, tuple(float(v) for v in grid), tuple(float(d) for d in coarse), mean, std)


__all__ = ["DENSITY_PAD", "Grid", "final_wavefunction", "lower_qumode_run", "outcome_density",
           "output_densities", "sample"]

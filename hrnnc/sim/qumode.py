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
* ``reset v`` → ``v`` is traced out and re-prepared undisplaced. A sampled run draws an
  unrecorded p-homodyne of ``v`` (one branch of the mixture per shot); the exact densities
  carry the whole mixture, as branches of a purification (:func:`cvgrid.trace_out`).

The post-measurement state of the other modes is exact for any real outcome (a
direct transform, not a grid lookup). Outcome densities are given on fine grids
(:data:`DENSITY_PAD` times finer than the FFT grid); samples draw a fine-grid cell by
its probability and a uniform point inside it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence, Union

import numpy as np

from hrnnc.diagnostics import Code, SimulationError, error
from hrnnc.ir import (
    Basis,
    Expr,
    Measure,
    MeasureStab,
    Phase,
    RegisterKind,
    Reset,
    Shift,
    float_bindings,
    unroll,
    unroll_steps,
)
from hrnnc.sim import cvgrid
from hrnnc.sim.conventions import DEFAULT_SQUEEZING
from hrnnc.sim.cvgrid import Grid
from hrnnc.sim.memory import MEMORY_LIMIT_ENV, available_bytes, format_bytes, require_memory
from hrnnc.sim.progress import Progress
from hrnnc.sim.result import COARSE_POINTS, OutputDensity

if TYPE_CHECKING:
    from hrnnc.diagnostics import Span
    from hrnnc.ir import Bindings, Model

DENSITY_PAD = 8
"""Outcome densities are tabulated on a grid this many times finer than the FFT grid."""
PHASE_CACHE_BYTES = 256 << 20
"""Memory for phase factors shared by all shots of :func:`sample`."""
WORKING_COPIES = 6
"""Wavefunction-sized arrays alive at once (FFT scratch, phase exponents), for the memory check."""
MIXTURE_BUDGET = 2 << 30
"""Bytes the exact path may give the mixture a ``reset`` leaves (its branches times
:data:`WORKING_COPIES`), unless ``$HRNNC_SIM_MEMORY`` sets the limit: beyond about this size
every later operation on the branches takes minutes, and sampling is the better tool."""


@dataclass(frozen=True)
class PhaseBlock:
    """``exp(i Σ angle·∏_{j∈sites} q_j)``: consecutive phase gates merged."""

    terms: tuple[tuple[tuple[int, ...], Any], ...]
    """``(sites, angle)`` pairs; angles are floats, or duals when lowered for training."""


@dataclass(frozen=True)
class Translation:
    """``shift(amount) site``."""

    site: int
    amount: Any


@dataclass(frozen=True)
class Homodyne:
    """A homodyne of ``site`` and the re-preparation after it (a ``reset`` is an unrecorded one)."""

    site: int
    basis: str
    """``"q"`` or ``"p"``."""
    recorded: bool = True
    reset: bool = False
    span: Span | None = field(default=None, compare=False)
    """The statement's source span, for diagnostics."""


GridOp = Union[PhaseBlock, Translation, Homodyne]


def lower_qumode_run(model: Model, tokens: str | Iterable[Any],
                     params: Mapping[str, float] | None = None, bindings: Bindings[Any] | None = None
                     ) -> tuple[GridOp, ...]:
    """The run as phase blocks, shifts and homodynes (stabilizers lowered), in time order.

    ``bindings`` evaluates angles and amounts in another arithmetic (the training's dual
    numbers, :func:`hrnnc.sim.dual.bindings`); by default they are floats at ``params``.
    """
    if model.kind is not RegisterKind.QUMODES:
        raise ValueError(f"model '{model.name}' has qubits; use hrnnc.sim.qubit")
    if bindings is None:
        bindings = float_bindings(model, params)
    ops: list[GridOp] = []
    pending: list[tuple[tuple[int, ...], float]] = []

    def flush() -> None:
        if pending:
            ops.append(PhaseBlock(tuple(pending)))
            pending.clear()

    for step in unroll_steps(model, tokens):
        args = dict(step.args)

        def value(expr: Expr) -> Any:
            return bindings(expr, args)

        for stmt in step.cell.body:
            if isinstance(stmt, Phase):
                pending.append((stmt.indices, value(stmt.angle)))
                continue
            if isinstance(stmt, MeasureStab):
                weights = [(e.indices, value(e.weight)) for e in stmt.edges]
                pending.extend((s, -w) for s, w in weights)
                flush()
                ops.append(Homodyne(stmt.vertex.index, "p"))
                pending.extend(weights)
                continue
            flush()
            if isinstance(stmt, Shift):
                ops.append(Translation(stmt.site.index, value(stmt.amount)))
            elif isinstance(stmt, Measure):
                ops.append(Homodyne(stmt.site.index, "q" if stmt.basis is Basis.Q else "p"))
            elif isinstance(stmt, Reset):
                ops.append(Homodyne(stmt.site.index, "p", recorded=False, reset=True, span=stmt.span))
    flush()
    return tuple(ops)


class _State:
    """A state on the grid, as a purification ``psi[k, q_0, …]`` (:mod:`.cvgrid`), and the
    operations of a run. A pure state has one branch; ``reset`` of an entangled mode in an
    exact computation (:meth:`trace_out`) gives several, which every later operation carries."""

    def __init__(self, n: int, r: float, grid: Grid):
        self.r = r
        self.n = n
        self.q = grid.positions(r)
        self.dq = float(self.q[1] - self.q[0])
        self.k = grid.momenta(r)
        mode = cvgrid.p_squeezed(self.q, r)
        psi = np.ones((1,) * (n + 1), dtype=cvgrid.DTYPE)
        for j in range(n):
            psi = psi * cvgrid.along(mode, j + 1, n + 1)
        self.psi = psi
        cvgrid.normalize(self.psi, self.dq, batch=1)

    @property
    def branches(self) -> int:
        return int(self.psi.shape[0])

    def copy(self) -> _State:
        other = object.__new__(_State)
        other.__dict__.update(self.__dict__)
        other.psi = self.psi.copy()
        return other

    def phase_factor(self, op: PhaseBlock) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            exponent = cvgrid.phase_exponent(self.q, list(op.terms), self.n)
        cvgrid.require_finite(exponent)
        return np.exp(1j * exponent)

    def unitary(self, op: GridOp, factor: np.ndarray | None = None) -> None:
        if isinstance(op, PhaseBlock):
            self.psi = self.psi * (self.phase_factor(op) if factor is None else factor)
        elif isinstance(op, Translation):
            self.psi = cvgrid.apply_shift(self.psi, self.k, op.site + 1, op.amount)

    def density(self, op: Homodyne) -> tuple[np.ndarray, np.ndarray]:
        """The outcome density of ``op``: for a mixture, the average over its branches."""
        if op.basis == "p":
            return cvgrid.p_density(self.psi, self.q, op.site + 1, DENSITY_PAD, batch=1)
        return cvgrid.q_density(self.psi, self.q, op.site + 1, DENSITY_PAD, batch=1)

    def collapse(self, op: Homodyne, y: float) -> None:
        """Condition on outcome ``y`` and re-prepare the measured mode.

        For a mixture the branches' norms after conditioning are their posterior weights,
        so one normalization of the whole array is Bayes' rule."""
        if op.basis == "p":
            rest = cvgrid.condition_p(self.psi, self.q, op.site + 1, y)
            mode = cvgrid.p_squeezed(self.q, self.r, 0.0 if op.reset else y)
        else:
            rest = cvgrid.condition_q(self.psi, self.q, op.site + 1, y)
            mode = cvgrid.q_squeezed(self.q, self.r, y)
        self.psi = cvgrid.insert_mode(rest, mode, op.site + 1)
        cvgrid.normalize(self.psi, self.dq, batch=1)

    def trace_out(self, op: Homodyne, pure: bool = False) -> None:
        """``reset``: trace the mode out (the mixture over its hidden outcome), re-prepare it.

        Args:
            pure: Raise ValueError instead of leaving a mixture (for :func:`final_wavefunction`).

        Raises:
            ValueError: ``pure`` and the mode is entangled with the others.
            SimulationError: E0601 when tracing out does not fit in memory; E0620 when the
                mixture is larger than :data:`MIXTURE_BUDGET`.
        """
        require_memory(cvgrid.trace_out_bytes(self.psi.shape, op.site + 1),
                       f"tracing out mode {op.site} ({self.branches} branch(es) of "
                       f"{self.q.shape[0]}^{self.n} grid points)")
        rest = cvgrid.trace_out(self.psi, op.site + 1, self.dq)
        if pure and rest.shape[0] > 1:
            raise ValueError(f"reset of mode {op.site} entangled with the other modes leaves a mixed "
                             "state; final_wavefunction is undefined")
        needed = WORKING_COPIES * 16 * rest.shape[0] * self.q.shape[0] ** self.n
        budget = available_bytes() if os.environ.get(MEMORY_LIMIT_ENV) else min(available_bytes(), MIXTURE_BUDGET)
        if needed > budget:
            raise SimulationError([error(
                Code.E0620,
                f"exact output densities after this reset need the mixture over its hidden outcome (mode "
                f"{op.site} is entangled with the others): {rest.shape[0]} branches of "
                f"{self.q.shape[0]}^{self.n} grid points, {format_bytes(needed)} with working copies, over "
                f"the {format_bytes(budget)} budget; sample instead (--shots N), use fewer --grid-points, "
                f"or raise the limit with {MEMORY_LIMIT_ENV}=BYTES", op.span)])
        self.psi = cvgrid.insert_mode(rest, cvgrid.p_squeezed(self.q, self.r), op.site + 1)
        cvgrid.normalize(self.psi, self.dq, batch=1)


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
    recorded = sum(1 for op in ops if isinstance(op, Homodyne) and op.recorded)
    if len(values) != recorded:
        raise ValueError(f"the run measures {recorded} time(s); got {len(values)} outcome(s)")
    state = _start(model, squeezing, grid)
    it = iter(values)
    for op in ops:
        if not isinstance(op, Homodyne):
            state.unitary(op)
        elif op.recorded:
            state.collapse(op, next(it))
        else:
            state.trace_out(op, pure=True)
    return state.psi[0]


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

    A ``reset`` of a mode entangled with the others is averaged over: the density is that of
    the mixture (see :func:`output_densities`).

    Raises:
        ValueError: The run has at most ``len(outcomes)`` measurements.
        SimulationError: E0601 when the state (or the mixture a reset leaves) does not fit in memory.
    """
    ops = lower_qumode_run(model, tokens, params)
    state = _start(model, squeezing, grid)
    it = iter([float(y) for y in outcomes])
    for op in ops:
        if not isinstance(op, Homodyne):
            state.unitary(op)
            continue
        if not op.recorded:
            state.trace_out(op)
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
    m = sum(1 for op in ops if isinstance(op, Homodyne) and op.recorded)
    rng = np.random.default_rng(seed)
    start = _start(model, squeezing, grid)
    first = next((i for i, op in enumerate(ops) if isinstance(op, Homodyne)), len(ops))
    for op in ops[:first]:
        start.unitary(op)
    out = np.empty((shots, m))
    head = ops[first] if first < len(ops) else None
    shared = start.density(head) if isinstance(head, Homodyne) else None  # identical for every shot
    factors = _phase_cache(start, ops[first:], first)
    with Progress("sampling", progress) as bar:
        for shot in range(shots):
            state = start.copy()
            col = 0
            for i, op in enumerate(ops[first:], first):
                if not isinstance(op, Homodyne):
                    state.unitary(op, factors.get(i))
                    continue
                y = _draw(rng, *(shared if i == first and shared is not None else state.density(op)))
                state.collapse(op, y)
                if op.recorded:
                    out[shot, col] = y
                    col += 1
            bar.update((shot + 1) / max(1, shots))
    return out


def _phase_cache(state: _State, ops: Sequence[GridOp], offset: int) -> dict[int, np.ndarray]:
    """``exp(i f)`` of the phase blocks every shot applies, within :data:`PHASE_CACHE_BYTES`."""
    cache: dict[int, np.ndarray] = {}
    used = 0
    for i, op in enumerate(ops, offset):
        if isinstance(op, PhaseBlock) and used + state.psi.nbytes <= PHASE_CACHE_BYTES:
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
    density in turn. A ``reset`` is not conditioned on: it traces its mode out, so the state
    becomes the mixture over the hidden outcome (held as branches, :meth:`_State.trace_out`)
    and every later density is the law of the output averaged over it. Only branches whose
    total weight is below :data:`cvgrid.MIXTURE_TOLERANCE` are dropped.

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
        if not isinstance(op, Homodyne):
            state.unitary(op)
            continue
        if not op.recorded:
            state.trace_out(op)
            continue
        values, dens = state.density(op)
        t = len(table)
        table.append(_coarse(names[t], values, dens, coarse_points))
        y = given[t] if t < len(given) else float(values[int(np.argmax(dens))])
        if t < len(names) - 1:
            used.append(y)
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


__all__ = ["DENSITY_PAD", "Grid", "GridOp", "Homodyne", "PhaseBlock", "Translation", "final_wavefunction",
           "lower_qumode_run", "outcome_density", "output_densities", "sample"]

"""Cell → SF-independent gate list: phase blocks, exact gate parameters in SF's hbar, feed-forward.

Units. The language has hbar = 1 (``q``, ``p``); SF has ``x = sqrt(h) q`` and ``p_SF = sqrt(h) p``
with ``h`` its hbar (default 2). From SF's definitions ``Zgate(s) = exp(i s x / h)``,
``Pgate(s) = exp(i s x^2 / (2h))``, ``CZgate(s) = exp(i s x1 x2 / h)``,
``Vgate(g) = exp(i g x^3 / (3h))`` and ``Xgate(s) = exp(-i s p_SF / h)``:

=========================  ==================================
language                   SF
=========================  ==================================
``exp(i c q_a)``           ``Zgate(c sqrt(h))``
``exp(i c q_a^2)``         ``Pgate(2 c)``
``exp(i c q_a q_b)``       ``CZgate(c)``
``exp(i c (u.q)^3)``       ``W; Vgate(3 c / sqrt(h)) on t; W^-1``
``shift(t)``               ``Xgate(t sqrt(h))``
=========================  ==================================

where ``u`` is a unit vector and ``W`` a chain of real beam splitters with
``W^dagger x_t W = u . x`` (see :func:`givens_chain`).

Scheduling. The cell (or, optimised, the whole run) is the shared lowered run
(:mod:`hrnnc.lowered`) after ``merge-phases``: phases commute with each other and with any
operation on other modes, so each phase joins a block it can reach by commuting backwards;
a stabilizer measurement contributes ``U_kappa^dagger`` and ``U_kappa`` as phases, which
therefore merge with (and may cancel) the neighbouring phases. Each block is one polynomial
in the q's whose cubic part is decomposed as a whole (:mod:`hrnnc.targets.sf_target.cubic`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Union

from hrnnc.diagnostics import InternalError
from hrnnc.lowered import DiagBlock, LoweredRun
from hrnnc.lowered import lower_cell as lowered_cell
from hrnnc.targets.sf_target.cubic import Cube, decompose, naive_cube_count
from hrnnc.targets.sympy_angles import folded, is_symbolic

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Expr, Model

Monomial = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Measured:
    """A feed-forward argument: the latest homodyne value of ``mode`` (``q[mode].par`` in SF)."""

    mode: int


Arg = Union[float, Measured, Any]
"""A number, a feed-forward value, or a SymPy expression of params (:mod:`hrnnc.targets.sympy_angles`)."""


@dataclass(frozen=True, slots=True)
class Op:
    """One SF operation: class name in ``strawberryfields.ops``, arguments, modes."""

    name: str
    args: tuple[Arg, ...]
    modes: tuple[int, ...]


@dataclass
class PhaseBlock:
    """Commuting phases gathered into one polynomial ``sum c_m m(q)``."""

    terms: dict[Monomial, Any] = field(default_factory=dict)
    """Coefficients: floats, or SymPy expressions of params."""
    sources: list[Monomial] = field(default_factory=list)
    """Every monomial that was added, for the naive cube count."""

    @property
    def support(self) -> set[int]:
        return {q for m in self.terms for q in m}

    def add(self, monomial: Monomial, coefficient: Any) -> None:
        self.sources.append(monomial)
        total = self.terms.get(monomial, 0.0) + coefficient
        if not is_symbolic(total):
            total = folded(total)
        if total == 0.0:
            self.terms.pop(monomial, None)
        else:
            self.terms[monomial] = total


@dataclass(frozen=True, slots=True)
class Action:
    """A non-diagonal step: shift, homodyne (with re-preparation) or reset, on one mode."""

    kind: str
    """``shift``, ``measure-p``, ``measure-q`` or ``reset``."""
    mode: int
    value: Any = 0.0
    """Shift amount (language units): a float, or a SymPy expression of params."""
    output: str = ""


@dataclass(frozen=True)
class CellLowering:
    """A lowered cell: its SF operations and resource numbers."""

    ops: tuple[Op, ...]
    cubic_phase_gates: int
    """Cubic-phase gates (``Vgate``) in the cell."""
    naive_cubic_phase_gates: int
    """What one polarization identity per monomial would use (1, 3 or 4 per cubic monomial)."""
    outputs: tuple[str, ...]


def givens_chain(modes: tuple[int, ...], unit: tuple[float, ...], target: int
                 ) -> list[tuple[float, int, int]]:
    """Beam splitters ``(theta, target, other)``, in program order, with ``W^† x_t W = unit . x``.

    ``BSgate(theta, 0)`` on ``(t, s)`` maps ``x_t -> x_t cos(theta) - x_s sin(theta)`` in the
    Heisenberg picture. The last gate of the chain acts first on ``x_t``, so the angles are
    found in Heisenberg order and returned reversed.
    """
    u = dict(zip(modes, unit))
    others = [m for m in modes if m != target]
    heisenberg: list[tuple[float, int, int]] = []
    for j, s in enumerate(others):
        rest = others[j + 1:]
        if rest:
            tail = math.sqrt(u[target] ** 2 + sum(u[m] ** 2 for m in rest))
        else:
            tail = u[target]
        heisenberg.append((math.atan2(-u[s], tail), target, s))
    return heisenberg[::-1]


def cube_ops(cube: Cube, hbar: float) -> list[Op]:
    """``exp(i lam (l.q)^3)`` as beam splitters, one ``Vgate`` and the inverse beam splitters."""
    norm = math.sqrt(sum(v * v for v in cube.vector))
    unit = tuple(v / norm for v in cube.vector)
    target = max(cube.modes, key=lambda m: (abs(dict(zip(cube.modes, cube.vector))[m]), -m))
    chain = givens_chain(cube.modes, unit, target)
    weight = cube.coefficient if is_symbolic(cube.coefficient) else float(cube.coefficient)
    strength = weight * norm ** 3
    ops = [Op("BSgate", (theta, 0.0), (t, s)) for theta, t, s in chain]
    ops.append(Op("Vgate", (3.0 * strength / math.sqrt(hbar),), (target,)))
    ops.extend(Op("BSgate", (-theta, 0.0), (t, s)) for theta, t, s in reversed(chain))
    return [ascending(op) for op in ops]


SYMMETRIC_TWO_MODE_GATES = frozenset({"CZgate", "CKgate", "S2gate"})
"""Two-mode gates whose generator is symmetric in the two modes: their order is irrelevant."""


def ascending(op: Op) -> Op:
    """``op`` on an ascending pair of modes, with the parameters that keep its action.

    Strawberry Fields 0.23's Fock backend ignores the order of a two-mode gate's register
    pair (``apply_twomode_gate`` moves ``modes[0]`` to axis 0 and then ``modes[1]`` to axis 1,
    which for ``[1, 0]`` undoes the first move, and for ``[2, 0]`` on three modes even picks
    modes 1 and 2), while its Gaussian backend honours the order. Emitting only ascending
    pairs makes every backend run the same gate. ``BSgate(theta, phi)`` on ``(b, a)`` is
    ``exp(theta (e^{i phi} b a^† - e^{-i phi} b^† a))``, i.e. ``BSgate(-theta, -phi)`` on ``(a, b)``.

    Raises:
        InternalError: a descending two-mode gate with no known reordering rule.
    """
    if len(op.modes) != 2 or op.modes[0] < op.modes[1]:
        return op
    swapped = (op.modes[1], op.modes[0])
    if op.name in SYMMETRIC_TWO_MODE_GATES:
        return Op(op.name, op.args, swapped)
    if op.name == "BSgate":
        theta, phi = op.args
        return Op("BSgate", (-theta, -phi if phi else 0.0), swapped)  # type: ignore[operator]
    raise InternalError(f"the sf emitter has no ascending form for {op.name} on modes {op.modes}")


def merge_beamsplitters(ops: list[Op]) -> list[Op]:
    """Fuse adjacent real beam splitters on the same ordered pair: ``B(a) B(b) = B(a + b)``.

    ``BSgate(theta, 0)`` is a one-parameter group in ``theta``; a sum that vanishes removes both.
    """
    out: list[Op] = []
    for op in ops:
        prev = out[-1] if out else None
        if (op.name == "BSgate" and prev is not None and prev.name == "BSgate" and prev.modes == op.modes
                and op.args[1] == 0.0 and prev.args[1] == 0.0):
            theta = float(prev.args[0]) + float(op.args[0])  # type: ignore[arg-type]
            out.pop()
            if abs(theta) > 1e-15:
                out.append(Op("BSgate", (theta, 0.0), op.modes))
            continue
        out.append(op)
    return out


def block_ops(block: PhaseBlock, hbar: float) -> tuple[list[Op], int, int]:
    """Gates of one phase block, its cubic-phase count and the naive polarization count."""
    ops: list[Op] = []
    cubic: dict[Monomial, Any] = {}
    for mono, c in sorted(block.terms.items(), key=lambda kv: (len(kv[0]), kv[0])):
        if len(mono) == 1:
            ops.append(Op("Zgate", (c * math.sqrt(hbar),), mono))
        elif len(mono) == 2 and mono[0] == mono[1]:
            ops.append(Op("Pgate", (2.0 * c,), mono[:1]))
        elif len(mono) == 2:
            ops.append(Op("CZgate", (c,), mono))
        elif len(mono) == 3:
            cubic[mono] = c
        else:
            raise ValueError(f"monomial {mono} has degree {len(mono)} > 3 (the sf degree check should have "
                             "rejected it)")
    cubes = decompose(cubic) if cubic else []
    # Cubes on the same modes sit next to each other so that their beam splitters merge.
    for cube in sorted(cubes, key=lambda c: (c.modes, c.vector)):  # (modes, vector) pairs are distinct
        ops.extend(cube_ops(cube, hbar))
    ops = merge_beamsplitters(ops)
    naive = sum(naive_cube_count(m) for m in block.sources if len(m) == 3)
    return ops, len(cubes), naive


def action_ops(action: Action, hbar: float, squeezing: float) -> list[Op]:
    v = (action.mode,)
    prep = [Op("Sgate", (-squeezing, 0.0), v)] if squeezing else []
    if action.kind == "shift":
        return [Op("Xgate", (action.value * math.sqrt(hbar),), v)]
    if action.kind == "measure-p":
        # SF leaves a measured mode in vacuum: squeeze it in momentum and displace it to the
        # outcome (SF units already), i.e. a finitely squeezed p-eigenstate at y.
        return [Op("MeasureHomodyne", (math.pi / 2,), v), *prep, Op("Zgate", (Measured(action.mode),), v)]
    if action.kind == "measure-q":
        post = [Op("Sgate", (squeezing, 0.0), v)] if squeezing else []
        return [Op("MeasureHomodyne", (0.0,), v), *post, Op("Xgate", (Measured(action.mode),), v)]
    if action.kind == "reset":
        return [Op("Vacuum", (), v), *prep]
    raise ValueError(f"unknown action {action.kind!r}")  # pragma: no cover


_ACTION_KINDS = {"stab": "measure-p", "measure-p": "measure-p", "measure-q": "measure-q", "reset": "reset",
                 "shift": "shift"}
"""Shared lowered-run action → SF action (a stabilizer's split is a p homodyne between its frames)."""


def lower_items(raw: LoweredRun, run: LoweredRun, hbar: float, squeezing: float) -> CellLowering:
    """SF operations of ``run`` (``raw`` is the same run before merging, for the naive cube count)."""
    ops: list[Op] = []
    cubic = 0
    outputs: list[str] = []
    decomposed: dict[tuple[tuple[Monomial, Any], ...], tuple[list[Op], int]] = {}
    for item in run.items:
        if isinstance(item, DiagBlock):
            key = tuple(sorted(item.terms))
            if key not in decomposed:  # a block met again (a repeating pattern) is decomposed once
                block, used, _ = block_ops(PhaseBlock(dict(item.terms)), hbar)
                decomposed[key] = (block, used)
            block, used = decomposed[key]
            ops.extend(block)
            cubic += used
        else:
            ops.extend(action_ops(Action(_ACTION_KINDS[item.kind], item.site, folded(item.value),
                                         item.output or ""), hbar, squeezing))
            if item.output:
                outputs.append(item.output)
    naive = sum(naive_cube_count(mono) for block in raw.blocks() for mono, _ in block.terms if len(mono) == 3)
    return CellLowering(tuple(ops), cubic, naive, tuple(outputs))


def lower_cell(model: Model, cell: Cell, values: Callable[[Expr], float], hbar: float, squeezing: float
               ) -> CellLowering:
    """One cell, its phases merged within the cell (``merge-phases`` on the cell alone).

    ``values`` evaluates the cell's expressions (a step's arguments already bound).
    """
    from hrnnc.passes.pipelines import optimize

    raw = lowered_cell(model, cell, values)
    return lower_items(raw, optimize(raw, schedule=False), hbar, squeezing)


def preparation_ops(modes: int, squeezing: float) -> list[Op]:
    """The initial momentum-squeezed vacuum of every mode (``Sgate(-r)``; none for r = 0)."""
    if not squeezing:
        return []
    return [Op("Sgate", (-squeezing, 0.0), (m,)) for m in range(modes)]

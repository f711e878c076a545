"""Lowering of qubit models to Qiskit: unit-cell templates, unit cells and unrolled sequences.

Layout (see ``docs/targets/qiskit.md``):

* site ``j`` is qubit ``q[j]`` (Qiskit's little-endian order, as in :mod:`hrnnc.sim.conventions`);
  the ancilla lowering of stabilizer measurements adds one qubit ``anc[0]`` after them;
* every measured output gets its own one-bit classical register ``m<t>_<name>``, where ``t``
  is its zero-padded position in time order, so sorting the register names (or reading the
  clbits in circuit order) gives the time order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from hrnnc.diagnostics import InternalError
from hrnnc.ir import (
    FLOAT,
    Arithmetic,
    Basis,
    Bindings,
    Cell,
    Measure,
    MeasureStab,
    Model,
    Phase,
    Reset,
    float_bindings,
    initial_param_values,
    unroll_steps,
)

if TYPE_CHECKING:
    from qiskit import QuantumCircuit
    from qiskit.circuit import Instruction, Parameter

MEASURE_MODES = ("inplace", "ancilla")
"""The two stabilizer-measurement lowerings of docs/semantics.md §2."""

Angle = Any
"""A float, or a :class:`qiskit.circuit.ParameterExpression` when the angle depends on params."""


def _symbolic_arithmetic() -> Arithmetic[Angle]:
    """Arithmetic over ``float | ParameterExpression``; pure-number results stay floats.

    Keeping constants as floats lets the lowering see ``γ = π`` exactly (``phase(pi)``).
    """
    from qiskit.circuit import ParameterExpression

    def norm(value: Angle) -> Angle:
        if isinstance(value, ParameterExpression) and not value.parameters:
            return float(value.numeric())
        return value

    def div(a: Angle, b: Angle) -> Angle:
        if isinstance(b, (int, float)) and b == 0:
            raise ZeroDivisionError
        return norm(a / b)

    def func(name: str) -> Callable[[Angle], Angle]:
        def apply(a: Angle) -> Angle:
            if isinstance(a, ParameterExpression):
                return norm(a ** 0.5 if name == "sqrt" else getattr(a, name)())
            if name == "sqrt" and a < 0:
                raise ValueError("square root of a negative number")
            return getattr(math, name)(a)
        return apply

    return Arithmetic(
        number=float,
        add=lambda a, b: norm(a + b),
        sub=lambda a, b: norm(a - b),
        mul=lambda a, b: norm(a * b),
        div=div,
        neg=lambda a: norm(-a),
        functions={name: func(name) for name in ("sin", "cos", "exp", "sqrt")},
    )


@dataclass(frozen=True)
class Op:
    """One instruction of a unit-cell template: operation, qubit indices, cell-local output slot."""

    operation: Instruction
    qubits: tuple[int, ...]
    slot: int | None = None
    """Index of the cell's measured output written by this op, or None."""


@dataclass(frozen=True)
class CellTemplate:
    """A lowered unit cell, independent of where it sits in a sequence."""

    ops: tuple[Op, ...]
    outputs: tuple[str, ...]
    """Names of the cell's measured outputs, in order."""


class Lowering:
    """Lowers the cells of one qubit model, sharing gates and :class:`Parameter` objects.

    Args:
        model: A qubit model that passed the semantic checks.
        measure: ``"inplace"`` (no ancilla) or ``"ancilla"`` (phase estimation on one ancilla).
        bind: Substitute the params' initial values instead of keeping ``Parameter``\\ s.
    """

    def __init__(self, model: Model, measure: str = "inplace", bind: bool = False):
        from qiskit import QuantumRegister
        from qiskit.circuit import Parameter
        from qiskit.circuit.library import CXGate, HGate, Measure as MeasureOp, Reset as ResetOp

        if measure not in MEASURE_MODES:
            raise InternalError(f"unknown measure mode {measure!r}")
        self.model = model
        self.measure = measure
        self.parameters: dict[str, Parameter] = {}
        if bind:
            self._bindings: Bindings[Angle] = float_bindings(model)
        else:
            self.parameters = {p.name: Parameter(p.name) for p in model.params}
            self._bindings = Bindings(model, _symbolic_arithmetic(), self.parameters)
        self.n = model.size
        uses_stab = any(isinstance(s, MeasureStab) for s in model.statements())
        self.ancilla: int | None = self.n if (measure == "ancilla" and uses_stab) else None
        self.qregs = [QuantumRegister(self.n, "q")]
        if self.ancilla is not None:
            self.qregs.append(QuantumRegister(1, "anc"))
        self._h, self._cx = HGate(), CXGate()
        self._measure, self._reset = MeasureOp(), ResetOp()
        self._ccz: dict[int, Instruction] = {}
        self._templates: dict[tuple[int, tuple[tuple[str, float], ...]], CellTemplate] = {}

    # -- gates -----------------------------------------------------------------------------

    def phase_gate(self, angle: Angle, size: int) -> Instruction:
        """``exp(iγ ∏ n̂_j)`` on ``size`` qubits as one whole gate (controlled Z for γ = ±π)."""
        from qiskit.circuit.library import CPhaseGate, MCPhaseGate, PhaseGate, ZGate

        controls = size - 1
        if isinstance(angle, float) and abs(angle) == math.pi:
            if controls not in self._ccz:
                self._ccz[controls] = ZGate() if controls == 0 else ZGate().control(controls, annotated=False)
            return self._ccz[controls]
        if controls == 0:
            return PhaseGate(angle)
        if controls == 1:
            return CPhaseGate(angle)
        return MCPhaseGate(angle, controls)

    def angle(self, expr: Any, args: Mapping[str, Any] | None = None) -> Angle:
        return self._bindings(expr, args)

    def _symbolic_args(self, cell: Cell) -> dict[str, Parameter]:
        """A unit cell's arguments as :class:`Parameter`\\ s named after them (inputs supply them later)."""
        from qiskit.circuit import Parameter

        if self._bindings.arithmetic is FLOAT:
            # Params are numbers here, but arguments stay symbolic: evaluate over the symbolic arithmetic.
            self._bindings = Bindings(self.model, _symbolic_arithmetic(), initial_param_values(self.model))
        return {name: Parameter(name) for name in cell.arg_names}

    # -- cells -----------------------------------------------------------------------------

    def template(self, cell: Cell, args: tuple[tuple[str, float], ...] = ()) -> CellTemplate:
        """The lowered cell with its arguments bound (memoised: a cell shared by several tokens,
        or run again with the same arguments, is lowered once)."""
        key = (id(cell), args)
        if key not in self._templates:
            self._templates[key] = self._lower_cell(cell, dict(args))
        return self._templates[key]

    def _lower_cell(self, cell: Cell, args: Mapping[str, Any] | None = None) -> CellTemplate:
        ops: list[Op] = []
        outputs: list[str] = []
        h = self._h
        for stmt in cell.body:
            if isinstance(stmt, Phase):
                ops.append(Op(self.phase_gate(self.angle(stmt.angle, args), len(stmt.sites)), stmt.indices))
            elif isinstance(stmt, Reset):
                v = stmt.site.index
                ops += [Op(self._reset, (v,)), Op(h, (v,))]
            elif isinstance(stmt, Measure):
                v, slot = stmt.site.index, len(outputs)
                outputs.append(stmt.output)
                if stmt.basis is Basis.X:
                    ops += [Op(h, (v,)), Op(self._measure, (v,), slot), Op(h, (v,))]
                elif stmt.basis is Basis.Z:
                    ops.append(Op(self._measure, (v,), slot))
                else:
                    raise InternalError(f"basis {stmt.basis.value} on a qubit model")
            elif isinstance(stmt, MeasureStab):
                slot = len(outputs)
                outputs.append(stmt.output)
                ops += self._lower_stab(stmt, slot, args)
            else:
                raise InternalError(f"{type(stmt).__name__} on a qubit model")
        return CellTemplate(tuple(ops), tuple(outputs))

    def _lower_stab(self, stmt: MeasureStab, slot: int, args: Mapping[str, Any] | None) -> list[Op]:
        """docs/semantics.md §2: ``U†; H; measure; H; U`` in place, or phase estimation on the ancilla."""
        v = stmt.vertex.index
        weights = [(self.angle(e.weight, args), e.indices) for e in stmt.edges]
        undo = [Op(self.phase_gate(-w, len(e)), e) for w, e in weights]
        redo = [Op(self.phase_gate(w, len(e)), e) for w, e in weights]
        h = self._h
        if self.ancilla is None:
            return [*undo, Op(h, (v,)), Op(self._measure, (v,), slot), Op(h, (v,)), *redo]
        a = self.ancilla
        return [Op(h, (a,)), *undo, Op(self._cx, (a, v)), *redo, Op(h, (a,)),
                Op(self._measure, (a,), slot), Op(self._reset, (a,))]

    # -- circuits --------------------------------------------------------------------------

    def unit_cell(self, token: str) -> QuantumCircuit:
        """The unit cell of ``token`` as a circuit on the model's register (no state preparation)."""
        from qiskit import ClassicalRegister, QuantumCircuit

        cell = self.model.cell_for(token)
        if cell is None:
            raise InternalError(f"token {token!r} has no cell")
        # Not memoised: cells are separate circuits, so they must not share parameterized gate
        # objects (binding one cell in place would otherwise change another).
        tpl = self._lower_cell(cell, self._symbolic_args(cell) if cell.args else None)
        cregs = [ClassicalRegister(1, f"m{i}_{name}") for i, name in enumerate(tpl.outputs)]
        qc = QuantumCircuit(*self.qregs, *cregs, name=f"cell_{token}")
        _append_template(qc, tpl, qc.qubits, [r[0] for r in cregs])
        qc.metadata = {"hrnnc_token": token, "hrnnc_outputs": list(tpl.outputs)}
        return qc

    def sequence(self, tokens: Sequence[str]) -> QuantumCircuit:
        """The unrolled circuit of ``tokens``: ``|+⟩^n`` preparation, then one cell per token."""
        from qiskit import ClassicalRegister, QuantumCircuit

        templates = [self.template(step.cell, step.args) for step in unroll_steps(self.model, tokens)]
        names = [name for tpl in templates for name in tpl.outputs]
        width = len(str(max(len(names) - 1, 0)))
        cregs = [ClassicalRegister(1, f"m{t:0{width}d}_{name}") for t, name in enumerate(names)]
        qc = QuantumCircuit(*self.qregs, *cregs, name=self.model.name)
        qubits = qc.qubits
        clbits = [r[0] for r in cregs]
        prepare_plus(qc, self.n)
        offset = 0
        for tpl in templates:
            _append_template(qc, tpl, qubits, clbits[offset: offset + len(tpl.outputs)])
            offset += len(tpl.outputs)
        qc.metadata = {"hrnnc_model": self.model.name, "hrnnc_inputs": list(tokens), "hrnnc_outputs": names}
        return qc


def prepare_plus(qc: QuantumCircuit, n: int) -> None:
    """Put the first ``n`` qubits into ``|+⟩`` (the empty hypergraph state)."""
    from qiskit.circuit import CircuitInstruction
    from qiskit.circuit.library import HGate

    h = HGate()
    for qubit in qc.qubits[:n]:
        qc._append(CircuitInstruction(h, (qubit,)))


def _append_template(qc: QuantumCircuit, tpl: CellTemplate, qubits: Sequence[Any], clbits: Sequence[Any]) -> None:
    from qiskit.circuit import CircuitInstruction

    append = qc._append  # the documented fast path: operands are known to be valid
    for op in tpl.ops:
        cargs = () if op.slot is None else (clbits[op.slot],)
        append(CircuitInstruction(op.operation, tuple(qubits[i] for i in op.qubits), cargs))


def assemble(cells: dict[str, QuantumCircuit], tokens: str | Iterable[str]) -> QuantumCircuit:
    """Build the sequence circuit of ``tokens`` from unit cells (as returned by ``unit_cells``).

    The result equals the circuit ``compile(model, "qiskit", inputs=tokens)`` emits: ``|+⟩`` on
    register ``q``, then each cell in turn, with one new one-bit register per measured output.

    Raises:
        KeyError: A token has no unit cell.
    """
    from qiskit import ClassicalRegister, QuantumCircuit

    seq = tuple(tokens.split()) if isinstance(tokens, str) else tuple(tokens)
    missing = sorted({t for t in seq if t not in cells})
    if missing:
        raise KeyError(f"no unit cell for token(s): {', '.join(missing)}")
    if not cells:
        raise KeyError("no unit cells")
    first = next(iter(cells.values()))
    names = [name for t in seq for name in cells[t].metadata.get("hrnnc_outputs", [])]
    width = len(str(max(len(names) - 1, 0)))
    cregs = [ClassicalRegister(1, f"m{t:0{width}d}_{name}") for t, name in enumerate(names)]
    qc = QuantumCircuit(*first.qregs, *cregs)
    prepare_plus(qc, first.qregs[0].size)
    offset = 0
    for t in seq:
        cell = cells[t]
        qc.compose(cell, qubits=range(cell.num_qubits), clbits=range(offset, offset + cell.num_clbits),
                   inplace=True)
        offset += cell.num_clbits
    qc.metadata = {"hrnnc_inputs": list(seq), "hrnnc_outputs": names}
    return qc

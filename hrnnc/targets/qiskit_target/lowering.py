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
    Bindings,
    MeasureStab,
    Model,
    float_bindings,
    initial_param_values,
)
from hrnnc.lowered import DiagBlock, LoweredRun, evaluator, lower_run, lower_steps, optimizer_report
from hrnnc.passes.pipelines import optimize as optimize_run

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
        self._gates: dict[tuple[int, Angle], Instruction] = {}
        """Gates by (controls, angle), shared within one circuit."""

    # -- gates -----------------------------------------------------------------------------

    def phase_gate(self, angle: Angle, size: int) -> Instruction:
        """``exp(iγ ∏ n̂_j)`` on ``size`` qubits as one whole gate (controlled Z for γ = ±π)."""
        from qiskit.circuit.library import CPhaseGate, MCPhaseGate, PhaseGate, ZGate

        controls = size - 1
        if isinstance(angle, float) and abs(angle) == math.pi:
            if controls not in self._ccz:
                self._ccz[controls] = ZGate() if controls == 0 else ZGate().control(controls, annotated=False)
            return self._ccz[controls]
        key = (controls, angle)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = (PhaseGate(angle) if controls == 0 else CPhaseGate(angle) if controls == 1
                                       else MCPhaseGate(angle, controls))
        return gate

    def angle(self, expr: Any, args: Mapping[str, Any] | None = None) -> Angle:
        return self._bindings(expr, args)

    def _symbolic_args(self, cell: Cell) -> dict[str, Parameter]:
        """A unit cell's arguments as :class:`Parameter`\\ s named after them (inputs supply them later)."""
        from qiskit.circuit import Parameter

        if self._bindings.arithmetic is FLOAT:
            # Params are numbers here, but arguments stay symbolic: evaluate over the symbolic arithmetic.
            self._bindings = Bindings(self.model, _symbolic_arithmetic(), initial_param_values(self.model))
        return {name: Parameter(name) for name in cell.arg_names}

    # -- runs ------------------------------------------------------------------------------

    def run(self, tokens: Sequence[str], optimize: bool = True) -> tuple[LoweredRun, LoweredRun]:
        """The raw lowered run of ``tokens`` and the one to emit (optimised unless ``optimize`` is False)."""
        raw = lower_run(self.model, tokens, self._bindings)
        return raw, (optimize_run(raw) if optimize else raw)

    def _append_run(self, qc: QuantumCircuit, run: LoweredRun, clbits: Sequence[Any]) -> None:
        from qiskit.circuit import CircuitInstruction

        append = qc._append  # the documented fast path: operands are known to be valid
        qubits = qc.qubits
        h, measure, reset = self._h, self._measure, self._reset
        bits = iter(clbits)
        for item in run.items:
            if isinstance(item, DiagBlock):
                for mono, angle in item.terms:
                    append(CircuitInstruction(self.phase_gate(angle, len(mono)), tuple(qubits[i] for i in mono)))
                continue
            v = qubits[item.site]
            if item.kind == "reset":
                ops = [(reset, (v,), ()), (h, (v,), ())]
            elif item.kind == "measure-z":
                ops = [(measure, (v,), (next(bits),))]
            elif item.kind == "stab" and self.ancilla is not None:
                a = qubits[self.ancilla]
                ops = [(h, (a,), ()), (self._cx, (a, v), ()), (h, (a,), ()), (measure, (a,), (next(bits),)),
                       (reset, (a,), ())]
            elif item.kind in ("measure-x", "stab"):
                ops = [(h, (v,), ()), (measure, (v,), (next(bits),)), (h, (v,), ())]
            else:
                raise InternalError(f"action {item.kind} on a qubit model")
            for operation, qargs, cargs in ops:
                append(CircuitInstruction(operation, qargs, cargs))

    # -- circuits --------------------------------------------------------------------------

    def unit_cell(self, token: str) -> QuantumCircuit:
        """The unit cell of ``token`` as a circuit on the model's register (no state preparation).

        A unit cell is emitted as written (cells are composed later, so the optimizer, which
        works across cell boundaries, runs on sequences).
        """
        from qiskit import ClassicalRegister, QuantumCircuit

        cell = self.model.cell_for(token)
        if cell is None:
            raise InternalError(f"token {token!r} has no cell")
        # Cells are separate circuits, so they must not share parameterized gate objects
        # (binding one cell in place would otherwise change another).
        self._gates = {}
        args = tuple(self._symbolic_args(cell).items()) if cell.args else ()
        run = lower_steps(self.model, ((cell, args),), evaluator(self._bindings))
        outputs = run.outputs
        cregs = [ClassicalRegister(1, f"m{i}_{name}") for i, name in enumerate(outputs)]
        qc = QuantumCircuit(*self.qregs, *cregs, name=f"cell_{token}")
        self._append_run(qc, run, [r[0] for r in cregs])
        qc.metadata = {"hrnnc_token": token, "hrnnc_outputs": list(outputs)}
        return qc

    def sequence(self, tokens: Sequence[str], optimize: bool = True) -> QuantumCircuit:
        """The circuit of ``tokens``: ``|+⟩^n`` preparation, then the (optimised) lowered run.

        ``metadata["hrnnc_optimizer"]`` holds the run's counts before and after optimisation.
        """
        from qiskit import ClassicalRegister, QuantumCircuit

        raw, run = self.run(tokens, optimize)
        names = list(run.outputs)
        width = len(str(max(len(names) - 1, 0)))
        cregs = [ClassicalRegister(1, f"m{t:0{width}d}_{name}") for t, name in enumerate(names)]
        qc = QuantumCircuit(*self.qregs, *cregs, name=self.model.name)
        prepare_plus(qc, self.n)
        self._append_run(qc, run, [r[0] for r in cregs])
        qc.metadata = {"hrnnc_model": self.model.name, "hrnnc_inputs": list(tokens), "hrnnc_outputs": names}
        if optimize:
            qc.metadata["hrnnc_optimizer"] = optimizer_report(raw, run)
        return qc


def prepare_plus(qc: QuantumCircuit, n: int) -> None:
    """Put the first ``n`` qubits into ``|+⟩`` (the empty hypergraph state)."""
    from qiskit.circuit import CircuitInstruction
    from qiskit.circuit.library import HGate

    h = HGate()
    for qubit in qc.qubits[:n]:
        qc._append(CircuitInstruction(h, (qubit,)))


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

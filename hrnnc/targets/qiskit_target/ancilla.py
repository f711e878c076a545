"""Weighted hyperedges through one spare clean qubit (the ``ancillas=N`` transpile option).

Qiskit 2.6 uses a spare clean qubit for ``C^mZ`` (Khattar–Gidney, ``6m − 6`` CX) but has no
ancilla-using synthesis for a weighted ``MCPhaseGate``. With ``m ≥ 3`` controls this module
rewrites ``C^mP(γ)`` before transpiling as

    R(c_1…c_k → a);  C^{m-k}P(γ) on (a, c_{k+1}, …, c_m, t);  R†(c_1…c_k → a)

where ``a`` is the clean ancilla and ``R`` a relative-phase Toffoli (``RCCXGate`` for
``k = 2``, ``RC3XGate`` for ``k = 3``): ``R = D·Toffoli`` with ``D`` diagonal, and the phase
gate in the middle is diagonal too, so ``R† P R = Toffoli P Toffoli``: the AND of the ``k``
controls lands in ``a`` for the phase and ``a`` returns to ``|0⟩``. After
``transpile(basis cx,rz,sx,x, optimization_level=3)`` an edge of size s = 4, 5, 6 costs 12,
18, 32 CX instead of 20, 44, 80 (see ``BENCHMARKS.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qiskit import QuantumCircuit

MIN_CONTROLS = 3
"""Smallest ``MCPhaseGate`` worth rewriting (with two controls the rewrite costs more)."""


def and_width(controls: int) -> int:
    """How many controls are ANDed into the ancilla: 2 for three controls, else 3."""
    return 2 if controls == 3 else 3


def borrow_clean_qubit(circuit: QuantumCircuit, ancilla: Any) -> QuantumCircuit:
    """A copy of ``circuit`` whose weighted multi-controlled phases use ``ancilla``.

    Args:
        circuit: A circuit without parameters in its ``MCPhaseGate``\\ s' angles or with them.
        ancilla: A qubit of ``circuit`` that is ``|0⟩`` whenever an edge runs and that nothing
            else leaves in another state (a spare clean qubit). It is returned to ``|0⟩``.

    Returns:
        The rewritten circuit (same registers); other instructions are kept as they are.
    """
    from qiskit.circuit import CircuitInstruction
    from qiskit.circuit.library import MCPhaseGate, RC3XGate, RCCXGate

    compute = {2: RCCXGate(), 3: RC3XGate()}
    uncompute = {k: gate.inverse() for k, gate in compute.items()}
    out = circuit.copy_empty_like()
    for inst in circuit.data:
        op = inst.operation
        if op.name != "mcphase" or op.num_ctrl_qubits < MIN_CONTROLS or ancilla in inst.qubits:
            out._append(inst)
            continue
        k = and_width(op.num_ctrl_qubits)
        *controls, target = inst.qubits
        head, rest = tuple(controls[:k]), tuple(controls[k:])
        out._append(CircuitInstruction(compute[k], (*head, ancilla)))
        out._append(CircuitInstruction(MCPhaseGate(op.params[0], len(rest) + 1), (ancilla, *rest, target)))
        out._append(CircuitInstruction(uncompute[k], (*head, ancilla)))
    return out

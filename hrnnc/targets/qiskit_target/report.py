"""Resource counts of emitted circuits for ``--report``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from qiskit import QuantumCircuit

NON_GATES = frozenset({"measure", "reset", "barrier", "delay"})
"""Instructions that are not counted as gates."""


def circuit_report(circuit: QuantumCircuit) -> dict[str, Any]:
    """Per-op counts, gate counts by arity, depth and width of one circuit (JSON-serialisable)."""
    two = multi = 0
    for inst in circuit.data:
        if inst.operation.name in NON_GATES:
            continue
        width = len(inst.qubits)
        if width == 2:
            two += 1
        elif width > 2:
            multi += 1
    return {
        "num_qubits": circuit.num_qubits,
        "num_clbits": circuit.num_clbits,
        "size": circuit.size(),
        "depth": circuit.depth(),
        "two_qubit_gates": two,
        "multi_qubit_gates": multi,
        "ops": {name: int(count) for name, count in circuit.count_ops().items()},
        "parameters": sorted(p.name for p in circuit.parameters),
    }


def report(obj: QuantumCircuit | Mapping[str, QuantumCircuit]) -> dict[str, Any]:
    """The report of a sequence circuit, or ``{"cells": {token: report}}`` for unit cells."""
    if isinstance(obj, Mapping):
        return {"cells": {token: circuit_report(circuit) for token, circuit in obj.items()}}
    out = circuit_report(obj)
    optimizer = (obj.metadata or {}).get("hrnnc_optimizer")
    if optimizer is not None:
        out["optimizer"] = optimizer
    return out

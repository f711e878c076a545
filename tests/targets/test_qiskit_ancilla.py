"""Weighted hyperedges through a spare clean qubit (``transpile=…;ancillas=1``), against Qiskit's matrices."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("qiskit")
from qiskit import QuantumCircuit, transpile  # noqa: E402
from qiskit.circuit.library import MCPhaseGate  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402

import hrnnc  # noqa: E402
from hrnnc.targets.qiskit_target.ancilla import borrow_clean_qubit  # noqa: E402

BASIS = ["cx", "rz", "sx", "x"]


@pytest.mark.parametrize("size", [3, 4, 5, 6, 7])
def test_rewrite_is_the_same_phase_with_the_ancilla_returned_clean(size: int) -> None:
    """On inputs with the ancilla in |0⟩ the rewrite is C^mP(γ) exactly, and the ancilla ends in |0⟩."""
    gamma = 0.913
    qc = QuantumCircuit(size + 1)
    qc.append(MCPhaseGate(gamma, size - 1), range(size))
    rewritten = Operator(borrow_clean_qubit(qc, qc.qubits[size])).data
    d = 2 ** size
    expected = np.ones(d, dtype=complex)
    expected[-1] = np.exp(1j * gamma)
    assert np.allclose(rewritten[:d, :d], np.diag(expected))
    assert np.allclose(rewritten[d:, :d], 0)


@pytest.mark.parametrize("size", [4, 5, 6])
def test_rewrite_needs_fewer_two_qubit_gates(size: int) -> None:
    """After transpile(level 3) a weighted edge of size ≥ 4 is cheaper with the spare qubit."""
    sites = " ".join(map(str, range(size)))
    text = f"hrnn e {{ qubits {size}; degree {size}; on t {{ phase(0.3) {sites}; }} }}"
    plain = hrnnc.compile(text, target="qiskit", inputs="t", transpile="basis=cx,rz,sx,x;seed=1", opt=3)
    spare = hrnnc.compile(text, target="qiskit", inputs="t", transpile="basis=cx,rz,sx,x;ancillas=1;seed=1", opt=3)
    assert spare.count_ops()["cx"] < plain.count_ops()["cx"]
    qc = QuantumCircuit(size + 1)
    qc.append(MCPhaseGate(0.3, size - 1), range(size))
    qiskit_alone = transpile(qc, basis_gates=BASIS, optimization_level=3, seed_transpiler=1)
    assert spare.count_ops()["cx"] < qiskit_alone.count_ops()["cx"]


def test_edges_touching_the_ancilla_and_small_edges_are_kept() -> None:
    qc = QuantumCircuit(5)
    qc.append(MCPhaseGate(0.2, 2), [0, 1, 2])
    qc.append(MCPhaseGate(0.2, 3), [0, 1, 2, 4])
    out = borrow_clean_qubit(qc, qc.qubits[4])
    assert [i.operation.name for i in out.data] == ["mcphase", "mcphase"]

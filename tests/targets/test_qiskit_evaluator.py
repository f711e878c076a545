"""An exact evaluator of Qiskit circuits with mid-circuit measurement, independent of hrnnc.

It walks a circuit instruction by instruction on a batch of branches: gates are applied
with the matrices Qiskit itself gives them (``qiskit.quantum_info.Operator``), and every
``measure`` or ``reset`` splits each branch in two. The tests at the bottom pin the evaluator
to closed forms, so that the target tests can trust it.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pytest

qiskit = pytest.importorskip("qiskit")
from qiskit import ClassicalRegister, QuantumCircuit  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402

from hrnnc.targets.qiskit_target import QiskitTarget  # noqa: E402

PRUNE = 1e-14


def _bind(circuit: QuantumCircuit, params: Mapping[str, float] | None) -> QuantumCircuit:
    if not circuit.parameters:
        return circuit
    values = dict(params or {})
    missing = [p.name for p in circuit.parameters if p.name not in values]
    if missing:
        raise KeyError(f"unbound parameters {missing}")
    return QiskitTarget().bind_params(circuit, values)


def _apply(states: np.ndarray, matrix: np.ndarray, axes: list[int]) -> np.ndarray:
    """Apply a k-qubit matrix (Qiskit little-endian) to the batch on the given state axes."""
    k = len(axes)
    tensor = matrix.reshape((2,) * (2 * k))
    # Matrix axis i (< k) is output bit k-1-i; axis k+i is input bit k-1-i.
    state_axes = [axes[k - 1 - i] for i in range(k)]
    out = np.tensordot(tensor, states, axes=(list(range(k, 2 * k)), state_axes))
    return np.moveaxis(out, list(range(k)), state_axes)


def exact_distribution(circuit: QuantumCircuit, params: Mapping[str, float] | None = None,
                       clbit_order: list[Any] | None = None) -> dict[str, float]:
    """``{bits: probability}`` over the circuit's clbits (in ``clbit_order``, default circuit order).

    The circuit starts in ``|0…0⟩``; bit strings list clbit 0 first.
    """
    circuit = _bind(circuit, params)
    n = circuit.num_qubits
    index = {q: i for i, q in enumerate(circuit.qubits)}
    cindex = {c: i for i, c in enumerate(circuit.clbits)}
    states = np.zeros((1,) + (2,) * n, dtype=complex)
    states[(0,) * (n + 1)] = 1.0
    probs = np.ones(1)
    bits = np.zeros((1, circuit.num_clbits), dtype=np.int8)
    cache: dict[int, tuple[Any, np.ndarray]] = {}  # keeps each op alive, so its id stays unique

    def axis(q: Any) -> int:
        return 1 + (n - 1 - index[q])  # batch axis first; qubit j is bit j of the index

    for inst in circuit.data:
        name = inst.operation.name
        if name == "barrier":
            continue
        if name in ("measure", "reset"):
            ax = axis(inst.qubits[0])
            zero = np.take(states, 0, axis=ax)
            one = np.take(states, 1, axis=ax)
            p1 = np.sum(np.abs(one.reshape(len(probs), -1)) ** 2, axis=1)
            p0 = 1.0 - p1
            new_states, new_probs, new_bits = [], [], []
            for outcome, part, p in ((0, zero, p0), (1, one, p1)):
                keep = p > PRUNE
                if not np.any(keep):
                    continue
                kept = part[keep] / np.sqrt(p[keep]).reshape((-1,) + (1,) * (n - 1))
                full = np.zeros(kept.shape[:1] + (2,) * n, dtype=complex)
                slot = 0 if name == "reset" else outcome
                idx = [slice(None)] * (n + 1)
                idx[ax] = slot
                full[tuple(idx)] = kept
                new_states.append(full)
                new_probs.append(probs[keep] * p[keep])
                b = bits[keep].copy()
                if name == "measure":
                    b[:, cindex[inst.clbits[0]]] = outcome
                new_bits.append(b)
            states = np.concatenate(new_states)
            probs = np.concatenate(new_probs)
            bits = np.concatenate(new_bits)
            continue
        op = inst.operation
        if id(op) not in cache:
            cache[id(op)] = (op, Operator(op).data)
        states = _apply(states, cache[id(op)][1], [axis(q) for q in inst.qubits])
    order = [cindex[c] for c in (clbit_order or circuit.clbits)]
    out: dict[str, float] = {}
    for row, p in zip(bits[:, order], probs):
        key = "".join(map(str, row))
        out[key] = out.get(key, 0.0) + float(p)
    total = sum(out.values())
    return {k: v / total for k, v in sorted(out.items())}


def time_order(circuit: QuantumCircuit) -> list[Any]:
    """The circuit's clbits ordered by register name (``m<t>_<name>`` sorts in time order)."""
    regs = sorted(circuit.cregs, key=lambda r: r.name)
    return [bit for reg in regs for bit in reg]


def assert_same_distribution(got: Mapping[str, float], want: Mapping[str, float], tol: float = 1e-9) -> None:
    keys = set(got) | set(want)
    worst = max((abs(got.get(k, 0.0) - want.get(k, 0.0)) for k in keys), default=0.0)
    assert worst <= tol, f"distributions differ by {worst:.3g}:\n got  {dict(got)}\n want {dict(want)}"


# -- the evaluator against closed forms -----------------------------------------------------


def test_bell_pair_measurements_are_correlated() -> None:
    """H, CX, then measuring both qubits gives 00 and 11 with probability 1/2 each."""
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure(0, 0)
    qc.measure(1, 1)
    assert_same_distribution(exact_distribution(qc), {"00": 0.5, "11": 0.5})


def test_ry_then_mid_circuit_measure_and_reset() -> None:
    """RY(θ) gives P(1) = sin²(θ/2); after reset the qubit reads 0; qubit 1 is little-endian."""
    theta = 1.1
    qc = QuantumCircuit(2, 3)
    qc.ry(theta, 1)
    qc.measure(1, 0)
    qc.reset(1)
    qc.measure(1, 1)
    qc.x(0)
    qc.measure(0, 2)
    p1 = math.sin(theta / 2) ** 2
    assert_same_distribution(exact_distribution(qc), {"001": 1 - p1, "101": p1})


def test_reset_of_entangled_qubit_mixes_the_partner() -> None:
    """Resetting half of a Bell pair leaves the other half maximally mixed (both outcomes 1/2)."""
    qc = QuantumCircuit(2, 1)
    qc.h(0)
    qc.cx(0, 1)
    qc.reset(0)
    qc.h(1)
    qc.measure(1, 0)
    assert_same_distribution(exact_distribution(qc), {"0": 0.5, "1": 0.5})


def test_clbit_order_by_register_name() -> None:
    """Registers added out of name order are read in name order."""
    b, a = ClassicalRegister(1, "m1_b"), ClassicalRegister(1, "m0_a")
    qc = QuantumCircuit(1)
    qc.add_register(b)
    qc.add_register(a)
    qc.x(0)
    qc.measure(0, a[0])
    qc.reset(0)
    qc.measure(0, b[0])
    assert exact_distribution(qc, clbit_order=time_order(qc)) == {"10": 1.0}

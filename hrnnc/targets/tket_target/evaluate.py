"""An evaluator of emitted circuits, independent of pytket's simulators (for verification).

Gate matrices are written here from their definitions, not taken from pytket. Indices
follow :mod:`hrnnc.sim.conventions`: qubit ``j`` is bit ``j`` of a basis index
(little-endian); pytket's own ``get_unitary`` is big-endian (ILO-BE) instead.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_H = np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2)


def _rz(half_turns: float) -> np.ndarray:
    t = math.pi * half_turns
    return np.diag([np.exp(-0.5j * t), np.exp(0.5j * t)])


def _rx(half_turns: float) -> np.ndarray:
    t = math.pi * half_turns
    return np.array([[math.cos(t / 2), -1j * math.sin(t / 2)], [-1j * math.sin(t / 2), math.cos(t / 2)]])


def _ry(half_turns: float) -> np.ndarray:
    t = math.pi * half_turns
    return np.array([[math.cos(t / 2), -math.sin(t / 2)], [math.sin(t / 2), math.cos(t / 2)]], dtype=complex)


def _single(name: str, params: list[float]) -> np.ndarray:
    if name == "H":
        return _H
    if name == "Rz":
        return _rz(params[0])
    if name == "Rx":
        return _rx(params[0])
    if name == "Ry":
        return _ry(params[0])
    if name == "PhasedX":  # Rz(φ) Rx(θ) Rz(−φ)
        theta, phi = params
        return np.asarray(_rz(phi) @ _rx(theta) @ _rz(-phi))
    if name == "X":
        return np.array([[0, 1], [1, 0]], dtype=complex)
    if name == "Z":
        return np.diag([1, -1]).astype(complex)
    raise ValueError(f"the evaluator does not know {name}")


def _apply_1q(psi: np.ndarray, nq: int, q: int, mat: np.ndarray) -> np.ndarray:
    axis = nq - 1 - q
    return np.moveaxis(np.tensordot(mat, psi, axes=([1], [axis])), 0, axis)


def _apply_cz(psi: np.ndarray, nq: int, qubits: list[int]) -> np.ndarray:
    idx: list[Any] = [slice(None)] * psi.ndim
    for q in qubits:
        idx[nq - 1 - q] = 1
    psi = psi.copy()
    psi[tuple(idx)] *= -1
    return psi


def _apply(psi: np.ndarray, nq: int, name: str, qubits: list[int], params: list[float]) -> np.ndarray:
    if name in ("CnZ", "CZ"):
        return _apply_cz(psi, nq, qubits)
    if name == "CX":
        c, t = qubits
        psi = _apply_1q(psi, nq, t, _H)
        psi = _apply_cz(psi, nq, [c, t])
        return _apply_1q(psi, nq, t, _H)
    if len(qubits) != 1:
        raise ValueError(f"the evaluator does not know {name} on {len(qubits)} qubits")
    return _apply_1q(psi, nq, qubits[0], _single(name, params))


def _commands(circ: Any) -> list[tuple[str, list[int], list[float], list[int]]]:
    free = circ.free_symbols()
    if free:
        raise ValueError(f"the circuit has free parameters ({', '.join(sorted(s.name for s in free))}); bind them "
                         "first (TketTarget.bind_params, Circuit.symbol_substitution) or compile with bind=True")
    qindex = {q: i for i, q in enumerate(circ.qubits)}
    bindex = {b: i for i, b in enumerate(circ.bits)}
    out = []
    for cmd in circ.get_commands():
        params = [float(p) for p in cmd.op.params]
        out.append((cmd.op.type.name, [qindex[q] for q in cmd.qubits], params, [bindex[b] for b in cmd.bits]))
    return out


def circuit_unitary(circ: Any) -> np.ndarray:
    """The unitary of a measurement-free circuit, global phase included (little-endian)."""
    nq = circ.n_qubits
    dim = 2 ** nq
    u = np.eye(dim, dtype=complex).reshape((2,) * nq + (dim,))
    for name, qubits, params, _ in _commands(circ):
        if name in ("Measure", "Reset"):
            raise ValueError("the circuit measures or resets")
        u = _apply(u, nq, name, qubits, params)
    phase = complex(np.exp(1j * math.pi * float(circ.phase)))
    return phase * u.reshape(dim, dim)


def circuit_distribution(circ: Any, initial: np.ndarray | None = None, cutoff: float = 1e-12) -> dict[str, float]:
    """Exact distribution of the bit string ``c[0] c[1] …`` by branching on every measurement and reset.

    Args:
        circ: A circuit of known gates plus ``Measure``/``Reset``.
        initial: Initial state (little-endian), default ``|0…0⟩``.
        cutoff: Branches less likely than this are dropped.
    """
    nq, nb = circ.n_qubits, len(circ.bits)
    psi0 = np.zeros(2 ** nq, dtype=complex)
    psi0[0] = 1.0
    if initial is not None:
        psi0 = np.asarray(initial, dtype=complex)
    branches: list[tuple[float, np.ndarray, list[str]]] = [(1.0, psi0.reshape((2,) * nq), ["0"] * nb)]
    for name, qubits, params, bits in _commands(circ):
        if name not in ("Measure", "Reset"):
            branches = [(p, _apply(psi, nq, name, qubits, params), rec) for p, psi, rec in branches]
            continue
        axis = nq - 1 - qubits[0]
        nxt = []
        for p, psi, rec in branches:
            for outcome in (0, 1):
                part = np.take(psi, [outcome], axis=axis)
                weight = float(np.vdot(part, part).real)
                if weight * p <= cutoff:
                    continue
                new = np.zeros_like(psi)
                slot: list[Any] = [slice(None)] * nq
                slot[axis] = outcome if name == "Measure" else 0
                new[tuple(slot)] = np.squeeze(part, axis=axis) / math.sqrt(weight)
                record = list(rec)
                if name == "Measure":
                    record[bits[0]] = str(outcome)
                nxt.append((p * weight, new, record))
        branches = nxt
    out: dict[str, float] = {}
    for p, _, rec in branches:
        key = "".join(rec)
        out[key] = out.get(key, 0.0) + p
    return dict(sorted(out.items()))


def plus_state(n: int, width: int) -> np.ndarray:
    """``|+⟩^n`` on sites ``0…n−1`` and ``|0⟩`` on the remaining (ancilla) qubits."""
    psi = np.zeros(2 ** width, dtype=complex)
    psi[: 2 ** n] = 2.0 ** (-n / 2)
    return psi

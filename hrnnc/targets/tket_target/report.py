"""Resource counts of emitted circuits for ``--report``."""

from __future__ import annotations

from typing import Any


def circuit_report(circ: Any, record: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Native CnZ count by arity (CZ counted as arity 2), other multi-qubit gates, depths.

    Counts use pytket's C++-side counters. pytket's ``depth`` slows down quadratically on
    long runs with many bits, so depths come from the builder's ``record`` when given.
    """
    from pytket import OpType

    natives = circ.n_gates_of_type(OpType.CnZ) + circ.n_gates_of_type(OpType.CZ)
    by_arity = {w: circ.n_nqb_gates(w) for w in range(2, circ.n_qubits + 1)}
    by_arity = {w: c for w, c in by_arity.items() if c}
    multi = sum(by_arity.values())
    if multi != natives:  # some other multi-qubit gate: count CnZ/CZ one by one
        by_arity = {}
        for cmd in circ.get_commands():
            if cmd.op.type in (OpType.CnZ, OpType.CZ):
                by_arity[len(cmd.qubits)] = by_arity.get(len(cmd.qubits), 0) + 1
    if record is not None:
        depth, multi_depth = _depths(record)
    else:
        depth, multi_depth = circ.depth(), circ.depth_by_type({OpType.CnZ, OpType.CZ})
    return {
        "qubits": circ.n_qubits,
        "bits": len(circ.bits),
        "native_cnz": natives,
        "native_cnz_by_arity": {str(a): by_arity[a] for a in sorted(by_arity)},
        "other_two_qubit": multi - natives,
        "single_qubit": circ.n_1qb_gates(),
        "depth": depth,
        "multi_qubit_depth": multi_depth,
    }


def _depths(record: list[dict[str, Any]]) -> tuple[int, int]:
    """Longest path over wires (qubits and bits): all commands, and CnZ/CZ only."""
    level: dict[tuple[str, int], int] = {}
    multi: dict[tuple[str, int], int] = {}
    for cmd in record:
        wires = [(reg, idx[0]) for reg, idx in cmd["args"]]
        d = 1 + max((level.get(w, 0) for w in wires), default=0)
        m = (1 if cmd["op"]["type"] in ("CnZ", "CZ") else 0) + max((multi.get(w, 0) for w in wires), default=0)
        for w in wires:
            level[w] = d
            multi[w] = m
    return max(level.values(), default=0), max(multi.values(), default=0)


def summed(reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Totals over unit cells (depths are maxima)."""
    total: dict[str, Any] = {"native_cnz": 0, "native_cnz_by_arity": {}, "other_two_qubit": 0, "single_qubit": 0}
    for rep in reports.values():
        total["native_cnz"] += rep["native_cnz"]
        total["other_two_qubit"] += rep["other_two_qubit"]
        total["single_qubit"] += rep["single_qubit"]
        for a, count in rep["native_cnz_by_arity"].items():
            total["native_cnz_by_arity"][a] = total["native_cnz_by_arity"].get(a, 0) + count
    total["native_cnz_by_arity"] = dict(sorted(total["native_cnz_by_arity"].items(), key=lambda kv: int(kv[0])))
    total["max_depth"] = max((r["depth"] for r in reports.values()), default=0)
    return total

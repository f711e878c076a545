"""Resource counts of emitted circuits for ``--report``."""

from __future__ import annotations

from typing import Any


def circuit_report(circ: Any) -> dict[str, Any]:
    """Native CnZ count by arity (CZ counted as arity 2), other multi-qubit gates, depths."""
    from pytket import OpType

    by_arity: dict[int, int] = {}
    other = 0
    single = 0
    for cmd in circ.get_commands():
        kind = cmd.op.type
        width = len(cmd.qubits)
        if kind in (OpType.CnZ, OpType.CZ):
            by_arity[width] = by_arity.get(width, 0) + 1
        elif kind in (OpType.Measure, OpType.Reset, OpType.Barrier):
            continue
        elif width >= 2:
            other += 1
        else:
            single += 1
    return {
        "qubits": circ.n_qubits,
        "bits": len(circ.bits),
        "native_cnz": sum(by_arity.values()),
        "native_cnz_by_arity": {str(a): by_arity[a] for a in sorted(by_arity)},
        "other_two_qubit": other,
        "single_qubit": single,
        "depth": circ.depth(),
        "multi_qubit_depth": circ.depth_by_type({OpType.CnZ, OpType.CZ}),
    }


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

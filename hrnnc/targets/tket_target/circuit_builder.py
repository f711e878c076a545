"""Abstract native ops → pytket ``Circuit`` on the native (or the CZ) gate set."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

from hrnnc.targets.tket_target.predicate import check_gate_set, gate_set

if TYPE_CHECKING:
    from hrnnc.targets.tket_target.phase_synthesis import Op


def build_circuit(ops: Sequence[Op], qubits: int, bits: int, name: str | None = None) -> Any:
    """The ops as a circuit of ``H, CZ, CnZ, Rz, Measure, Reset`` with the exact global phase.

    Qubit ``j`` is site ``j``; an ancilla, if any, is ``q[n]``; bit ``i`` is the ``i``-th
    measurement in time order.
    """
    from pytket import Circuit, OpType

    circ = Circuit(qubits, bits, name=name) if name else Circuit(qubits, bits)
    phase = 0.0
    for op in ops:
        kind = op[0]
        if kind == "h":
            circ.H(op[1])
        elif kind == "cnz":
            sites = op[1]
            if len(sites) == 2:
                circ.CZ(sites[0], sites[1])
            else:
                circ.add_gate(OpType.CnZ, list(sites))
        elif kind == "p":
            angle = op[2]  # type: ignore[misc]
            circ.Rz(angle / math.pi, op[1])
            phase += angle / (2.0 * math.pi)
        elif kind == "measure":
            circ.Measure(op[1], op[2])  # type: ignore[misc]
        elif kind == "reset":
            circ.Reset(op[1])
        else:  # pragma: no cover - the lowering makes only the kinds above
            raise ValueError(f"unknown op {op!r}")
    circ.add_phase(math.fmod(phase, 2.0))
    return circ


def to_native(circ: Any, arity: int) -> Any:
    """Rebase Hadamards onto ``Rz``/``PhasedX``, squash single-qubit runs, check the gate set."""
    from pytket.passes import AutoRebase, RemoveRedundancies, SquashRzPhasedX

    AutoRebase(set(gate_set("native"))).apply(circ)
    SquashRzPhasedX().apply(circ)
    RemoveRedundancies().apply(circ)
    AutoRebase(set(gate_set("native"))).apply(circ)
    check_gate_set(circ, "native", arity)
    return circ


def to_cz(circ: Any, optimise: bool = True) -> Any:
    """Everything on CZ + single-qubit gates with tket's own passes (``--gateset cz``)."""
    from pytket.passes import AutoRebase, DecomposeMultiQubitsCX, FullPeepholeOptimise, SquashRzPhasedX

    DecomposeMultiQubitsCX().apply(circ)
    if optimise:
        FullPeepholeOptimise(allow_swaps=False).apply(circ)
    AutoRebase(set(gate_set("cz"))).apply(circ)
    SquashRzPhasedX().apply(circ)
    check_gate_set(circ, "cz", 2)
    return circ

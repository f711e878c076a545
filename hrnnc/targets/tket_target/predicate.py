"""The native gate sets and a predicate that checks op types *and* CnZ arity.

pytket's ``GateSetPredicate`` checks op types only; a neutral-atom machine also has a
blockade size, so every ``CnZ`` must act on at most ``A`` qubits.
"""

from __future__ import annotations

from typing import Any

from hrnnc.diagnostics import InternalError

_NATIVE = ("CnZ", "CZ", "Rz", "PhasedX", "Measure", "Reset")
_CZ = ("CZ", "Rz", "PhasedX", "Measure", "Reset")
GATE_SETS: dict[str, tuple[str, ...]] = {"native": _NATIVE, "cz": _CZ}
"""Op type names of each ``--gateset``."""


def gate_set(name: str) -> frozenset[Any]:
    """The pytket ``OpType`` set of a gate set name."""
    from pytket import OpType

    return frozenset(getattr(OpType, t) for t in GATE_SETS[name])


def _too_wide(circ: Any, arity: int) -> bool:
    """Any gate on more than ``arity`` qubits (``n_nqb_gates`` stays in C++, unlike get_commands)."""
    from pytket import OpType

    narrow = circ.n_1qb_gates() + sum(circ.n_nqb_gates(w) for w in range(2, arity + 1))
    rest = circ.n_gates - narrow - circ.n_gates_of_type(OpType.Measure) - circ.n_gates_of_type(OpType.Reset)
    if rest == 0:
        return False
    return any(circ.n_nqb_gates(width) for width in range(arity + 1, circ.n_qubits + 1))


def satisfies_gate_set(circ: Any, gateset: str, arity: int) -> bool:
    """True iff pytket's ``GateSetPredicate`` holds and no gate (so no ``CnZ``) is wider than ``arity``."""
    from pytket.predicates import GateSetPredicate

    return bool(GateSetPredicate(set(gate_set(gateset))).verify(circ)) and not _too_wide(circ, arity)


def arity_violations(circ: Any, gateset: str, arity: int) -> list[str]:
    """Human-readable problems: op types outside the set, gates wider than ``arity`` (slow; for messages)."""
    allowed = gate_set(gateset)
    problems: list[str] = []
    for cmd in circ.get_commands():
        kind = cmd.op.type
        if kind not in allowed:
            problems.append(f"{cmd}: {kind.name} is not in the {gateset} gate set")
        elif len(cmd.qubits) > arity:
            problems.append(f"{cmd}: {kind.name} on {len(cmd.qubits)} qubits exceeds the native arity {arity}")
    return problems


def check_gate_set(circ: Any, gateset: str, arity: int) -> None:
    """Run the predicate on an emitted circuit.

    Raises:
        InternalError: The circuit breaks it (a bug in the lowering, never a user mistake).
    """
    if not satisfies_gate_set(circ, gateset, arity):
        problems = arity_violations(circ, gateset, arity)[:5]
        raise InternalError(f"tket output breaks the {gateset} gate set (arity {arity}): " + "; ".join(problems))

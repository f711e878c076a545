"""Abstract native ops → pytket ``Circuit`` on the native (or the CZ) gate set."""

from __future__ import annotations

import cmath
import math
from typing import TYPE_CHECKING, Any, Sequence

from hrnnc.targets.sympy_angles import expression_text, is_symbolic
from hrnnc.targets.tket_target.predicate import check_gate_set, gate_set

if TYPE_CHECKING:
    from hrnnc.targets.tket_target.phase_synthesis import Op


Matrix = tuple[complex, complex, complex, complex]
"""A 2×2 matrix, row-major."""

_S = 1.0 / math.sqrt(2.0)
_H: Matrix = (_S, _S, _S, -_S)
_EPS = 1e-12


def _mul(g: Matrix, u: Matrix) -> Matrix:
    """``g @ u``."""
    return (g[0] * u[0] + g[1] * u[2], g[0] * u[1] + g[1] * u[3],
            g[2] * u[0] + g[3] * u[2], g[2] * u[1] + g[3] * u[3])


def _is_diagonal(u: Matrix) -> bool:
    return abs(u[1]) < _EPS and abs(u[2]) < _EPS


def _rzrxrz(a: float, theta: float, b: float) -> Matrix:
    """``Rz(a) Rx(θ) Rz(b)`` (radians)."""
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return (cmath.exp(-0.5j * (a + b)) * c, -1j * cmath.exp(-0.5j * (a - b)) * s,
            -1j * cmath.exp(0.5j * (a - b)) * s, cmath.exp(0.5j * (a + b)) * c)


def zxz(u: Matrix) -> tuple[float, float, float, float]:
    """``u = e^{iπα} · PhasedX(θ, φ) · Rz(λ)`` (matrix order; the circuit runs Rz first).

    Returns ``(θ, φ, λ, α)`` in half-turns, from ``Rz(a)Rx(θ)Rz(b) = PhasedX(θ, a)·Rz(a+b)``.
    """
    c, s = abs(u[0]), abs(u[2])
    theta = 2.0 * math.atan2(s, c)
    plus = -cmath.phase(u[0] / u[3]) if c > _EPS else 0.0  # a + b (mod 2π)
    minus = cmath.phase(u[2] / u[1]) if s > _EPS else 0.0  # a − b (mod 2π)
    a, b = (plus + minus) / 2.0, (plus - minus) / 2.0
    k = 0 if c >= s else 2
    for th in (theta, -theta):
        r = _rzrxrz(a, th, b)
        ratio = u[k] / r[k]
        if all(abs(u[i] - ratio * r[i]) < 1e-9 for i in range(4)):
            return th / math.pi, a / math.pi, (a + b) / math.pi, cmath.phase(ratio) / math.pi
    raise ValueError(f"not a unitary: {u}")  # pragma: no cover


def build_circuit(ops: Sequence[Op], qubits: int, bits: int, name: str | None = None,
                  record: list[dict[str, Any]] | None = None) -> Any:
    """The ops on the native gate set with the exact global phase.

    Runs of single-qubit gates are multiplied out and emitted as ``Rz`` then ``PhasedX``;
    a diagonal run is carried through the (diagonal) CnZ/CZ it meets, and a run before a
    ``Reset`` is dropped (a local unitary before a reset cannot change anything).
    Qubit ``j`` is site ``j``; an ancilla, if any, is ``q[n]``; bit ``i`` is the ``i``-th
    measurement in time order.

    A symbolic phase ``P(θ)`` (θ a SymPy expression of params) cannot be multiplied into the
    numeric 2×2 run, but it is diagonal: each qubit carries it beside its run, as
    ``P(θ)·U``, through other phases and CnZ gates, and emits it as ``Rz(θ/π)`` (merged with
    the run's own ``Rz`` when the run is diagonal) plus ``θ/2π`` of global phase when a
    Hadamard, a measurement or the end of the circuit needs it. A Hadamard after
    ``P(θ)·H·D`` (``D`` diagonal; the core of every weighted sandwich) instead emits ``D`` and
    one ``PhasedX(θ/π, 0)``, since ``H·P(θ)·H = e^{iθ/2} Rx(θ)``.

    Args:
        record: If given, receives each command in pytket's JSON form, in insertion order
            (pytket's own ``to_dict`` is quadratic in the number of bits on long runs).
    """
    import sympy
    from pytket import Circuit, OpType

    log = record.append if record is not None else (lambda _: None)

    circ = Circuit(qubits, bits, name=name) if name else Circuit(qubits, bits)
    pending: dict[int, Matrix] = {}
    symbolic: dict[int, Any] = {}
    """Per qubit, the sum θ of symbolic phases applied after its pending run."""
    phase = 0.0
    symbolic_phase: Any = 0

    def flush(q: int) -> None:
        nonlocal phase, symbolic_phase
        u = pending.pop(q, None)
        theta_sym = symbolic.pop(q, None)
        if u is None and theta_sym is None:
            return
        theta, phi, lam, alpha = zxz(u if u is not None else (1, 0, 0, 1))
        phase += alpha
        lam = math.remainder(lam, 4.0)
        if abs(lam) > 2.0 - 1e-12 or abs(abs(lam) - 2.0) < 1e-12:  # Rz(±2) = −I
            lam = math.remainder(lam - 2.0, 4.0)
            phase += 1.0
        turns = abs(math.remainder(theta, 4.0)) > 1e-12
        if theta_sym is not None and not turns:  # a diagonal run: one Rz with both angles
            _rz(circ, q, lam + theta_sym / sympy.pi, log)
        elif abs(lam) > 1e-12:
            _rz(circ, q, lam, log)
        if turns:
            circ.add_gate(OpType.PhasedX, [theta, phi], [q])
            log({"args": [_q(q)], "op": {"params": [repr(theta), repr(phi)], "type": "PhasedX"}})
            if theta_sym is not None:
                _rz(circ, q, theta_sym / sympy.pi, log)
        if theta_sym is not None:
            symbolic_phase += theta_sym / (2 * sympy.pi)

    for op in ops:
        kind = op[0]
        if kind == "h":
            q = op[1]
            if q in symbolic:
                diagonal = _mul(_H, pending.get(q, (1, 0, 0, 1)))
                if _is_diagonal(diagonal):  # H·P(θ)·(H·D) = Rx(θ)·D, up to e^{iθ/2}: the sandwich's core
                    theta_sym = symbolic.pop(q)
                    pending[q] = diagonal
                    flush(q)
                    circ.add_gate(OpType.PhasedX, [theta_sym / sympy.pi, 0.0], [q])
                    log({"args": [_q(q)], "op": {"params": [param_text(theta_sym / sympy.pi), "0.0"],
                                                 "type": "PhasedX"}})
                    symbolic_phase += theta_sym / (2 * sympy.pi)
                    continue
                flush(q)
            pending[q] = _mul(_H, pending.get(q, (1, 0, 0, 1)))
        elif kind == "p":
            q, angle = op[1], op[2]
            if is_symbolic(angle):
                symbolic[q] = symbolic.get(q, 0) + angle
                continue
            u = pending.get(q, (1, 0, 0, 1))
            e = cmath.exp(1j * angle)
            pending[q] = (u[0], u[1], e * u[2], e * u[3])
        elif kind == "cnz":
            sites = op[1]
            for q in sites:
                if q in pending and not _is_diagonal(pending[q]):
                    flush(q)
            args = [_q(q) for q in sites]
            if len(sites) == 2:
                circ.CZ(sites[0], sites[1])
                log({"args": args, "op": {"type": "CZ"}})
            else:
                circ.add_gate(OpType.CnZ, list(sites))
                log({"args": args, "op": {"n_qb": len(args), "type": "CnZ"}})
        elif kind == "measure":
            flush(op[1])
            circ.Measure(op[1], op[2])
            log({"args": [_q(op[1]), ["c", [op[2]]]], "op": {"type": "Measure"}})
        elif kind == "reset":
            pending.pop(op[1], None)
            symbolic.pop(op[1], None)
            circ.Reset(op[1])
            log({"args": [_q(op[1])], "op": {"type": "Reset"}})
        else:  # pragma: no cover - the lowering makes only the kinds above
            raise ValueError(f"unknown op {op!r}")
    for q in sorted(set(pending) | set(symbolic)):
        flush(q)
    circ.add_phase(math.remainder(phase, 2.0) + sympy.expand(symbolic_phase))
    return circ


def _rz(circ: Any, q: int, half_turns: Any, log: Any) -> None:
    circ.Rz(half_turns, q)
    log({"args": [_q(q)], "op": {"params": [param_text(half_turns)], "type": "Rz"}})


def param_text(value: Any) -> str:
    """A gate parameter as pytket's JSON holds it: ``repr`` of a float, or the expression of
    a symbolic one with every number in ``repr`` (pytket's own writer keeps 15 digits)."""
    return repr(float(value)) if not is_symbolic(value) else expression_text(value)


def phase_text(phase: Any) -> str:
    """A circuit's global phase as :func:`param_text` writes it."""
    return param_text(phase)


def _q(index: int) -> list[Any]:
    return ["q", [index]]


def circuit_json(circ: Any, record: list[dict[str, Any]]) -> dict[str, Any]:
    """pytket's ``Circuit.to_dict()`` form built from a :func:`build_circuit` record."""
    qubits = [_q(i) for i in range(circ.n_qubits)]
    out: dict[str, Any] = {
        "bits": [["c", [i]] for i in range(len(circ.bits))],
        "commands": record,
        "created_qubits": [],
        "discarded_qubits": [],
        "implicit_permutation": [[q, q] for q in qubits],
        "phase": phase_text(circ.phase),
        "qubits": qubits,
    }
    if circ.name:
        out["name"] = circ.name
    return dict(sorted(out.items()))


def to_native(circ: Any, arity: int) -> Any:
    """Check the native gate set (the builder already emits only natives)."""
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

"""Qiskit target benchmark (issue 5): compile time and two-qubit gate counts.

Run ``python benchmarks/bench_qiskit.py`` (options: ``--tokens``, ``--qubits``, ``--runs``,
``--no-qiskit-dumps``, ``--loads``, ``--markdown``). It prints, side by side in one run:

(a) time to compile a 64-qubit, 3-uniform model over 10,000 tokens with
    ``hrnnc.compile(model, "qiskit", inputs)`` (semantic checks, lowering, circuit), against
    building the same circuit (same registers, same gates, same order) directly with Qiskit's
    public API (``QuantumCircuit.mcp``/``append``/``h``/``measure``); best of N runs. The text
    output is timed too: hrnnc's OpenQASM 3 writer against ``qiskit.qasm3.dumps``.
(b) two-qubit gate counts after ``transpile(basis cx,rz,sx,x, optimization_level=3)`` of
    hrnnc's output for one hyperedge of size s = 2…6, weighted (MCPhase) and unweighted (γ = π,
    C^{s-1}Z), with no spare qubit and with one spare clean qubit, next to docs/semantics.md §7 and
    (weighted, spare qubit) next to Qiskit's own synthesis of the same ``MCPhaseGate``.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
from typing import Any

import hrnnc
from hrnnc.targets.qiskit_target import QiskitTarget
from timing import best_of

TOKENS = 8
"""Alphabet size of the generated model."""

# docs/semantics.md §7 (Qiskit 2.6 / tket, no ancilla): C^mZ on s = m + 1 qubits, MCPhase on n = s qubits.
REF_CZ = {2: 1, 3: 6, 4: 14, 5: 36, 6: 80}
REF_MCP = {4: 20, 5: 44, 6: 84}
REF_ONE_CLEAN = {s: 6 * (s - 1) - 6 for s in range(3, 7)}  # Khattar–Gidney, m = s - 1 controls: ≤ 6m − 6


def bench_model(n: int, seed: int = 7) -> tuple[str, list[tuple[str, list[tuple[str, tuple[int, ...]]], Any]]]:
    """A 3-uniform qubit model on ``n`` qubits: 6 tokens of four 3-edges, 2 of one stabilizer each.

    Returns the model text and, per token, a plain description used by the direct build:
    ``(token, [(angle, edge)], stab)`` with ``stab = (vertex, [(angle, edge)])`` or None.
    """
    rng = random.Random(seed)
    params = [f"w{i}" for i in range(6)]
    lines = [f"hrnn bench {{\n  qubits {n}; degree 3;"]
    lines += [f"  param {p} = {rng.uniform(-3, 3):.3f};" for p in params]
    spec = []
    for t in range(TOKENS):
        if t < 6:
            edges = [(rng.choice([*params, "pi"]), tuple(rng.sample(range(n), 3))) for _ in range(4)]
            body = " ".join(f"phase({a}) {' '.join(map(str, e))};" for a, e in edges)
            spec.append((f"t{t}", edges, None))
        else:
            v = rng.randrange(n)
            e = (v, *rng.sample([s for s in range(n) if s != v], 2))
            a = rng.choice(params)
            body = f"measure stab({v}; {a}: {' '.join(map(str, e))}) -> y;"
            spec.append((f"t{t}", [], (v, [(a, e)])))
        lines.append(f"  on t{t} {{ {body} }}")
    lines.append("}")
    return "\n".join(lines), spec


def direct_build(n: int, spec: list[Any], tokens: list[int]) -> Any:
    """The same circuit with Qiskit's public API only, the way a user would write it."""
    import math

    from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
    from qiskit.circuit import Parameter
    from qiskit.circuit.library import ZGate

    params = {f"w{i}": Parameter(f"w{i}") for i in range(6)}
    ccz = ZGate().control(2, annotated=False)

    def angle(a: str) -> Any:
        return math.pi if a == "pi" else params[a]

    outputs = sum(1 for t in tokens if spec[t][2] is not None)
    width = len(str(max(outputs - 1, 0)))
    q = QuantumRegister(n, "q")
    cregs = [ClassicalRegister(1, f"m{i:0{width}d}_y") for i in range(outputs)]
    qc = QuantumCircuit(q, *cregs)
    qc.h(range(n))
    out = 0

    def edge(a: str, e: tuple[int, ...], sign: float = 1.0) -> None:
        if a == "pi":
            qc.append(ccz, [q[i] for i in e])
        else:
            qc.mcp(sign * angle(a), [q[i] for i in e[:-1]], q[e[-1]])

    for t in tokens:
        _, edges, stab = spec[t]
        for a, e in edges:
            edge(a, e)
        if stab is not None:
            v, weights = stab
            for a, e in weights:
                edge(a, e, -1.0)
            qc.h(v)
            qc.measure(v, cregs[out][0])
            qc.h(v)
            for a, e in weights:
                edge(a, e)
            out += 1
    return qc


def direct_fast(n: int, spec: list[Any], tokens: list[int]) -> Any:
    """The same circuit through ``QuantumCircuit._append`` with shared gate objects (a floor)."""
    from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
    from qiskit.circuit import CircuitInstruction, Parameter
    from qiskit.circuit.library import HGate, MCPhaseGate, Measure, ZGate

    params = {f"w{i}": Parameter(f"w{i}") for i in range(6)}
    ccz, h, measure = ZGate().control(2, annotated=False), HGate(), Measure()
    gates: dict[tuple[str, float], Any] = {}

    def gate(a: str, sign: float) -> Any:
        if a == "pi":
            return ccz
        if (a, sign) not in gates:
            gates[a, sign] = MCPhaseGate(sign * params[a], 2)
        return gates[a, sign]

    outputs = sum(1 for t in tokens if spec[t][2] is not None)
    width = len(str(max(outputs - 1, 0)))
    q = QuantumRegister(n, "q")
    cregs = [ClassicalRegister(1, f"m{i:0{width}d}_y") for i in range(outputs)]
    qc = QuantumCircuit(q, *cregs)
    add = qc._append
    for i in range(n):
        add(CircuitInstruction(h, (q[i],)))
    out = 0
    for t in tokens:
        _, edges, stab = spec[t]
        for a, e in edges:
            add(CircuitInstruction(gate(a, 1.0), tuple(q[i] for i in e)))
        if stab is not None:
            v, weights = stab
            for a, e in weights:
                add(CircuitInstruction(gate(a, -1.0), tuple(q[i] for i in e)))
            add(CircuitInstruction(h, (q[v],)))
            add(CircuitInstruction(measure, (q[v],), (cregs[out][0],)))
            add(CircuitInstruction(h, (q[v],)))
            for a, e in weights:
                add(CircuitInstruction(gate(a, 1.0), tuple(q[i] for i in e)))
            out += 1
    return qc


def compile_time(n: int, length: int, runs: int, qiskit_dumps: bool, loads: bool) -> list[tuple[str, str]]:
    from qiskit import qasm3
    from qiskit.quantum_info import Operator  # noqa: F401  (import cost outside the timings)

    text, spec = bench_model(n)
    rng = random.Random(11)
    tokens = [rng.randrange(TOKENS) for _ in range(length)]
    inputs = " ".join(f"t{t}" for t in tokens)
    model = hrnnc.parse(text)
    # Cell by cell (optimize=False), so that hrnnc builds the same circuit as the direct build;
    # the optimizer's own cost and gains are bench_optimize.py's subject.
    hrnnc.compile(model, target="qiskit", inputs="t0 t6", optimize=False)  # warm caches and imports
    t_hrnnc, circuit = best_of(runs, lambda: hrnnc.compile(model, target="qiskit", inputs=inputs, optimize=False))
    t_direct, direct = best_of(runs, lambda: direct_build(n, spec, tokens))
    assert circuit.size() == direct.size() and circuit.num_clbits == direct.num_clbits
    assert [i.operation.name for i in circuit.data] == [i.operation.name for i in direct.data]
    t_fast, fast = best_of(runs, lambda: direct_fast(n, spec, tokens))
    assert fast.size() == circuit.size()
    t_parse, _ = best_of(runs, lambda: hrnnc.parse(text))
    t_dump, qasm = best_of(runs, lambda: QiskitTarget().dump(circuit))
    rows = [
        ("model", f"{n} qubits, degree 3, {length:,} tokens, {circuit.size():,} operations"),
        ("hrnnc.compile (checks + lowering + circuit)", f"{t_hrnnc:.3f} s"),
        ("direct Qiskit build (public API)", f"{t_direct:.3f} s"),
        ("ratio hrnnc / direct", f"{t_hrnnc / t_direct:.2f}x (target <= 1.5x)"),
        ("direct build, private _append fast path", f"{t_fast:.3f} s"),
        ("ratio hrnnc / direct fast path", f"{t_hrnnc / t_fast:.2f}x"),
        ("hrnnc.parse of the model (not in the above)", f"{t_parse * 1000:.1f} ms"),
        ("hrnnc OpenQASM 3 writer", f"{t_dump:.3f} s, {len(qasm) / 1e6:.1f} MB"),
    ]
    bound = hrnnc.compile(model, target="qiskit", inputs=inputs, bind=True, optimize=False)
    t_bdump, btext = best_of(runs, lambda: QiskitTarget().dump(bound))
    rows.append(("hrnnc OpenQASM 3 writer, params bound", f"{t_bdump:.3f} s, {len(btext) / 1e6:.1f} MB"))
    if qiskit_dumps:
        t_q, qtext = best_of(1, lambda: qasm3.dumps(circuit))
        rows.append(("qiskit.qasm3.dumps of the same circuit", f"{t_q:.3f} s, {len(qtext) / 1e6:.1f} MB"))
        t_qb, qbtext = best_of(1, lambda: qasm3.dumps(bound))
        rows.append(("qiskit.qasm3.dumps, params bound", f"{t_qb:.3f} s, {len(qbtext) / 1e6:.1f} MB"))
    if loads:
        t_load, loaded = best_of(1, lambda: qasm3.loads(qasm))
        assert loaded.size() == circuit.size()
        rows.append(("qiskit.qasm3.loads of hrnnc's text", f"{t_load:.3f} s"))
    return rows


def gate_counts() -> list[tuple[int, str, str, str, str, str]]:
    """Per edge size: cx counts for π and weighted edges, without and with one spare clean qubit.

    With the spare qubit, π edges are Qiskit's own synthesis (hrnnc keeps them whole); weighted
    edges are shown both as Qiskit alone (an ``MCPhaseGate`` next to an idle qubit) and as
    hrnnc's output (the relative-phase-Toffoli rewrite of ``hrnnc.targets.qiskit_target.ancilla``).
    """
    from qiskit import QuantumCircuit, transpile
    from qiskit.circuit.library import MCPhaseGate

    rows = []
    for s in range(2, 7):
        sites = " ".join(map(str, range(s)))
        counts = []
        for angle in ("pi", "0.3"):
            model = f"hrnn e {{ qubits {s}; degree {s}; on t {{ phase({angle}) {sites}; }} }}"
            for spare in (0, 1):
                spec = f"basis=cx,rz,sx,x;seed=1{';ancillas=1' if spare else ''}"
                qc = hrnnc.compile(model, target="qiskit", inputs="t", transpile=spec, opt=3)
                counts.append(QiskitTarget().report(qc)["two_qubit_gates"])
        alone = QuantumCircuit(s + 1)
        if s == 2:
            alone.cp(0.3, 0, 1)
        else:
            alone.append(MCPhaseGate(0.3, s - 1), range(s))
        qiskit_spare = transpile(alone, basis_gates=["cx", "rz", "sx", "x"], optimization_level=3,
                                 seed_transpiler=1).count_ops().get("cx", 0)
        ref_cz, ref_mcp, ref_clean = REF_CZ.get(s, "-"), REF_MCP.get(s, "-"), REF_ONE_CLEAN.get(s, "-")
        rows.append((s, f"{counts[0]} (ref {ref_cz})", f"{counts[1]} (ref <= {ref_clean})",
                     f"{counts[2]} (ref {ref_mcp})", f"{qiskit_spare}", f"{counts[3]}"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=10_000)
    parser.add_argument("--qubits", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-qiskit-dumps", action="store_true", help="skip timing qiskit.qasm3.dumps")
    parser.add_argument("--loads", action="store_true",
                        help="also time qiskit.qasm3.loads of the text (about 2.5 ms per statement)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args(argv)
    import qiskit

    print(f"# Python {platform.python_version()}, Qiskit {qiskit.__version__}, {platform.machine()}")
    rows = compile_time(args.qubits, args.tokens, args.runs, not args.no_qiskit_dumps, args.loads)
    counts = gate_counts()
    if args.markdown:
        print("\n| measurement | value |\n|---|---|")
        for k, v in rows:
            print(f"| {k} | {v} |")
        print("\n| s | C^(s-1)Z (γ = π) | C^(s-1)Z, 1 spare clean qubit | MCPhase(0.3) "
              "| MCPhase, 1 spare, Qiskit alone | MCPhase, 1 spare, hrnnc |")
        print("|---|---|---|---|---|---|")
        for s, a, b, c, d, e in counts:
            print(f"| {s} | {a} | {b} | {c} | {d} | {e} |")
    else:
        for k, v in rows:
            print(f"{k:45} {v}")
        print(f"\n{'s':>2}  {'CZ-type':18} {'CZ-type +1 clean':22} {'MCPhase':18} "
              f"{'MCPhase +1 (Qiskit)':20} {'MCPhase +1 (hrnnc)'}")
        for s, a, b, c, d, e in counts:
            print(f"{s:>2}  {a:18} {b:22} {c:18} {d:20} {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

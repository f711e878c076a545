"""Benchmark: hrnnc's qubit sampler against qiskit-aer (statevector) on the same k-HRNN run.

The model has ``n`` qubits, degree 3 and an alphabet of phase tokens ``a0 …`` (each
applying ``EDGES_PER_CELL`` random 3-uniform hyperedges with random angles) and
measuring tokens ``m0 …`` (the same kind of phases, then the generalized stabilizer
of a random vertex with ``STAB_EDGES`` random weighted 3-edges through it). The
input has ``CELLS`` tokens; every 4th is a measuring token. Both simulators draw
``SHOTS`` shots of the whole output string.

The Qiskit circuit is built here by hand, independently of hrnnc's emitters:
``H`` on every qubit (``|+⟩^n``), one ``MCPhaseGate`` per hyperedge, the exact
in-place stabilizer lowering of docs/semantics.md §2 (``U_κ†; H_v; measure v; H_v; U_κ``) with
mid-circuit measurements and no ``c_if``. Aer runs with ``method="statevector"``
and its default options (which parallelise over shots and enable gate fusion).

Usage::

    python benchmarks/bench_simulate.py [--sizes 16 20 22] [--shots 1000] [--cells 200]
        [--seed 7] [--no-aer] [--threads T] [--aer-shots 16:1000 20:200 22:50]

Each size prints hrnnc's time, Aer's time and their ratio (hrnnc / Aer; ≤ 1 means
hrnnc is at least as fast), and a total-variation check that the two output laws agree
on the first measurements. With mid-circuit measurements Aer simulates every shot
from scratch, so its time is linear in the shot count; ``--aer-shots n:S`` runs Aer
with ``S`` shots at size ``n`` and scales its time to ``--shots`` (marked ``*``), for
sizes where a full Aer run would take hours. hrnnc always runs all shots.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter

EDGES_PER_CELL = 2
STAB_EDGES = 2
PHASE_TOKENS = 8
MEASURE_TOKENS = 8
DEGREE = 3


def make_model_text(n: int, seed: int) -> str:
    """The benchmark model as .hrnn text (random but reproducible)."""
    rng = random.Random(seed)
    lines = [f"hrnn bench{n} {{", f"  qubits {n};", f"  degree {DEGREE};"]

    def edge(containing: int | None = None) -> list[int]:
        if containing is None:
            return sorted(rng.sample(range(n), DEGREE))
        others = rng.sample([j for j in range(n) if j != containing], DEGREE - 1)
        return sorted([containing, *others])

    def phases() -> list[str]:
        return [f"phase({rng.uniform(-math.pi, math.pi):.6f}) {' '.join(map(str, edge()))};"
                for _ in range(EDGES_PER_CELL)]

    for t in range(PHASE_TOKENS):
        lines.append(f"  on a{t} {{ {' '.join(phases())} }}")
    for t in range(MEASURE_TOKENS):
        v = rng.randrange(n)
        weights = ", ".join(f"{rng.uniform(-math.pi, math.pi):.6f}: {' '.join(map(str, edge(v)))}"
                            for _ in range(STAB_EDGES))
        lines.append(f"  on m{t} {{ {' '.join(phases())} measure stab({v}; {weights}) -> y; }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def make_inputs(cells: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    return [f"m{rng.randrange(MEASURE_TOKENS)}" if (i + 1) % 4 == 0 else f"a{rng.randrange(PHASE_TOKENS)}"
            for i in range(cells)]


def build_qiskit_circuit(model, tokens):  # type: ignore[no-untyped-def]
    """The equivalent Qiskit circuit, built from the IR by hand (not by an hrnnc emitter)."""
    from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
    from qiskit.circuit.library import MCPhaseGate

    from hrnnc.ir import MeasureStab, Phase, float_bindings, unroll

    value = float_bindings(model)
    cells = unroll(model, tokens)
    m = sum(1 for c in cells for s in c.body if isinstance(s, MeasureStab))
    q = QuantumRegister(model.size, "q")
    c = ClassicalRegister(m, "y")
    qc = QuantumCircuit(q, c)
    qc.h(q)

    def mcp(angle: float, sites: tuple[int, ...]) -> None:
        qc.append(MCPhaseGate(angle, len(sites) - 1), [q[j] for j in sites])

    t = 0
    for cell in cells:
        for stmt in cell.body:
            if isinstance(stmt, Phase):
                mcp(value(stmt.angle), stmt.indices)
            elif isinstance(stmt, MeasureStab):
                v = stmt.vertex.index
                for e in stmt.edges:
                    mcp(-value(e.weight), e.indices)
                qc.h(q[v])
                qc.measure(q[v], c[t])
                qc.h(q[v])
                for e in stmt.edges:
                    mcp(value(e.weight), e.indices)
                t += 1
    return qc


def time_hrnnc(model, tokens, shots: int, seed: int) -> tuple[float, list[str]]:  # type: ignore[no-untyped-def]
    from hrnnc.sim import qubit

    start = time.perf_counter()
    samples = qubit.sample(model, tokens, shots, seed=seed, progress=True)
    return time.perf_counter() - start, samples


def time_aer(qc, shots: int, seed: int, threads: int) -> tuple[float, list[str]]:  # type: ignore[no-untyped-def]
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    sim = AerSimulator(method="statevector", seed_simulator=seed, max_parallel_threads=threads)
    start = time.perf_counter()
    tqc = transpile(qc, sim, optimization_level=0)
    counts = sim.run(tqc, shots=shots).result().get_counts()
    elapsed = time.perf_counter() - start
    samples: list[str] = []
    for key, cnt in counts.items():
        samples.extend([key.replace(" ", "")[::-1]] * cnt)  # Qiskit prints clbit 0 last
    return elapsed, samples


def prefix_tv(a: list[str], b: list[str], length: int) -> float:
    """Total-variation distance between the empirical laws of the first ``length`` outputs."""
    ca, cb = Counter(s[:length] for s in a), Counter(s[:length] for s in b)
    keys = set(ca) | set(cb)
    return 0.5 * sum(abs(ca[k] / len(a) - cb[k] / len(b)) for k in keys)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[16, 20, 22])
    ap.add_argument("--shots", type=int, default=1000)
    ap.add_argument("--cells", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=0, help="Aer max_parallel_threads (0 = all cores)")
    ap.add_argument("--no-aer", action="store_true")
    ap.add_argument("--aer-shots", nargs="*", default=[], metavar="N:SHOTS",
                    help="run Aer with fewer shots at size N and scale its time linearly")
    args = ap.parse_args(argv)
    aer_shots = {int(k): int(v) for k, v in (item.split(":") for item in args.aer_shots)}

    import hrnnc

    print(f"{'n':>3} {'shots':>6} {'cells':>6} {'hrnnc s':>9} {'aer s':>10} {'aer shots':>9} {'ratio':>7} "
          f"{'TV(4)':>7}")
    for n in args.sizes:
        model = hrnnc.parse(make_model_text(n, args.seed))
        tokens = make_inputs(args.cells, args.seed)
        t_h, s_h = time_hrnnc(model, tokens, args.shots, args.seed)
        if args.no_aer:
            print(f"{n:>3} {args.shots:>6} {args.cells:>6} {t_h:>9.2f} {'-':>10} {'-':>9} {'-':>7} {'-':>7}")
            continue
        qc = build_qiskit_circuit(model, tokens)
        a_shots = aer_shots.get(n, args.shots)
        t_a, s_a = time_aer(qc, a_shots, args.seed, args.threads)
        mark = "" if a_shots == args.shots else "*"
        t_a *= args.shots / a_shots
        tv = prefix_tv(s_h, s_a, 4)
        print(f"{n:>3} {args.shots:>6} {args.cells:>6} {t_h:>9.2f} {t_a:>9.2f}{mark or ' '} {a_shots:>9} "
              f"{t_h / t_a:>7.3f} {tv:>7.3f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

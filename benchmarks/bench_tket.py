"""Benchmark: native CnZ count per cell and compile time of the tket target vs the naive CX route.

Models are random weighted k-uniform k-HRNNs on ``n`` qubits: an alphabet of
``TOKENS`` tokens, each cell applying ``n // k`` random k-edges with random angles and
then measuring the generalized stabilizer of a random vertex with ``STAB_EDGES``
weighted k-edges through it. The input has ``CELLS`` random tokens (seeded).

Columns (all counts are per cell, i.e. divided by the number of input tokens):

* ``auto``: hrnnc's tket target, default plan (merged phase polynomials, no ancilla).
* ``design``: docs/semantics.md §5 route per edge (``plan="design"``): 2(s−1) natives per weighted edge.
* ``anc``: default plan with a clean ancilla (``phase_ancilla=True``).
* ``bound``: what the reference route (docs/semantics.md §5) needs by counting: 2(k−1) per weighted edge occurrence
  (``phase`` edges and the ``U_κ†``/``U_κ`` of stabilizers), 1 per unweighted one.
* ``naive CX``: every edge as tket ``CnRz`` (weighted, reference recursion of docs/semantics.md §5 C^mP(γ) =
  C^mRz(γ)·C^{m-1}P(γ/2)) or ``CnZ`` (γ = π), decomposed by ``DecomposeMultiQubitsCX``;
  two-qubit CX gates per cell. ``ratio`` = naive CX / auto natives.
* the ``unweighted`` row family repeats the run with every angle = π: one native per edge.

Usage::

    python benchmarks/bench_tket.py [--ks 3 4] [--ns 8 16 32] [--cells 1000] [--seed 7] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time

TOKENS = 6
STAB_EDGES = 2


def model_text(n: int, k: int, seed: int, unweighted: bool) -> str:
    rng = random.Random(seed)

    def angle() -> str:
        return "pi" if unweighted else f"{rng.uniform(-math.pi, math.pi):.6f}"

    lines = [f"hrnn bench_{n}_{k} {{", f"  qubits {n};", f"  degree {k};"]
    for t in range(TOKENS):
        body = [f"phase({angle()}) {' '.join(map(str, sorted(rng.sample(range(n), k))))};" for _ in range(n // k)]
        v = rng.randrange(n)
        kappa = []
        for _ in range(STAB_EDGES):
            others = rng.sample([j for j in range(n) if j != v], k - 1)
            kappa.append(f"{angle()}: {' '.join(map(str, sorted([v, *others])))}")
        body.append(f"measure stab({v}; {', '.join(kappa)}) -> y;")
        lines.append(f"  on t{t} {{ {' '.join(body)} }}")
    lines.append("}")
    return "\n".join(lines)


def edge_list(model, tokens):
    """(sites, angle) of every diagonal edge occurrence, and the stabilizer structure, in order."""
    from hrnnc.ir import MeasureStab, Phase, float_bindings, unroll

    value = float_bindings(model)
    out = []
    for cell in unroll(model, tokens):
        for stmt in cell.body:
            if isinstance(stmt, Phase):
                out.append(("phase", tuple(sorted(stmt.indices)), value(stmt.angle)))
            elif isinstance(stmt, MeasureStab):
                edges = [(tuple(sorted(e.indices)), value(e.weight)) for e in stmt.edges]
                out.append(("stab", stmt.vertex.index, edges))
    return out


def naive_circuit(n: int, items):
    """tket's own multi-controlled gates, decomposed to CX by DecomposeMultiQubitsCX."""
    from pytket import Circuit, OpType
    from pytket.passes import DecomposeMultiQubitsCX

    circ = Circuit(n, sum(1 for it in items if it[0] == "stab"))
    for j in range(n):
        circ.H(j)

    def phase(sites, gamma):
        if abs(math.remainder(gamma - math.pi, 2 * math.pi)) < 1e-12 and len(sites) > 1:
            circ.add_gate(OpType.CnZ, list(sites))
            return
        while len(sites) > 1:
            circ.add_gate(OpType.CnRz, [gamma / math.pi], list(sites))
            sites, gamma = sites[:-1], gamma / 2
        circ.Rz(gamma / math.pi, sites[0])
        circ.add_phase(gamma / (2 * math.pi))

    bit = 0
    for item in items:
        if item[0] == "phase":
            phase(item[1], item[2])
        else:
            _, v, edges = item
            for sites, gamma in edges:
                phase(sites, -gamma)
            circ.H(v)
            circ.Measure(v, bit)
            circ.H(v)
            bit += 1
            for sites, gamma in edges:
                phase(sites, gamma)
    DecomposeMultiQubitsCX().apply(circ)
    return circ


def bound(items, k: int) -> int:
    total = 0
    for item in items:
        edges = [(item[1], item[2])] if item[0] == "phase" else item[2] * 2
        for sites, gamma in edges:
            pi = abs(math.remainder(gamma - math.pi, 2 * math.pi)) < 1e-12
            total += 1 if pi else 2 * (len(sites) - 1)
    return total


def natives(circ) -> int:
    from pytket import OpType

    return circ.n_gates_of_type(OpType.CnZ) + circ.n_gates_of_type(OpType.CZ)


def run(n: int, k: int, cells: int, seed: int, unweighted: bool) -> dict[str, float]:
    import hrnnc
    from pytket import OpType

    model = hrnnc.parse(model_text(n, k, seed, unweighted))
    rng = random.Random(seed + 1)
    tokens = [f"t{rng.randrange(TOKENS)}" for _ in range(cells)]
    row: dict[str, float] = {}
    for label, options in (("auto", {}), ("design", {"plan": "design"}), ("anc", {"phase_ancilla": True})):
        start = time.perf_counter()
        circ = hrnnc.compile(model, "tket", inputs=tokens, **options)
        row[f"{label}_s"] = time.perf_counter() - start
        row[label] = natives(circ) / cells
    items = edge_list(model, tokens)
    row["bound"] = bound(items, k) / cells
    row["edges"] = sum(1 if it[0] == "phase" else 2 * len(it[2]) for it in items) / cells
    start = time.perf_counter()
    naive = naive_circuit(n, items)
    row["naive_s"] = time.perf_counter() - start
    row["naive_cx"] = naive.n_gates_of_type(OpType.CX) / cells
    row["ratio"] = row["naive_cx"] / row["auto"] if row["auto"] else float("nan")
    return row


HEADER = ("| k | n | angles | edges/cell | auto natives/cell | design/cell | bound 2(s-1) | anc/cell "
          "| naive CX/cell | CX/native | auto compile s | design s | naive s |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ks", type=int, nargs="+", default=[3, 4])
    ap.add_argument("--ns", type=int, nargs="+", default=[8, 16, 32])
    ap.add_argument("--cells", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--markdown", metavar="FILE", help="also write the table to FILE")
    args = ap.parse_args(argv)
    lines = [HEADER, "|" + "---|" * (HEADER.count("|") - 1)]
    print(lines[0])
    print(lines[1])
    for unweighted in (False, True):
        for k in args.ks:
            for n in args.ns:
                r = run(n, k, args.cells, args.seed + 31 * n + k, unweighted)
                line = (f"| {k} | {n} | {'π' if unweighted else 'random'} | {r['edges']:.2f} | {r['auto']:.2f} "
                        f"| {r['design']:.2f} | {r['bound']:.2f} | {r['anc']:.2f} | {r['naive_cx']:.1f} "
                        f"| {r['ratio']:.1f} | {r['auto_s']:.2f} | {r['design_s']:.2f} | {r['naive_s']:.2f} |")
                print(line, flush=True)
                lines.append(line)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: hrnnc's optimizer (issue #15) against Qiskit's and tket's own optimizers.

Suite (fixed seeds):

* the examples, each on its alphabet forwards then backwards (``examples/mermin_peres.hrnn``
  also on the issue's ``prep s0 x0 z1``);
* random 3-uniform models on n = 8, 16, 32 qubits: a random weighted 3-uniform hypergraph H
  with n edges; phase tokens ``g0…g3`` each apply a quarter of H's edges, stabilizer tokens
  ``s<v>`` measure ``stab(v; κ)`` with κ = H's edges through v (the stabilizer of the state
  H prepares); sequences of ``--tokens`` tokens with a stabilizer every 2nd or every 4th;
* a random cubic qumode model (3 modes, the same shape) for the sf target.

Columns per row: (a) today's cell-by-cell output (``optimize=False``), (b) the optimised one.

* Qiskit: two-qubit gates and depth after ``transpile(basis cx,rz,sx,x, optimization_level=3)``
  of (a) and (b); ``q 2q b/a`` is the ratio.
* tket: native CnZ (CZ included) count and multi-qubit layers of (a) and (b), and of (a) after
  tket's ``FullPeepholeOptimise`` (rebased to CZ: its CZ count and CZ layers).
* sf: cubic-phase gates (``Vgate``) of (a) and (b).
* compile time of (a) and (b) (hrnnc only, no transpile) and the ratio.

Usage::

    python benchmarks/bench_optimize.py [--ns 8 16 32] [--tokens 1000] [--transpile-tokens 200] [--markdown FILE]

``--transpile-tokens`` caps the sequence given to Qiskit's opt-3 transpiler and to tket's
FullPeepholeOptimise (the first that many tokens), which take minutes on 1,000-token runs on
the loaded 2-core benchmark machine; hrnnc's own numbers use the full sequence.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUPS = 4


def random_model(n: int, seed: int, qumodes: bool = False) -> str:
    """A random weighted 3-uniform model whose stabilizer tokens measure H's own stabilizers.

    On qumodes the monomials may repeat a mode (``q0² q1``), so that three modes have enough.
    """
    rng = random.Random(seed)
    pool = list(itertools.combinations_with_replacement(range(n), 3) if qumodes
                else itertools.combinations(range(n), 3))
    edges = rng.sample(pool, min(n, len(pool)))
    weights = {e: rng.uniform(-1.0, 1.0) if qumodes else rng.uniform(-math.pi, math.pi) for e in edges}
    kind = "qumodes" if qumodes else "qubits"
    lines = [f"hrnn random_{n} {{", f"  {kind} {n};", "  degree 3;"]
    for g in range(GROUPS):
        body = [f"phase({weights[e]:.6f}) {' '.join(map(str, e))};" for e in edges[g::GROUPS]]
        lines.append(f"  on g{g} {{ {' '.join(body)} }}")
    for v in range(n):
        kappa = [f"{weights[e]:.6f}: {' '.join(map(str, e))}" for e in edges if v in e]
        lines.append(f"  on s{v} {{ measure stab({v}{'; ' + ', '.join(kappa) if kappa else ''}) -> y; }}")
    lines.append("}")
    return "\n".join(lines)


def random_sequence(n: int, tokens: int, every: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"s{rng.randrange(n)}" if (i + 1) % every == 0 else f"g{rng.randrange(GROUPS)}" for i in range(tokens)]


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def qiskit_counts(circuit) -> tuple[int, int]:
    from qiskit import transpile

    out = transpile(circuit, basis_gates=["cx", "rz", "sx", "x"], optimization_level=3, seed_transpiler=7)
    two = sum(1 for inst in out.data if len(inst.qubits) == 2 and inst.operation.name not in ("barrier",))
    return two, out.depth(lambda inst: len(inst.qubits) >= 2)


def multi_qubit_layers(circ) -> int:
    level: dict[object, int] = {}
    for cmd in circ.get_commands():
        qubits = list(cmd.qubits)
        if len(qubits) < 2:
            continue
        d = 1 + max(level.get(q, 0) for q in qubits)
        for q in qubits:
            level[q] = d
    return max(level.values(), default=0)


def tket_row(model, seq: list[str], short: list[str]) -> dict[str, object]:
    import hrnnc
    from hrnnc.targets.tket_target import TketTarget
    from hrnnc.targets.tket_target.circuit_builder import to_cz

    row: dict[str, object] = {}
    for label, optimize in (("a", False), ("b", True)):
        target = TketTarget(optimize=optimize)
        circ, seconds = timed(lambda: hrnnc.compile(model, target, inputs=seq))
        report = target.report(circ)
        row[f"t_cnz_{label}"] = report["native_cnz"]
        row[f"t_layers_{label}"] = report["multi_qubit_depth"]
        row[f"t_time_{label}"] = seconds
    plain = hrnnc.compile(model, TketTarget(optimize=False), inputs=short)
    ours = hrnnc.compile(model, TketTarget(), inputs=short)
    peephole, seconds = timed(lambda: to_cz(plain.copy(), optimise=True))
    row["t_short_cnz_b"] = TketTarget().report(ours)["native_cnz"]
    row["t_short_layers_b"] = multi_qubit_layers(ours)
    row["t_fpo_cz"] = sum(1 for c in peephole.get_commands() if len(c.qubits) >= 2)
    row["t_fpo_layers"] = multi_qubit_layers(peephole)
    row["t_fpo_s"] = seconds
    return row


def qiskit_row(model, seq: list[str], short: list[str]) -> dict[str, object]:
    import hrnnc

    row: dict[str, object] = {}
    for label, optimize in (("a", False), ("b", True)):
        _, seconds = timed(lambda: hrnnc.compile(model, "qiskit", inputs=seq, bind=True, optimize=optimize))
        row[f"q_time_{label}"] = seconds
        circuit = hrnnc.compile(model, "qiskit", inputs=short, bind=True, optimize=optimize)
        (two, depth), tseconds = timed(lambda: qiskit_counts(circuit))
        row[f"q_2q_{label}"], row[f"q_depth_{label}"], row[f"q_transpile_s_{label}"] = two, depth, tseconds
    return row


def sf_row(model, seq: list[str]) -> dict[str, object]:
    import hrnnc
    from hrnnc.targets.sf_target import SFTarget

    row: dict[str, object] = {}
    for label, optimize in (("a", False), ("b", True)):
        target = SFTarget(optimize=optimize)
        prog, seconds = timed(lambda: hrnnc.compile(model, target, inputs=seq))
        row[f"sf_cubic_{label}"] = target.report(prog)["cubic_phase_gates"]
        row[f"sf_ops_{label}"] = target.report(prog)["operations"]
        row[f"sf_time_{label}"] = seconds
    return row


def suite(ns: list[int], tokens: int, short_tokens: int) -> list[tuple[str, str, object, list[str]]]:
    import hrnnc

    rows = []
    mermin = hrnnc.parse(ROOT / "examples" / "mermin_peres.hrnn")
    rows.append(("mermin_peres: prep s0 x0 z1", "qubits", mermin, "prep s0 x0 z1".split()))
    for path in sorted((ROOT / "examples").glob("*.hrnn")):
        model = hrnnc.parse(path)
        alphabet = list(model.alphabet)
        rows.append((f"{path.stem}: alphabet fwd+bwd", model.kind.value, model, alphabet + alphabet[::-1]))
    for n in ns:
        for every in (2, 4):
            model = hrnnc.parse(random_model(n, seed=n))
            rows.append((f"3-uniform n={n}, stab every {every}", "qubits", model,
                         random_sequence(n, tokens, every, seed=100 * n + every)))
    cubic = hrnnc.parse(random_model(3, seed=3, qumodes=True))
    for every in (2, 4):
        rows.append((f"cubic qumodes n=3, stab every {every}", "qumodes", cubic,
                     random_sequence(3, min(tokens, 200), every, seed=300 + every)))
    return rows


def warm_up() -> None:
    """Import every SDK and compile once, so that no row's time includes an import."""
    import hrnnc

    model = hrnnc.parse(ROOT / "examples" / "mermin_peres.hrnn")
    for target in ("qiskit", "tket"):
        hrnnc.compile(model, target, inputs="prep s0")
    hrnnc.compile(ROOT / "examples" / "cubic_modes.hrnn", "sf", inputs="a")


def time_only(ns: list[int], tokens: int) -> int:
    """Seconds of ``hrnnc.compile`` with default options (best of 3) on the random rows."""
    import hrnnc

    for name, kind, model, seq in suite(ns, tokens, tokens):
        if not name.startswith(("3-uniform", "cubic qumodes")):
            continue
        targets = [("sf", {})] if kind == "qumodes" else [("qiskit", {"bind": True}), ("tket", {})]
        for target, options in targets:
            best = min(timed(lambda: hrnnc.compile(model, target, inputs=seq, **options))[1] for _ in range(3))
            print(f"{name} | {target} | {len(seq)} tokens | {best:.3f} s", flush=True)
    return 0


def fmt(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def ratio(a: object, b: object) -> str:
    return f"{b / a:.2f}" if isinstance(a, (int, float)) and a else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ns", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--tokens", type=int, default=1000)
    parser.add_argument("--transpile-tokens", type=int, default=200)
    parser.add_argument("--markdown", metavar="FILE")
    parser.add_argument("--time-only", action="store_true",
                        help="only time hrnnc.compile with each target's default options on the random rows "
                             "(run it on an older checkout too, to compare with the output before the optimizer)")
    args = parser.parse_args(argv)
    warm_up()
    if args.time_only:
        return time_only(args.ns, args.tokens)
    qubit_lines = ["| row | tokens | q 2q (a) | q 2q (b) | b/a | q depth (a) | q depth (b) | CnZ (a) | CnZ (b) | b/a "
                   "| layers (a) | layers (b) | b/a | FPO(a) CZ | FPO(a) CZ layers | t (a) s | t (b) s | time b/a |",
                   "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    sf_lines = ["| row | tokens | Vgate (a) | Vgate (b) | b/a | ops (a) | ops (b) | t (a) s | t (b) s | time b/a |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, kind, model, seq in suite(args.ns, args.tokens, args.transpile_tokens):
        short = seq[: args.transpile_tokens]
        if kind == "qumodes":
            r = sf_row(model, seq)
            line = (f"| {name} | {len(seq)} | {r['sf_cubic_a']} | {r['sf_cubic_b']} | {ratio(r['sf_cubic_a'], r['sf_cubic_b'])} "
                    f"| {r['sf_ops_a']} | {r['sf_ops_b']} | {fmt(r['sf_time_a'])} | {fmt(r['sf_time_b'])} "
                    f"| {ratio(r['sf_time_a'], r['sf_time_b'])} |")
            sf_lines.append(line)
        else:
            r = {**qiskit_row(model, seq, short), **tket_row(model, seq, short)}
            note = "" if len(short) == len(seq) else f" (transpile/FPO: first {len(short)})"
            line = (f"| {name}{note} | {len(seq)} | {r['q_2q_a']} | {r['q_2q_b']} | {ratio(r['q_2q_a'], r['q_2q_b'])} "
                    f"| {r['q_depth_a']} | {r['q_depth_b']} | {r['t_cnz_a']} | {r['t_cnz_b']} "
                    f"| {ratio(r['t_cnz_a'], r['t_cnz_b'])} | {r['t_layers_a']} | {r['t_layers_b']} "
                    f"| {ratio(r['t_layers_a'], r['t_layers_b'])} | {r['t_fpo_cz']} (ours: {r['t_short_cnz_b']}) "
                    f"| {r['t_fpo_layers']} (ours: {r['t_short_layers_b']}) "
                    f"| {fmt(r['q_time_a'] + r['t_time_a'])} | {fmt(r['q_time_b'] + r['t_time_b'])} "
                    f"| {ratio(r['q_time_a'] + r['t_time_a'], r['q_time_b'] + r['t_time_b'])} |")
            qubit_lines.append(line)
        print(line, flush=True)
    text = "\n".join(qubit_lines) + "\n\n" + "\n".join(sf_lines) + "\n"
    print()
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

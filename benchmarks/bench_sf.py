"""Strawberry Fields target benchmark: cubic-phase gate counts and compile time.

Run ``python benchmarks/bench_sf.py`` (options: ``--modes``, ``--tokens``, ``--runs``,
``--markdown``). It prints

1. cubic-phase gates (``Vgate``) per monomial shape and for whole-cell cubic forms, ours
   (one exact decomposition of each cell's collected cubic form) against the naive
   polarization count (one identity per monomial: 1 for ``a^3``, 3 for ``a^2 b``, 4 for
   ``a b c``);
2. compile time for an ``n``-mode model (default 16) over a random sequence of ``--tokens``
   tokens (default 1,000): hrnnc's lowering alone, building the ``sf.Program``, and writing
   Blackbird, best of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from fractions import Fraction

import hrnnc
from hrnnc.targets.sf_target import SFTarget
from hrnnc.targets.sf_target.cubic import decompose, naive_cube_count
from timing import best_of

SHAPES = {
    "q_a^3": {(0, 0, 0): 1.0},
    "q_a^2 q_b": {(0, 0, 1): 1.0},
    "q_a q_b q_c": {(0, 1, 2): 1.0},
    "q_a^2 q_b + q_a q_b^2": {(0, 0, 1): 0.3, (0, 1, 1): -0.7},
    "q_a^2 q_b + q_b^3": {(0, 0, 1): 0.3, (1, 1, 1): 0.2},
    "q0q1q2 + q0^2 q1 (examples/cubic_modes 'a')": {(0, 1, 2): 0.2, (0, 0, 1): 0.1},
    "0.37 q0q1q2 - 0.11 q0^2 q1 (generic ratio)": {(0, 1, 2): 0.37, (0, 0, 1): -0.11},
    "q0^2 q1 + q0^2 q2": {(0, 0, 1): 0.3, (0, 0, 2): 0.7},
    "q0q1q2 + q0^2 q1 + q1^2 q2 (generic weights)": {(0, 1, 2): 0.37, (0, 0, 1): -0.11, (1, 1, 2): 0.23},
    "all 10 cubic monomials of 3 modes (generic)": None,
    "16-mode chain: q_i q_{i+1} q_{i+2} + q_i^2 q_{i+1}": None,
}


def _generic_ternary() -> dict[tuple[int, ...], float]:
    import itertools

    rng = random.Random(3)
    return {m: round(rng.uniform(-1, 1), 3) for m in itertools.combinations_with_replacement(range(3), 3)}


def _chain(n: int) -> dict[tuple[int, ...], float]:
    form: dict[tuple[int, ...], float] = {}
    for i in range(n - 2):
        form[(i, i + 1, i + 2)] = 0.1 + 0.01 * i
        form[(i, i, i + 1)] = 0.05 - 0.003 * i
    return form


def count_table(modes: int) -> list[tuple[str, int, int, float]]:
    import sympy  # noqa: F401 - the factoring step uses it; keep its import out of the timings

    rows = []
    for label, form in SHAPES.items():
        if form is None:
            form = _generic_ternary() if label.startswith("all 10") else _chain(modes)
        start = time.perf_counter()
        cubes = decompose(form)
        elapsed = time.perf_counter() - start
        naive = sum(naive_cube_count(m) for m in form)
        assert all(isinstance(c.coefficient, Fraction) for c in cubes)
        rows.append((label, len(cubes), naive, elapsed))
    return rows


def generate_model(modes: int, seed: int = 0) -> str:
    """A qumode 3-HRNN on ``modes`` modes with cubic chains, stabilizers, shifts and readouts."""
    rng = random.Random(seed)
    lines = [f"hrnn bench_sf {{", f"  qumodes {modes};", "  degree 3;", "  param t = 0.2;", "  param s = 0.5;"]
    body = [f"phase(t * {rng.randint(1, 9) / 10:g}) {i} {i + 1} {i + 2};" for i in range(modes - 2)]
    body += [f"phase(t / {rng.randint(2, 5)}) {i} {i} {i + 1};" for i in range(0, modes - 1, 2)]
    body += [f"phase(s) {i} {i + 1};" for i in range(0, modes - 1, 3)]
    lines.append("  on a { " + " ".join(body) + " }")
    stab = ", ".join(f"t: {v} {v + 1} {v + 2}" for v in range(0, 1))
    lines.append(f"  on b {{ shift(0.3) {modes - 1}; measure stab(0; {stab}, s: 0 1) -> n0; }}")
    lines.append("  on c { " + " ".join(f"phase(0.1) {i} {i};" for i in range(modes)) + " }")
    lines.append(f"  on d {{ measure p 1 -> y; measure q {modes - 1} -> x; reset 2; }}")
    lines.append("}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args()

    rows = count_table(args.modes)
    print(f"# bench_sf on Python {platform.python_version()}, {platform.machine()}")
    print()
    print("| cubic form | cubic-phase gates (ours) | naive polarization | decomposition time |")
    print("|---|---:|---:|---:|")
    for label, ours, naive, elapsed in rows:
        print(f"| {label} | {ours} | {naive} | {elapsed * 1e3:.1f} ms |")

    text = generate_model(args.modes)
    model = hrnnc.parse(text)
    rng = random.Random(1)
    tokens = [rng.choice("aabcd") for _ in range(args.tokens)]
    target = SFTarget()
    lower_time, cells = best_of(args.runs, lambda: SFTarget().lower(model))
    compile_time, prog = best_of(args.runs, lambda: hrnnc.compile(model, target=target, inputs=tokens))
    dump_time, text_out = best_of(1, lambda: target.dump(prog))
    report = target.report(prog)
    print()
    print(f"| n = {args.modes} modes, {args.tokens} tokens | value |")
    print("|---|---:|")
    print(f"| lowering of the {len(cells)} unit cells (hrnnc only, incl. cubic search) | {lower_time:.3f} s |")
    print(f"| hrnnc.compile → sf.Program (parse checks, lowering, Program build) | {compile_time:.3f} s |")
    print(f"| Blackbird text (sf.io.to_blackbird + serialize) | {dump_time:.3f} s |")
    print(f"| operations in the program | {report['operations']} |")
    print(f"| cubic-phase gates, ours | {report['cubic_phase_gates']} |")
    print(f"| cubic-phase gates, naive polarization | {report['cubic_phase_gates_naive']} |")
    per_cell = ", ".join(f"{t}: {cells[t].cubic_phase_gates} (naive {cells[t].naive_cubic_phase_gates})"
                         for t in sorted(cells))
    print(f"| cubic-phase gates per cell | {per_cell} |")
    print(f"| Blackbird size | {len(text_out) / 1e6:.2f} MB |")


if __name__ == "__main__":
    main()

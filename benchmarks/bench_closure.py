"""Lie-closure benchmark: hrnnc against ``pennylane.lie_closure(..., pauli=True)`` in one process.

Run: ``python benchmarks/bench_closure.py`` (``--large`` adds the su(64) row, about two minutes
in PennyLane; ``--repeats N`` changes the best-of count). Prints a Markdown table; a row whose
dimensions differ is marked MISMATCH and makes the script exit 1. This is a benchmark, not a
test: nothing here is timed inside the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import random
import sys
import time
from itertools import combinations

from hrnnc.algebra import lie_closure, p, pauli, q_monomial
from timing import best_of


def tfim_words(n: int) -> list[dict[int, str]]:
    return [{j: "Z", j + 1: "Z"} for j in range(n - 1)] + [{j: "X"} for j in range(n)]


def random_two_local(n: int, count: int, seed: int) -> list[dict[int, str]]:
    rng = random.Random(seed)
    words: list[dict[int, str]] = []
    while len(words) < count:
        i, j = sorted(rng.sample(range(n), 2))
        word = {i: rng.choice("XYZ"), j: rng.choice("XYZ")}
        if word not in words:
            words.append(word)
    return words


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="best-of count for the fast rows")
    parser.add_argument("--large", action="store_true", help="add random 2-local n=6 reaching su(64)")
    args = parser.parse_args()

    try:
        import pennylane as qml
        from pennylane.pauli import PauliWord
    except ImportError:
        qml = None
    print(f"# Lie-closure benchmark, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"# {cpu_name()}; Python {platform.python_version()}; "
          f"PennyLane {qml.__version__ if qml else 'not installed'}\n")

    rows = [(f"TFIM open chain n={n}", tfim_words(n), args.repeats) for n in (6, 8, 10, 12)]
    rows.append(("random 2-local n=6 (12 words, seed 1)", random_two_local(6, 12, 1), 3))
    if args.large:
        rows.append(("random 2-local n=6 (14 words, seed 1)", random_two_local(6, 14, 1), 1))
    failed = False
    print("| generators | dim hrnnc | dim PennyLane | hrnnc (ms) | PennyLane (ms) | speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, words, repeats in rows:
        ours_gens = [pauli(w) for w in words]
        t_ours, ours = best_of(max(repeats, 3), lambda: lie_closure(ours_gens))
        if qml is None:
            print(f"| {name} | {ours.dimension} | – | {t_ours * 1e3:.2f} | – | – |")
            continue
        their_gens = [PauliWord(w) for w in words]
        t_theirs, theirs = best_of(repeats, lambda: qml.lie_closure(their_gens, pauli=True))
        mark = "" if len(theirs) == ours.dimension else " MISMATCH"
        failed |= bool(mark)
        print(f"| {name} | {ours.dimension} | {len(theirs)}{mark} | {t_ours * 1e3:.2f} | "
              f"{t_theirs * 1e3:.2f} | {t_theirs / t_ours:.0f}× |")

    n, k = 40, 3
    gens = [p(j) for j in range(n)] + [q_monomial(e) for e in combinations(range(n), k)]
    t_cv, cv = best_of(1, lambda: lie_closure(gens))
    expected = n + sum(1 for j in range(k + 1) for _ in combinations(range(n), j))
    mark = "" if cv.dimension == expected else f" MISMATCH (expected {expected})"
    failed |= bool(mark)
    print(f"\nCV complete 3-uniform set, n = 40 ({len(gens)} generators): dimension {cv.dimension}{mark}, "
          f"{t_cv:.2f} s ({cv.path} path)")

    from hrnnc.passes import PropertySet
    from hrnnc.passes.analysis import CLOSURE, LieClosure

    import hrnnc

    rng = random.Random(7)
    phases = " ".join(f"phase(pi) {' '.join(map(str, rng.sample(range(200), 3)))};" for _ in range(600))
    stabs = " ".join(f"measure stab({v}) -> y;" for v in range(200))
    model = hrnnc.parse(f"hrnn dense {{ qubits 200; degree 3; on a {{ {phases} }} on b {{ {stabs} }} }}")
    props = PropertySet()
    start = time.perf_counter()
    LieClosure(time_budget=2.0).run(model, props)
    result = props[CLOSURE]
    print(f"Bad input, 200 qubits / 600 dense 3-edges / 200 stabilizers, time budget 2 s: returned in "
          f"{time.perf_counter() - start:.2f} s with dimension ≥ {result.dimension} ({result.cap_reason} cap)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

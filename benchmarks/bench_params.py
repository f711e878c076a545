"""Symbolic params on the tket and sf targets: compile once and re-bind, against recompiling with values.

For each target, in one process: ``hrnnc.compile`` with the params kept free (the default),
the same compile with numbers (``params=``, what a user without symbols would repeat for every
new value), and ``bind_params`` of the symbolic output. Prints times, the ratio recompile /
re-bind, and the gate counts of the symbolic and numeric outputs (the price of symbols).

    python benchmarks/bench_params.py [--tokens 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import hrnnc
from hrnnc.ir import initial_param_values
from hrnnc.targets import make_target
from timing import best_of

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def tket_counts(circ: Any) -> Counter[str]:
    return Counter(cmd.op.type.name for cmd in circ.get_commands())


def sf_counts(prog: Any) -> Counter[str]:
    return Counter(cmd.op.__class__.__name__ for cmd in prog.circuit)


def case(name: str, model: hrnnc.Model, target: str, tokens: list[str], runs: int,
         counts: Callable[[Any], Counter[str]], multi: tuple[str, ...]) -> None:
    values = {k: v * 0.9 + 0.1 for k, v in initial_param_values(model).items()}
    symbolic_target = make_target(target)
    t_symbolic, symbolic = best_of(runs, lambda: hrnnc.compile(model, symbolic_target, inputs=tokens))
    t_numeric, numeric = best_of(runs, lambda: hrnnc.compile(model, target, inputs=tokens, params=values))
    t_bind, _ = best_of(runs, lambda: symbolic_target.bind_params(symbolic, values))
    sym, num = counts(symbolic), counts(numeric)
    print(f"| {name} | {t_symbolic:.3f} s | {t_numeric:.3f} s | {t_bind:.3f} s | {t_numeric / t_bind:.1f}× "
          f"| {sum(sym.values())} / {sum(num.values())} | {sum(sym[g] for g in multi)} / {sum(num[g] for g in multi)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"# bench_params on Python {platform.python_version()}, {platform.machine()}, {args.tokens} tokens")
    print()
    print("| model, target | compile, symbolic | compile with values | bind_params | recompile / re-bind "
          "| operations sym / num | multi-qubit or cubic gates sym / num |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rng = random.Random(1)
    weighted = hrnnc.parse(ROOT / "examples/weighted.hrnn")
    tokens = [rng.choice(weighted.alphabet) for _ in range(args.tokens)]
    case("examples/weighted.hrnn, tket", weighted, "tket", tokens, args.runs, tket_counts, ("CZ", "CnZ"))
    from bench_sf import generate_model

    qumodes = hrnnc.parse(generate_model(16))
    tokens = [rng.choice("aabcd") for _ in range(args.tokens)]
    case("bench_sf 16-mode model, sf", qumodes, "sf", tokens, args.runs, sf_counts, ("Vgate",))


if __name__ == "__main__":
    main()

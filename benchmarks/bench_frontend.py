"""Front-end benchmark: parse + semantic check of a generated 20,000-statement model, and of
a looped model that unrolls to 100,000 statements against its flat text.

Run ``python benchmarks/bench_frontend.py`` (options: ``--statements``, ``--runs``). It
prints statements per second for the fast path (``hrnnc.frontend.parse_source``, which
tries :func:`hrnnc.frontend.fast.fast_parse` first) and for the Lark path (the reference
parser plus lowering), each timed as parse + ``hrnnc.api.run_semantic``, best of N runs. Wall-clock time is what a
user waits; CPU time (``time.process_time``) is the one-core figure on a shared machine.
The loops row (``--loop-blocks``, default 1,000 blocks of 100 statements) times parse +
unroll + semantic check of the looped text and parse + semantic check of its flat text.

``--large MB`` instead times ``parse_source`` alone on a generated file of about MB
megabytes, valid, with one syntax error in its last statement, and with five errors spread
evenly, and prints CPU seconds and peak traced memory per input byte next to the Lark path
over the whole text (the front end before issue #16 item 11), timed on the first 2 % of the
file and scaled (its cost is linear in the text it reads).
"""

from __future__ import annotations

import argparse
import gc
import platform
import tracemalloc
import random
import sys
import time
from typing import Callable

from hrnnc.api import run_semantic
from hrnnc.diagnostics import Source
from hrnnc.frontend import parse_source
from hrnnc.frontend.lower import lower
from hrnnc.frontend.parser import parse_tree
from hrnnc.ir import Model

PARAMS = 16
CONSTS = 8


def _expr(rng: random.Random, names: list[str]) -> str:
    """A small angle expression of the kind real models carry."""
    a, b = rng.choice(names), rng.choice(names)
    w = f"{rng.randint(1, 99) / 100:g}"
    return rng.choice([a, w, f"{a} * {w}", f"{a} + {b}", f"({a} - {b}) / 2", f"-{a} * {w} + {b}",
                       f"sin({a}) * {w}", f"{a} * {b} - {w}"])


def _distinct(rng: random.Random, qubits: int, count: int, containing: int | None = None) -> list[int]:
    sites = rng.sample(range(qubits), count)
    if containing is not None and containing not in sites:
        sites[0] = containing
    return sites


def generate_model(statements: int = 20_000, blocks: int = 1_000, qubits: int = 64, degree: int = 3,
                   seed: int = 0) -> str:
    """A valid qubit model: phases, weighted stabilizers, measurements and resets.

    Args:
        statements: Total number of statements across all ``on`` blocks.
        blocks: Number of ``on`` blocks (the statements are spread evenly).
        qubits: Register size.
        degree: Degree bound k; hyperedges have 1..k sites.
        seed: Seed of the generator, so that every run times the same text.
    """
    rng = random.Random(seed)
    lines = [f"# generated: {statements} statements, {blocks} blocks", "hrnn bench {",
             f"  qubits {qubits};", f"  degree {degree};", ""]
    names = ["pi"]
    for i in range(PARAMS):
        lines.append(f"  param g{i} = {rng.randint(1, 300) / 100:g};")
        names.append(f"g{i}")
    for i in range(CONSTS):
        lines.append(f"  const h{i} = {_expr(rng, names)};")
        names.append(f"h{i}")
    per_block, extra = divmod(statements, blocks)
    for b in range(blocks):
        lines.append(f"  on t{b} {{  # block {b}")
        for _ in range(per_block + (1 if b < extra else 0)):
            kind = rng.random()
            if kind < 0.55:
                sites = _distinct(rng, qubits, rng.randint(1, degree))
                lines.append(f"    phase({_expr(rng, names)}) {' '.join(map(str, sites))};")
            elif kind < 0.75:
                v = rng.randrange(qubits)
                edges = []
                for _ in range(rng.randint(0, 3)):
                    sites = _distinct(rng, qubits, rng.randint(1, degree), containing=v)
                    edges.append(f"{_expr(rng, names)}: {' '.join(map(str, sites))}")
                inner = f"{v}; {', '.join(edges)}" if edges else f"{v}"
                lines.append(f"    measure stab({inner}) -> y{b % 7};")
            elif kind < 0.9:
                lines.append(f"    measure {rng.choice('zx')} {rng.randrange(qubits)} -> m;")
            else:
                lines.append(f"    reset {rng.randrange(qubits)};")
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def generate_looped(blocks: int = 1_000) -> str:
    """A looped qubit model that unrolls to ``100 * blocks`` statements (100,000 by default).

    Each of the ``blocks`` tokens takes an argument; its body is two statement loops whose
    angles depend on the loop variable (so they are rebuilt per iteration, not shared) and a
    reset: 49 three-site phases, 50 weighted stabilizer measurements and 1 reset.
    """
    return "\n".join([
        f"# generated: {100 * blocks} statements after unrolling, {blocks} blocks",
        "hrnn looped {", "  qubits 64;", "  degree 3;", "",
        "  param a = 0.5;", "  param b = 1.25;", "",
        f"  for t in [0:{blocks - 1}] {{",
        "    on t{t}(x) {",
        "      for j in [0:48] { phase(a * x + j / 64) j (j + 1) (j + 2); }",
        "      for j in [0:49] { measure stab(j; b - j / 100: j (j + 1)) -> y; }",
        "      reset 0;",
        "    }",
        "  }",
        "}",
    ]) + "\n"


def flat_text(model: Model) -> str:
    """The flat text of a model: what the loops of a looped model unroll to, written out."""
    from dataclasses import replace

    from hrnnc.ir import print_model

    return print_model(replace(model, template=None))


def _fast(source: Source) -> Model:
    model, diagnostics = parse_source(source)
    assert model is not None, diagnostics
    return model


def _lark(source: Source) -> Model:
    tree, diagnostics = parse_tree(source)
    assert tree is not None, diagnostics
    model, diagnostics = lower(tree, source)
    assert not diagnostics, diagnostics
    return model


def time_path(parse: Callable[[Source], Model], text: str, runs: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``runs`` parse + semantic-check runs.

    Each run starts from a collected heap with no model of an earlier run alive, and the
    collector stays on (the front end's own GC handling is part of what is measured).
    """
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        source = Source("<bench>", text)
        model = props = None
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        model = parse(source)
        props = run_semantic(model)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        assert not props.has_errors, props.errors[:3]
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu


def _with_errors(text: str, count: int) -> str:
    """``text`` with ``reset 0 reset 1;`` (one E0102) before the end of ``count`` evenly spread cells."""
    if count == 1:
        cuts = [text.rindex("\n  }")]
    else:
        cuts = [text.index("\n  }", k * len(text) // count) for k in range(count)]
    for at in sorted(cuts, reverse=True):
        text = text[: at + 1] + "    reset 0 reset 1;\n" + text[at + 1:]
    return text


def _measure(parse: Callable[[Source], object], text: str) -> tuple[float, float]:
    """CPU seconds and peak traced bytes per input byte of one parse (tracing slows both alike)."""
    gc.collect()
    cpu = time.process_time()
    parse(Source("<bench>", text))
    cpu = time.process_time() - cpu
    gc.collect()
    tracemalloc.start()
    parse(Source("<bench>", text))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return cpu, peak / len(text)


def large(megabytes: float) -> None:
    statements = int(megabytes * 1e6 / 33.3)
    text = generate_model(statements, max(1, statements // 100))
    print(f"model: {statements:,} statements, {len(text):,} characters")
    print(f"{'file':<22}{'cpu s':>9}{'peak B/B':>10}{'Lark whole-text cpu s (scaled)':>32}{'ratio':>8}")
    sample = text[: text.index("\n  }", len(text) // 50) + 4] + "\n}\n"  # 2 % of the file, closed
    for label, case in (("valid", text), ("1 error at the end", _with_errors(text, 1)),
                        ("5 errors spread", _with_errors(text, 5))):
        cpu, per_byte = _measure(parse_source, case)
        lark_cpu, _ = _measure(lambda s: parse_tree(s), sample)
        lark_cpu *= len(case) / len(sample)
        print(f"{label:<22}{cpu:>9.2f}{per_byte:>10.1f}{lark_cpu:>32.1f}{lark_cpu / cpu:>7.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=20_000)
    parser.add_argument("--blocks", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--loop-blocks", type=int, default=1_000,
                        help="blocks of the looped model (100 statements each; 0 skips the loops row)")
    parser.add_argument("--lark-runs", type=int, default=None, help="runs for the Lark path (default: --runs)")
    parser.add_argument("--large", type=float, default=None, metavar="MB",
                        help="time parse_source on a file of about MB megabytes, valid and with errors")
    args = parser.parse_args(argv)
    if args.large:
        large(args.large)
        return 0
    text = generate_model(args.statements, args.blocks)
    source = Source("<bench>", text)
    fast_model, lark_model = _fast(source), _lark(source)
    assert fast_model == lark_model, "fast path and Lark path disagree"
    print(f"model: {args.statements} statements, {args.blocks} blocks, {len(text):,} characters")
    print(f"python {platform.python_version()} on {platform.machine()}, best of {args.runs}")
    n = args.statements
    fast_wall, fast_cpu = time_path(_fast, text, args.runs)
    lark_wall, lark_cpu = time_path(_lark, text, args.lark_runs or args.runs)
    print(f"{'path':<8}{'wall s':>9}{'stmts/s (wall)':>17}{'cpu s':>9}{'stmts/s (cpu)':>16}")
    for label, wall, cpu in (("fast", fast_wall, fast_cpu), ("lark", lark_wall, lark_cpu)):
        print(f"{label:<8}{wall:>9.3f}{n / wall:>17,.0f}{cpu:>9.3f}{n / cpu:>16,.0f}")
    print(f"ratio (fast / lark): {lark_wall / fast_wall:.1f}x wall, {lark_cpu / fast_cpu:.1f}x cpu")
    if args.loop_blocks:
        loops(args.loop_blocks, args.runs)
    return 0


def loops(blocks: int, runs: int) -> None:
    """Looped model vs its flat text: parse (+ unroll) + semantic check, per unrolled statement."""
    looped = generate_looped(blocks)
    model = _fast(Source("<looped>", looped))
    flat = flat_text(model)
    assert model.template is not None and _fast(Source("<flat>", flat)) == model, "looped and flat disagree"
    n = sum(len(c.body) for c in model.cells)
    print(f"\nloops: {len(looped.splitlines())} lines unroll to {n:,} statements; flat text "
          f"{len(flat):,} characters")
    loop_wall, loop_cpu = time_path(_fast, looped, runs)
    flat_wall, flat_cpu = time_path(_fast, flat, runs)
    print(f"{'form':<8}{'wall s':>9}{'stmts/s (wall)':>17}{'cpu s':>9}{'stmts/s (cpu)':>16}")
    for label, wall, cpu in (("looped", loop_wall, loop_cpu), ("flat", flat_wall, flat_cpu)):
        print(f"{label:<8}{wall:>9.3f}{n / wall:>17,.0f}{cpu:>9.3f}{n / cpu:>16,.0f}")
    print(f"ratio (looped / flat, per statement): {flat_wall / loop_wall:.2f}x wall, {flat_cpu / loop_cpu:.2f}x cpu")


if __name__ == "__main__":
    sys.exit(main())

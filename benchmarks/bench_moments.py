"""Benchmark: exact qumode moments in the Heisenberg picture (hrnnc.sim.moments), issue 13.

(a) Means and covariances of every output of a random 3-uniform qumode model, n = 64 modes,
    1,000 tokens, a stabilizer measurement every 4th token (target: under 10 s).
(b) Cost per unit cell against n = 8 … 256 at k = 2, 3, 4, with the fitted exponent of
    ``time ∝ n^α`` printed beside the paper's bound O(n^{2.8k}) (target: α ≤ k). A unit cell is
    a token applying ``n`` random k-uniform hyperedges, followed by the generalized stabilizer of
    a random vertex with two random k-edges through it; ``CELLS`` cells per run, time includes
    means and covariances of all outputs.
(c) Against the grid simulator on a 3-mode model (its default 128 points per mode), both computing the same
    means and covariances: one output (the grid's first density is the marginal), and two outputs
    (the grid conditions the second on 24 quadrature values of the first, as in
    tests/sim/test_moments_grid.py). Ratio grid / moments printed (target ≥ 1,000×).

Usage::

    python benchmarks/bench_moments.py [--part a b c] [--sizes 8 16 32 64 128 256] [--seed 7]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

import hrnnc
from hrnnc.sim.moments import output_moments

CELLS = 32


def _edge(rng: random.Random, n: int, k: int, containing: int | None = None) -> list[int]:
    if containing is None:
        return sorted(rng.sample(range(n), k))
    return sorted([containing, *rng.sample([j for j in range(n) if j != containing], k - 1)])


def _stab(rng: random.Random, n: int, k: int) -> str:
    v = rng.randrange(n)
    edges = ", ".join(f"{rng.uniform(-0.5, 0.5):.6f}: {' '.join(map(str, _edge(rng, n, k, v)))}" for _ in range(2))
    return f"measure stab({v}; {edges}) -> s;"


def random_model(n: int, k: int, phase_tokens: int, stab_tokens: int, edges: int, seed: int) -> str:
    rng = random.Random(seed)
    lines = [f"hrnn bench{n}k{k} {{", f"  qumodes {n};", f"  degree {k};"]
    for t in range(phase_tokens):
        body = " ".join(f"phase({rng.uniform(-0.5, 0.5):.6f}) {' '.join(map(str, _edge(rng, n, k)))};"
                        for _ in range(edges))
        lines.append(f"  on a{t} {{ {body} }}")
    for t in range(stab_tokens):
        lines.append(f"  on m{t} {{ {_stab(rng, n, k)} }}")
    lines.append("}")
    return "\n".join(lines)


def part_a(seed: int) -> None:
    n, tokens = 64, 1000
    model = hrnnc.parse(random_model(n, 3, phase_tokens=32, stab_tokens=32, edges=3, seed=seed))
    rng = random.Random(seed + 1)
    inputs = [f"m{rng.randrange(32)}" if i % 4 == 3 else f"a{rng.randrange(32)}" for i in range(tokens)]
    start = time.perf_counter()
    res = output_moments(model, inputs)
    elapsed = time.perf_counter() - start
    print(f"(a) n=64, k=3, {tokens} tokens, {len(res.outputs)} outputs: means + {len(res.outputs)}×"
          f"{len(res.outputs)} covariance in {elapsed:.2f} s (target < 10 s)")


def part_b(sizes: list[int], seed: int) -> None:
    print(f"(b) cost per unit cell ({CELLS} cells: n random k-edges + one stabilizer each; means + covariance)")
    print(f"{'k':>2} " + " ".join(f"{'n=' + str(n):>10}" for n in sizes) + "   fitted α   paper 2.8k")
    for k in (2, 3, 4):
        per_cell = []
        for n in sizes:
            rng = random.Random(seed + n + 1000 * k)
            cells = []
            for c in range(CELLS):
                body = " ".join(f"phase({rng.uniform(-0.5, 0.5):.6f}) {' '.join(map(str, _edge(rng, n, k)))};"
                                for _ in range(n))
                cells.append(f"  on c{c} {{ {body} {_stab(rng, n, k)} }}")
            model = hrnnc.parse("\n".join([f"hrnn cell{n} {{ qumodes {n}; degree {k};", *cells, "}"]))
            inputs = [f"c{c}" for c in range(CELLS)]
            best = math.inf
            for _ in range(2):
                start = time.perf_counter()
                output_moments(model, inputs)
                best = min(best, time.perf_counter() - start)
            per_cell.append(best / CELLS)
        alpha = float(np.polyfit(np.log(sizes), np.log(per_cell), 1)[0])
        print(f"{k:>2} " + " ".join(f"{t * 1e3:>8.2f}ms" for t in per_cell) + f"   {alpha:8.2f}   {2.8 * k:9.1f}")
        sys.stdout.flush()


def part_c(seed: int) -> None:
    from hrnnc.sim import qumode
    from hrnnc.sim.qumode import Grid

    model = hrnnc.parse(Path("examples/cubic_modes.hrnn"))
    grid, r = Grid(), 0.5

    def stats(values: np.ndarray, dens: np.ndarray) -> tuple[float, float]:
        step = values[1] - values[0]
        mass = dens.sum() * step
        return float((values * dens).sum() * step / mass), float((values ** 2 * dens).sum() * step / mass)

    def grid_one() -> None:
        stats(*qumode.outcome_density(model, "a b", squeezing=r, grid=grid))

    def grid_two() -> None:
        values, dens = qumode.outcome_density(model, "a read", squeezing=r, grid=grid)
        support = values[dens > 1e-13 * dens.max()]
        for y in np.linspace(support[0], support[-1], 24):
            stats(*qumode.outcome_density(model, "a read", (y,), squeezing=r, grid=grid))

    print(f"(c) 3 modes (examples/cubic_modes.hrnn), grid at {grid.points} points/mode vs exact moments")
    for label, grid_fn, inputs in (("1 output ", grid_one, "a b"), ("2 outputs", grid_two, "a read")):
        start = time.perf_counter()
        grid_fn()
        grid_time = time.perf_counter() - start
        repeats = 50
        start = time.perf_counter()
        for _ in range(repeats):
            output_moments(model, inputs, squeezing=r)
        exact_time = (time.perf_counter() - start) / repeats
        print(f"    {label}: grid {grid_time:8.3f} s   moments {exact_time * 1e3:7.3f} ms   "
              f"ratio {grid_time / exact_time:,.0f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", nargs="+", default=["a", "b", "c"], choices=["a", "b", "c"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[8, 16, 32, 64, 128, 256])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if "a" in args.part:
        part_a(args.seed)
    if "b" in args.part:
        part_b(args.sizes, args.seed)
    if "c" in args.part:
        part_c(args.seed)


if __name__ == "__main__":
    main()

"""Qumode NLL benchmark: one loss + full gradient on the position grid, hrnnc (forward mode) vs JAX (reverse mode).

The model on ``n`` modes (1, 2, 3) has a quadratic and a cubic edge per neighbouring pair (one of
each on mode 0 alone for ``n = 1``), a shift, the stabilizer measurement of mode 0 and a homodyne
of every other mode, under ``2n + 2`` params; a record is the input ``go go`` (``2n`` outputs),
sampled by ``hrnnc simulate`` at the default squeezing and grid (r = 1, 128 points per mode).

Peer: no SDK computes this likelihood. Strawberry Fields' ``MeasureHomodyne(select=y)``
post-selects a value but returns no density, its Fock backends bin the homodyne distribution
and need a photon cutoff far beyond the squeezed states here, and gradients need its TensorFlow
backend; PennyLane has no CV likelihood either. The peer is therefore what an ML user would
write: the same discretised likelihood in ``jax.numpy`` (tests/train/grid_jax.py, written
separately), ``jax.jit(jax.value_and_grad(...))`` compiled once per input sequence (compile time
reported apart), with the outputs as traced arguments; values must agree to 1e-9.

Times are the least of ``--repeats`` interleaved rounds (hrnnc, then JAX, in each).

Run: ``python benchmarks/bench_qumode_nll.py [--records 20] [--modes 1 2 3] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from typing import Callable

import numpy as np

import hrnnc
from hrnnc.data import dataset_from
from hrnnc.ir import initial_param_values
from hrnnc.sim.conventions import DEFAULT_SQUEEZING
from hrnnc.sim.cvgrid import Grid
from hrnnc.train.losses import make_loss

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "train"))


def model_text(n: int) -> str:
    lines = [f"hrnn bench{n} {{ qumodes {n}; degree 3;", "param s = 0.3; param w = 0.2;"]
    pairs = [(i, i + 1) for i in range(n - 1)] or [(0, 0)]
    body = ["shift(s) 0;"]
    for i, (a, b) in enumerate(pairs):
        lines.append(f"param a{i} = {0.4 - 0.1 * i:.2f}; param b{i} = {0.08 + 0.02 * i:.2f};")
        body.append(f"phase(a{i}) {a} {b}; phase(b{i}) {a} {a} {b};")
    stab = "0 1" if n > 1 else "0 0"
    body.append(f"measure stab(0; w: {stab}) -> y0;")
    body += [f"measure {'pq'[j % 2]} {j} -> y{j};" for j in range(1, n)]
    lines.append(f"on go {{ {' '.join(body)} }}")
    lines.append("}")
    return "\n".join(lines)


def hrnnc_run(model, records) -> Callable[[], tuple[float, np.ndarray]]:
    loss = make_loss(model, dataset_from(model, records), "nll")
    values = initial_param_values(model)
    return lambda: loss(values)


def jax_run(model, records) -> tuple[Callable[[], tuple[float, np.ndarray]], float]:
    """The JAX loss + gradient over ``records`` (one input sequence), and its compile time."""
    import jax
    import jax.numpy as jnp
    from grid_jax import log_density

    r = DEFAULT_SQUEEZING
    grid = Grid()
    half = grid.half_width(r)
    names = [p.name for p in model.params]
    tokens = records[0][0]

    def one(vec, outs):
        return log_density(model, tokens, outs, dict(zip(names, vec)), r, half, grid.points)

    step = jax.jit(jax.value_and_grad(one))
    vec = jnp.array([initial_param_values(model)[n] for n in names])
    began = time.perf_counter()
    jax.block_until_ready(step(vec, jnp.array(records[0][1])))
    compile_s = time.perf_counter() - began

    def run() -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros(len(names))
        for _, outs in records:
            value, g = step(vec, jnp.array(outs))
            total, grad = total - float(value), grad - np.asarray(g)
        return total / len(records), grad / len(records)

    return run, compile_s


def best_of(runs: list[Callable[[], tuple[float, np.ndarray]]], repeats: int) -> list[tuple[float, float, np.ndarray]]:
    """Each run's least wall time over ``repeats`` rounds, the runs interleaved within a round (a
    loaded machine slows both alike), with its last value and gradient."""
    best = [math.inf] * len(runs)
    results: list[tuple[float, np.ndarray]] = [(0.0, np.zeros(0))] * len(runs)
    for _ in range(repeats):
        for i, run in enumerate(runs):
            began = time.perf_counter()
            results[i] = run()
            best[i] = min(best[i], time.perf_counter() - began)
    return [(seconds, value, grad) for seconds, (value, grad) in zip(best, results)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds; the least time counts")
    parser.add_argument("--modes", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print("| n | grid | params | records | hrnnc s/record | JAX s/record (compile s) | ratio JAX/hrnnc | "
          "max rel. difference |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.modes:
        model = hrnnc.parse(model_text(n))
        samples = hrnnc.simulate(model, "go go", shots=args.records, seed=7).samples
        records = [(["go", "go"], [float(v) for v in s]) for s in samples]
        ours = hrnnc_run(model, records)
        ours()  # warm: allocations, FFT plans
        theirs, compile_s = jax_run(model, records)
        (seconds, value, grad), (j_seconds, j_value, j_grad) = best_of([ours, theirs], args.repeats)
        diff = max(abs(j_value - value) / abs(value), float(np.max(np.abs(j_grad - grad)) / np.max(np.abs(grad))))
        per, j_per = seconds / len(records), j_seconds / len(records)
        print(f"| {n} | 128^{n} | {len(model.params)} | {len(records)} | {per:.4g} | {j_per:.4g} ({compile_s:.3g}) | "
              f"{j_per / per:.3g} | {diff:.1e} |", flush=True)


if __name__ == "__main__":
    main()

"""Qumode k-HRNNs for experiments 2 and 3, run through the exact moment simulator.

A random qumode k-HRNN on ``n`` modes has one *phase* token per unit cell, applying ``n``
random k-uniform hyperedges each with its own trainable angle, and a *stabilizer* token that
measures the generalized stabilizer of a random vertex with two random k-edges through it
(the unit cell of the cost experiment). Everything is generated as ``.hrnn`` text and parsed,
so the runs go through the same front end, checks and simulator as a user's model.
"""

from __future__ import annotations

import math
import random
import time
from typing import Any


def _edge(rng: random.Random, n: int, k: int, containing: int | None = None) -> list[int]:
    if containing is None:
        return sorted(rng.sample(range(n), k))
    return sorted([containing, *rng.sample([j for j in range(n) if j != containing], k - 1)])


def random_model_text(n: int, k: int, cells: int, seed: int, trainable: bool) -> str:
    """``cells`` phase tokens ``a<t>`` (n random k-edges each) and stabilizer tokens ``m<t>``.

    With ``trainable`` every phase angle is a param ``t<t>_<j>`` (initial value drawn from
    U(−π, π)); otherwise a number from U(−0.5, 0.5).
    """
    rng = random.Random(seed)
    lines = [f"hrnn random_n{n}_k{k} {{", f"  qumodes {n};", f"  degree {k};"]
    body_lines = []
    for t in range(cells):
        gates = []
        for j in range(n):
            if trainable:
                name = f"t{t}_{j}"
                lines.append(f"  param {name} = {rng.uniform(-math.pi, math.pi):.6f};")
                angle = name
            else:
                angle = f"{rng.uniform(-0.5, 0.5):.6f}"
            gates.append(f"phase({angle}) {' '.join(map(str, _edge(rng, n, k)))};")
        body_lines.append(f"  on a{t} {{ {' '.join(gates)} }}")
        v = rng.randrange(n)
        weights = ", ".join(f"{rng.uniform(-0.5, 0.5):.6f}: {' '.join(map(str, _edge(rng, n, k, v)))}"
                            for _ in range(2))
        body_lines.append(f"  on m{t} {{ measure stab({v}; {weights}) -> y; }}")
    return "\n".join(lines + body_lines + ["}"]) + "\n"


def cell_inputs(cells: int) -> list[str]:
    return [tok for t in range(cells) for tok in (f"a{t}", f"m{t}")]


def cost_per_cell(n: int, k: int, cells: int, seed: int) -> dict[str, Any]:
    """CPU seconds per unit cell for the means and covariance of every output (parse excluded)."""
    from hrnnc.frontend import parse_text
    from hrnnc.sim.moments import output_moments

    model = parse_text(random_model_text(n, k, cells, seed, trainable=False), "cost.hrnn")
    inputs = cell_inputs(cells)
    start = time.process_time()
    result = output_moments(model, inputs, order=2)
    elapsed = time.process_time() - start
    return {"seconds_per_cell": elapsed / cells, "outputs": len(result.outputs), "cells": cells}


def qumode_gradients(n: int, k: int, samples: int, seed: int, cells: int = 3,
                     squeezing: float = 0.5) -> dict[str, Any]:
    """Gradient variance over random params for ``C = mean_t E[y_t²]`` of a trainable random model.

    Reported: ``variance``, the mean over params of ``Var ∂C/∂θ_p`` (one param alone may not
    reach any output of a random model), and ``first_variance`` for ``θ_1``.

    ``E[y_t²]`` is a moment of order 2 of the outputs, exact in the Heisenberg picture; its
    gradient is exact too (the moment simulator differentiates the run). Params are drawn from
    U(−π, π) at each sample, as in ``hrnnc train --report``.
    """
    import numpy as np

    from hrnnc.frontend import parse_text
    from hrnnc.sim.moments import output_moments

    model = parse_text(random_model_text(n, k, cells, seed, trainable=True), "trainable.hrnn")
    names = [p.name for p in model.params]
    inputs = cell_inputs(cells)
    rng = np.random.default_rng(seed)
    grads = []
    for _ in range(samples):
        point = dict(zip(names, rng.uniform(-math.pi, math.pi, len(names)).tolist()))
        res = output_moments(model, inputs, order=2, squeezing=squeezing, params=point, gradient=True)
        # d E[y²] = d Var + 2 E[y] d E[y]
        diag = np.einsum("ttp->tp", res.covariance_gradient)
        second = diag + 2 * res.means[:, None] * res.means_gradient
        columns = [list(res.directions).index(name) for name in names]
        grads.append(second[:, columns].mean(axis=0))
    g = np.asarray(grads)                       # [samples, params]
    return {"variance": float(g.var(axis=0).mean()), "first_variance": float(g[:, 0].var()),
            "mean_abs": float(np.abs(g).mean()), "samples": len(g), "params": len(names)}


__all__ = ["cell_inputs", "cost_per_cell", "qumode_gradients", "random_model_text"]

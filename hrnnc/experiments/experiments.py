"""The three sweeps: what each runs (its specs), one run, and its report.

Every run function is module-level and takes a :class:`RunSpec`, so Dask can ship it to a
worker process; it returns plain JSON values.
"""

from __future__ import annotations

import itertools
import math
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from hrnnc.experiments.runner import RunSpec

# -- experiment 1: separation -------------------------------------------------------------------

SEPARATION_FULL = ((2, 2), (3, 2), (4, 2), (4, 3), (5, 3))


def _latents(edges: int) -> list[int]:
    """1, 2, 4, … up to the first power of two ≥ 2D."""
    out, d = [], 1
    while True:
        out.append(d)
        if d >= 2 * edges:
            return out
        d *= 2


def separation_specs(quick: bool, tasks: tuple[tuple[int, int], ...] | None = None,
                     seeds: int | None = None) -> list[RunSpec]:
    """The grid: ``tasks`` picks ``(n, k)`` pairs (default: all of the grid), ``seeds`` their number."""
    from hrnnc.experiments.hsmt import hyperedges

    specs: list[RunSpec] = []
    grid = tasks or (((2, 2),) if quick else SEPARATION_FULL)
    seeds = tuple(range(seeds)) if seeds else ((0,) if quick else (0, 1, 2))
    for seed, (n, k) in itertools.product(seeds, grid):
        edges = len(hyperedges(n, k))
        # Full grid: enough data that a large recurrent network approaches the optimum (with 1,500
        # sequences none did, whatever d), so that the threshold in d is what the sweep measures.
        task = {"n": n, "k": k, "length": edges + (4 if quick else 2 * n),
                "train": 300 if quick else 8000, "validation": 100 if quick else 1000,
                "test": 300 if quick else 2000, "data_seed": 0}
        latents = [1, 2, 4, 8] if quick else _latents(edges)
        cells = ("gru",) if quick else ("gru", "lstm")
        khrnn = {"epochs": 25, "lr": 0.05, "batch": 100} if quick else \
            {"epochs": 20, "lr": 0.01, "batch": 100, "patience": 4}
        specs.append(RunSpec("separation", {**task, "model": "khrnn", **khrnn}, seed))
        for cell in cells:
            for d in latents:
                training = {"epochs": 40, "lr": 1e-2, "batch": 64} if quick else \
                    {"epochs": 60, "lr": 1e-2, "batch": 256, "patience": 10}
                specs.append(RunSpec("separation", {**task, "model": cell, "latent": d, **training}, seed))
    return specs


def run_separation(spec: RunSpec) -> dict[str, Any]:
    from hrnnc.experiments.separation import run_baseline, run_khrnn

    start = time.process_time()
    result = (run_khrnn if spec.config["model"] == "khrnn" else run_baseline)(spec.config, spec.seed)
    return {**result, "cpu_seconds": time.process_time() - start}


def separation_report(rows: list[Mapping[str, Any]], out_dir: Path) -> str:
    from hrnnc.experiments.report import figure, group, markdown_table, mean_std, save

    by_task = group(rows, lambda r: (r["config"]["n"], r["config"]["k"]))
    lines = ["## Experiment 1: separation on the (ℓ, n, k)-HSMT task\n",
             "Test NLL per sequence minus the optimum (the ground-truth model's exact NLL on the same "
             "test sequences), mean ± std over seeds. `d` is the recurrent latent dimension "
             "(an LSTM carries 2d numbers); D = Σ_{j≤k} C(n, j).\n"]
    fig, axes = figure(ncols=len(by_task))
    for col, ((n, k), task_rows) in enumerate(sorted(by_task.items())):
        ax = axes[0][col]
        edges = task_rows[0]["result"]["edges"]
        table = []
        khrnn = [r["result"]["excess_test_nll"] for r in task_rows if r["config"]["model"] == "khrnn"]
        if khrnn:
            m, s = mean_std(khrnn)
            table.append(("k-HRNN", n, m, s, len(khrnn)))
            ax.axhline(m, color="k", lw=2, label=f"{k}-HRNN, {n} qubits")
        for cell in ("gru", "lstm"):
            cell_rows = [r for r in task_rows if r["config"]["model"] == cell]
            if not cell_rows:
                continue
            by_d = group(cell_rows, lambda r: r["config"]["latent"])
            ds = sorted(by_d)
            stats = [mean_std([r["result"]["excess_test_nll"] for r in by_d[d]]) for d in ds]
            for d, (m, s) in zip(ds, stats):
                table.append((cell.upper(), d, m, s, len(by_d[d])))
            ax.errorbar(ds, [m for m, _ in stats], yerr=[s for _, s in stats], marker="o", capsize=3,
                        label=cell.upper())
        ax.axvline(edges, color="grey", ls=":", label=f"D = {edges}")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("latent dimension d")
        ax.set_ylabel("test NLL − optimal (nats/sequence)")
        ax.set_title(f"n = {n}, k = {k}, ℓ = {task_rows[0]['config']['length']}")
        ax.legend(fontsize=8)
        optimal = task_rows[0]["result"]["optimal_test_nll"]
        lines.append(f"\n### n = {n}, k = {k} (D = {edges}; optimal test NLL {optimal:.4f} nats/sequence)\n")
        lines.append(markdown_table(("model", "d", "excess NLL (mean)", "std", "seeds"), table))
    save(fig, out_dir / "separation.png")
    lines.append("\n![separation](separation.png)\n")
    lines.append(f"\n### Memory at equal loss\n\nThe smallest baseline whose mean excess NLL is within "
                 f"{EQUAL_LOSS_TOLERANCE} nats of the k-HRNN's, against the k-HRNN's n qubits and 2D params "
                 "(— where no baseline of the grid comes that close; its best is shown).\n\n")
    lines.append(markdown_table(("n", "k", "D", "k-HRNN excess", "k-HRNN qubits", "k-HRNN params", "baseline",
                                 "state size", "params", "excess", "within tolerance"),
                                memory_at_equal_loss(rows)))
    return "".join(lines)


EQUAL_LOSS_TOLERANCE = 0.05
"""Nats per sequence: a baseline within this of the k-HRNN's mean excess NLL counts as equal."""


def memory_at_equal_loss(rows: list[Mapping[str, Any]],
                         tolerance: float = EQUAL_LOSS_TOLERANCE) -> list[tuple[Any, ...]]:
    """Per task, the baseline with the fewest carried numbers whose mean excess NLL over seeds is
    within ``tolerance`` of the k-HRNN's, or, where none is, the best baseline (marked ``no``)."""
    from hrnnc.experiments.report import group, mean_std

    table = []
    for (n, k), task_rows in sorted(group(rows, lambda r: (r["config"]["n"], r["config"]["k"])).items()):
        khrnn = [r for r in task_rows if r["config"]["model"] == "khrnn"]
        if not khrnn:
            continue
        target = mean_std([r["result"]["excess_test_nll"] for r in khrnn])[0]
        candidates = []
        for (cell, d), cell_rows in group([r for r in task_rows if r["config"]["model"] != "khrnn"],
                                          lambda r: (r["config"]["model"], r["config"]["latent"])).items():
            excess = mean_std([r["result"]["excess_test_nll"] for r in cell_rows])[0]
            first = cell_rows[0]["result"]
            candidates.append((first["state_size"], first["parameters"], excess, cell, d))
        if not candidates:
            continue
        matching = sorted(c for c in candidates if c[2] <= target + tolerance)
        state, parameters, excess, cell, d = matching[0] if matching else min(candidates, key=lambda c: c[2])
        table.append((n, k, khrnn[0]["result"]["edges"], target, n, khrnn[0]["result"]["parameters"],
                      f"{cell.upper()} d = {d}", state, parameters, excess, "yes" if matching else "no"))
    return table


# -- experiment 2: trainability ------------------------------------------------------------------


def trainability_specs(quick: bool, tasks=None, seeds=None) -> list[RunSpec]:
    specs = [RunSpec("trainability", {"model": "hea", "n": n, "samples": 100 if quick else 400}, 0)
             for n in ((2, 4, 6) if quick else (2, 4, 6, 8, 10, 12))]
    specs += [RunSpec("trainability", {"model": "khrnn-qubit", "n": n, "k": 2, "samples": 10 if quick else 40,
                                       "sequences": 20 if quick else 50}, 0)
              for n in ((2, 3, 4) if quick else (2, 3, 4, 5, 6, 8, 10, 12))]
    for k in (2, 3):
        sizes = (4, 8, 16) if quick else (4, 8, 16, 32, 64)
        specs += [RunSpec("trainability", {"model": f"khrnn-qumode-k{k}", "n": n, "k": k,
                                           "samples": 10 if quick else 40}, 0) for n in sizes if n >= k]
    return specs


def run_trainability(spec: RunSpec) -> dict[str, Any]:
    import numpy as np

    config = spec.config
    start = time.process_time()
    if config["model"] == "hea":
        from hrnnc.experiments.ansatz import hea_gradient_samples

        grads = hea_gradient_samples(config["n"], config["samples"], spec.seed)
        return {"variance": float(np.var(grads)), "mean_abs": float(np.mean(np.abs(grads))),
                "samples": len(grads), "cpu_seconds": time.process_time() - start}
    if config["model"] == "khrnn-qubit":
        from hrnnc.experiments.trainability import khrnn_qubit_gradients

        out = khrnn_qubit_gradients(config["n"], config["k"], config["samples"], config["sequences"], spec.seed)
        return {**out, "cpu_seconds": time.process_time() - start}
    if config["model"].startswith("khrnn-qumode"):
        from hrnnc.experiments.qumode import qumode_gradients

        out = qumode_gradients(config["n"], config["k"], config["samples"], spec.seed)
        return {**out, "cpu_seconds": time.process_time() - start}
    raise ValueError(f"unknown trainability model {config['model']!r}")


def trainability_report(rows: list[Mapping[str, Any]], out_dir: Path) -> str:
    from hrnnc.experiments.ansatz import fit_exponential, fit_power_law
    from hrnnc.experiments.report import figure, group, markdown_table, save

    by_model = group(rows, lambda r: r["config"]["model"])
    fig, axes = figure()
    ax = axes[0][0]
    table, fits = [], []
    labels = {"hea": "hardware-efficient ansatz, n layers, global cost (PennyLane)",
              "khrnn-qubit": "qubit 2-HRNN, HSMT NLL per output (mean over params)",
              "khrnn-qumode-k2": "qumode 2-HRNN, mean E[y²] (mean over params)",
              "khrnn-qumode-k3": "qumode 3-HRNN, mean E[y²] (mean over params)"}
    for model, model_rows in sorted(by_model.items()):
        model_rows = sorted(model_rows, key=lambda r: r["config"]["n"])
        ns = [r["config"]["n"] for r in model_rows]
        vs = [r["result"]["variance"] for r in model_rows]
        for n, v, r in zip(ns, vs, model_rows):
            table.append((labels.get(model, model), n, v, r["result"]["samples"]))
        ax.plot(ns, vs, marker="o", label=labels.get(model, model))
        if len(ns) >= 2 and all(v > 0 for v in vs):
            rate, _ = fit_exponential(ns, vs)
            slope, _ = fit_power_law(ns, vs)
            fits.append((labels.get(model, model), rate, math.exp(rate), slope))
    ax.set_yscale("log")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("n (sites)")
    ax.set_ylabel("Var ∂L/∂θ at random initialisation")
    ax.legend(fontsize=8)
    save(fig, out_dir / "trainability.png")
    return ("## Experiment 2: trainability\n\n"
            + markdown_table(("model", "n", "gradient variance", "samples"), table)
            + "\nFits: `log Var = a + b·n` (exponential) and `log Var = a + b·log n` (power law).\n\n"
            + markdown_table(("model", "rate b per site", "factor per site", "power-law exponent"), fits)
            + "\n![trainability](trainability.png)\n")


# -- experiment 3: simulation cost ---------------------------------------------------------------

PAPER_EXPONENT = 2.8
"""The paper's classical cost per unit cell is O(n^{2.8k})."""


def cost_specs(quick: bool, tasks=None, seeds=None) -> list[RunSpec]:
    sizes = {2: (8, 16, 32, 64), 3: (8, 16, 32), 4: (8, 16)} if quick else \
        {2: (8, 16, 32, 64, 128, 256), 3: (8, 16, 32, 64, 128, 256), 4: (8, 16, 32, 64, 128)}
    cells = 8 if quick else 16
    return [RunSpec("cost", {"n": n, "k": k, "cells": cells}, seed) for k, ns in sizes.items() for n in ns
            for seed in (range(seeds) if seeds else ((0,) if quick else (0, 1, 2)))]


def run_cost(spec: RunSpec) -> dict[str, Any]:
    from hrnnc.experiments.qumode import cost_per_cell

    return cost_per_cell(spec.config["n"], spec.config["k"], spec.config["cells"], spec.seed)


def cost_report(rows: list[Mapping[str, Any]], out_dir: Path) -> str:
    from hrnnc.experiments.ansatz import fit_power_law
    from hrnnc.experiments.report import figure, group, markdown_table, mean_std, save

    fig, axes = figure()
    ax = axes[0][0]
    table, fits = [], []
    for k, k_rows in sorted(group(rows, lambda r: r["config"]["k"]).items()):
        by_n = group(k_rows, lambda r: r["config"]["n"])
        ns = sorted(by_n)
        times = [mean_std([r["result"]["seconds_per_cell"] for r in by_n[n]])[0] for n in ns]
        for n, t in zip(ns, times):
            table.append((k, n, t * 1e3, len(by_n[n])))
        ax.plot(ns, times, marker="o", label=f"k = {k}")
        if len(ns) >= 2:
            # Fitted from n = 16 up, where the fixed cost per output no longer dominates.
            upper = [n for n in ns if n >= 16]
            upper = upper if len(upper) >= 2 else ns
            alpha, _ = fit_power_law(upper, [times[ns.index(n)] for n in upper])
            fits.append((k, f"{upper[0]}–{upper[-1]}", alpha, k, PAPER_EXPONENT * k))
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("n (modes)")
    ax.set_ylabel("CPU seconds per unit cell")
    ax.legend()
    save(fig, out_dir / "cost.png")
    return ("## Experiment 3: classical simulation cost per unit cell\n\n"
            "A unit cell applies n random k-edges and measures one generalized stabilizer; the time "
            "is the exact means and covariance of every output in the Heisenberg picture.\n\n"
            + markdown_table(("k", "n", "ms per cell", "seeds"), table)
            + "\nFitted `time ∝ n^α` beside the paper's O(n^{2.8k}):\n\n"
            + markdown_table(("k", "fitted on n", "α", "target (≤ k)", "paper 2.8k"), fits)
            + "\n![cost](cost.png)\n")


EXPERIMENTS: dict[str, tuple[Callable[..., list[RunSpec]], Callable[[RunSpec], Mapping[str, Any]],
                             Callable[[list[Mapping[str, Any]], Path], str]]] = {
    "separation": (separation_specs, run_separation, separation_report),
    "trainability": (trainability_specs, run_trainability, trainability_report),
    "cost": (cost_specs, run_cost, cost_report),
}
"""Each experiment: its specs (quick or full), one run, and its report."""

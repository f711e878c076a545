"""Pictures of simulation results: the output distribution (qubits) or densities (qumodes).

* qubits, exact: one bar per outcome string (time order, leftmost = first measurement),
  highest probability first, at most MAX_BARS bars; with shots, the observed frequencies;
* qumodes, exact: one panel per output, its density (conditioned on the earlier outputs as
  the simulator reports it) with the mean marked;
* qumodes, shots: one histogram per output.

SVG ids: ``bar-I``, ``density-T``, ``histogram-T``.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Mapping

from hrnnc.plot.figure import panel_grid

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from hrnnc.sim.result import SimulationResult

MAX_BARS = 64
"""Outcomes drawn at most; the rest (the least likely) are summarised in the title."""


def plot_result(result: SimulationResult) -> Figure:
    """The picture of one simulation result (see the module docstring).

    Raises:
        HrnncError: matplotlib is missing (E0901).
    """
    if result.kind == "qubits":
        if result.distribution is not None:
            return _bars(result, dict(result.distribution), "probability")
        counts = Counter(result.samples or ())
        total = max(1, sum(counts.values()))
        return _bars(result, {bits: c / total for bits, c in counts.items()}, f"frequency ({total} shots)")
    if result.densities is not None:
        return _densities(result)
    return _histograms(result)


def _title(result: SimulationResult) -> str:
    inputs = " ".join(result.inputs)
    return f"{result.model}: {inputs if len(inputs) <= 60 else inputs[:57] + '...'}"


def _bars(result: SimulationResult, weights: Mapping[str, float], what: str) -> Figure:
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ranked[:MAX_BARS]
    fig, (ax,) = panel_grid(1, width=max(4.0, 0.32 * len(shown) + 1.5), height=3.6)
    for i, (bits, p) in enumerate(shown):
        ax.bar(i, p, color="C0", gid=f"bar-{i}")
    ax.set_xticks(range(len(shown)), [bits or "(empty)" for bits, _ in shown], rotation=90, fontsize=8,
                  family="monospace")
    ax.set_ylabel(what)
    ax.set_xlabel(f"outputs in time order ({' '.join(result.outputs) or 'none'})")
    ax.set_ylim(0, max([p for _, p in shown] + [1e-12]) * 1.1)
    hidden = len(ranked) - len(shown)
    note = f" (the {MAX_BARS} most likely of {len(ranked)} outcomes)" if hidden else ""
    ax.set_title(_title(result) + note, fontsize=10)
    return fig


def _densities(result: SimulationResult) -> Figure:
    densities = result.densities or ()
    fig, axes = panel_grid(max(1, len(densities)), width=3.8, height=3.0, columns=3)
    for t, (ax, d) in enumerate(zip(axes, densities)):
        line, = ax.plot(d.values, d.density, color="C0", marker=".", gid=f"density-{t}")
        ax.axvline(d.mean, color="C3", linestyle="--", linewidth=1)
        given = " (given earlier)" if t else ""
        ax.set_title(f"y{t + 1} '{d.output}': mean {d.mean:+.3f}, std {d.std:.3f}{given}", fontsize=9)
        ax.set_xlabel("outcome")
        ax.set_ylabel("density")
    if not densities:
        axes[0].set_axis_off()
    fig.suptitle(_title(result))
    return fig


def _histograms(result: SimulationResult) -> Figure:
    import numpy as np

    samples = np.asarray(result.samples or (), dtype=float).reshape(-1, len(result.outputs))
    fig, axes = panel_grid(max(1, len(result.outputs)), width=3.8, height=3.0, columns=3)
    for t, (ax, name) in enumerate(zip(axes, result.outputs)):
        counts, edges = np.histogram(samples[:, t], bins="auto", density=True)
        ax.stairs(counts, edges, fill=True, alpha=0.6, color="C0", gid=f"histogram-{t}")
        ax.set_title(f"y{t + 1} '{name}': {len(samples)} shots", fontsize=9)
        ax.set_xlabel("outcome")
        ax.set_ylabel("density")
    if not result.outputs:
        axes[0].set_axis_off()
    fig.suptitle(_title(result))
    return fig

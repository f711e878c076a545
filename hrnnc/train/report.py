"""Trainability report: gradient statistics over random initialisations (barren-plateau diagnostics).

For ``samples`` param vectors drawn uniformly from ``[-π, π]`` (seeded), the exact gradient
of the loss on the data is computed; the report gives, per param, the mean and variance
of its derivative, and the mean and variance of the gradient norm. A barren plateau shows
as variances that shrink exponentially with the number of sites; the Lie-closure
certificate of ``hrnnc check`` predicts polynomial behaviour for k-HRNNs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hrnnc.diagnostics import Code, TrainingError, error
from hrnnc.train.losses import Kernel, make_loss

if TYPE_CHECKING:
    from hrnnc.data import Dataset
    from hrnnc.ir import Model


@dataclass(frozen=True)
class TrainabilityReport:
    names: tuple[str, ...]
    samples: int
    """Initialisations whose loss was finite (others are skipped and counted)."""
    skipped: int
    mean_grad: np.ndarray
    var_grad: np.ndarray
    """Variance of each partial derivative over the initialisations."""
    mean_norm: float
    var_norm: float
    closure: str | None
    """The summary of ``hrnnc check``'s Lie closure, for comparison."""

    def to_json(self) -> dict[str, Any]:
        return {"samples": self.samples, "skipped": self.skipped, "mean_grad_norm": self.mean_norm,
                "var_grad_norm": self.var_norm, "closure": self.closure,
                "params": {n: {"mean": float(m), "variance": float(v)}
                           for n, m, v in zip(self.names, self.mean_grad, self.var_grad)}}

    def to_text(self) -> str:
        lines = [f"trainability over {self.samples} random initialisations in [-pi, pi]"
                 + (f" ({self.skipped} skipped: data impossible there)" if self.skipped else ""),
                 f"gradient norm: mean {self.mean_norm:.6g}, variance {self.var_norm:.6g}",
                 f"{'param':<12} {'mean dL':>14} {'var dL':>14}"]
        lines += [f"{n:<12} {m:>14.6g} {v:>14.6g}" for n, m, v in zip(self.names, self.mean_grad, self.var_grad)]
        if self.closure:
            lines.append(f"hrnnc check: {self.closure}")
        return "\n".join(lines)


def trainability(model: Model, data: Dataset, samples: int = 20, seed: int = 0, loss: str = "nll",
                 kernel: Kernel | None = None, **grid: Any) -> TrainabilityReport:
    """Gradient norms and their variance over ``samples`` random initialisations.

    ``grid`` passes ``squeezing``, ``grid_points`` and ``extent`` to :func:`make_loss` (qumode models)."""
    from hrnnc.api import check
    from hrnnc.passes.analysis.lie_closure import CLOSURE

    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
        raise TrainingError([error(Code.E0722, f"the report needs at least 2 samples, not {samples!r}")])
    objective = make_loss(model, data, loss, kernel, **grid)
    rng = np.random.default_rng(seed)
    grads, skipped = [], 0
    for _ in range(samples):
        point = {n: float(v) for n, v in zip(objective.names, rng.uniform(-math.pi, math.pi, len(objective.names)))}
        try:
            _, grad = objective(point)
        except TrainingError as exc:
            if exc.diagnostics[0].code is not Code.E0720:
                raise
            skipped += 1
            continue
        grads.append(grad)
    if len(grads) < 2:
        raise TrainingError([error(Code.E0720, f"the data have probability zero at {skipped} of {samples} random "
                                               "initialisations; use --loss mmd for the report")])
    g = np.array(grads)
    norms = np.linalg.norm(g, axis=1)
    report = check(model)
    closure = report.properties[CLOSURE].summary() if CLOSURE in report.properties else None
    return TrainabilityReport(objective.names, len(grads), skipped, g.mean(0), g.var(0), float(norms.mean()),
                              float(norms.var()), closure)


__all__ = ["TrainabilityReport", "trainability"]

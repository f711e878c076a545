"""Gradient statistics of k-HRNNs at random initialisation (experiment 2)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np


def khrnn_qubit_gradients(n: int, k: int, samples: int, sequences: int, seed: int) -> dict[str, Any]:
    """Variance of the NLL gradient of the trainable HSMT k-HRNN over random initial params.

    The loss is the exact NLL of ``sequences`` HSMT sequences (``2n`` queries each); params are
    drawn uniformly from ``[−π, π)`` as in ``hrnnc train --report``. Reported: the variance of
    the NLL *per output bit*, averaged over params (``variance``), and for the first edge's scale
    alone (``first_variance``).
    """
    from hrnnc.data import dataset_from
    from hrnnc.experiments.hsmt import HsmtConfig, sample, trainable_model_text
    from hrnnc.experiments.task import record_json
    from hrnnc.frontend import parse_text
    from hrnnc.train import trainability

    model = parse_text(trainable_model_text(n, k, seed), "trainable.hrnn")
    data = sample(HsmtConfig(n, k, 2 * n, sequences, seed=seed))
    records = [json.loads(record_json(r)) for r in data.records]
    report = trainability(model, dataset_from(model, records), samples=samples, seed=seed)
    # The NLL is per sequence of 2n outputs; per output it is comparable across n.
    variances = np.asarray(report.var_grad) / (2 * n) ** 2
    return {"variance": float(np.mean(variances)), "first_variance": float(variances[0]),
            "samples": int(report.samples), "params": len(report.names)}


__all__ = ["khrnn_qubit_gradients"]

"""Experiment 1: the memory separation on the (ℓ, n, k)-HSMT task.

For each ``(n, k)`` the task's train/validation/test splits are drawn from fixed seeds (so
every run of a sweep regenerates identical data without sharing files), and each run trains
one model on them: a classical baseline (GRU or LSTM) of latent dimension ``d``, or the
k-HRNN from random initial params. A run reports its test NLL beside the optimal one (the
ground-truth model's exact NLL on the same test sequences).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from hrnnc.experiments.hsmt import HsmtConfig, HsmtData, hyperedges, sample

SPLIT_SEEDS = {"train": 1, "validation": 2, "test": 3}


@dataclass(frozen=True, slots=True)
class TaskSizes:
    n: int
    k: int
    length: int
    """ℓ: the whole sequence, ``D`` preparation tokens then ``ℓ − D`` queries."""
    train: int
    validation: int
    test: int
    data_seed: int = 0

    @property
    def edges(self) -> int:
        """``D = Σ_{j=1}^{k} C(n, j)``: the weights a classical network must carry."""
        return len(hyperedges(self.n, self.k))

    @property
    def queries(self) -> int:
        return self.length - self.edges

    def split(self, name: str) -> HsmtData:
        count = getattr(self, name)
        return sample(HsmtConfig(self.n, self.k, self.queries, count,
                                 seed=1000 * self.data_seed + SPLIT_SEEDS[name]))

    def as_config(self) -> dict[str, Any]:
        return {"n": self.n, "k": self.k, "length": self.length, "train": self.train,
                "validation": self.validation, "test": self.test, "data_seed": self.data_seed}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "TaskSizes":
        return cls(**{f: config[f] for f in ("n", "k", "length", "train", "validation", "test", "data_seed")})


def run_baseline(config: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """Train one classical baseline on the task; report its NLLs and the optimum."""
    from hrnnc.experiments.baselines import BaselineConfig, Encoding, train_baseline
    from hrnnc.experiments.hsmt import edge_token

    sizes = TaskSizes.from_config(config)
    splits = {name: sizes.split(name) for name in SPLIT_SEEDS}
    edges = hyperedges(sizes.n, sizes.k)
    outputs = {edge_token(e): 0 for e in edges}
    outputs.update({f"{b}{v}": 1 for v in range(sizes.n) for b in "xz"})
    encoding = Encoding.of(outputs, {edge_token(e): 1 for e in edges})
    result = train_baseline(
        encoding, splits["train"].records, splits["validation"].records, splits["test"].records,
        BaselineConfig(cell=config["model"], latent=config["latent"], epochs=config["epochs"],
                       batch=config.get("batch", 64), learning_rate=config.get("lr", 1e-2),
                       patience=config.get("patience", 30), seed=seed))
    optimal = splits["test"].optimal_nll
    return {"test_nll": result.test_nll, "validation_nll": result.validation_nll,
            "train_nll": result.train_nll, "optimal_test_nll": optimal,
            "excess_test_nll": result.test_nll - optimal, "epochs_run": result.epochs_run,
            "parameters": result.parameters, "state_size": result.state_size, "edges": sizes.edges}





def run_khrnn(config: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """Train the k-HRNN (``phase(a_e x + b_e) e``) from random initial params with ``hrnnc.train``."""
    import numpy as np

    import hrnnc
    from hrnnc.data import dataset_from
    from hrnnc.experiments.hsmt import trainable_model_text
    from hrnnc.experiments.task import record_json
    from hrnnc.frontend import parse_text
    from hrnnc.train.losses import NegativeLogLikelihood

    sizes = TaskSizes.from_config(config)
    splits = {name: sizes.split(name) for name in SPLIT_SEEDS}
    model = parse_text(trainable_model_text(sizes.n, sizes.k, seed), f"hsmt_n{sizes.n}_k{sizes.k}_trainable.hrnn")

    def records(name: str):
        import json
        return [json.loads(record_json(r)) for r in splits[name].records]

    fit_data = records("train") + records("validation")
    result = hrnnc.train(model, fit_data, epochs=config["epochs"], lr=config.get("lr", 0.05),
                         batch=config.get("batch"), seed=seed,
                         validation=sizes.validation / (sizes.train + sizes.validation),
                         patience=config.get("patience", 20))
    test = NegativeLogLikelihood(result.model, dataset_from(result.model, records("test")))
    test_nll, _ = test(result.params)
    # The loss is a mean per sequence; the dataset folds equal records, weights keep it exact.
    optimal = splits["test"].optimal_nll
    return {"test_nll": float(test_nll), "optimal_test_nll": optimal, "excess_test_nll": float(test_nll) - optimal,
            "validation_nll": result.best_loss, "initial_validation_nll": result.initial_loss,
            "epochs_run": len(result.history), "stopped": result.stopped,
            "parameters": len(result.params), "state_size": sizes.n, "edges": sizes.edges,
            "params": {k: float(v) for k, v in result.params.items()},
            "grad_norm_final": float(np.asarray(result.grad_norms)[-1]) if result.grad_norms else 0.0}


__all__ = ["SPLIT_SEEDS", "TaskSizes", "run_baseline", "run_khrnn"]

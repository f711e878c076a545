"""Training: exact losses and gradients of a model's params on sequence data (docs/semantics.md §9).

:func:`train` is ``hrnnc.train``; :mod:`.losses` holds the NLL and MMD, :mod:`.qubit` the
adjoint gradient of one outcome string, :mod:`.dual` the derivatives of expressions,
:mod:`.loop` the optimiser and :mod:`.report` the trainability report.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

if TYPE_CHECKING:
    from pathlib import Path

    from hrnnc.data import Dataset
    from hrnnc.ir import Model
    from hrnnc.train.loop import Epoch, TrainResult

_LAZY = {"Kernel": "losses", "MaximumMeanDiscrepancy": "losses", "NegativeLogLikelihood": "losses",
         "QumodeNegativeLogLikelihood": "losses",
         "make_loss": "losses", "Epoch": "loop", "TrainOptions": "loop", "TrainResult": "loop", "fit": "loop",
         "TrainabilityReport": "report", "trainability": "report"}
"""Names loaded on first use, so that ``import hrnnc`` (which exposes :func:`train`) stays light."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"hrnnc.train.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'hrnnc.train' has no attribute {name!r}")


def train(model: Model | str | Path, data: Dataset | str | Iterable[Any], *, loss: str = "nll",
          epochs: int = 100, batch: int | None = None, lr: float = 0.05, seed: int = 0, validation: float = 0.2,
          patience: int = 20, kernel: str | None = None, bandwidth: float = 1.0, degree: int = 2,
          params: Mapping[str, float] | None = None, progress: bool = False,
          on_epoch: Callable[[Epoch], None] | None = None, squeezing: float | None = None,
          grid_points: int | None = None, extent: float | None = None) -> TrainResult:
    """Fit every param of a model to sequence data.

    Args:
        model: A model, or its text or path.
        data: A JSON Lines path, a :class:`~hrnnc.data.Dataset`, or records
            (``{"inputs": …, "outputs": …}`` dicts or ``(inputs, outputs)`` pairs).
        loss: ``nll`` (exact negative log-likelihood) or ``mmd`` (with ``kernel``: ``gaussian``
            or ``polynomial``; by default Gaussian for qubits, polynomial for qumodes).
        params: Initial values overriding the file's.
        squeezing: Qumode models: ``r`` of every preparation (default: the simulator's).
        grid_points, extent: Qumode NLL: the position grid (defaults: the simulator's).
        Other arguments: see :class:`~hrnnc.train.loop.TrainOptions` and :class:`Kernel`.

    Returns:
        A :class:`TrainResult`: ``.model`` (trained), ``.params``, ``.losses`` (per epoch),
        ``.grad_norms``, ``.history`` and ``.text()`` (the original text with new values).

    Raises:
        CheckFailedError: The model has semantic errors.
        TrainingError: Bad data (E0710–E0715), zero-probability data (E0720), a non-finite
            loss (E0721), or a loss the model does not support (E0723).
        ConfigurationError: Invalid options (E0722).
    """
    from hrnnc.api import _require_clean, as_model
    from hrnnc.data import dataset_from
    from hrnnc.train.losses import Kernel
    from hrnnc.train.loop import TrainOptions, fit

    model = as_model(model)
    _require_clean(model)
    chosen = Kernel(kernel or ("polynomial" if model.kind.value == "qumodes" else "gaussian"), bandwidth, degree)
    options = TrainOptions(loss, epochs, batch, lr, seed, validation, patience, chosen, squeezing, grid_points, extent)
    return fit(model, dataset_from(model, data), options, params, progress=progress, on_epoch=on_epoch)


__all__ = ["Epoch", "Kernel", "MaximumMeanDiscrepancy", "NegativeLogLikelihood", "QumodeNegativeLogLikelihood",
           "TrainOptions", "TrainResult", "TrainabilityReport", "fit", "make_loss", "train", "trainability"]

"""The optimisation loop: Adam (optax) on minibatches, seeded shuffling, validation, early stopping.

Data are a :class:`~hrnnc.data.Dataset` of distinct sequences with counts. The loop expands
the counts to one index per sequence occurrence (8 bytes each), shuffles them with the
seed, holds out the validation fraction once, and reshuffles the rest every epoch. A
minibatch folds repeated indices back into weights, so each distinct sequence of a batch
is simulated once. The MMD loss compares distributions, so it always uses the whole
training split (one step per epoch); ``batch`` applies to the NLL.

The best params are those with the lowest validation loss (training loss without a
validation split). Early stopping ends the run after ``patience`` epochs without an
improvement. A non-finite loss or gradient stops the run (E0721) with the last params whose
loss was finite; Ctrl-C stops it (W0701) with the best params so far. Nothing is written
here: the caller writes outputs atomically from the returned :class:`TrainResult`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np

from hrnnc.diagnostics import Code, ConfigurationError, Diagnostic, TrainingError, error, warning
from hrnnc.ir import EvaluationError
from hrnnc.params import resolve_params, rewrite_param_inits, with_param_values
from hrnnc.sim.progress import Progress
from hrnnc.train.losses import Kernel, make_loss

if TYPE_CHECKING:
    from hrnnc.data import Dataset
    from hrnnc.ir import Model
    from hrnnc.train.losses import Loss


@dataclass(frozen=True)
class TrainOptions:
    """Options of :func:`fit` (the flags of ``hrnnc train``)."""

    loss: str = "nll"
    """``nll`` or ``mmd``."""
    epochs: int = 100
    batch: int | None = None
    """Sequences per minibatch; None: the whole training split."""
    lr: float = 0.05
    """Adam's learning rate."""
    seed: int = 0
    """Seeds the validation split and the shuffling."""
    validation: float = 0.2
    """Fraction of the sequences held out (0: none; the best params then follow the training loss)."""
    patience: int = 20
    """Epochs without a validation improvement before stopping early (0: never stop early)."""
    kernel: Kernel | None = None
    """Kernel of the MMD loss (None: Gaussian for qubits, polynomial of degree 2 for qumodes)."""
    squeezing: float | None = None
    """Qumode models: ``r`` of every preparation (None: the simulator's default)."""
    grid_points: int | None = None
    """Qumode NLL: grid points per mode (None: the simulator's default)."""
    extent: float | None = None
    """Qumode NLL: half-width of the position window (None: chosen from the squeezing)."""

    def __post_init__(self) -> None:
        problems = []
        if self.loss not in ("nll", "mmd"):
            problems.append(f"loss must be nll or mmd, not {self.loss!r}")
        if _bad_int(self.epochs, 1):
            problems.append(f"epochs must be a positive integer, not {self.epochs!r}")
        if self.batch is not None and _bad_int(self.batch, 1):
            problems.append(f"batch must be a positive integer, not {self.batch!r}")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            problems.append(f"the learning rate must be a positive number, not {self.lr!r}")
        if _bad_int(self.seed, 0):
            problems.append(f"seed must be a non-negative integer, not {self.seed!r}")
        if not (isinstance(self.validation, (int, float)) and 0 <= self.validation < 1):
            problems.append(f"the validation fraction must be in [0, 1), not {self.validation!r}")
        if _bad_int(self.patience, 0):
            problems.append(f"patience must be a non-negative integer, not {self.patience!r}")
        if problems:
            raise ConfigurationError([error(Code.E0722, p) for p in problems])


def _bad_int(value: Any, least: int) -> bool:
    return isinstance(value, bool) or not isinstance(value, int) or value < least


@dataclass(frozen=True)
class Epoch:
    """One line of the training log."""

    epoch: int
    train_loss: float
    """Mean of the epoch's minibatch losses, weighted by batch size."""
    validation_loss: float | None
    grad_norm: float
    """Mean Euclidean norm of the minibatch gradients."""
    params: dict[str, float]
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "train_loss": self.train_loss, "validation_loss": self.validation_loss,
                "grad_norm": self.grad_norm, "params": self.params, "seconds": round(self.seconds, 6)}


@dataclass(frozen=True)
class TrainResult:
    """What :func:`fit` returns: the trained model and the run's history."""

    model: Model
    """The model with the best params as its initial values."""
    source_model: Model = field(repr=False)
    params: dict[str, float]
    """The best params."""
    initial_params: dict[str, float]
    history: tuple[Epoch, ...]
    best_epoch: int
    """0 when no epoch improved on the initial params."""
    best_loss: float
    """Validation loss (training loss without validation) of :attr:`params`."""
    initial_loss: float
    stopped: str
    """``epochs``, ``early``, ``interrupted`` or ``nan``."""
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def losses(self) -> list[float]:
        """Training loss per epoch."""
        return [e.train_loss for e in self.history]

    @property
    def grad_norms(self) -> list[float]:
        return [e.grad_norm for e in self.history]

    def text(self) -> str:
        """The trained model as text: the original file with only the ``param`` initialisers changed
        (comments and layout kept), or the printed model when it has no source text."""
        from hrnnc.ir import print_model

        params = self.source_model.params
        span = params[0].init.span if params else None
        if span is None:
            return print_model(self.model)
        return rewrite_param_inits(span.source.text, self.source_model, self.params)


def _split(data: Dataset, validation: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled occurrence indices of the training and validation parts."""
    occurrences = np.repeat(np.arange(len(data)), data.counts)
    rng.shuffle(occurrences)
    held = int(round(validation * len(occurrences)))
    if validation > 0 and len(occurrences) >= 2:
        held = min(max(held, 1), len(occurrences) - 1)
    else:
        held = 0
    return occurrences[held:], occurrences[:held]


def _fold(occurrences: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    index, counts = np.unique(occurrences, return_counts=True)
    return index, counts.astype(float)


class _Adam:
    """optax's Adam on a float vector (imported here: JAX loads only when training runs)."""

    def __init__(self, lr: float, start: np.ndarray):
        try:
            import jax
            import optax
        except ImportError:
            raise TrainingError([error(Code.E0723, "training needs optax and JAX: pip install 'hrnnc[train]'")]) \
                from None
        jax.config.update("jax_enable_x64", True)
        self._optax = optax
        self._opt = optax.adam(lr)
        self._state = self._opt.init(start)

    def step(self, vector: np.ndarray, grad: np.ndarray) -> np.ndarray:
        updates, self._state = self._opt.update(grad, self._state, vector)
        return np.asarray(self._optax.apply_updates(vector, updates), dtype=float)


def fit(model: Model, data: Dataset, options: TrainOptions | None = None,
        params: Mapping[str, float] | None = None, *, progress: bool = True,
        on_epoch: Callable[[Epoch], None] | None = None) -> TrainResult:
    """Train every param of ``model`` on ``data``.

    Args:
        model: A checked qubit model.
        data: Sequences with counts (:func:`hrnnc.data.dataset_from`).
        options: Loss, epochs, batch, learning rate, seed, validation, patience, kernel.
        params: Initial values overriding the file's.
        progress: A progress bar with the current loss on stderr (only on a terminal).
        on_epoch: Called after every epoch.

    Raises:
        TrainingError: E0720 zero-probability data (NLL), E0721 a non-finite loss (the
            exception's ``result`` attribute holds the last good params), E0723 a loss the
            model does not support.
    """
    options = options or TrainOptions()
    loss = make_loss(model, data, options.loss, options.kernel, squeezing=options.squeezing,
                     grid_points=options.grid_points, extent=options.extent)
    start = resolve_params(model, params)
    names = loss.names
    vector = np.array([start[n] for n in names], dtype=float)
    rng = np.random.default_rng(options.seed)
    train_occ, val_occ = _split(data, options.validation, rng)
    val_index, val_weights = _fold(val_occ) if len(val_occ) else (None, None)

    def as_dict(vec: np.ndarray) -> dict[str, float]:
        return {n: float(v) for n, v in zip(names, vec)}

    def evaluate(vec: np.ndarray, index: np.ndarray, weights: np.ndarray) -> tuple[float, np.ndarray]:
        try:
            return loss(as_dict(vec), index, weights)
        except EvaluationError:  # e.g. sqrt of a negative number at these params: no finite loss
            return math.nan, np.full(len(names), math.nan)

    def score(vec: np.ndarray) -> float:
        if val_index is None:
            return evaluate(vec, *_fold(train_occ))[0]
        return evaluate(vec, val_index, val_weights)[0]

    initial_loss = score(vector)
    if not math.isfinite(initial_loss):
        raise TrainingError([error(Code.E0721, f"the loss at the initial params is {initial_loss!r}")])
    best = (initial_loss, vector.copy(), 0)
    batch = len(train_occ) if options.batch is None or options.loss == "mmd" else options.batch
    optimizer = _Adam(options.lr, vector)
    history: list[Epoch] = []
    stopped, diagnostics = "epochs", []
    last_good = vector.copy()
    steps_per_epoch = max(1, math.ceil(len(train_occ) / batch))
    step = 0
    bar = Progress("training", progress)
    try:
        for epoch in range(1, options.epochs + 1):
            began = time.perf_counter()
            order = rng.permutation(train_occ)
            total, seen, norms = 0.0, 0, []
            for start_at in range(0, len(order), batch):
                index, weights = _fold(order[start_at:start_at + batch])
                value, grad = evaluate(vector, index, weights)
                if not (math.isfinite(value) and np.all(np.isfinite(grad))):
                    raise _NonFinite(epoch, step, value)
                last_good = vector.copy()
                total += value * weights.sum()
                seen += int(weights.sum())
                norms.append(float(np.linalg.norm(grad)))
                vector = optimizer.step(vector, grad)
                step += 1
                done = (epoch - 1 + (start_at + batch) / max(len(order), 1)) / options.epochs
                bar.update(done, f"epoch {epoch} loss {value:.6g}")
            validation = score(vector) if val_index is not None else None
            if validation is not None and not math.isfinite(validation):
                raise _NonFinite(epoch, step, validation)
            record = Epoch(epoch, total / max(seen, 1), validation, float(np.mean(norms)) if norms else 0.0,
                           as_dict(vector), time.perf_counter() - began)
            history.append(record)
            if on_epoch is not None:
                on_epoch(record)
            current = validation if validation is not None else score(vector)
            if not math.isfinite(current):
                raise _NonFinite(epoch, step, current)
            if current < best[0] - 1e-12 * max(1.0, abs(best[0])):
                best = (current, vector.copy(), epoch)
            elif options.patience and epoch - best[2] >= options.patience:
                stopped = "early"
                break
    except KeyboardInterrupt:
        stopped = "interrupted"
        diagnostics.append(warning(Code.W0701, f"training interrupted after {step} optimiser step(s); the best "
                                               "params so far "
                                               f"(epoch {best[2]}) are kept"))
    except _NonFinite as exc:  # keep the last params whose loss was finite, not the best ones
        stopped = "nan"
        good = as_dict(last_good)
        diagnostics.append(error(Code.E0721, f"the loss became {exc.value!r} after {exc.step} optimiser step(s) "
                                             f"(epoch {exc.epoch}); training stopped and keeps the last params "
                                             "with a finite loss "
                                             f"({', '.join(f'{k}={v!r}' for k, v in good.items())}); try a "
                                             "smaller --lr"))
        best = (score(last_good), last_good, best[2])
    finally:
        bar.close()
    values = as_dict(best[1])
    result = TrainResult(with_param_values(model, values), model, values, start, tuple(history), best[2], best[0],
                         initial_loss, stopped, tuple(diagnostics))
    if stopped == "nan":
        failure = TrainingError([d for d in diagnostics if d.is_error])
        failure.result = result  # type: ignore[attr-defined]
        raise failure
    return result


class _NonFinite(Exception):
    def __init__(self, epoch: int, step: int, value: float):
        super().__init__(f"non-finite loss at epoch {epoch}, step {step}")
        self.epoch, self.step, self.value = epoch, step, value


__all__ = ["Epoch", "TrainOptions", "TrainResult", "fit"]

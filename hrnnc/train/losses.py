"""Training losses with exact gradients: negative log-likelihood and MMD (qubit models).

* :class:`NegativeLogLikelihood`: the mean of ``-log P(y | x)`` over the data (counts
  weight repeated sequences), each term along its own branch (:mod:`.qubit`).
* :class:`MaximumMeanDiscrepancy`: for each distinct input sequence ``x`` of the data,
  ``MMD²(P_θ(·|x), P̂(·|x))`` with a named :class:`Kernel` on output vectors, averaged with
  the data's weight of ``x``. The model side is exact: its outcome strings come from the
  simulator's exact distribution and each one's probability and gradient from its branch.

Every loss maps a dict of param values to ``(loss, gradient)``; the gradient is ordered as
:attr:`Loss.names` (the model's params in declaration order).
"""

from __future__ import annotations

import functools
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

from hrnnc.diagnostics import Code, ConfigurationError, TrainingError, error
from hrnnc.ir import RegisterKind, unroll_steps
from hrnnc.sim import dual
from hrnnc.sim.dual import Dual
from hrnnc.sim.program import cell_ops, merge_ops
from hrnnc.train.qubit import BranchWalker

if TYPE_CHECKING:
    from hrnnc.data import Dataset, InputToken, Record
    from hrnnc.ir import Bindings, Cell, Expr, Model
    from hrnnc.sim.program import Op

MAX_MMD_OUTCOMES = 1 << 12
"""Most outcome strings per input sequence that the exact qubit MMD enumerates."""

KERNELS = ("gaussian", "polynomial")


@dataclass(frozen=True)
class Kernel:
    """A kernel on output vectors (bits as 0/1, or reals).

    ``gaussian``: ``k(y, y') = exp(-‖y − y'‖² / (2σ²))`` (for bits ``‖y − y'‖²`` is the
    Hamming distance); ``polynomial``: ``k(y, y') = (1 + y·y')^d``.
    """

    name: str = "gaussian"
    bandwidth: float = 1.0
    """σ of the Gaussian kernel."""
    degree: int = 2
    """d of the polynomial kernel."""

    def __post_init__(self) -> None:
        if self.name not in KERNELS:
            raise ConfigurationError([error(Code.E0722, f"unknown kernel {self.name!r}; "
                                                        f"choose {' or '.join(KERNELS)}")])
        if not (isinstance(self.bandwidth, (int, float)) and math.isfinite(self.bandwidth) and self.bandwidth > 0):
            raise ConfigurationError([error(Code.E0722, f"kernel bandwidth must be a positive number, "
                                                        f"not {self.bandwidth!r}")])
        if isinstance(self.degree, bool) or not isinstance(self.degree, int) or self.degree < 1:
            raise ConfigurationError([error(Code.E0722, f"kernel degree must be a positive integer, "
                                                        f"not {self.degree!r}")])

    def matrix(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``K[i, j] = k(a_i, b_j)`` for rows of ``a`` and ``b``."""
        if self.name == "gaussian":
            d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
            return np.exp(-np.maximum(d2, 0.0) / (2.0 * self.bandwidth ** 2))
        return (1.0 + a @ b.T) ** self.degree


def _steps(model: Model, inputs: Sequence[InputToken]) -> list[tuple[Cell, tuple[tuple[str, float], ...]]]:
    """The cell and bound token arguments of each input, in time order."""
    return [(step.cell, step.args) for step in unroll_steps(model, inputs)]


def _value(bindings: Bindings[Dual], args: tuple[tuple[str, float], ...]) -> Callable[[Expr], Dual]:
    """The evaluator of one step's expressions (params, consts and the step's arguments)."""
    return functools.partial(bindings, args=dict(args)) if args else bindings


def _keep(angle: Dual) -> Dual | None:
    return None if dual.is_zero(angle) else angle


class Loss(ABC):
    """A differentiable loss of a model's params on a data set."""

    kinds: frozenset[RegisterKind] = frozenset({RegisterKind.QUBITS})
    """Register kinds the loss is implemented for."""

    def __init__(self, model: Model, data: Dataset):
        if model.kind not in self.kinds:
            raise TrainingError([error(Code.E0723, _unsupported(model, type(self).__name__))])
        self.model = model
        self.data = data
        self.names = tuple(p.name for p in model.params)

    def _ops(self, values: Mapping[str, float]) -> Callable[[Sequence[InputToken]], tuple[Op, ...]]:
        """Lowering of input sequences with dual angles (each cell and argument tuple evaluated once)."""
        bindings = dual.bindings(self.model, values, self.names)
        templates: dict[tuple[int, tuple[tuple[str, float], ...]], list[Any]] = {}

        def lower(inputs: Sequence[InputToken]) -> tuple[Op, ...]:
            items: list[Any] = []
            for cell, args in _steps(self.model, inputs):
                key = (id(cell), args)
                if key not in templates:
                    templates[key] = cell_ops(cell, _value(bindings, args))
                items.extend(templates[key])
            return merge_ops(items, _keep)

        return lower

    def _walker(self, ops: tuple[Op, ...]) -> BranchWalker:
        return BranchWalker(self.model.size, ops, len(self.names))

    @abstractmethod
    def __call__(self, values: Mapping[str, float], index: np.ndarray | None = None,
                 weights: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """Loss and gradient on the records at ``index`` (all by default) with ``weights``
        (their counts by default)."""


def _zero_probability(record: Record, model: Model, output: int | None) -> TrainingError:
    where = f"line {record.line}" if record.line else "a record"
    at = f" (output {output + 1} is impossible)" if output is not None else ""
    return TrainingError([error(
        Code.E0720, f"the sequence at {where} has probability zero under model '{model.name}'{at}: inputs "
                    f"'{record.input_text()}', outputs {''.join(str(int(v)) for v in record.outputs)}; its "
                    "negative log-likelihood is infinite. Train with --loss mmd, or start from other param values")])


class NegativeLogLikelihood(Loss):
    """Mean ``-log P(outputs | inputs)`` over the (weighted) records."""

    def _walkers(self, values: Mapping[str, float]) -> Callable[[tuple[InputToken, ...]], Any]:
        """Builds the walker of an input sequence at ``values``."""
        lower = self._ops(values)
        return lambda inputs: self._walker(lower(inputs))

    def _impossible(self, record: Record, result: Any) -> TrainingError:
        return _zero_probability(record, self.model, result.impossible_at)

    def per_record(self, values: Mapping[str, float], index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``log P`` of each record at ``index`` and the gradients (rows)."""
        build = self._walkers(values)
        logs = np.empty(len(index))
        grads = np.empty((len(index), len(self.names)))
        groups: dict[tuple[InputToken, ...], list[int]] = {}
        for row, i in enumerate(index):
            groups.setdefault(self.data.records[int(i)].inputs, []).append(row)
        first_impossible: tuple[int, Record, Any] | None = None
        for inputs, rows in groups.items():  # one walker alive at a time (a qumode one holds grids)
            walker = build(inputs)
            for row in rows:
                record = self.data.records[int(index[row])]
                result = walker.log_prob(record.outputs)
                if math.isinf(result.log_prob):
                    if first_impossible is None or row < first_impossible[0]:
                        first_impossible = (row, record, result)
                    break
                logs[row], grads[row] = result.log_prob, result.grad
        if first_impossible is not None:  # the first in the data's order, as a reader expects
            raise self._impossible(*first_impossible[1:])
        return logs, grads

    def __call__(self, values: Mapping[str, float], index: np.ndarray | None = None,
                 weights: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """Loss and gradient on the records at ``index`` (all by default) with ``weights``
        (their counts by default)."""
        index = np.arange(len(self.data)) if index is None else np.asarray(index)
        weights = self.data.counts[index].astype(float) if weights is None else np.asarray(weights, dtype=float)
        logs, grads = self.per_record(values, index)
        total = float(weights.sum())
        return float(-(weights @ logs) / total), -(weights @ grads) / total


class MaximumMeanDiscrepancy(Loss):
    """``Σ_x w_x MMD²(P_θ(·|x), P̂(·|x))`` with a :class:`Kernel`; exact in the model's distribution."""

    def __init__(self, model: Model, data: Dataset, kernel: Kernel | None = None):
        super().__init__(model, data)
        self.kernel = kernel or Kernel()

    def __call__(self, values: Mapping[str, float], index: np.ndarray | None = None,
                 weights: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        from hrnnc.sim.qubit import exact_distribution

        index = np.arange(len(self.data)) if index is None else np.asarray(index)
        weights = self.data.counts[index].astype(float) if weights is None else np.asarray(weights, dtype=float)
        chosen: dict[tuple[InputToken, ...], list[tuple[int, float]]] = {}
        for i, w in zip(index, weights):
            chosen.setdefault(self.data.records[int(i)].inputs, []).append((int(i), float(w)))
        total = float(weights.sum())
        lower = self._ops(values)
        loss, grad = 0.0, np.zeros(len(self.names))
        for inputs, members in chosen.items():
            tokens = [name if not args else (name, args) for name, args in inputs]
            support = exact_distribution(self.model, tokens, values)
            if len(support) > MAX_MMD_OUTCOMES:
                shown = " ".join(name for name, _ in inputs)
                raise TrainingError([error(Code.E0723, f"the exact MMD enumerates the model's outcome strings, and "
                                                       f"'{shown}' has {len(support):,} (more than "
                                                       f"{MAX_MMD_OUTCOMES:,}); use --loss nll")])
            walker = self._walker(lower(inputs))
            strings = list(support)
            probs, dprobs = np.zeros(len(strings)), np.zeros((len(strings), len(self.names)))
            for row, bits in enumerate(strings):
                result = walker.log_prob([int(c) for c in bits])
                if not math.isinf(result.log_prob):
                    probs[row] = math.exp(result.log_prob)
                    dprobs[row] = probs[row] * result.grad
            model_y = np.array([[int(c) for c in s] for s in strings], dtype=float).reshape(len(strings), -1)
            data_y = np.array([self.data.records[i].outputs for i, _ in members], dtype=float)
            data_y = data_y.reshape(len(members), -1)
            data_w = np.array([w for _, w in members])
            group = float(data_w.sum())
            data_p = data_w / group
            k_mm = self.kernel.matrix(model_y, model_y)
            k_md = self.kernel.matrix(model_y, data_y)
            k_dd = self.kernel.matrix(data_y, data_y)
            mmd2 = probs @ k_mm @ probs - 2.0 * probs @ k_md @ data_p + data_p @ k_dd @ data_p
            d_mmd2 = dprobs.T @ (2.0 * k_mm @ probs - 2.0 * k_md @ data_p)
            loss += group / total * float(mmd2)
            grad += group / total * d_mmd2
        return loss, grad


def _unsupported(model: Model, loss: str) -> str:
    if model.kind is RegisterKind.QUBITS:
        return f"{loss} is not available for qubit model '{model.name}'"
    if loss == "NegativeLogLikelihood":
        return (f"model '{model.name}' has qumodes: NegativeLogLikelihood is the qubit likelihood; use "
                "QumodeNegativeLogLikelihood (make_loss(model, data, 'nll') picks it)")
    return f"model '{model.name}' has qumodes: use --loss mmd --kernel polynomial (exact moments, docs/semantics.md §10)"


MAX_GRID_MODES = 3
"""Most modes the grid likelihood takes (``points^n`` amplitudes per derivative)."""


class QumodeNegativeLogLikelihood(NegativeLogLikelihood):
    """Mean ``-log p(outputs | inputs)`` of a qumode model with at most :data:`MAX_GRID_MODES` modes:
    the product of the conditional homodyne densities along each record's own branch on the grid
    simulator's position grid, with its exact gradient (:mod:`.qumode`, forward mode).

    Args:
        squeezing: ``r`` of every preparation (the simulator's default unless given); data from
            ``hrnnc simulate --squeezing R`` want the same ``R``.
        grid_points: Grid points per mode (default 128, as the simulator).
        extent: Half-width of the position window (default: chosen from the squeezing, as the simulator).
    """

    kinds = frozenset({RegisterKind.QUMODES})

    def __init__(self, model: Model, data: Dataset, squeezing: float | None = None, grid_points: int | None = None,
                 extent: float | None = None):
        super().__init__(model, data)
        if model.size > MAX_GRID_MODES:
            raise TrainingError([error(Code.E0723, f"model '{model.name}' has {model.size} qumodes: the exact "
                                                   f"likelihood runs on the position grid, for at most "
                                                   f"{MAX_GRID_MODES} modes; train with --loss mmd --kernel "
                                                   "polynomial (exact moments for any number of modes)")])
        from hrnnc.sim.cvgrid import Grid, check_squeezing
        from hrnnc.sim.conventions import DEFAULT_SQUEEZING

        try:
            self.squeezing = check_squeezing(DEFAULT_SQUEEZING if squeezing is None else squeezing)
            self.grid = Grid.for_squeezing(self.squeezing, grid_points, extent)
        except ValueError as exc:
            raise ConfigurationError([error(Code.E0722, str(exc))]) from None

    def _walkers(self, values: Mapping[str, float]) -> Callable[[tuple[InputToken, ...]], Any]:
        from hrnnc.sim.qumode import lower_qumode_run
        from hrnnc.train.qumode import GridWalker

        bindings = dual.bindings(self.model, values, self.names)

        def walker(inputs: tuple[InputToken, ...]) -> GridWalker:
            ops = lower_qumode_run(self.model, inputs, bindings=bindings)
            return GridWalker(ops, self.model.size, self.squeezing, self.grid, len(self.names))

        return walker

    def _impossible(self, record: Record, result: Any) -> TrainingError:
        where = f"line {record.line}" if record.line else "a record"
        t = result.impossible_at
        return TrainingError([error(
            Code.E0720, f"the sequence at {where} has density zero under model '{self.model.name}' on the grid: "
                        f"output {t + 1} ({record.outputs[t]!r}) is impossible there: {result.reason}; inputs "
                        f"'{record.input_text()}'. Its negative log-likelihood is infinite. Train with --loss mmd, "
                        "or start from other param values")])


class QumodeMMD(Loss):
    """Polynomial-kernel MMD of a qumode model, ``k(y, y') = (1 + y·y')^d``, exact by the moment
    simulator (:func:`hrnnc.sim.mmd.mmd`: Heisenberg picture and Wick's theorem, docs/semantics.md §10), with
    its exact gradient. It depends only on moments of order ≤ d, so it needs no grid and works
    for any number of modes."""

    kinds = frozenset({RegisterKind.QUMODES})

    def __init__(self, model: Model, data: Dataset, kernel: Kernel | None = None, squeezing: float | None = None):
        super().__init__(model, data)
        self.kernel = kernel or Kernel("polynomial")
        self.squeezing = squeezing
        if self.kernel.name != "polynomial":
            raise TrainingError([error(Code.E0723, f"qumode model '{model.name}': the exact MMD needs the "
                                                   "polynomial kernel (--kernel polynomial); a Gaussian kernel "
                                                   "depends on every moment")])

    def __call__(self, values: Mapping[str, float], index: np.ndarray | None = None,
                 weights: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        from hrnnc.sim.mmd import mmd

        index = np.arange(len(self.data)) if index is None else np.asarray(index)
        weights = self.data.counts[index].astype(float) if weights is None else np.asarray(weights, dtype=float)
        pairs = []
        for i in index:
            record = self.data.records[int(i)]
            inputs = [name if not args else [name, list(args)] for name, args in record.inputs]
            pairs.append((inputs, list(record.outputs)))
        options = {} if self.squeezing is None else {"squeezing": self.squeezing}
        result = mmd(self.model, pairs, degree=self.kernel.degree, offset=1.0, params=values, gradient=True,
                     weights=list(weights), **options)
        return float(result.value), np.array([result.gradient[name] for name in self.names], dtype=float)


def make_loss(model: Model, data: Dataset, loss: str = "nll", kernel: Kernel | None = None, *,
              squeezing: float | None = None, grid_points: int | None = None, extent: float | None = None) -> Loss:
    """The loss named ``nll`` or ``mmd``.

    ``kernel`` defaults to the Gaussian kernel for qubit models and to the polynomial kernel
    of degree 2 for qumode models. ``squeezing`` (both qumode losses), ``grid_points`` and
    ``extent`` (the qumode NLL's grid) apply to qumode models only.

    Raises:
        ConfigurationError: Another name, or qumode options for a qubit model or out of range (E0722).
        TrainingError: The model cannot be trained with it (E0723).
    """
    grid_options = {"squeezing": squeezing, "grid_points": grid_points, "extent": extent}
    if model.kind is RegisterKind.QUBITS and any(v is not None for v in grid_options.values()):
        given = ", ".join(f"--{k.replace('_', '-')}" for k, v in grid_options.items() if v is not None)
        raise ConfigurationError([error(Code.E0722, f"{given} applies to qumode models; '{model.name}' has qubits")])
    if loss == "nll":
        if model.kind is RegisterKind.QUMODES:
            return QumodeNegativeLogLikelihood(model, data, squeezing, grid_points, extent)
        return NegativeLogLikelihood(model, data)
    if loss == "mmd":
        if grid_points is not None or extent is not None:
            raise ConfigurationError([error(Code.E0722, "--grid-points and --extent set the grid of --loss nll; the "
                                                        "qumode MMD uses exact moments, without a grid")])
        if model.kind is RegisterKind.QUMODES:
            return QumodeMMD(model, data, kernel or Kernel("polynomial"), squeezing)
        return MaximumMeanDiscrepancy(model, data, kernel or Kernel("gaussian"))
    raise ConfigurationError([error(Code.E0722, f"unknown loss {loss!r}; choose nll or mmd")])


__all__ = ["KERNELS", "MAX_GRID_MODES", "MAX_MMD_OUTCOMES", "Kernel", "Loss", "MaximumMeanDiscrepancy",
           "NegativeLogLikelihood", "QumodeMMD", "QumodeNegativeLogLikelihood", "make_loss"]

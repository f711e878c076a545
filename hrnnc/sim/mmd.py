"""Polynomial-kernel MMD between a qumode model's output distribution and data, with its exact gradient.

Kernel ``k(y, y') = (c + y·y')^d`` on output vectors of one input sequence. For data grouped by
input sequence (group ``g``: ``N_g`` output vectors ``x_i``, model outputs ``Y`` and an independent
copy ``Y'``),

    MMD²_g = E[k(Y, Y')] − (2/N_g) Σ_i E[k(Y, x_i)] + (1/N_g²) Σ_{i,i'} k(x_i, x_{i'}),

and the loss is ``Σ_g (N_g/N) MMD²_g`` (with weights, ``N_g`` is a group's total weight and
each ``x_i`` counts with its weight). Expanding ``(c + s)^d = Σ_j C(d,j) c^{d−j} s^j``:
``E[(Y·Y')^j] = Σ_{t_1…t_j} E[Y_{t_1}⋯Y_{t_j}]²`` and ``E[(Y·x)^j] = E[(x·Y)^j]``, the ``j``-th
moment of the single commuting operator ``x·Y``. So degree ``d`` needs the raw moments of order
≤ d only (not 2d): order ≤ 2 from means and covariance (vectorised), order ≥ 3 one joint moment
per multiset of outputs (capped by ``MAX_JOINT_MOMENTS``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations_with_replacement
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from hrnnc.diagnostics import Code, SimulationError, error
from hrnnc.sim import dual
from hrnnc.sim.checks import MAX_JOINT_MOMENTS, check_order, check_squeezing, overflow, run_operators
from hrnnc.sim.conventions import DEFAULT_SQUEEZING
from hrnnc.sim.heisenberg import Output
from hrnnc.sim.wick import MomentEngine

if TYPE_CHECKING:
    from hrnnc.ir import Model


@dataclass(frozen=True)
class MMD:
    """The loss and its gradient."""

    value: float
    """``Σ_g (N_g/N) MMD²_g``."""
    gradient: Mapping[str, float]
    """``∂ value / ∂ param`` for every param (empty unless asked)."""
    degree: int
    offset: float
    sequences: float
    """Total weight of the data sequences used (their number when unweighted)."""
    groups: int
    """Distinct input sequences among them."""


def _input_key(inputs: Any) -> tuple[Any, ...]:
    if isinstance(inputs, str):
        return tuple(inputs.split())
    return tuple(item if isinstance(item, str) else (item[0], tuple(float(v) for v in item[1])) for item in inputs)


def _pairs(data: Iterable[Any]) -> Iterable[tuple[Any, Sequence[float]]]:
    for item in data:
        if isinstance(item, Mapping):
            yield item["inputs"], item["outputs"]
        elif hasattr(item, "inputs") and hasattr(item, "outputs"):
            yield item.inputs, item.outputs
        else:
            inputs, outputs = item
            yield inputs, outputs


def _square(a: np.ndarray) -> np.ndarray:
    return dual.mul(a, a)


def _sum_squares(values: np.ndarray) -> np.ndarray:
    """``Σ v²`` over all but the last (dual) axis."""
    flat = values.reshape(-1, values.shape[-1])
    out = 2 * flat[:, :1] * flat
    out[:, 0] = flat[:, 0] ** 2
    return out.sum(axis=0)


def _combined(outputs: Sequence[Output], x: np.ndarray) -> Output:
    """``x·Y`` as one operator."""
    momenta: dict[int, np.ndarray] = {}
    positions: dict[tuple[int, ...], np.ndarray] = {}
    for out, w in zip(outputs, x):
        for target, terms in ((momenta, out.momenta), (positions, out.positions)):
            for key, c in terms.items():  # type: ignore[attr-defined]
                prev = target.get(key)
                target[key] = w * c if prev is None else prev + w * c  # type: ignore[index]
    return Output("x·y", momenta, positions)


def _data_term(xs: np.ndarray, probs: np.ndarray, degree: int, offset: float) -> float:
    """``Σ_{i,i'} w_i w_{i'} (c + x_i·x_{i'})^d``, never as an N×N matrix.

    ``Σ w_i w_{i'} (x_i·x_{i'})^j = ‖Σ_i w_i x_i^{⊗j}‖²``: a moment tensor when ``T^j`` is small,
    else row blocks of the Gram matrix.
    """
    count, width = xs.shape
    total = 0.0
    for j in range(degree + 1):
        coef = math.comb(degree, j) * offset ** (degree - j)
        if not coef:
            continue
        if width ** j <= 4096:
            tensor = probs.copy().reshape(count, 1)
            for _ in range(j):
                tensor = (tensor[:, :, None] * xs[:, None, :]).reshape(count, -1)
            moment = tensor.sum(axis=0)
            total += coef * float(moment @ moment)
            continue
        for start in range(0, count, 512):
            block = (xs[start:start + 512] @ xs.T) ** j
            total += coef * float(probs[start:start + 512] @ block @ probs)
    return total


def _group_mmd(engine: MomentEngine, xs: np.ndarray, probs: np.ndarray, degree: int, offset: float) -> np.ndarray:
    size = engine.size
    count = len(engine.run.outputs)
    means, cov = engine.means_and_covariance()
    second = cov + np.einsum("sd,t->std", means, means[:, 0]) + np.einsum("s,td->std", means[:, 0], means)
    second[:, :, 0] = cov[:, :, 0] + np.outer(means[:, 0], means[:, 0])
    weights = [math.comb(degree, j) * offset ** (degree - j) for j in range(degree + 1)]
    model_model = weights[0] * dual.seed(1.0, size)
    for j in range(1, degree + 1):
        if j == 1:
            s = _sum_squares(means)
        elif j == 2:
            s = _sum_squares(second)
        else:
            s = dual.seed(0.0, size)
            for key in combinations_with_replacement(range(count), j):
                mult = math.factorial(j) / math.prod(math.factorial(key.count(t)) for t in set(key))
                s = s + mult * _square(engine.moment(key))
        model_model = model_model + weights[j] * s
    model_data = weights[0] * dual.seed(1.0, size)
    mean_x = probs @ xs
    model_data = model_data + weights[1] * np.tensordot(mean_x, means, axes=(0, 0))
    if degree >= 2:
        scatter = (xs * probs[:, None]).T @ xs  # Σ_i w_i x_i x_iᵀ
        model_data = model_data + weights[2] * np.tensordot(scatter, second, axes=([0, 1], [0, 1]))
    combined = [(engine.add_output(_combined(engine.run.outputs, x)), w) for x, w in zip(xs, probs)
                if w and degree >= 3]
    for j in range(3, degree + 1):
        term = dual.seed(0.0, size)
        for z, w in combined:
            term = term + w * engine.moment([z] * j)
        model_data = model_data + weights[j] * term
    out = model_model - 2 * model_data
    out[0] += _data_term(xs, probs, degree, offset)  # no gradient
    return out


def mmd(
    model: Model,
    data: Iterable[Any],
    degree: int = 2,
    offset: float = 1.0,
    *,
    squeezing: float = DEFAULT_SQUEEZING,
    params: Mapping[str, float] | None = None,
    gradient: bool = True,
    weights: Sequence[float] | None = None,
) -> MMD:
    """The polynomial-kernel MMD² between the model and data, and its gradient.

    Args:
        model: A checked qumode model.
        data: Sequences, each ``(inputs, outputs)``, a ``{"inputs", "outputs"}`` mapping (the JSON
            Lines record of ``hrnnc.data``) or an object with those attributes; inputs as
            :func:`hrnnc.ir.unroll` takes them (a token with arguments may be ``[name, [values]]``),
            outputs the real measured values in time order.
        degree: ``d`` of the kernel ``(c + y·y')^d`` (1 … ``MAX_MOMENT_ORDER``).
        offset: ``c ≥ 0``.
        squeezing: ``r`` of every preparation.
        params: Param values overriding the initial values.
        gradient: Also give ``∂MMD²/∂param`` for every param.
        weights: A weight (count) per data sequence; default 1 each. Groups are weighted by
            their total weight and the data side of each group by its members' weights.

    Raises:
        SimulationError: E0610 (degree), E0612 (qubit model), E0615 (data does not fit the model), E0611
            (overflow), E0614 (a degree ≥ 3 needs too many joint moments).
    """
    check_order(degree, "MMD kernel degree")
    r = check_squeezing(squeezing)
    groups: dict[tuple[Any, ...], list[tuple[Sequence[float], float]]] = {}
    pairs = list(_pairs(data))
    ws = [1.0] * len(pairs) if weights is None else [float(w) for w in weights]
    if len(ws) != len(pairs) or not all(math.isfinite(w) and w >= 0 for w in ws):
        raise SimulationError([error(Code.E0615, f"{len(ws)} weights for {len(pairs)} data sequences (each must "
                                     "be a finite number ≥ 0)")])
    for (inputs, outputs), w in zip(pairs, ws):
        groups.setdefault(_input_key(inputs), []).append((outputs, w))
    total_count = sum(w for rows in groups.values() for _, w in rows)
    if not pairs or total_count <= 0:
        raise SimulationError([error(Code.E0615, "no data sequences were given")])
    result: np.ndarray | None = None
    directions: tuple[str, ...] = ()
    for number, (key, rows) in enumerate(groups.items()):
        run = run_operators(model, list(key), params, gradient)
        directions = run.directions
        count = len(run.outputs)
        for row, _ in rows:
            if len(row) != count:
                raise SimulationError([error(Code.E0615, f"a data sequence (group {number + 1}) has {len(row)} "
                                             f"output(s), but the model measures {count} time(s) on its inputs")])
        if degree >= 3 and math.comb(count + degree - 1, degree) > MAX_JOINT_MOMENTS:
            raise SimulationError([error(Code.E0614, f"an MMD of degree {degree} over {count} outputs needs "
                                         f"{math.comb(count + degree - 1, degree):,} joint moments, more than "
                                         f"{MAX_JOINT_MOMENTS:,}; use degree ≤ 2 or shorter sequences")])
        xs = np.asarray([row for row, _ in rows], dtype=float).reshape(len(rows), count)
        w = np.array([w for _, w in rows])
        if w.sum() <= 0:
            continue
        with np.errstate(all="ignore"):
            value = _group_mmd(MomentEngine(run, r), xs, w / w.sum(), degree, offset) * (w.sum() / total_count)
        result = value if result is None else result + value
    if result is None:
        raise SimulationError([error(Code.E0615, "every data sequence has weight 0")])
    if not np.all(np.isfinite(result)):
        raise overflow(f"the degree-{degree} MMD", r, degree, model.degree.value)
    return MMD(float(result[0]), {d: float(g) for d, g in zip(directions, result[1:])}, degree, float(offset),
               float(total_count), len(groups))


__all__ = ["MMD", "mmd"]

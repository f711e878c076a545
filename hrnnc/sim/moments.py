"""Exact output moments of qumode models in the Heisenberg picture (docs/semantics.md §10), with gradients.

Polynomial in the model size: the cost is that of tracking each mode's ``p`` as a sparse
polynomial over source modes (:mod:`hrnnc.sim.heisenberg`) and of Gaussian moments of the
outputs (:mod:`hrnnc.sim.wick`); see docs/simulator.md for the cost model. The grid simulator
(:mod:`hrnnc.sim.qumode`) stays the sampler; this module gives what a loss needs:

* :func:`output_moments` — means, covariance and raw joint moments up to order ``m``;
* :func:`observable_value` — ``⟨O⟩`` of a q/p polynomial after the run;
* :func:`mmd` — the polynomial-kernel MMD between model and data, with its exact gradient.

Gradients are forward mode (:mod:`hrnnc.sim.dual`): every coefficient carries its derivative
with respect to every param (and, on request, every token argument), so a moment and its
gradient come out of the same pass, at a cost that grows linearly with the number of directions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations_with_replacement
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from hrnnc.diagnostics import Code, SimulationError, error
from hrnnc.sim.conventions import DEFAULT_SQUEEZING
from hrnnc.sim.checks import (
    MAX_JOINT_MOMENTS,
    MAX_MOMENT_ORDER,
    check_order,
    check_squeezing,
    overflow,
    require_qumodes,
    run_operators,
)
from hrnnc.sim.mmd import MMD, mmd
from hrnnc.sim.observable import Observable, observable_expectation
from hrnnc.sim.steps import input_labels
from hrnnc.sim.wick import MomentEngine

if TYPE_CHECKING:
    from hrnnc.ir import Model

@dataclass(frozen=True)
class Moments:
    """Output moments of one qumode run (values; gradients when asked)."""

    model: str
    inputs: tuple[Any, ...]
    outputs: tuple[str, ...]
    """Output names in time order."""
    squeezing: float
    order: int
    means: np.ndarray
    """``E[y_t]``, shape ``(T,)``."""
    covariance: np.ndarray
    """``Cov(y_s, y_t)``, shape ``(T, T)`` (empty when ``order < 2``)."""
    joint: Mapping[tuple[int, ...], float] = field(default_factory=dict)
    """Raw moments ``E[y_{t_1} ⋯ y_{t_j}]`` for ``3 ≤ j ≤ order``, keyed by sorted output indices."""
    directions: tuple[str, ...] = ()
    """What the gradients are taken with respect to (param names, ``"<step>:<arg>"``)."""
    means_gradient: np.ndarray | None = None
    """``∂E[y_t]/∂θ_d``, shape ``(T, P)``."""
    covariance_gradient: np.ndarray | None = None
    """``∂Cov/∂θ_d``, shape ``(T, T, P)``."""
    joint_gradient: Mapping[tuple[int, ...], np.ndarray] = field(default_factory=dict)
    observables: tuple[tuple[str, complex], ...] = ()
    """``(text, ⟨O⟩)`` for each observable asked for (the modes after the run)."""
    note: str | None = None
    """Why this method was chosen, when it was chosen automatically (the CLI prints it)."""

    def with_observables(self, values: Sequence[tuple[str, complex]]) -> Moments:
        from dataclasses import replace

        return replace(self, observables=tuple(values))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.model, "kind": "qumodes", "method": "moments", "inputs": [str(i) for i in self.inputs],
            "outputs": list(self.outputs), "squeezing": self.squeezing, "order": self.order,
            "means": self.means.tolist(), "covariance": self.covariance.tolist(),
            "moments": [{"outputs": list(k), "value": v} for k, v in self.joint.items()],
        }
        if self.observables:
            out["observables"] = [{"observable": text, "value": value.real, "imag": value.imag}
                                  for text, value in self.observables]
        if self.directions:
            out["gradient"] = {
                "directions": list(self.directions),
                "means": self.means_gradient.tolist() if self.means_gradient is not None else None,
                "covariance": self.covariance_gradient.tolist() if self.covariance_gradient is not None else None,
                "moments": [{"outputs": list(k), "value": v.tolist()} for k, v in self.joint_gradient.items()],
            }
        return out

    def to_text(self) -> str:
        lines = [f"{self.model}: exact moments of {len(self.outputs)} output(s), Heisenberg picture, "
                 f"squeezing r = {self.squeezing:g}"]
        for t, name in enumerate(self.outputs):
            std = math.sqrt(max(0.0, self.covariance[t, t])) if self.covariance.size else float("nan")
            lines.append(f"  y{t} ({name}): mean {self.means[t]:.10g}  std {std:.10g}")
        if self.covariance.size and len(self.outputs) > 1:
            lines.append("covariance:")
            lines.extend("  " + " ".join(f"{v: .6g}" for v in row) for row in self.covariance)
        for key, value in self.joint.items():
            lines.append(f"E[{' '.join(f'y{t}' for t in key)}] = {value:.10g}")
        for text, value in self.observables:
            shown = f"{value.real:.10g}" if value.imag == 0 else f"{value.real:.10g} {value.imag:+.10g}i"
            lines.append(f"<{text}> = {shown}")
        return "\n".join(lines)


def output_moments(
    model: Model,
    inputs: str | Iterable[Any],
    order: int = 2,
    *,
    squeezing: float = DEFAULT_SQUEEZING,
    params: Mapping[str, float] | None = None,
    gradient: bool = False,
    argument_gradient: bool = False,
    outputs: Sequence[int] | None = None,
) -> Moments:
    """Exact means, covariance and raw joint moments up to ``order`` of every output.

    Args:
        model: A checked qumode model.
        inputs: The input sequence.
        order: Highest moment order (1: means; 2: and covariance; ≥ 3: and every raw joint
            moment ``E[y_{t_1} ⋯ y_{t_j}]``, ``3 ≤ j ≤ order``, over ``outputs``).
        squeezing: ``r`` of every preparation.
        params: Param values overriding the initial values.
        gradient: Also give derivatives with respect to every param.
        argument_gradient: Also with respect to every token argument.
        outputs: Output indices the joint moments of order ≥ 3 range over (default all).

    Raises:
        ConfigurationError: An invalid squeezing.
        SimulationError: E0610 (order), E0612 (qubit model), E0611 (a moment overflows), E0614 (too many
            joint moments), E0601 (memory).
    """
    check_order(order)
    r = check_squeezing(squeezing)
    inputs = inputs if isinstance(inputs, str) else list(inputs)
    run = run_operators(model, inputs, params, gradient, argument_gradient)
    engine = MomentEngine(run, r)
    count = len(run.outputs)
    chosen = list(range(count)) if outputs is None else [int(t) for t in outputs]
    bad = [t for t in chosen if not 0 <= t < count]
    if bad:
        raise SimulationError([error(Code.E0614, f"output index {bad[0]} does not exist (the run has {count} "
                                        "outputs)")])
    wanted = sum(math.comb(len(chosen) + j - 1, j) for j in range(3, order + 1))
    if wanted > MAX_JOINT_MOMENTS:
        raise SimulationError([error(Code.E0614, f"order {order} over {len(chosen)} outputs is {wanted:,} joint "
                                     f"moments, more than {MAX_JOINT_MOMENTS:,}; pass fewer outputs or a lower order")])
    with np.errstate(all="ignore"):
        means, cov = engine.means_and_covariance()
        joint = {key: engine.moment(key) for j in range(3, order + 1)
                 for key in combinations_with_replacement(chosen, j)}
    names = [o.name for o in run.outputs]
    _check_finite(means, cov if order >= 2 else None, joint, r, model.degree.value)
    cov = cov if order >= 2 else np.zeros((0, 0, run.size))
    grads = bool(run.directions)
    return Moments(
        model=model.name, inputs=input_labels(model, inputs), outputs=tuple(names),
        squeezing=r, order=order, means=means[:, 0].copy(), covariance=cov[:, :, 0].copy(),
        joint={k: float(v[0]) for k, v in joint.items()}, directions=run.directions,
        means_gradient=means[:, 1:].copy() if grads else None,
        covariance_gradient=cov[:, :, 1:].copy() if grads else None,
        joint_gradient={k: v[1:].copy() for k, v in joint.items()} if grads else {},
    )


def _check_finite(means: np.ndarray, cov: np.ndarray | None, joint: Mapping[tuple[int, ...], np.ndarray],
                  r: float, degree: int) -> None:
    for t in range(means.shape[0]):
        if not np.all(np.isfinite(means[t])):
            raise overflow(f"E[y{t}]", r, 1, degree)
    if cov is not None:
        bad = np.argwhere(~np.all(np.isfinite(cov), axis=2))
        if bad.size:
            s, t = (int(x) for x in bad[0])
            raise overflow(f"Cov(y{s}, y{t})", r, 2, degree)
    for key, value in joint.items():
        if not np.all(np.isfinite(value)):
            raise overflow(f"E[{' '.join(f'y{t}' for t in key)}]", r, len(key), degree)


def observable_value(
    model: Model,
    inputs: str | Iterable[Any],
    observable: str | Observable,
    *,
    squeezing: float = DEFAULT_SQUEEZING,
    params: Mapping[str, float] | None = None,
    gradient: bool = False,
) -> tuple[complex, dict[str, complex]]:
    """``⟨O⟩`` after the run (averaged over every measurement outcome) and its gradient.

    Args:
        observable: The observable's text (see :mod:`hrnnc.sim.observable`) or an
            :class:`Observable`; its quadratures are those of the modes at the end of the run.

    Returns:
        ``(value, {param: derivative})`` (the dict is empty unless ``gradient``). A Hermitian
        observable has a real value up to rounding.

    Raises:
        SimulationError: E0613 (not a polynomial in the register's quadratures).
    """
    require_qumodes(model)
    obs = Observable.parse(observable, model.size) if isinstance(observable, str) else observable
    outside = sorted(m for m in obs.modes if not 0 <= m < model.size)
    if outside:
        raise SimulationError([error(Code.E0613, f"the observable uses mode {outside[0]}, outside the register "
                                        f"(modes 0…{model.size - 1})")])
    r = check_squeezing(squeezing)
    run = run_operators(model, inputs, params, gradient)
    with np.errstate(all="ignore"):
        value = observable_expectation(run, obs, r)
    if not np.all(np.isfinite(value)):
        raise overflow("the observable's expectation", r, max((len(w) for _, w in obs.terms), default=1),
                        model.degree.value)
    return complex(value[0]), {d: complex(v) for d, v in zip(run.directions, value[1:])}


__all__ = ["MAX_JOINT_MOMENTS", "MAX_MOMENT_ORDER", "MMD", "Moments", "Observable", "mmd", "observable_value",
           "output_moments", "run_operators"]

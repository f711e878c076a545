"""Argument checks and coded diagnostics shared by the qumode moment functions (E0610–E0615)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping

from hrnnc.diagnostics import Code, ConfigurationError, SimulationError, error
from hrnnc.ir import RegisterKind
from hrnnc.sim.heisenberg import HeisenbergRun, heisenberg_run

if TYPE_CHECKING:
    from hrnnc.ir import Model

MAX_MOMENT_ORDER = 8
"""Highest moment order (and MMD kernel degree) accepted (E0610): the partition formula sums
over set partitions of the factors (4,140 for order 8) and products of order-8 polynomials."""
MAX_JOINT_MOMENTS = 200_000
"""Most raw joint moments of order ≥ 3 one call may compute (E0614)."""


def check_order(order: int, what: str = "moment order") -> None:
    if isinstance(order, bool) or not isinstance(order, int) or order < 1 or order > MAX_MOMENT_ORDER:
        raise SimulationError([error(Code.E0610, f"{what} {order!r} is not supported: it must be an integer "
                                        f"from 1 to {MAX_MOMENT_ORDER}")])


def check_squeezing(squeezing: float) -> float:
    r = float(squeezing)
    if not (math.isfinite(r) and r >= 0):
        raise ConfigurationError(f"squeezing must be a non-negative number, not {squeezing}")
    if 2 * r > 700:
        raise overflow("the source variance e^{2r}/2", r, 1, 1)
    return r


def overflow(what: str, r: float, order: int, degree: int) -> SimulationError:
    # A moment of order m of degree-(k−1) outputs scales like e^{r·m·max(1, k−1)}; a double ends at e^709.
    suggest = math.floor(100 * 700 / (order * max(1, degree - 1) + 1)) / 100
    return SimulationError([error(Code.E0611, f"{what} overflows a double at squeezing r = {r:g}; "
                                  f"use a smaller squeezing (about r ≤ {min(suggest, r / 2):.3g})")])


def require_qumodes(model: Model) -> None:
    if model.kind is not RegisterKind.QUMODES:
        raise SimulationError([error(Code.E0612, f"model '{model.name}' has a qubit register; exact moments "
                                     "(Heisenberg picture) are for qumode models: simulate qubits with "
                                     "'hrnnc simulate' without --moments", model.register.span)])


def run_operators(model: Model, inputs: Any, params: Mapping[str, float] | None = None,
                  gradient: bool = False, argument_gradient: bool = False) -> HeisenbergRun:
    """The outputs of one run as operators over source modes (:func:`heisenberg_run`), checked."""
    require_qumodes(model)
    return heisenberg_run(model, inputs, params, gradient=gradient, argument_gradient=argument_gradient)


__all__ = ["MAX_JOINT_MOMENTS", "MAX_MOMENT_ORDER", "check_order", "check_squeezing", "overflow",
           "require_qumodes", "run_operators"]

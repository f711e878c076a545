"""Exact derivatives of angle expressions: forward-mode dual numbers through the IR's own evaluator.

Every angle, weight and const is an :mod:`hrnnc.ir.expr` expression. Evaluating it with
:data:`DUAL` instead of :data:`~hrnnc.ir.expr.FLOAT` yields its value together with its
gradient with respect to every param (one seed vector per param), by the chain rule at
each node: ``+ - * /``, unary minus and ``sin cos exp sqrt``. Consts are evaluated once
under the same arithmetic, so derivatives flow through them; token arguments enter as
constants (zero gradient). The result is exact to rounding: no step size is involved.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from hrnnc.ir import Arithmetic, Bindings

if TYPE_CHECKING:
    from hrnnc.ir import Model


class Dual:
    """A value and its gradient with respect to the params (a float vector)."""

    __slots__ = ("value", "grad")

    def __init__(self, value: float, grad: np.ndarray):
        self.value = value
        self.grad = grad

    def __add__(self, other: Dual | float) -> Dual:
        if isinstance(other, Dual):
            return Dual(self.value + other.value, self.grad + other.grad)
        return Dual(self.value + other, self.grad)

    __radd__ = __add__

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.grad)

    def __sub__(self, other: Dual) -> Dual:
        return Dual(self.value - other.value, self.grad - other.grad)

    def __mul__(self, other: Dual) -> Dual:
        return Dual(self.value * other.value, self.grad * other.value + other.grad * self.value)

    def __truediv__(self, other: Dual) -> Dual:
        if other.value == 0.0:
            raise ZeroDivisionError
        q = self.value / other.value
        return Dual(q, (self.grad - other.grad * q) / other.value)

    def is_zero(self) -> bool:
        return self.value == 0.0 and not self.grad.any()

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.grad!r})"


def _chain(f: float, df: float, x: Dual) -> Dual:
    if not (math.isfinite(f) and math.isfinite(df)):
        raise ValueError("no finite value or derivative")
    return Dual(f, x.grad * df)


def _sqrt(x: Dual) -> Dual:
    if x.value <= 0.0:
        raise ValueError("sqrt is not differentiable at or below 0")
    root = math.sqrt(x.value)
    return Dual(root, x.grad * (0.5 / root))


def dual_arithmetic(size: int) -> Arithmetic[Dual]:
    """Dual arithmetic for ``size`` params (constants get a zero gradient)."""
    zero = np.zeros(size)
    return Arithmetic(
        number=lambda v: Dual(float(v), zero),
        add=lambda a, b: a + b,
        sub=lambda a, b: a - b,
        mul=lambda a, b: a * b,
        div=lambda a, b: a / b,
        neg=lambda a: -a,
        functions={
            "sin": lambda x: _chain(math.sin(x.value), math.cos(x.value), x),
            "cos": lambda x: _chain(math.cos(x.value), -math.sin(x.value), x),
            "exp": lambda x: _chain(math.exp(x.value), math.exp(x.value), x),
            "sqrt": _sqrt,
        },
    )


def dual_bindings(model: Model, names: Sequence[str], values: Mapping[str, float]) -> Bindings[Dual]:
    """Bindings whose params are seeded duals: ``d name_i / d name_j = δ_ij`` over ``names``."""
    size = len(names)
    eye = np.eye(size)
    seeds = {name: Dual(float(values[name]), eye[i]) for i, name in enumerate(names)}
    return Bindings(model, dual_arithmetic(size), seeds)


__all__ = ["Dual", "dual_arithmetic", "dual_bindings"]

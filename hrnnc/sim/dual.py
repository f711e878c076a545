"""Forward-mode dual numbers: exact gradients of angle expressions and of qumode moments.

A dual is a float array ``[x, ∂x/∂θ_1, …, ∂x/∂θ_P]`` (``P`` directions: params and, on
request, token arguments). Products keep only first-order terms, so every coefficient the
Heisenberg engine builds carries its exact gradient along with its value. With ``P = 0``
a dual is a one-element array and the arithmetic is plain float arithmetic.

:func:`bindings` evaluates the IR's own expressions (``ir.expr.evaluate``) in this arithmetic:
the moment simulator and training (both losses, both register kinds) use it, so there is one
chain rule for ``+ - * /``, unary minus and ``sin cos exp sqrt``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from hrnnc.ir import Arithmetic, Bindings

if TYPE_CHECKING:
    from hrnnc.ir import Model

Dual = np.ndarray
"""A 1-D float (or complex) array: value first, then the derivatives."""


def seed(value: float, size: int, direction: int | None = None) -> Dual:
    """A dual of ``size`` components with value ``value`` and derivative 1 along ``direction``."""
    out = np.zeros(size)
    out[0] = value
    if direction is not None:
        out[1 + direction] = 1.0
    return out


def is_zero(a: Dual) -> bool:
    """Whether the value and every derivative are exactly 0 (an angle that can be dropped)."""
    return not np.any(a)


def mul(a: Dual, b: Dual) -> Dual:
    """``a·b`` to first order: ``(a₀b₀, a₀b' + a'b₀)``."""
    out = a[0] * b
    if out.shape[0] > 1:
        out[1:] += b[0] * a[1:]
    return out


def div(a: Dual, b: Dual) -> Dual:
    if b[0] == 0.0:
        raise ZeroDivisionError
    out = a / b[0]
    if out.shape[0] > 1:
        out[1:] -= a[0] * b[1:] / (b[0] * b[0])
    return out


def _chain(f: float, df: float, a: Dual) -> Dual:
    out = df * a
    out[0] = f
    return out


def _sqrt(a: Dual) -> Dual:
    if a[0] < 0.0:
        raise ValueError("square root of a negative number")
    root = math.sqrt(a[0])
    if root == 0.0 and np.any(a[1:]):
        raise ValueError("sqrt has no derivative at 0")
    return _chain(root, 0.5 / root if root else 0.0, a)


def _exp(a: Dual) -> Dual:
    value = math.exp(a[0])
    return _chain(value, value, a)


def arithmetic(size: int) -> Arithmetic[Dual]:
    """Expression arithmetic on duals of ``size`` components.

    ``number`` passes an existing dual through unchanged, so a token argument bound to a
    seeded dual keeps its direction.
    """

    def number(x: float | Dual) -> Dual:
        if isinstance(x, np.ndarray):
            return x
        return seed(float(x), size)

    def checked(fn):  # type: ignore[no-untyped-def]
        def wrapped(*args: Dual) -> Dual:
            out = fn(*args)
            if not np.all(np.isfinite(out)):
                raise OverflowError("no finite value")
            return out
        return wrapped

    return Arithmetic(
        number=number,
        add=checked(lambda a, b: a + b),
        sub=checked(lambda a, b: a - b),
        mul=checked(mul),
        div=checked(div),
        neg=lambda a: -a,
        functions={"sin": checked(lambda a: _chain(math.sin(a[0]), math.cos(a[0]), a)),
                   "cos": checked(lambda a: _chain(math.cos(a[0]), -math.sin(a[0]), a)),
                   "exp": checked(_exp), "sqrt": checked(_sqrt)},
    )


def bindings(model: Model, values: Mapping[str, float], directions: Sequence[str] = ()) -> Bindings[Dual]:
    """Bindings of ``model``'s params to duals at ``values``.

    Direction ``i`` of every dual is ``∂/∂ directions[i]``; a param named there is seeded along
    its direction, any other is a constant. Further directions (token arguments, say) are seeded
    by the caller with :func:`seed`. Consts are evaluated in the same arithmetic, so derivatives
    flow through them.
    """
    size = 1 + len(directions)
    index = {name: i for i, name in enumerate(directions)}
    seeds = {name: seed(float(v), size, index.get(name)) for name, v in values.items()}
    return Bindings(model, arithmetic(size), seeds)


__all__ = ["Dual", "arithmetic", "bindings", "div", "is_zero", "mul", "seed"]

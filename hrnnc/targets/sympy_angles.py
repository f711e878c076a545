"""Symbolic angles for the tket and sf targets: floats, or SymPy expressions of the params
(and, in unit cells, of the token's arguments).

pytket takes SymPy expressions as gate parameters (``Circuit.symbol_substitution`` binds
them) and Strawberry Fields' free parameters are SymPy symbols, so both targets evaluate
a model's angles over this arithmetic when they keep params symbolic. Like the Qiskit
target's, it folds every param-free result to a float, so that the emitters see exact
numbers wherever no param is involved (``γ = π`` is still recognised). SymPy comes with
pytket and with Strawberry Fields; it is imported only when a symbolic angle is built.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Mapping

from hrnnc.ir import Arithmetic, Bindings, float_bindings, param_values

from hrnnc.targets.expression_fold import FUNCTION_NAMES

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Model

Angle = Any
"""A float, or a ``sympy.Expr`` with free symbols (the params and arguments it depends on)."""

FUNCTIONS = FUNCTION_NAMES
"""The functions of the ``.hrnn`` language."""


def is_symbolic(value: Any) -> bool:
    """True for a SymPy expression that still has free symbols."""
    return bool(getattr(value, "free_symbols", None))


def folded(value: Angle) -> Angle:
    """``value`` as a float when it has no free symbols (SymPy numbers included)."""
    if isinstance(value, float):
        return value
    if is_symbolic(value):
        return value
    number = complex(value)
    if number.imag != 0.0:  # pragma: no cover - the language's functions stay real
        raise ValueError(f"angle {value} is not real")
    if not math.isfinite(number.real):
        raise OverflowError(f"angle {value} is not finite")
    return number.real


def sympy_arithmetic() -> Arithmetic[Angle]:
    """Arithmetic over ``float | sympy.Expr`` that folds param-free results to floats.

    Errors match the float arithmetic's: division by a numeric zero is ``ZeroDivisionError``,
    the square root of a negative number ``ValueError``, an overflow ``OverflowError``.
    """
    import sympy

    def div(a: Angle, b: Angle) -> Angle:
        if not is_symbolic(b) and float(b) == 0.0:
            raise ZeroDivisionError
        return folded(a / b) if is_symbolic(a) or is_symbolic(b) else a / b

    def func(name: str) -> Callable[[Angle], Angle]:
        symbolic = getattr(sympy, name)
        numeric = getattr(math, name)

        def apply(a: Angle) -> Angle:
            if is_symbolic(a):
                return folded(symbolic(a))
            if name == "sqrt" and a < 0:
                raise ValueError("square root of a negative number")
            return numeric(a)
        return apply

    def lift(op: Callable[[Angle, Angle], Angle]) -> Callable[[Angle, Angle], Angle]:
        return lambda a, b: folded(op(a, b)) if is_symbolic(a) or is_symbolic(b) else op(a, b)

    return Arithmetic(
        number=float,
        add=lift(lambda a, b: a + b),
        sub=lift(lambda a, b: a - b),
        mul=lift(lambda a, b: a * b),
        div=div,
        neg=lambda a: -a,
        functions={name: func(name) for name in FUNCTIONS},
    )


def param_symbols(model: Model) -> dict[str, Any]:
    """One ``sympy.Symbol`` per param, named after it (no assumptions, so ``Symbol("g")`` matches)."""
    import sympy

    return {p.name: sympy.Symbol(p.name) for p in model.params}


def argument_symbols(cell: Cell) -> tuple[tuple[str, Any], ...]:
    """A unit cell's arguments as SymPy symbols named after them (a step's ``args``).

    A unit cell has no input to take values from, so its arguments stay free symbols, as in
    the Qiskit target's ``Parameter`` objects; they never share a name with a param (E0221).
    """
    import sympy

    return tuple((name, sympy.Symbol(name)) for name in cell.arg_names)


def angle_bindings(model: Model, symbolic: bool, arguments: bool = False,
                   params: Mapping[str, float] | None = None) -> Bindings[Angle]:
    """Bindings with params as SymPy symbols (``symbolic``) or at ``params`` (default: their
    initial values).

    ``arguments`` asks for the SymPy arithmetic even when params are numbers, because a unit
    cell's arguments will be bound to symbols (:func:`argument_symbols`). Otherwise a model
    without params gets the float bindings either way, so its output is unchanged.
    """
    if symbolic and model.params:
        return Bindings(model, sympy_arithmetic(), param_symbols(model))
    if arguments:
        return Bindings(model, sympy_arithmetic(), param_values(model, params))
    return float_bindings(model, params)


def substitute(value: Angle, values: Mapping[str, float]) -> Angle:
    """``value`` with the named params replaced by numbers (folded to a float when none is left)."""
    if not is_symbolic(value):
        return value
    import sympy

    binding = {s: float(values[s.name]) for s in value.free_symbols
               if isinstance(s, sympy.Symbol) and s.name in values}
    return folded(value.subs(binding)) if binding else value


def expression_text(value: Angle, symbol: Callable[[str], str] = str,
                    call: Callable[[str, Angle], str] | None = None) -> str:
    """``value`` as text that pytket's JSON reader and Blackbird parse back to the same doubles.

    SymPy and SymEngine print floats with 15 significant digits; here every number is
    written with ``repr`` (17), so a value survives the round trip exactly. Sums, products
    and powers use ``+ * **`` with every non-atomic operand in parentheses; ``pi`` is ``pi``.

    Args:
        symbol: The text of a param (Blackbird writes ``{name}``).
        call: The text of ``sin``/``cos``/``exp`` applied to an argument (default ``f(arg)``).

    Raises:
        InternalError: A node that hrnnc's arithmetic never builds.
    """
    import sympy

    def text(node: Any) -> str:
        if node is sympy.pi:
            return "pi"
        if not is_symbolic(node):
            number = folded(node)
            return repr(number) if number >= 0 else f"({number!r})"
        if isinstance(node, sympy.Symbol):
            return symbol(node.name)
        if isinstance(node, sympy.Add):
            return " + ".join(text(arg) for arg in node.args)
        if isinstance(node, sympy.Mul):
            return "*".join(wrapped(arg) for arg in node.args)
        if isinstance(node, sympy.Pow):
            return f"{wrapped(node.base)}**{wrapped(node.exp)}"
        name = getattr(node.func, "__name__", "")
        if name in FUNCTIONS and len(node.args) == 1:
            return call(name, node.args[0]) if call is not None else f"{name}({text(node.args[0])})"
        from hrnnc.diagnostics import InternalError

        raise InternalError(f"no text for the symbolic angle {node}")

    def wrapped(node: Any) -> str:
        inner = text(node)
        atomic = (node is sympy.pi or isinstance(node, sympy.Symbol) or not is_symbolic(node)
                  or getattr(node.func, "__name__", "") in FUNCTIONS)
        return inner if atomic else f"({inner})"

    return text(value)


__all__ = ["Angle", "FUNCTIONS", "angle_bindings", "argument_symbols", "expression_text", "folded", "is_symbolic",
           "param_symbols", "substitute", "sympy_arithmetic"]

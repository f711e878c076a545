"""Values of expressions under a binding of params, and unrolling of input sequences."""

from __future__ import annotations

from typing import Generic, Iterable, Mapping, Sequence, TypeVar

from hrnnc.diagnostics import Code, Diagnostic, ParseFailedError, error
from hrnnc.ir.expr import FLOAT, Arithmetic, Expr, evaluate
from hrnnc.ir.nodes import Cell, Measure, MeasureStab, Model, Param

T = TypeVar("T")


class Bindings(Generic[T]):
    """Evaluates expressions of one model, params bound to values of type ``T``.

    Consts are named expressions: they are evaluated (once, memoised) under the
    same binding, so a const that depends on a param stays symbolic when ``T`` is.
    """

    def __init__(self, model: Model, arithmetic: Arithmetic[T], params: Mapping[str, T]):
        self._arithmetic = arithmetic
        self._values: dict[str, T] = {}
        for decl in model.decls:
            if isinstance(decl, Param):
                if decl.name in params:
                    self._values[decl.name] = params[decl.name]
                else:
                    raise KeyError(f"no value for param {decl.name!r}")
            else:
                self._values[decl.name] = evaluate(decl.value, self._values.__getitem__, arithmetic)

    def __call__(self, expr: Expr) -> T:
        return evaluate(expr, self._values.__getitem__, self._arithmetic)

    def value_of(self, name: str) -> T:
        return self._values[name]


def initial_param_values(model: Model) -> dict[str, float]:
    """Every param's initial value (inits may use earlier params and consts)."""
    values: dict[str, float] = {}
    for decl in model.decls:
        expr = decl.init if isinstance(decl, Param) else decl.value
        values[decl.name] = evaluate(expr, values.__getitem__, FLOAT)
    return {d.name: values[d.name] for d in model.params}


def float_bindings(model: Model, params: Mapping[str, float] | None = None) -> Bindings[float]:
    """Numeric bindings: initial values, overridden by ``params``."""
    values = initial_param_values(model)
    if params:
        unknown = sorted(set(params) - set(values))
        if unknown:
            raise KeyError(f"unknown param(s): {', '.join(unknown)}")
        values.update(params)
    return Bindings(model, FLOAT, values)


def split_inputs(inputs: str | Iterable[str]) -> tuple[str, ...]:
    """``"a b  c"`` or ``["a", "b"]`` → a token tuple."""
    if isinstance(inputs, str):
        return tuple(inputs.split())
    return tuple(inputs)


def unroll(model: Model, inputs: str | Iterable[str]) -> tuple[Cell, ...]:
    """The cell run for each input token, in time order.

    Raises:
        ParseFailedError: An input token has no ``on`` block (E0218), one diagnostic per token.
    """
    tokens = split_inputs(inputs)
    table: dict[str, Cell] = {}
    for cell in model.cells:
        for tok in cell.tokens:
            table.setdefault(tok.name, cell)
    problems: list[Diagnostic] = []
    for position, word in enumerate(tokens):
        if word not in table:
            alphabet = ", ".join(model.alphabet) or "(empty)"
            problems.append(error(Code.E0218,
                                  f"input token {word!r} (position {position + 1}) has no 'on' block; "
                                  f"the alphabet is: {alphabet}"))
    if problems:
        raise ParseFailedError(problems)
    return tuple(table[t] for t in tokens)


def output_names(cells: Sequence[Cell]) -> list[str]:
    """Output names of every measurement in time order (names may repeat)."""
    return [s.output for c in cells for s in c.body if isinstance(s, (Measure, MeasureStab))]


__all__ = ["Bindings", "float_bindings", "initial_param_values", "output_names", "split_inputs", "unroll"]

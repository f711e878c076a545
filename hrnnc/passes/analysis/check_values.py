"""Every expression has a finite value at the params' initial values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrnnc.diagnostics import Code, error
from hrnnc.ir import BUILTIN_CONSTANTS, FLOAT, BinOp, Call, EvaluationError, Name, Neg, Num, Param, evaluate
from hrnnc.passes.analysis.check_names import CheckNames, statement_expressions
from hrnnc.passes.base import AnalysisPass, PropertyKey, PropertySet

if TYPE_CHECKING:
    from hrnnc.ir import Expr, Model

INITIAL_VALUES: PropertyKey[dict[str, float]] = PropertyKey("initial-values")
"""Value of every param and const at the params' initial values."""


_QUICK_DEPTH = 64


def _quick_value(expr: Expr, values: dict[str, float], broken: set[str], depth: int = 0) -> float | None:
    """The value ``evaluate(expr, lookup, FLOAT)`` returns when it certainly succeeds, else None.

    The same float operations in the same order, so the same value; None whenever evaluation
    could raise (or the tree is deep), and then ``evaluate`` itself decides. Performance only.
    """
    kind = type(expr)
    if kind is Num:
        value = expr.value  # type: ignore[union-attr]
        return value if type(value) is float and value - value == 0.0 else None
    if kind is Name:
        name = expr.id  # type: ignore[union-attr]
        if name in BUILTIN_CONSTANTS:
            return BUILTIN_CONSTANTS[name]
        return None if name in broken else values.get(name)
    if depth > _QUICK_DEPTH:
        return None
    if kind is BinOp:
        left = _quick_value(expr.left, values, broken, depth + 1)  # type: ignore[union-attr]
        right = _quick_value(expr.right, values, broken, depth + 1)  # type: ignore[union-attr]
        if left is None or right is None:
            return None
        op = expr.op  # type: ignore[union-attr]
        if op == "+":
            value = left + right
        elif op == "-":
            value = left - right
        elif op == "*":
            value = left * right
        elif op == "/" and right != 0.0:
            value = left / right
        else:
            return None
    elif kind is Neg:
        operand = _quick_value(expr.operand, values, broken, depth + 1)  # type: ignore[union-attr]
        return None if operand is None else -operand
    elif kind is Call:
        arg = _quick_value(expr.arg, values, broken, depth + 1)  # type: ignore[union-attr]
        function = FLOAT.functions.get(expr.func)  # type: ignore[union-attr]
        if arg is None or function is None:
            return None
        try:
            value = function(arg)
        except (ArithmeticError, ValueError):
            return None
    else:
        return None
    return value if value - value == 0.0 else None


@dataclass(frozen=True)
class CheckValues(AnalysisPass):
    """Reports E0216 for division by zero, overflow or a domain error; writes INITIAL_VALUES."""

    name = "check-values"
    requires = (CheckNames,)

    def run(self, model: Model, props: PropertySet) -> None:
        values: dict[str, float] = {}
        broken: set[str] = set()

        def lookup(name: str) -> float:
            if name in broken or name not in values:
                raise LookupError(name)
            return values[name]

        for decl in model.decls:
            expr = decl.init if isinstance(decl, Param) else decl.value
            try:
                values[decl.name] = evaluate(expr, lookup, FLOAT)
            except EvaluationError as exc:
                broken.add(decl.name)
                props.report(error(Code.E0216, f"'{decl.name}' has no finite value: {exc}",
                                   exc.node.span or decl.span))
            except LookupError:
                broken.add(decl.name)  # undefined or broken name: already reported
        for expr in statement_expressions(model):
            if _quick_value(expr, values, broken) is not None:
                continue  # certainly finite: what evaluate would find, without its generality
            try:
                evaluate(expr, lookup, FLOAT)
            except EvaluationError as exc:
                props.report(error(Code.E0216, f"this expression has no finite value: {exc}",
                                   exc.node.span or expr.span))
            except LookupError:
                pass
        props[INITIAL_VALUES] = values

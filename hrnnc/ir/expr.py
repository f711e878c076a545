"""Angle expressions: frozen nodes and an evaluator of our own (never Python's ``eval``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Generic, Iterator, Mapping, TypeVar, Union

if TYPE_CHECKING:
    from hrnnc.diagnostics import Span

BUILTIN_CONSTANTS: Mapping[str, float] = {"pi": math.pi, "e": math.e}
"""Names that always mean a number; they cannot be redefined."""

FUNCTIONS: tuple[str, ...] = ("sin", "cos", "exp", "sqrt")
"""The functions an expression may call, each with one argument."""

BINARY_OPERATORS: tuple[str, ...] = ("+", "-", "*", "/")

MAX_EXPR_DEPTH = 200
"""Deepest expression tree accepted; deeper ones are diagnostics (E0104), never RecursionError."""


@dataclass(frozen=True, slots=True)
class Num:
    """A non-negative literal (a minus sign is a :class:`Neg`)."""

    value: float
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Name:
    """A param, a const, or one of ``pi``/``e``."""

    id: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str
    """One of ``+ - * /``."""
    left: Expr
    right: Expr
    span: Span | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.op not in BINARY_OPERATORS:
            raise ValueError(f"unknown binary operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    """One of :data:`FUNCTIONS` (checked by the front end, not here)."""
    arg: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


Expr = Union[Num, Name, Neg, BinOp, Call]

T = TypeVar("T")


def names_in(expr: Expr) -> Iterator[Name]:
    """Every :class:`Name` in an expression, left to right."""
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            yield node
        elif isinstance(node, Neg):
            stack.append(node.operand)
        elif isinstance(node, BinOp):
            stack.extend((node.right, node.left))
        elif isinstance(node, Call):
            stack.append(node.arg)


def depth(expr: Expr) -> int:
    """Height of the expression tree (a leaf has depth 1); iterative, any depth."""
    best = 0
    stack: list[tuple[Expr, int]] = [(expr, 1)]
    while stack:
        node, d = stack.pop()
        best = max(best, d)
        if isinstance(node, Neg):
            stack.append((node.operand, d + 1))
        elif isinstance(node, BinOp):
            stack.extend(((node.left, d + 1), (node.right, d + 1)))
        elif isinstance(node, Call):
            stack.append((node.arg, d + 1))
    return best


class EvaluationError(ArithmeticError):
    """An expression has no finite value (overflow, division by zero, domain error)."""

    def __init__(self, message: str, node: Expr):
        super().__init__(message)
        self.node = node


@dataclass(frozen=True)
class Arithmetic(Generic[T]):
    """The operations an evaluator needs; swapping it lets targets build symbolic angles."""

    number: Callable[[float], T]
    add: Callable[[T, T], T]
    sub: Callable[[T, T], T]
    mul: Callable[[T, T], T]
    div: Callable[[T, T], T]
    neg: Callable[[T], T]
    functions: Mapping[str, Callable[[T], T]]


def _checked(value: float, what: str, node: Expr) -> float:
    if not math.isfinite(value):
        raise EvaluationError(f"{what} is not finite", node)
    return value


def _fdiv(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError
    return a / b


def _fsqrt(a: float) -> float:
    if a < 0.0:
        raise ValueError("square root of a negative number")
    return math.sqrt(a)


FLOAT: Arithmetic[float] = Arithmetic(
    number=float,
    add=lambda a, b: a + b,
    sub=lambda a, b: a - b,
    mul=lambda a, b: a * b,
    div=_fdiv,
    neg=lambda a: -a,
    functions={"sin": math.sin, "cos": math.cos, "exp": math.exp, "sqrt": _fsqrt},
)
"""IEEE double arithmetic; every intermediate result must be finite."""


def evaluate(expr: Expr, lookup: Callable[[str], T], arithmetic: Arithmetic[T]) -> T:
    """Evaluate ``expr`` bottom-up without recursion.

    Args:
        expr: The expression.
        lookup: Value of a param or const name (``pi`` and ``e`` are resolved here first).
        arithmetic: The operations to use.

    Raises:
        EvaluationError: A float intermediate is not finite, or an operation has no value.
        KeyError: ``lookup`` does not know a name.
    """
    is_float = arithmetic is FLOAT
    results: list[T] = []
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, Num):
            if is_float and not math.isfinite(node.value):
                raise EvaluationError("the number is too large to be a finite float", node)
            results.append(arithmetic.number(node.value))
            continue
        if isinstance(node, Name):
            if node.id in BUILTIN_CONSTANTS:
                results.append(arithmetic.number(BUILTIN_CONSTANTS[node.id]))
            else:
                results.append(lookup(node.id))
            continue
        if not ready:
            stack.append((node, True))
            if isinstance(node, BinOp):
                stack.extend(((node.right, False), (node.left, False)))
            elif isinstance(node, Neg):
                stack.append((node.operand, False))
            else:
                stack.append((node.arg, False))
            continue
        try:
            if isinstance(node, BinOp):
                right = results.pop()
                left = results.pop()
                op = {"+": arithmetic.add, "-": arithmetic.sub, "*": arithmetic.mul, "/": arithmetic.div}[node.op]
                value = op(left, right)
            elif isinstance(node, Neg):
                value = arithmetic.neg(results.pop())
            else:
                function = arithmetic.functions.get(node.func)
                if function is None:
                    raise KeyError(node.func)
                value = function(results.pop())
        except ZeroDivisionError:
            raise EvaluationError("division by zero", node) from None
        except (OverflowError, ValueError) as exc:
            raise EvaluationError(str(exc) or "no finite value", node) from None
        if is_float:
            _checked(value, "result", node)  # type: ignore[arg-type]
        results.append(value)
    return results[0]


def is_exactly(value: float, target: float) -> bool:
    """Exact float comparison, named so that call sites read as intended."""
    return value == target

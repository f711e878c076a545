"""Build models from Python: the same IR as the text, validated by the same passes.

Python has loops, so the builder needs none::

    from itertools import combinations
    from hrnnc.builder import ModelBuilder

    b = ModelBuilder("hsmt", qubits=8, degree=3)
    for k in (1, 2, 3):
        for e in combinations(range(8), k):
            with b.cell("w" + "_".join(map(str, e)), args=["x"]) as c:
                c.phase(c.arg("x"), *e)
    model = b.build()          # checked: raises CheckFailedError with every mistake
    text = b.text()            # canonical .hrnn text; hrnnc.parse(text) == model

Expressions are :class:`Ex` values built with ``+ - * /``, unary ``-``, :func:`sin`,
:func:`cos`, :func:`exp`, :func:`sqrt`, from params (:meth:`ModelBuilder.param`), consts,
arguments (:meth:`CellBuilder.arg`), :data:`pi`, :data:`e`, and Python numbers; a string is
read as expression text (``"a * x"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence, Union

from hrnnc.diagnostics import CheckFailedError, ConfigurationError
from hrnnc.ir import (
    Arg,
    Basis,
    BinOp,
    Call,
    Cell,
    Const,
    Degree,
    Expr,
    Measure,
    MeasureStab,
    Model,
    Name,
    Neg,
    Num,
    Param,
    Phase,
    Register,
    RegisterKind,
    Reset,
    Shift,
    Site,
    StabEdge,
    Statement,
    Token,
    print_model,
)

Operand = Union["Ex", float, int, str]
"""What every builder method takes for an angle, weight or initial value."""


def expr_of(value: Operand) -> Expr:
    """The IR expression of an operand (a negative number is a negated literal, as parsed)."""
    if isinstance(value, Ex):
        return value.node
    if isinstance(value, bool):
        raise ConfigurationError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
        return Neg(Num(-number)) if math.copysign(1.0, number) < 0 else Num(number)
    if isinstance(value, str):
        return _parse_expr(value)
    raise ConfigurationError(f"{value!r} is not an expression")


def _parse_expr(text: str) -> Expr:
    from hrnnc.frontend import parse_text

    model = parse_text(f"hrnn expr {{ qubits 1; degree 1; const value = {text}; }}", "<expression>")
    if len(model.decls) != 1:
        raise ConfigurationError(f"{text!r} is not one expression")
    return _strip(model.decls[0].value)  # type: ignore[union-attr]


def _strip(expr: Expr) -> Expr:
    """The same tree without spans (they point into a throwaway source)."""
    if isinstance(expr, Num):
        return Num(expr.value)
    if isinstance(expr, Name):
        return Name(expr.id)
    if isinstance(expr, Neg):
        return Neg(_strip(expr.operand))
    if isinstance(expr, Call):
        return Call(expr.func, _strip(expr.arg))
    return BinOp(expr.op, _strip(expr.left), _strip(expr.right))


@dataclass(frozen=True)
class Ex:
    """An expression under construction; arithmetic builds the IR tree."""

    node: Expr

    def _bin(self, op: str, other: Operand, flipped: bool = False) -> Ex:
        left, right = (expr_of(other), self.node) if flipped else (self.node, expr_of(other))
        return Ex(BinOp(op, left, right))

    def __add__(self, other: Operand) -> Ex:
        return self._bin("+", other)

    def __radd__(self, other: Operand) -> Ex:
        return self._bin("+", other, True)

    def __sub__(self, other: Operand) -> Ex:
        return self._bin("-", other)

    def __rsub__(self, other: Operand) -> Ex:
        return self._bin("-", other, True)

    def __mul__(self, other: Operand) -> Ex:
        return self._bin("*", other)

    def __rmul__(self, other: Operand) -> Ex:
        return self._bin("*", other, True)

    def __truediv__(self, other: Operand) -> Ex:
        return self._bin("/", other)

    def __rtruediv__(self, other: Operand) -> Ex:
        return self._bin("/", other, True)

    def __neg__(self) -> Ex:
        return Ex(Neg(self.node))

    def __str__(self) -> str:
        from hrnnc.ir import print_expr

        return print_expr(self.node)


def _call(func: str) -> Callable[[Operand], Ex]:
    def apply(value: Operand) -> Ex:
        return Ex(Call(func, expr_of(value)))

    apply.__name__ = func
    apply.__doc__ = f"``{func}(value)`` as an expression."
    return apply


sin, cos, exp, sqrt = _call("sin"), _call("cos"), _call("exp"), _call("sqrt")
pi = Ex(Name("pi"))
e = Ex(Name("e"))


def _sites(sites: Iterable[int]) -> tuple[Site, ...]:
    out = []
    for s in sites:
        if isinstance(s, bool) or not isinstance(s, int) or s < 0:
            raise ConfigurationError(f"a site is a non-negative integer, not {s!r}")
        out.append(Site(s))
    if not out:
        raise ConfigurationError("an edge needs at least one site")
    return tuple(out)


@dataclass
class CellBuilder:
    """The statements of one ``on`` block, in order; used as a context manager or directly."""

    tokens: tuple[str, ...]
    args: tuple[str, ...] = ()
    body: list[Statement] = field(default_factory=list)

    def __enter__(self) -> CellBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def arg(self, name: str) -> Ex:
        """The argument ``name`` of this cell, as an expression."""
        if name not in self.args:
            raise ConfigurationError(f"the cell takes ({', '.join(self.args)}), not {name!r}")
        return Ex(Name(name))

    def phase(self, angle: Operand, *sites: int) -> CellBuilder:
        self.body.append(Phase(expr_of(angle), _sites(sites)))
        return self

    def shift(self, amount: Operand, site: int) -> CellBuilder:
        self.body.append(Shift(expr_of(amount), _sites((site,))[0]))
        return self

    def measure(self, basis: str, site: int, output: str = "y") -> CellBuilder:
        """``measure z|x|q|p site -> output``."""
        self.body.append(Measure(Basis(basis), _sites((site,))[0], output))
        return self

    def measure_stab(self, vertex: int, edges: Sequence[tuple[Operand, Sequence[int]]] = (),
                     output: str = "y") -> CellBuilder:
        """``measure stab(vertex; w: e, …) -> output`` with ``edges`` as ``(weight, sites)`` pairs."""
        self.body.append(MeasureStab(_sites((vertex,))[0],
                                     tuple(StabEdge(expr_of(w), _sites(s)) for w, s in edges), output))
        return self

    def reset(self, site: int) -> CellBuilder:
        self.body.append(Reset(_sites((site,))[0]))
        return self

    def to_ir(self) -> Cell:
        return Cell(tuple(Token(t) for t in self.tokens), tuple(self.body), tuple(Arg(a) for a in self.args))


class ModelBuilder:
    """A model under construction: register, degree, declarations and cells, in order.

    Args:
        name: The model name.
        qubits: Number of qubits (give this or ``qumodes``).
        qumodes: Number of qumodes.
        degree: The degree bound ``k``.
    """

    def __init__(self, name: str, *, qubits: int | None = None, qumodes: int | None = None, degree: int):
        if (qubits is None) == (qumodes is None):
            raise ConfigurationError("give exactly one of qubits= and qumodes=")
        kind, size = (RegisterKind.QUBITS, qubits) if qubits is not None else (RegisterKind.QUMODES, qumodes)
        self.name = name
        self.register = Register(kind, int(size))  # type: ignore[arg-type]
        self.degree = Degree(int(degree))
        self.decls: list[Param | Const] = []
        self.cells: list[CellBuilder] = []

    def param(self, name: str, init: Operand = 0.0) -> Ex:
        """Declare a trainable param with its initial value; returns it as an expression."""
        self.decls.append(Param(name, expr_of(init)))
        return Ex(Name(name))

    def const(self, name: str, value: Operand) -> Ex:
        """Declare a named expression; returns it as an expression."""
        self.decls.append(Const(name, expr_of(value)))
        return Ex(Name(name))

    def cell(self, *tokens: str, args: Sequence[str] = ()) -> CellBuilder:
        """Start the ``on`` block of ``tokens`` (each taking ``args``); add statements to the result."""
        if not tokens:
            raise ConfigurationError("a cell needs at least one token")
        builder = CellBuilder(tuple(tokens), tuple(args))
        self.cells.append(builder)
        return builder

    def model(self) -> Model:
        """The IR as built so far, unchecked."""
        return Model(self.name, self.register, self.degree, tuple(self.decls), tuple(c.to_ir() for c in self.cells))

    def build(self) -> Model:
        """The checked model.

        Raises:
            CheckFailedError: The semantic passes (names, sites, values, degree) found errors;
                every one is reported.
        """
        from hrnnc.api import run_semantic

        model = self.model()
        props = run_semantic(model)
        if props.has_errors:
            raise CheckFailedError([d for d in props.diagnostics if d.is_error])
        return model

    def text(self) -> str:
        """The canonical ``.hrnn`` text of the checked model."""
        return print_model(self.build())


__all__ = ["CellBuilder", "Ex", "ModelBuilder", "cos", "e", "exp", "expr_of", "pi", "sin", "sqrt"]

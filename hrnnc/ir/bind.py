"""Values of expressions under a binding of params, and unrolling of input sequences."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Generic, Iterable, Mapping, Sequence, TypeVar, Union

from hrnnc.diagnostics import Code, Diagnostic, ParseFailedError, error
from hrnnc.ir.expr import FLOAT, Arithmetic, Expr, evaluate
from hrnnc.ir.printer import format_number
from hrnnc.ir.nodes import Cell, Measure, MeasureStab, Model, Param

T = TypeVar("T")


class Bindings(Generic[T]):
    """Evaluates expressions of one model, params bound to values of type ``T``.

    Consts are named expressions: they are evaluated (once, memoised) under the
    same binding, so a const that depends on a param stays symbolic when ``T`` is.
    A cell's arguments are data: each call may bind them (``bindings(expr, dict(step.args))``),
    and they enter as numbers of the same arithmetic.
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

    @property
    def arithmetic(self) -> Arithmetic[T]:
        return self._arithmetic

    def __call__(self, expr: Expr, args: Mapping[str, float] | Mapping[str, T] | None = None) -> T:
        """The value of ``expr``; ``args`` binds the cell's arguments (numbers, or values of ``T``)."""
        if not args:
            return evaluate(expr, self._values.__getitem__, self._arithmetic)
        number = self._arithmetic.number
        values = self._values

        def lookup(name: str) -> T:
            value = args.get(name)  # arguments never share a name with a param or const (E0221)
            if value is None:
                return values[name]
            return number(value) if isinstance(value, (int, float)) else value  # type: ignore[return-value]

        return evaluate(expr, lookup, self._arithmetic)

    def value_of(self, name: str) -> T:
        return self._values[name]


def initial_param_values(model: Model) -> dict[str, float]:
    """Every param's initial value (inits may use earlier params and consts)."""
    values: dict[str, float] = {}
    for decl in model.decls:
        expr = decl.init if isinstance(decl, Param) else decl.value
        values[decl.name] = evaluate(expr, values.__getitem__, FLOAT)
    return {d.name: values[d.name] for d in model.params}


def param_values(model: Model, params: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every param's value: its initial value, overridden by ``params``.

    Raises:
        KeyError: ``params`` names a param the model does not declare.
    """
    values = initial_param_values(model)
    if params:
        unknown = sorted(set(params) - set(values))
        if unknown:
            raise KeyError(f"unknown param(s): {', '.join(unknown)}")
        values.update(params)
    return values


def float_bindings(model: Model, params: Mapping[str, float] | None = None) -> Bindings[float]:
    """Numeric bindings: initial values, overridden by ``params``."""
    return Bindings(model, FLOAT, param_values(model, params))


@dataclass(frozen=True, slots=True)
class Step:
    """One input of a sequence: its token, the cell that runs, and the arguments it binds."""

    token: str
    cell: Cell
    args: tuple[tuple[str, float], ...] = ()
    """``(name, value)`` for each of the cell's arguments, in order; ``()`` for a plain token."""


InputItem = Union[str, tuple[str, Sequence[float]]]
"""One input as the API takes it: ``"z0"``, ``"w01(0.37)"`` or ``("w01", (0.37,))``."""

_ITEM = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*)(?:\s*\(([^()]*)\))?\s*")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:nan|inf|infinity)",
                     re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Input:
    token: str
    values: tuple[float, ...] | None
    """None for a plain token; a tuple (possibly with non-finite values) when arguments were given."""
    position: int


def _malformed(position: int, message: str) -> ParseFailedError:
    return ParseFailedError([error(Code.E0224, f"input {position}: {message}")])


def _values(text: str, position: int, token: str) -> tuple[float, ...]:
    parts = [p.strip() for p in text.split(",")]
    if parts == [""]:
        raise _malformed(position, f"'{token}()' gives no argument; write '{token}' for a plain token")
    values = []
    for part in parts:
        if not _NUMBER.fullmatch(part):
            raise ParseFailedError([error(Code.E0223, f"input {position} ({token}): argument {part!r} is not a number")])
        values.append(float(part))
    return tuple(values)


def _scan_text(text: str, first: int) -> list[_Input]:
    """``"w01(0.37) s(1, -2.5) z0"`` → inputs, numbered from ``first``."""
    found: list[_Input] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _ITEM.match(text, pos)
        position = first + len(found)
        if match is None or match.end() == pos:
            shown = text[pos:].lstrip()[:20]
            raise _malformed(position, f"expected a token such as 'z0' or 'w01(0.37)', found {shown!r}")
        token, inner = match.group(1), match.group(2)
        if inner is None and text.startswith("(", match.end()):
            raise _malformed(position, f"'{token}(' has no closing ')'")
        found.append(_Input(token, None if inner is None else _values(inner, position, token), position))
        pos = match.end()
    return found


def _scan(inputs: str | Iterable[InputItem]) -> list[_Input]:
    if isinstance(inputs, str):
        return _scan_text(inputs, 1)
    found: list[_Input] = []
    for item in inputs:
        position = len(found) + 1
        if isinstance(item, str):
            one = _scan_text(item, position)
            if len(one) != 1:
                raise _malformed(position, f"{item!r} is not one token")
            found.append(one[0])
            continue
        try:
            token, raw = item
            values = tuple(float(v) for v in raw)
        except (TypeError, ValueError):
            raise _malformed(position, f"{item!r} is neither a token nor (token, (values…))") from None
        if not isinstance(token, str) or not _ITEM.fullmatch(token) or "(" in token:
            raise _malformed(position, f"{token!r} is not a token name")
        found.append(_Input(token, values, position))
    return found


def _item_text(item: _Input) -> str:
    if item.values is None:
        return item.token
    return f"{item.token}({','.join(format_number(v) if math.isfinite(v) else repr(v) for v in item.values)})"


def split_inputs(inputs: str | Iterable[InputItem]) -> tuple[str, ...]:
    """``"a w(0.3, 1)  c"``, ``["a", ("w", (0.3, 1))]`` → ``("a", "w(0.3,1)", "c")``: one string per input.

    Raises:
        ParseFailedError: The sequence is malformed (E0224) or a value is not a number (E0223).
    """
    return tuple(_item_text(item) for item in _scan(inputs))


def unroll_steps(model: Model, inputs: str | Iterable[InputItem]) -> tuple[Step, ...]:
    """The step run for each input, in time order, with the arguments it binds.

    Raises:
        ParseFailedError: One diagnostic per bad input, naming its position: no ``on`` block
            (E0218), the wrong number of arguments or arguments to a plain token (E0222), a
            value that is not a finite number (E0223); a malformed sequence (E0224).
    """
    table: dict[str, Cell] = {}
    for cell in model.cells:
        for tok in cell.tokens:
            table.setdefault(tok.name, cell)
    problems: list[Diagnostic] = []
    steps: list[Step] = []
    for item in _scan(inputs):
        cell = table.get(item.token)
        if cell is None:
            alphabet = ", ".join(model.alphabet) or "(empty)"
            problems.append(error(Code.E0218, f"input token {item.token!r} (position {item.position}) has no "
                                  f"'on' block; the alphabet is: {alphabet}"))
            continue
        names = cell.arg_names
        given = () if item.values is None else item.values
        if len(given) != len(names):
            problems.append(error(Code.E0222, _arity_message(item, names)))
            continue
        bad = [v for v in given if not math.isfinite(v)]
        if bad:
            problems.append(error(Code.E0223, f"input {item.position} ({_item_text(item)}): argument value "
                                  f"{bad[0]!r} is not a finite number"))
            continue
        steps.append(Step(item.token, cell, tuple(zip(names, given))))
    if problems:
        raise ParseFailedError(problems)
    return tuple(steps)


def _arity_message(item: _Input, names: tuple[str, ...]) -> str:
    where = f"input {item.position} ({_item_text(item)})"
    if not names:
        return f"{where}: token '{item.token}' takes no arguments; write '{item.token}'"
    wanted = f"{item.token}({', '.join(names)})"
    count = 0 if item.values is None else len(item.values)
    return f"{where}: token '{item.token}' takes {len(names)} argument(s), {wanted}, but {count} were given"


def unroll(model: Model, inputs: str | Iterable[InputItem]) -> tuple[Cell, ...]:
    """The cell run for each input, in time order (see :func:`unroll_steps`, which also gives arguments)."""
    return tuple(step.cell for step in unroll_steps(model, inputs))


def output_names(cells: Sequence[Cell]) -> list[str]:
    """Output names of every measurement in time order (names may repeat)."""
    return [s.output for c in cells for s in c.body if isinstance(s, (Measure, MeasureStab))]


__all__ = ["Bindings", "InputItem", "Step", "float_bindings", "initial_param_values", "output_names", "split_inputs",
           "unroll", "unroll_steps"]

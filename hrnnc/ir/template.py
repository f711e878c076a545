"""The model as written, loops included: what ``hrnnc fmt`` prints for a model with loops.

The passes never see these nodes. :mod:`hrnnc.frontend.unroll` turns a :class:`Template` into
the flat :class:`~hrnnc.ir.Model` (today's IR) before any pass runs, and the model keeps its
template (``Model.template``, outside equality) so that the formatter prints the loops as
written. Inside a template:

* a site is an integer expression (``3``, a loop variable ``i``, ``(i + 1)``); a subset
  variable stands for all its sites;
* a name may hold loop variables in braces (``w{i}_{j}``, Blackbird-style); a subset variable
  there is its sites joined by ``_``;
* ``w[i]`` is one element of an indexed param (:class:`Index`); unrolled it is the name ``w[3]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from hrnnc.ir.expr import Expr
from hrnnc.ir.nodes import Arg, Basis, Degree, Register

if TYPE_CHECKING:
    from hrnnc.diagnostics import Span


@dataclass(frozen=True, slots=True)
class Index:
    """``w[i]``: an element of an indexed param (template expressions only)."""

    base: str
    index: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Range:
    """``[first:last]``: the integers from ``first`` to ``last``, both included (OpenQASM 3)."""

    first: Expr
    last: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Loop:
    """``for i in [a:b] { … }``, ``for e in subsets([a:b], k) { … }`` or ``for (i, j) in subsets([a:b], 2) { … }``.

    The body holds top-level items (at model level) or statements (inside an ``on`` block).
    """

    variables: tuple[str, ...]
    domain: Range
    size: Expr | None
    """None for a range loop; the subset size ``k`` for a subsets loop."""
    body: tuple[Item, ...]
    destructure: bool = False
    """``for (i, j) in subsets(…)``: one variable per element instead of one subset variable."""
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TPhase:
    angle: Expr
    sites: tuple[Expr, ...]
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TShift:
    amount: Expr
    site: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TStabEdge:
    weight: Expr
    sites: tuple[Expr, ...]
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TMeasureStab:
    vertex: Expr
    edges: tuple[TStabEdge, ...]
    output: str
    output_span: Span | None = field(default=None, compare=False, repr=False)
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TMeasure:
    basis: Basis
    site: Expr
    output: str
    output_span: Span | None = field(default=None, compare=False, repr=False)
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TReset:
    site: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TToken:
    """A token name as written (it may hold ``{var}`` holes)."""

    name: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TCell:
    tokens: tuple[TToken, ...]
    args: tuple[Arg, ...]
    body: tuple[Item, ...]
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TDecl:
    """``param w = …;``, ``const c{i} = …;`` or ``param w[i] = …;`` (one element of ``w``)."""

    keyword: str
    """``"param"`` or ``"const"``."""
    name: str
    index: Expr | None
    value: Expr
    name_span: Span | None = field(default=None, compare=False, repr=False)
    span: Span | None = field(default=None, compare=False, repr=False)


TStatement = Union[TPhase, TShift, TMeasureStab, TMeasure, TReset]
Item = Union[Register, Degree, TDecl, TCell, Loop, TStatement]


@dataclass(frozen=True, slots=True)
class Template:
    """A whole model as written: its name and its top-level items in source order."""

    name: str
    items: tuple[Item, ...]
    span: Span | None = field(default=None, compare=False, repr=False)


def has_hole(name: str) -> bool:
    return "{" in name


__all__ = ["Index", "Item", "Loop", "Range", "TCell", "TDecl", "TMeasure", "TMeasureStab", "TPhase", "TReset",
           "TShift", "TStabEdge", "TStatement", "TToken", "Template", "has_hole"]

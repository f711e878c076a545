"""The model IR: frozen, typed nodes. Spans never take part in equality."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, NamedTuple, Union

from hrnnc.ir.expr import Expr

if TYPE_CHECKING:
    from hrnnc.diagnostics import Span
    from hrnnc.ir.template import Template


class RegisterKind(enum.Enum):
    QUBITS = "qubits"
    QUMODES = "qumodes"


class Basis(enum.Enum):
    """Single-site measurement bases: ``z``/``x`` for qubits, ``q``/``p`` (homodyne) for qumodes."""

    Z = "z"
    X = "x"
    Q = "q"
    P = "p"

    @property
    def kind(self) -> RegisterKind:
        return RegisterKind.QUBITS if self in (Basis.Z, Basis.X) else RegisterKind.QUMODES


@dataclass(frozen=True, slots=True)
class Site:
    """One site index as written in the source."""

    index: int
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Phase:
    """``phase(angle) s1 s2 …;`` — ``exp(i·angle·∏ n̂_j)`` (qubits) or ``exp(i·angle·∏ q_j)`` (qumodes)."""

    angle: Expr
    sites: tuple[Site, ...]
    span: Span | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.sites:
            raise ValueError("a phase needs at least one site")

    @property
    def indices(self) -> tuple[int, ...]:
        return tuple(s.index for s in self.sites)


@dataclass(frozen=True, slots=True)
class Shift:
    """``shift(amount) v;`` — ``exp(-i·amount·p_v)`` (qumodes only)."""

    amount: Expr
    site: Site
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class StabEdge:
    """One weighted edge ``weight: s1 s2 …`` of a generalized stabilizer."""

    weight: Expr
    sites: tuple[Site, ...]
    span: Span | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.sites:
            raise ValueError("a stabilizer edge needs at least one site")

    @property
    def indices(self) -> tuple[int, ...]:
        return tuple(s.index for s in self.sites)


@dataclass(frozen=True, slots=True)
class MeasureStab:
    """``measure stab(v; w: e, …) -> out;`` — measure the generalized stabilizer of ``v``."""

    vertex: Site
    edges: tuple[StabEdge, ...]
    output: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Measure:
    """``measure z|x|q|p v -> out;`` — a single-site measurement."""

    basis: Basis
    site: Site
    output: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Reset:
    """``reset v;`` — re-prepare ``v`` in the initial single-site state."""

    site: Site
    span: Span | None = field(default=None, compare=False, repr=False)


Statement = Union[Phase, Shift, MeasureStab, Measure, Reset]


class Hyperedge(NamedTuple):
    """One phase edge or stabilizer edge of a model, as the degree-type checks see it."""

    sites: tuple[Site, ...]
    span: Span | None
    """From the first site to the last (the whole statement or edge if sites lack spans)."""
    kind: str
    """``"phase"`` or ``"stabilizer"``."""


def _sites_span(sites: tuple[Site, ...], fallback: Span | None) -> Span | None:
    first, last = sites[0].span, sites[-1].span
    return first.cover(last) if first is not None and last is not None else fallback


@dataclass(frozen=True, slots=True)
class Token:
    name: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument of a cell, ``x`` in ``on w01(x) { … }``: a real number each input supplies."""

    name: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Cell:
    """``on a, b { … }`` or ``on w(x, y) { … }`` — the unit cell run for each of its tokens.

    Every token of one cell takes the same arguments; an input ``w(0.3, 1)`` binds them, in
    order, while the body runs.
    """

    tokens: tuple[Token, ...]
    body: tuple[Statement, ...]
    args: tuple[Arg, ...] = ()
    """The argument names, in order (empty for a plain token)."""
    span: Span | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.tokens:
            raise ValueError("a cell needs at least one token")

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.args)


@dataclass(frozen=True, slots=True)
class Param:
    """``param name = init;`` — a trainable angle with its initial value."""

    name: str
    init: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Const:
    """``const name = value;`` — a named expression (it may depend on params)."""

    name: str
    value: Expr
    span: Span | None = field(default=None, compare=False, repr=False)


Declaration = Union[Param, Const]


@dataclass(frozen=True, slots=True)
class Register:
    kind: RegisterKind
    size: int
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Degree:
    value: int
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Model:
    """One ``hrnn NAME { … }`` model.

    Declarations keep their source order (a declaration may use the ones before it);
    cells keep theirs. A model that came out of the front end has passed the syntax
    and lowering checks but not necessarily the semantic passes.
    """

    name: str
    register: Register
    degree: Degree
    decls: tuple[Declaration, ...] = ()
    cells: tuple[Cell, ...] = ()
    span: Span | None = field(default=None, compare=False, repr=False)
    template: Template | None = field(default=None, compare=False, repr=False)
    """The model as written, when it uses loops (the formatter prints it); None for flat text."""

    @property
    def kind(self) -> RegisterKind:
        return self.register.kind

    @property
    def size(self) -> int:
        return self.register.size

    @property
    def k(self) -> int:
        return self.degree.value

    @property
    def params(self) -> tuple[Param, ...]:
        return tuple(d for d in self.decls if isinstance(d, Param))

    @property
    def consts(self) -> tuple[Const, ...]:
        return tuple(d for d in self.decls if isinstance(d, Const))

    @property
    def alphabet(self) -> tuple[str, ...]:
        """Every declared token, in order of first declaration."""
        seen: dict[str, None] = {}
        for cell in self.cells:
            for tok in cell.tokens:
                seen.setdefault(tok.name, None)
        return tuple(seen)

    def cell_for(self, token: str) -> Cell | None:
        """The (first) cell that handles ``token``, or None."""
        for cell in self.cells:
            if any(t.name == token for t in cell.tokens):
                return cell
        return None

    def statements(self) -> Iterator[Statement]:
        for cell in self.cells:
            yield from cell.body

    def hyperedges(self) -> Iterator[Hyperedge]:
        """Every phase edge and every stabilizer edge, in source order."""
        for stmt in self.statements():
            if isinstance(stmt, Phase):
                yield Hyperedge(stmt.sites, _sites_span(stmt.sites, stmt.span), "phase")
            elif isinstance(stmt, MeasureStab):
                for edge in stmt.edges:
                    yield Hyperedge(edge.sites, _sites_span(edge.sites, edge.span), "stabilizer")

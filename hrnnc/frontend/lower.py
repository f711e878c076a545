"""Parse tree → IR. Never raises for user mistakes: records a diagnostic and returns a placeholder.

Lowering reports only what the IR cannot hold (non-integer sites, sizes, degrees, missing or
repeated header declarations, over-deep expressions); everything else is a pass's job, so
that one run reports every independent mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrnnc.grammar.hrnn_parser import Token as LarkToken
from hrnnc.grammar.hrnn_parser import Transformer_NonRecursive, v_args

from hrnnc.diagnostics import Code, Diagnostic, Source, Span, error
from hrnnc.ir import (
    MAX_EXPR_DEPTH,
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
    Token,
)

if TYPE_CHECKING:
    from hrnnc.grammar.hrnn_parser import Meta, Tree

MAX_SITE_DIGITS = 9


def _shorten(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "…"


@dataclass(frozen=True, slots=True)
class _Sized:
    """An expression with its tree height, so that depth is checked without recursion."""

    expr: Expr
    depth: int


class Lowering(Transformer_NonRecursive):  # type: ignore[misc]
    """One instance per file; ``diagnostics`` collects what went wrong."""

    def __init__(self, source: Source):
        super().__init__()
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    # -- helpers ---------------------------------------------------------------------------

    def _span(self, meta: Meta) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(self.source, meta.start_pos, meta.end_pos)

    def _tok_span(self, tok: LarkToken) -> Span:
        return Span(self.source, tok.start_pos, tok.end_pos)

    def _report(self, code: Code, message: str, span: Span | None) -> None:
        self.diagnostics.append(error(code, message, span))

    def _expr(self, sized: _Sized) -> Expr:
        if sized.depth > MAX_EXPR_DEPTH:
            self._report(Code.E0104, f"expression is nested {sized.depth} levels deep; "
                         f"the limit is {MAX_EXPR_DEPTH}", sized.expr.span)
            return Num(0.0, sized.expr.span)
        return sized.expr

    def _natural(self, tok: LarkToken, code: Code, what: str, minimum: int) -> int:
        text = str(tok)
        if not text.isdigit():
            self._report(code, f"{what} must be a whole number, not '{text}'", self._tok_span(tok))
            return minimum
        if len(text) > MAX_SITE_DIGITS:
            self._report(code, f"{what} {text[:12]}… is too large", self._tok_span(tok))
            return minimum
        value = int(text)
        if value < minimum:
            self._report(code, f"{what} must be at least {minimum}, not {value}", self._tok_span(tok))
            return minimum
        return value

    # -- expressions -----------------------------------------------------------------------

    @v_args(meta=True)
    def number(self, meta: Meta, children: list[Any]) -> _Sized:
        tok = children[0]
        value = float(str(tok))
        if value == float("inf"):  # rejected where written: no later printer or JSON sees inf
            self._report(Code.E0216, f"the number {_shorten(str(tok))} is too large to be a finite float "
                         "(the largest is about 1.8e308)", self._tok_span(tok))
            value = 0.0
        return _Sized(Num(value, self._tok_span(tok)), 1)

    @v_args(meta=True)
    def name(self, meta: Meta, children: list[Any]) -> _Sized:
        tok = children[0]
        return _Sized(Name(str(tok), self._tok_span(tok)), 1)

    @v_args(meta=True)
    def call(self, meta: Meta, children: list[Any]) -> _Sized:
        func, arg = children
        return _Sized(Call(str(func), arg.expr, self._span(meta)), arg.depth + 1)

    @v_args(meta=True)
    def neg(self, meta: Meta, children: list[Any]) -> _Sized:
        (arg,) = children
        return _Sized(Neg(arg.expr, self._span(meta)), arg.depth + 1)

    @v_args(meta=True)
    def binop(self, meta: Meta, children: list[Any]) -> _Sized:
        left, op, right = children
        return _Sized(BinOp(str(op), left.expr, right.expr, self._span(meta)), max(left.depth, right.depth) + 1)

    # -- statements ------------------------------------------------------------------------

    @v_args(meta=True)
    def site(self, meta: Meta, children: list[Any]) -> Site:
        tok = children[0]
        return Site(self._natural(tok, Code.E0212, "a site", 0), self._tok_span(tok))

    @v_args(meta=True)
    def phase(self, meta: Meta, children: list[Any]) -> Phase:
        angle, *sites = children
        return Phase(self._expr(angle), tuple(sites), self._span(meta))

    @v_args(meta=True)
    def shift(self, meta: Meta, children: list[Any]) -> Shift:
        amount, site = children
        return Shift(self._expr(amount), site, self._span(meta))

    @v_args(meta=True)
    def stab_edge(self, meta: Meta, children: list[Any]) -> StabEdge:
        weight, *sites = children
        return StabEdge(self._expr(weight), tuple(sites), self._span(meta))

    @v_args(meta=True)
    def measure_stab(self, meta: Meta, children: list[Any]) -> MeasureStab:
        vertex, *rest = children
        output = rest[-1]
        edges = tuple(e for e in rest[:-1] if e is not None)
        return MeasureStab(vertex, edges, str(output), self._span(meta))

    @v_args(meta=True)
    def measure(self, meta: Meta, children: list[Any]) -> Measure:
        basis, site, output = children
        return Measure(Basis(str(basis)), site, str(output), self._span(meta))

    @v_args(meta=True)
    def reset(self, meta: Meta, children: list[Any]) -> Reset:
        return Reset(children[0], self._span(meta))

    # -- declarations ----------------------------------------------------------------------

    def arg_names(self, children: list[Any]) -> tuple[Arg, ...]:
        return tuple(Arg(str(c), self._tok_span(c)) for c in children)

    def token_decl(self, children: list[Any]) -> tuple[Token, tuple[Arg, ...]]:
        name, args = children
        return Token(str(name), self._tok_span(name)), args or ()

    @v_args(meta=True)
    def cell(self, meta: Meta, children: list[Any]) -> Cell:
        heads = [c for c in children if isinstance(c, tuple)]
        body = tuple(c for c in children if not isinstance(c, tuple))
        tokens = tuple(tok for tok, _ in heads)
        args = heads[0][1]
        for tok, other in heads[1:]:
            if tuple(a.name for a in other) != tuple(a.name for a in args):
                self._report(Code.E0219, f"token '{tok.name}' takes ({', '.join(a.name for a in other)}) but "
                             f"'{tokens[0].name}' takes ({', '.join(a.name for a in args)}); the tokens of one "
                             "cell share its body, so they take the same arguments", tok.span)
        return Cell(tokens, body, args, self._span(meta))

    @v_args(meta=True)
    def param(self, meta: Meta, children: list[Any]) -> Param:
        name, value = children
        return Param(str(name), self._expr(value), self._span(meta))

    @v_args(meta=True)
    def const(self, meta: Meta, children: list[Any]) -> Const:
        name, value = children
        return Const(str(name), self._expr(value), self._span(meta))

    @v_args(meta=True)
    def register(self, meta: Meta, children: list[Any]) -> Register:
        kind, size = children
        return Register(RegisterKind(str(kind)), self._natural(size, Code.E0204, "the register size", 1),
                        self._span(meta))

    @v_args(meta=True)
    def degree(self, meta: Meta, children: list[Any]) -> Degree:
        return Degree(self._natural(children[0], Code.E0205, "the degree bound k", 1), self._span(meta))

    @v_args(meta=True)
    def start(self, meta: Meta, children: list[Any]) -> Model:
        name_tok, *items = children
        span = self._span(meta)
        name_span = self._tok_span(name_tok)
        registers = [i for i in items if isinstance(i, Register)]
        degrees = [i for i in items if isinstance(i, Degree)]
        for extra in registers[1:]:
            self._report(Code.E0202, "the register is declared twice", extra.span)
        for repeated in degrees[1:]:
            self._report(Code.E0202, "the degree bound is declared twice", repeated.span)
        if not registers:
            self._report(Code.E0201, f"model '{name_tok}' declares no register ('qubits N;' or 'qumodes N;')",
                         name_span)
        if not degrees:
            self._report(Code.E0203, f"model '{name_tok}' declares no degree bound ('degree K;')", name_span)
        register = registers[0] if registers else Register(RegisterKind.QUBITS, 1)
        degree = degrees[0] if degrees else Degree(1)
        decls = tuple(i for i in items if isinstance(i, (Param, Const)))
        cells = tuple(i for i in items if isinstance(i, Cell))
        return Model(str(name_tok), register, degree, decls, cells, span)


def lower(tree: Tree, source: Source) -> tuple[Model, list[Diagnostic]]:
    """Build the IR for a parse tree; the model is meaningful only if no diagnostic is an error."""
    lowering = Lowering(source)
    model = lowering.transform(tree)
    return model, lowering.diagnostics

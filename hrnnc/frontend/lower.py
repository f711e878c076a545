"""Parse tree → IR. Never raises for user mistakes: records a diagnostic and returns a placeholder.

Lowering reports only what the IR cannot hold (non-integer sites, sizes, degrees, missing or
repeated header declarations, over-deep expressions); everything else is a pass's job, so
that one run reports every independent mistake.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrnnc.grammar.hrnn_parser import Token as LarkToken
from hrnnc.grammar.hrnn_parser import Transformer_NonRecursive, v_args

from hrnnc.diagnostics import Code, Diagnostic, Source, Span, error
from hrnnc.frontend.unroll import MAX_LOOP_DEPTH, MAX_UNROLLED, Unroller
from hrnnc.ir import (
    MAX_EXPR_DEPTH,
    Arg,
    Basis,
    BinOp,
    Call,
    Degree,
    Expr,
    Model,
    Name,
    Neg,
    Num,
    Register,
    RegisterKind,
)
from hrnnc.ir.template import (
    Index,
    Loop,
    Range,
    TCell,
    TDecl,
    Template,
    TMeasure,
    TMeasureStab,
    TPhase,
    TReset,
    TShift,
    TStabEdge,
    TToken,
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
        self.templated = False
        """The text uses loops, names with holes, computed sites or indices: keep the template."""
        self._loop_depth: dict[int, int] = {}
        self._loops: list[Loop] = []

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
        self._out(tok)
        return _Sized(Name(str(tok), self._tok_span(tok)), 1)

    @v_args(meta=True)
    def index(self, meta: Meta, children: list[Any]) -> _Sized:
        base, index = children
        self._out(base)
        if not (isinstance(index.expr, Num) and index.expr.value.is_integer()):
            self.templated = True
        return _Sized(Index(str(base), index.expr, self._span(meta)), index.depth + 1)  # type: ignore[arg-type]

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

    # -- statements (as written: sites are integer expressions, names may hold holes) --------

    @v_args(meta=True)
    def site(self, meta: Meta, children: list[Any]) -> Expr:
        child = children[0]
        if isinstance(child, LarkToken):
            span = self._tok_span(child)
            if child.type == "NUMBER":
                return Num(float(self._natural(child, Code.E0212, "a site", 0)), span)
            self.templated = True
            return Name(str(child), span)
        self.templated = True
        # the brackets belong to the site: a caret on its value covers "(i + 1)", not "i + 1"
        return dataclasses.replace(self._expr(child), span=self._span(meta))

    def _out(self, tok: LarkToken) -> tuple[str, Span]:
        if tok.type == "TEMPLATE_NAME":
            self.templated = True
        return str(tok), self._tok_span(tok)

    @v_args(meta=True)
    def phase(self, meta: Meta, children: list[Any]) -> TPhase:
        angle, *sites = children
        return TPhase(self._expr(angle), tuple(sites), self._span(meta))

    @v_args(meta=True)
    def shift(self, meta: Meta, children: list[Any]) -> TShift:
        amount, site = children
        return TShift(self._expr(amount), site, self._span(meta))

    @v_args(meta=True)
    def stab_edge(self, meta: Meta, children: list[Any]) -> TStabEdge:
        weight, *sites = children
        return TStabEdge(self._expr(weight), tuple(sites), self._span(meta))

    @v_args(meta=True)
    def measure_stab(self, meta: Meta, children: list[Any]) -> TMeasureStab:
        vertex, *rest = children
        output, output_span = self._out(rest[-1])
        edges = tuple(e for e in rest[:-1] if e is not None)
        return TMeasureStab(vertex, edges, output, output_span, self._span(meta))

    @v_args(meta=True)
    def measure(self, meta: Meta, children: list[Any]) -> TMeasure:
        basis, site, out = children
        output, output_span = self._out(out)
        return TMeasure(Basis(str(basis)), site, output, output_span, self._span(meta))

    @v_args(meta=True)
    def reset(self, meta: Meta, children: list[Any]) -> TReset:
        return TReset(children[0], self._span(meta))

    # -- loops -----------------------------------------------------------------------------

    @v_args(meta=True)
    def range(self, meta: Meta, children: list[Any]) -> Range:
        first, last = children
        return Range(self._expr(first), self._expr(last), self._span(meta))

    def range_head(self, children: list[Any]) -> tuple[tuple[str, ...], Range, Expr | None, bool]:
        name, domain = children
        return (str(name),), domain, None, False

    def subsets_head(self, children: list[Any]) -> tuple[tuple[str, ...], Range, Expr | None, bool]:
        name, domain, size = children
        return (str(name),), domain, self._expr(size), False

    def tuple_head(self, children: list[Any]) -> tuple[tuple[str, ...], Range, Expr | None, bool]:
        *names, domain, size = children
        return tuple(str(n) for n in names), domain, self._expr(size), True

    @v_args(meta=True)
    def for_items(self, meta: Meta, children: list[Any]) -> Loop:
        (variables, domain, size, destructure), *body = children
        self.templated = True
        depth = 1 + max((self._loop_depth.get(id(i), 0) for i in body if isinstance(i, Loop)), default=0)
        loop = Loop(variables, domain, size, tuple(body), destructure, self._span(meta))
        self._loop_depth[id(loop)] = depth
        self._loops.append(loop)  # keeps ids unique while the depths are looked up
        if depth == MAX_LOOP_DEPTH + 1:
            self._report(Code.E0230, f"loops are nested more than {MAX_LOOP_DEPTH} deep", loop.span)
        return loop

    for_statements = for_items

    # -- declarations ----------------------------------------------------------------------

    def arg_names(self, children: list[Any]) -> tuple[Arg, ...]:
        return tuple(Arg(str(c), self._tok_span(c)) for c in children)

    def token_decl(self, children: list[Any]) -> tuple[TToken, tuple[Arg, ...]]:
        name, args = children
        self._out(name)
        return TToken(str(name), self._tok_span(name)), args or ()

    @v_args(meta=True)
    def cell(self, meta: Meta, children: list[Any]) -> TCell:
        heads = [c for c in children if isinstance(c, tuple)]
        body = tuple(c for c in children if not isinstance(c, tuple))
        tokens = tuple(tok for tok, _ in heads)
        args = heads[0][1]
        for tok, other in heads[1:]:
            if tuple(a.name for a in other) != tuple(a.name for a in args):
                self._report(Code.E0219, f"token '{tok.name}' takes ({', '.join(a.name for a in other)}) but "
                             f"'{tokens[0].name}' takes ({', '.join(a.name for a in args)}); the tokens of one "
                             "cell share its body, so they take the same arguments", tok.span)
        return TCell(tokens, args, body, self._span(meta))

    def _decl(self, keyword: str, meta: Meta, children: list[Any]) -> TDecl:
        name, index, value = children
        self._out(name)
        index_expr = None if index is None else self._expr(index)
        if index_expr is not None and not (isinstance(index_expr, Num) and index_expr.value.is_integer()):
            self.templated = True
        return TDecl(keyword, str(name), index_expr, self._expr(value), self._tok_span(name), self._span(meta))

    @v_args(meta=True)
    def param(self, meta: Meta, children: list[Any]) -> TDecl:
        return self._decl("param", meta, children)

    @v_args(meta=True)
    def const(self, meta: Meta, children: list[Any]) -> TDecl:
        return self._decl("const", meta, children)

    @v_args(meta=True)
    def register(self, meta: Meta, children: list[Any]) -> Register:
        kind, size = children
        return Register(RegisterKind(str(kind)), self._natural(size, Code.E0204, "the register size", 1),
                        self._span(meta))

    @v_args(meta=True)
    def degree(self, meta: Meta, children: list[Any]) -> Degree:
        return Degree(self._natural(children[0], Code.E0205, "the degree bound k", 1), self._span(meta))

    @v_args(meta=True)
    def start(self, meta: Meta, children: list[Any]) -> tuple[Template, Span]:
        name_tok, *items = children
        return Template(str(name_tok), tuple(items), self._span(meta)), self._tok_span(name_tok)


def lower(tree: Tree, source: Source, limit: int = MAX_UNROLLED) -> tuple[Model | None, list[Diagnostic]]:
    """Build the IR for a parse tree: lower to the model as written, then unroll its loops.

    Returns the flat model (None if any diagnostic is an error) and the diagnostics. The model
    keeps the template it came from (``Model.template``) when the text uses loops, names with
    ``{…}`` or computed sites, so that the formatter prints them as written.
    """
    lowering = Lowering(source)
    template, name_span = lowering.transform(tree)
    if any(d.is_error for d in lowering.diagnostics):
        return None, lowering.diagnostics
    unroller = Unroller(limit)
    model = unroller.model(template, name_span)
    diagnostics = lowering.diagnostics + unroller.diagnostics
    if model is None or any(d.is_error for d in diagnostics):
        return None, diagnostics
    if lowering.templated:
        model = dataclasses.replace(model, template=template)
    return model, diagnostics

"""Hypothesis strategies for valid hrnnc models (shared by the printer, JSON and fuzz tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from hrnnc.ir import (
    FUNCTIONS, Arg, Basis, BinOp, Call, Cell, Const, Degree, Measure, MeasureStab, Model, Name, Neg, Num, Param,
    Phase, Register, RegisterKind, Reset, Shift, Site, StabEdge, Token,
)

RESERVED = {"pi", "e", *FUNCTIONS}
names = st.from_regex(r"[a-z_][a-z0-9_]{0,5}", fullmatch=True).filter(lambda s: s not in RESERVED)
numbers = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False) | st.integers(0, 50).map(float)


def expressions(known: list[str]) -> st.SearchStrategy:
    leaves = numbers.map(Num) | st.sampled_from(["pi", "e", *known]).map(Name)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            inner.map(Neg),
            st.tuples(st.sampled_from("+-*/"), inner, inner).map(lambda t: BinOp(*t)),
            st.tuples(st.sampled_from(FUNCTIONS), inner).map(lambda t: Call(*t)),
        ),
        max_leaves=8,
    )


@st.composite
def models(draw: st.DrawFn, kind: RegisterKind | None = None) -> Model:
    """Models that parse (names may be undefined in expressions only through ``known``)."""
    kind = kind or draw(st.sampled_from(list(RegisterKind)))
    n = draw(st.integers(1, 6))
    k = draw(st.integers(1, n if kind is RegisterKind.QUBITS else 4))
    decl_names = draw(st.lists(names, max_size=4, unique=True))
    decls = []
    for i, name in enumerate(decl_names):
        value = draw(expressions(decl_names[:i]))
        decls.append(draw(st.sampled_from([Param, Const]))(name, value))
    expr = expressions(decl_names)
    site = st.integers(0, n - 1).map(Site)

    def edge_sites(extra: list[int] | None = None) -> st.SearchStrategy:
        if kind is RegisterKind.QUBITS:
            return st.lists(st.integers(0, n - 1), min_size=1, max_size=k, unique=True).map(
                lambda xs: tuple(Site(x) for x in xs))
        return st.lists(st.integers(0, n - 1), min_size=1, max_size=k).map(lambda xs: tuple(Site(x) for x in xs))

    bases = [Basis.Z, Basis.X] if kind is RegisterKind.QUBITS else [Basis.Q, Basis.P]

    def statements(expr: st.SearchStrategy) -> st.SearchStrategy:
        return st.one_of(
            st.tuples(expr, edge_sites()).map(lambda t: Phase(*t)),
            st.tuples(site, st.lists(st.tuples(expr, edge_sites()), max_size=2), names).map(
                lambda t: MeasureStab(t[0], tuple(StabEdge(w, s) for w, s in t[1]), t[2])),
            st.tuples(st.sampled_from(bases), site, names).map(lambda t: Measure(*t)),
            site.map(Reset),
            *([st.tuples(expr, site).map(lambda t: Shift(*t))] if kind is RegisterKind.QUMODES else []),
        )
    token_names = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    cells = []
    rest = list(token_names)
    while rest:
        take = draw(st.integers(1, len(rest)))
        group, rest = rest[:take], rest[take:]
        args = draw(st.lists(names.filter(lambda a: a not in decl_names), max_size=2, unique=True))
        body = draw(st.lists(statements(expressions(decl_names + args)), max_size=4))
        cells.append(Cell(tuple(Token(t) for t in group), tuple(body), tuple(Arg(a) for a in args)))
    return Model(draw(names), Register(kind, n), Degree(k), tuple(decls), tuple(cells))

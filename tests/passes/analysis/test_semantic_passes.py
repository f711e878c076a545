"""Each semantic pass run alone on a tiny hand-built model (no parser involved)."""

from __future__ import annotations

import math

from hrnnc.diagnostics import Code, Severity
from hrnnc.ir import (
    Basis, BinOp, Call, Cell, Const, Degree, Measure, MeasureStab, Model, Name, Num, Param, Phase, Register,
    RegisterKind, Reset, Shift, Site, StabEdge, Token,
)
from hrnnc.passes import PassManager, PropertySet
from hrnnc.passes.analysis import (
    INITIAL_VALUES, MAX_EDGE_DEGREE, CheckDegree, CheckNames, CheckSites, CheckValues,
)


def model(kind: RegisterKind, n: int, k: int, *body: object, decls: tuple = ()) -> Model:
    return Model("m", Register(kind, n), Degree(k), decls, (Cell((Token("t"),), tuple(body)),))  # type: ignore[arg-type]


def run(pass_: object, m: Model) -> PropertySet:
    props = PropertySet()
    pass_.run(m, props)  # type: ignore[attr-defined]
    return props


def codes(props: PropertySet) -> list[Code]:
    return [d.code for d in props.diagnostics]


def S(*xs: int) -> tuple[Site, ...]:
    return tuple(Site(x) for x in xs)


def test_check_sites_range_repeats_vertex_and_kind() -> None:
    """Out of range (E0211), repeated qubit site (E0213), edge without vertex (E0214), shift on qubits (E0215)."""
    m = model(RegisterKind.QUBITS, 3, 3,
              Phase(Num(1), S(0, 3)),
              Phase(Num(1), S(1, 1)),
              MeasureStab(Site(0), (StabEdge(Num(1), S(1, 2)),), "y"),
              Shift(Num(1), Site(0)),
              Measure(Basis.P, Site(0), "y"))
    assert codes(run(CheckSites(), m)) == [Code.E0211, Code.E0213, Code.E0214, Code.E0215, Code.E0215]


def test_qumode_edges_may_repeat_sites() -> None:
    m = model(RegisterKind.QUMODES, 2, 3, Phase(Num(1), S(0, 0, 1)), Shift(Num(1), Site(1)),
              MeasureStab(Site(0), (StabEdge(Num(1), S(0, 0)),), "y"), Measure(Basis.Q, Site(1), "y"))
    assert codes(run(CheckSites(), m)) == []


def test_duplicate_stabilizer_edge_is_a_warning() -> None:
    m = model(RegisterKind.QUBITS, 2, 2, MeasureStab(Site(0), (StabEdge(Num(1), S(0, 1)), StabEdge(Num(2), S(1, 0))), "y"))
    props = run(CheckSites(), m)
    assert codes(props) == [Code.W0102] and props.diagnostics[0].severity is Severity.WARNING


def test_qubit_degree_bound_above_register_size() -> None:
    assert codes(run(CheckSites(), model(RegisterKind.QUBITS, 2, 3, Reset(Site(0))))) == [Code.E0205]
    assert codes(run(CheckSites(), model(RegisterKind.QUMODES, 1, 3, Reset(Site(0))))) == []


def test_check_degree_points_at_the_edge_and_records_the_largest() -> None:
    m = model(RegisterKind.QUMODES, 3, 2, Phase(Num(1), S(0, 1)),
              MeasureStab(Site(0), (StabEdge(Num(1), S(0, 0, 1)),), "y"))
    props = run(CheckDegree(), m)
    assert codes(props) == [Code.E0301]
    assert props[MAX_EDGE_DEGREE] == 3


def test_check_names_definitions_and_references() -> None:
    decls = (Param("a", Num(1)), Const("b", Name("c")), Const("c", Num(2)), Param("a", Num(3)), Param("sin", Num(0)),
             Param("unused", Num(0)))
    m = model(RegisterKind.QUBITS, 1, 1, Phase(BinOp("+", Name("a"), Name("nope")), S(0)),
              Phase(Call("tan", Name("b")), S(0)), Phase(Name("cos"), S(0)), Phase(Name("sin"), S(0)), decls=decls)
    got = codes(run(CheckNames(), m))
    assert sorted(got, key=lambda c: c.value) == sorted(
        [Code.E0217, Code.E0206, Code.E0208, Code.E0207, Code.E0209, Code.E0208, Code.W0101], key=lambda c: c.value)


def test_tokens_defined_twice() -> None:
    m = Model("m", Register(RegisterKind.QUBITS, 1), Degree(1), (),
              (Cell((Token("a"), Token("b")), ()), Cell((Token("b"),), ())))
    assert codes(run(CheckNames(), m)) == [Code.E0210]


def test_check_values_finds_non_finite_values_and_records_initial_values() -> None:
    decls = (Param("g", Num(2)), Const("h", BinOp("/", Name("g"), Num(4))), Const("bad", BinOp("/", Num(1), Num(0))))
    m = model(RegisterKind.QUMODES, 1, 1, Phase(Call("sqrt", Num(-1)), S(0)), Phase(Call("exp", Num(1e3)), S(0)),
              Phase(Num(math.inf), S(0)), Phase(Name("h"), S(0)), decls=decls)
    props = run(CheckValues(), m)
    assert codes(props) == [Code.E0216] * 4
    assert props[INITIAL_VALUES] == {"g": 2.0, "h": 0.5}


def test_manager_runs_requirements_and_enforces_the_contract() -> None:
    """CheckValues requires CheckNames: the manager runs it first and marks both valid."""
    m = model(RegisterKind.QUBITS, 1, 1, Phase(Name("x"), S(0)))
    _, props = PassManager([CheckValues()], stop_on_error=False).run(m)
    assert codes(props) == [Code.E0207]
    assert props.valid == {CheckNames, CheckValues}


def test_manager_stops_after_a_pass_with_errors() -> None:
    m = model(RegisterKind.QUBITS, 1, 1, Phase(Name("x"), S(0, 5)))
    _, props = PassManager([CheckSites(), CheckNames()]).run(m)
    assert codes(props) == [Code.E0211]

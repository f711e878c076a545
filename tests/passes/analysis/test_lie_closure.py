"""The lie-closure pass: dimensions, bounds, verdicts with witnesses, caps, JSON and summaries."""

from __future__ import annotations

import random
from math import comb

import pytest

import hrnnc
from hrnnc.algebra import p, q
from hrnnc.diagnostics import Code, ConfigurationError, Severity
from hrnnc.ir import Model
from hrnnc.passes import PropertySet
from hrnnc.passes.analysis import CLOSURE, LieClosure
from hrnnc.passes.analysis.generators import Generator, Origin
from hrnnc.passes.analysis.lie_closure import ClosureResult, hk_dimension, qubit_bound
from hrnnc.passes.pipelines import check_passes


def run(pass_: LieClosure, model: Model) -> PropertySet:
    props = PropertySet()
    pass_.run(model, props)
    return props


def complete_cv_model(n: int, k: int) -> str:
    """Every k-edge as a phase, every vertex read through a bare stabilizer (giving p_v)."""
    from itertools import combinations

    phases = " ".join(f"phase(1) {' '.join(map(str, e))};" for e in combinations(range(n), k))
    stabs = " ".join(f"measure stab({v}) -> y{v};" for v in range(n))
    return f"hrnn cv {{ qumodes {n}; degree {k}; on a {{ {phases} }} on b {{ {stabs} }} }}"


@pytest.mark.parametrize("n,k", [(3, 2), (4, 3), (6, 2)])
def test_complete_cv_model_is_within_hk(n: int, k: int) -> None:
    """dim = n + Σ_{j≤k} C(n,j); no diagnostic; bound is dim h_k = n + C(n+k, k)."""
    props = run(LieClosure(), hrnnc.parse(complete_cv_model(n, k)))
    result = props[CLOSURE]
    assert result.dimension == n + sum(comb(n, j) for j in range(k + 1))
    assert result.within_hk is True and not result.capped
    assert result.bound == n + comb(n + k, k)
    assert props.diagnostics == []


def test_json_and_summary_shapes() -> None:
    result = run(LieClosure(), hrnnc.parse(complete_cv_model(3, 2)))[CLOSURE]
    assert result.to_json() == {"algebra": "weyl", "dimension": 10, "bound": 13, "within_hk": True, "capped": False}
    assert result.summary() == "closure: weyl algebra, dimension 10, within h_2"
    capped = ClosureResult("pauli", 15, 11, None, True, k=2, cap_reason="dimension")
    assert capped.summary() == "closure: pauli algebra, dimension ≥ 15 (bound 11), capped (dimension)"


def test_basis_on_request() -> None:
    result = run(LieClosure(basis=True), hrnnc.parse(complete_cv_model(2, 2)))[CLOSURE]
    assert result.basis is not None and len(result.basis) == result.dimension == 6
    assert set(result.basis) == {"p0", "p1", "q0*q1", "q0", "q1", "1"}
    assert result.to_json()["basis"] == list(result.basis)
    assert "basis" not in run(LieClosure(), hrnnc.parse(complete_cv_model(2, 2)))[CLOSURE].to_json()


MERMIN = "hrnn m { qubits 2; degree 2; on a { phase(pi) 0 1; measure stab(0; pi: 0 1) -> y; } }"


def test_two_qubit_graph_model_dimension() -> None:
    """X0 and n0 n1: in blocks of qubit 1, X⊕X plus 0⊕su(2) plus Z1 — dimension 5 (derived by hand)."""
    result = run(LieClosure(), hrnnc.parse(MERMIN))[CLOSURE]
    assert (result.algebra, result.dimension, result.bound, result.within_hk) == ("pauli", 5, 6, None)
    assert result.to_json()["within_hk"] is None


UNIVERSAL = """hrnn u { qubits 3; degree 2;
  on a { phase(1) 0; phase(1) 1; phase(1) 2; phase(1) 0 1; phase(1) 1 2; }
  on b { measure stab(0) -> y; measure stab(1) -> y; measure stab(2) -> y; } }"""


def test_universal_qubit_model_is_not_certified() -> None:
    """Z_i, X_i and Z_i Z_{i+1} generate su(8) (dim 63) > 3 + 1 + 3 + 3 = 10: W0401 at the register."""
    props = run(LieClosure(), hrnnc.parse(UNIVERSAL))
    result = props[CLOSURE]
    assert result.dimension == 63 and result.bound == qubit_bound(3, 2) == 10 and not result.certified
    (diag,) = props.diagnostics
    assert diag.code is Code.W0401 and diag.severity is Severity.WARNING
    assert "dimension 63" in diag.message and "= 10" in diag.message
    assert diag.span is not None and diag.span.start_line_col == (1, 10)


def test_strict_turns_the_warning_into_an_error() -> None:
    (diag,) = run(LieClosure(strict=True), hrnnc.parse(UNIVERSAL)).diagnostics
    assert diag.code is Code.E0402 and diag.is_error


def test_check_api_and_pipeline_pass_options_through() -> None:
    assert check_passes(strict=True, max_dim=7) == [LieClosure(strict=True, max_dim=7)]
    report = hrnnc.check(UNIVERSAL, strict=True, max_dim=20)
    assert not report.ok and [d.code for d in report.diagnostics] == [Code.E0402]
    result = report.properties[CLOSURE]
    assert result.capped and result.dimension == 20 and result.cap_reason == "dimension"
    assert "≥ 20" in report.diagnostics[0].message


def dense_qubit_model(n: int, edges: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    phases = " ".join(f"phase(pi) {' '.join(map(str, rng.sample(range(n), 3)))};" for _ in range(edges))
    stabs = " ".join(f"measure stab({v}) -> y;" for v in range(0, n, 3))
    return f"hrnn d {{ qubits {n}; degree 3; on a {{ {phases} }} on b {{ {stabs} }} }}"


def test_large_dense_qubit_model_comes_back_capped() -> None:
    """200 qubits, dense edges: the time budget (or cap) stops the closure and it says '≥'."""
    model = hrnnc.parse(dense_qubit_model(200, 300))
    props = run(LieClosure(time_budget=0.5), model)
    result = props[CLOSURE]
    assert result.capped and result.cap_reason == "time"
    (diag,) = props.diagnostics
    assert diag.code is Code.W0401 and f"≥ {result.dimension}" in diag.message
    props = run(LieClosure(max_dim=40), model)
    assert props[CLOSURE].dimension == 40 and props[CLOSURE].cap_reason == "dimension"


def test_invalid_options_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError):
        LieClosure(max_dim=0)
    with pytest.raises(ConfigurationError):
        LieClosure(time_budget=0)


# -- witnesses ---------------------------------------------------------------------------------------

CUBIC = """hrnn c {
  qumodes 2;
  degree 3;
  on a { phase(1) 0 0 0; }
  on b { shift(1) 0; phase(1) 0 1; }
}"""


def test_a_squeezer_leaves_hk_with_witness() -> None:
    """Extra generator q p + p q (a squeezer) is outside h_k: E0401 names it and its source."""
    model = hrnnc.parse(CUBIC)
    squeezer = q(0) * p(0) + p(0) * q(0)
    extra = Generator(squeezer, "S", (Origin("squeezer", model.cells[0].span),))
    props = run(LieClosure(extra=(extra,)), model)
    assert props[CLOSURE].within_hk is False
    (diag,) = props.diagnostics
    assert diag.code is Code.E0401
    assert diag.message.startswith("the dynamical Lie algebra leaves h_3: generator S = 2*q0*p0 - i is outside h_3")
    assert "mixed q·p" in diag.message
    assert diag.span is model.cells[0].span
    assert [n.message for n in diag.notes if n.span is not None] == ["generator S comes from this squeezer"]


def test_growth_witness_is_a_real_commutator_chain() -> None:
    """With p0² added to q0³, [q0³, [q0³, p0²]] = −18 q0⁴ has degree 4 > k = 3.

    By hand: [q³, p²] = −[p², q³] = 3i (p q² + q² p) = 6i q² p + 6 q (using p q² = q² p − 2i q),
    then [q³, 6i q² p + 6 q] = 6i q² [q³, p] = 6i q² · 3i q² = −18 q⁴.
    """
    model = hrnnc.parse(CUBIC)
    extra = Generator(p(0) ** 2, "p0^2", (Origin("extension", model.cells[1].span),))
    props = run(LieClosure(extra=(extra,)), model)
    (diag,) = props.diagnostics
    assert "generator p0^2 is outside h_3 (it has a momentum term of degree 2)" in diag.message
    growth = [n.message for n in diag.notes if n.message.startswith("the algebra keeps growing")]
    assert growth, diag.notes
    assert "[q0^3, [q0^3, p0^2]] = -18*q0^4 has degree 4 > k = 3" in growth[0]
    sourced = [(n.message, n.span.start_line_col[0]) for n in diag.notes if n.span is not None]
    assert sourced == [("generator p0^2 comes from this extension", 5), ("generator q0^3 comes from this phase edge", 4)]
    assert props[CLOSURE].capped and props[CLOSURE].cap_reason == "degree"


def test_degree_above_k_from_a_model_that_skipped_the_degree_pass() -> None:
    """Run alone (no CheckDegree), a cubic edge under k = 2 is the first element outside h_2."""
    model = hrnnc.parse("hrnn c {\n  qumodes 3;\n  degree 2;\n  on a { phase(1) 0 1 2; shift(1) 0; }\n}")
    (diag,) = run(LieClosure(), model).diagnostics
    assert diag.code is Code.E0401
    assert "generator q0*q1*q2 is outside h_2 (it has a q-monomial of degree 3 > k = 2)" in diag.message
    assert diag.span is not None and diag.span.start_line_col == (4, 10)


def test_hk_dimension_formula() -> None:
    assert hk_dimension(2, 2) == 2 + 6 and qubit_bound(2, 2) == 6 and qubit_bound(3, 2) == 10


def test_generator_outside_hk_is_reported_even_when_a_cap_hides_it() -> None:
    """max_dim = 1 keeps the squeezer out of the basis; the verdict still comes from the generators."""
    model = hrnnc.parse(CUBIC)
    extra = Generator(q(0) * p(0) + p(0) * q(0), "S", (Origin("squeezer", model.cells[1].span),))
    props = run(LieClosure(max_dim=1, extra=(extra,)), model)
    assert props[CLOSURE].within_hk is False and props[CLOSURE].capped
    (diag,) = props.diagnostics
    assert diag.code is Code.E0401 and "generator S = 2*q0*p0 - i is outside h_3" in diag.message
    assert diag.span is model.cells[1].span

"""Exact (symbolic) checks of the sf target's cubic decomposition and unit conversions (no SF needed)."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from hrnnc.targets.sf_target.cubic import Cube, decompose, expand, naive_cube_count, polarization
from hrnnc.targets.sf_target.lowering import PhaseBlock, block_ops

Q = sympy.symbols("q0:4", real=True)

SHAPES_3 = {"a^3": (0, 0, 0), "a^2 b": (0, 0, 1), "a b c": (0, 1, 2)}


def cubes_to_sympy(cubes: list[Cube]) -> sympy.Expr:
    return sympy.expand(sum(sympy.Rational(c.coefficient.numerator, c.coefficient.denominator)
                            * sum(v * Q[m] for m, v in zip(c.modes, c.vector)) ** 3 for c in cubes))


def monomial_expr(mono: tuple[int, ...]) -> sympy.Expr:
    return sympy.Mul(*(Q[i] for i in mono))


@pytest.mark.parametrize("shape", sorted(SHAPES_3))
def test_polarization_identity_is_exact(shape: str) -> None:
    """The textbook identity (docs/semantics.md §5) holds as a polynomial identity for each cubic shape."""
    mono = SHAPES_3[shape]
    expr = sum(sympy.Rational(lam.numerator, lam.denominator) * sum(v * Q[m] for m, v in vec.items()) ** 3
               for lam, vec in polarization(mono))
    assert sympy.expand(expr - monomial_expr(mono)) == 0
    assert len(polarization(mono)) == naive_cube_count(mono)


@pytest.mark.parametrize("shape", sorted(SHAPES_3))
def test_single_monomial_decomposition_is_exact_and_minimal(shape: str) -> None:
    """decompose() of one monomial is an exact identity and uses 1, 3, 4 cubes (the real Waring ranks)."""
    mono = SHAPES_3[shape]
    cubes = decompose({mono: 1.0})
    assert sympy.expand(cubes_to_sympy(cubes) - monomial_expr(mono)) == 0
    assert len(cubes) == {"a^3": 1, "a^2 b": 3, "a b c": 4}[shape]


@pytest.mark.parametrize("mono", [(1, 0, 0), (2, 1, 0), (3, 3, 1), (2, 0, 3)])
def test_site_order_and_labels_do_not_matter(mono: tuple[int, ...]) -> None:
    cubes = decompose({mono: 0.7})
    assert expand(cubes) == {tuple(sorted(mono)): Fraction(0.7)}


def test_cell_form_shares_cubes() -> None:
    """examples/cubic_modes.hrnn cell 'a': t q0q1q2 + t/2 q0^2 q1 needs 4 cubes, not 4 + 3."""
    form = {(0, 1, 2): 0.2, (0, 0, 1): 0.1}
    cubes = decompose(form)
    assert len(cubes) == 4
    target = sympy.Rational(Fraction(0.2).numerator, Fraction(0.2).denominator) * Q[0] * Q[1] * Q[2] \
        + sympy.Rational(Fraction(0.1).numerator, Fraction(0.1).denominator) * Q[0] ** 2 * Q[1]
    assert sympy.expand(cubes_to_sympy(cubes) - target) == 0


@pytest.mark.parametrize("form, best", [
    ({(0, 0, 1): 1.0, (0, 1, 1): 1.0}, 3),       # a b (a + b) = ((a+b)^3 - a^3 - b^3) / 3; naive 6
    ({(0, 0, 1): 1.0, (1, 1, 1): 0.5}, 3),       # the b^3 merges into the polarization's b^3; naive 4
    ({(0, 0, 0): 0.25, (0, 0, 1): 0.75, (0, 1, 1): 0.75, (1, 1, 1): 0.25}, 1),  # (a + b)^3 / 4; naive 8
    ({(0, 1, 2): 1.0, (0, 0, 1): 0.5, (1, 1, 2): -0.25}, 5),  # naive 10
    ({(0, 1, 2): 0.37, (0, 0, 1): -0.11}, 4),     # a b (0.37 c - 0.11 a): exact factoring; naive 7
    ({(0, 0, 1): 0.3, (0, 0, 2): 0.7}, 3),        # a^2 (0.3 b + 0.7 c); naive 6
    ({(0, 0, 1): 0.3, (0, 1, 1): -0.7}, 3),       # any binary cubic with b c != 0; naive 6
])
def test_shared_cubes_beat_naive(form: dict[tuple[int, ...], float], best: int) -> None:
    """Collecting a cell's monomials into one form uses fewer cubes than one identity per monomial."""
    cubes = decompose(form)
    assert expand(cubes) == {m: Fraction(c) for m, c in form.items()}
    assert len(cubes) == best
    assert len(cubes) < sum(naive_cube_count(m) for m in form)


monomials = st.lists(st.integers(0, 3), min_size=3, max_size=3).map(lambda m: tuple(sorted(m)))
coefficients = st.fractions(min_value=-3, max_value=3, max_denominator=8).filter(lambda f: f != 0)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(monomials, coefficients, min_size=1, max_size=5))
def test_random_forms_are_exact_and_never_worse_than_naive(form: dict[tuple[int, ...], Fraction]) -> None:
    """Property: for any cubic form on 4 modes the cubes sum to it exactly, with at most the naive count."""
    cubes = decompose(form)
    assert expand(cubes) == form
    target = sum(sympy.Rational(c.numerator, c.denominator) * monomial_expr(m) for m, c in form.items())
    assert sympy.expand(cubes_to_sympy(cubes) - target) == 0
    assert len(cubes) <= sum(naive_cube_count(m) for m in form)


def test_degree_four_is_rejected_by_decompose() -> None:
    with pytest.raises(ValueError):
        decompose({(0, 1, 2, 3): 1.0})


# -- gate parameters in SF's hbar (symbolic in h) -----------------------------------------------

h, c, x = sympy.symbols("h c x", positive=True)


def generator_in_q(name: str, arg: sympy.Expr, degree_modes: int) -> sympy.Expr:
    """SF's documented generator ``G`` (gate = exp(i G)) written in the language's q = x / sqrt(h)."""
    q0, q1 = Q[0], Q[1]
    x0, x1 = sympy.sqrt(h) * q0, sympy.sqrt(h) * q1
    return {
        "Zgate": arg * x0 / h,                   # Z(p) = exp(i p x / hbar)
        "Pgate": arg * x0 ** 2 / (2 * h),        # P(s) = exp(i s x^2 / (2 hbar))
        "CZgate": arg * x0 * x1 / h,             # CZ(s) = exp(i s x1 x2 / hbar)
        "Vgate": arg * x0 ** 3 / (3 * h),        # V(g) = exp(i g x^3 / (3 hbar))
    }[name]


@pytest.mark.parametrize("mono, gate, language", [
    ((0,), "Zgate", Q[0]), ((0, 0), "Pgate", Q[0] ** 2), ((0, 1), "CZgate", Q[0] * Q[1]),
    ((0, 0, 0), "Vgate", Q[0] ** 3),
])
def test_unit_conversion_is_exact_for_any_hbar(mono: tuple[int, ...], gate: str, language: sympy.Expr) -> None:
    """Each degree-1/2/3 diagonal monomial maps to one SF gate whose generator is exactly c * monomial."""
    # The emitter's formulas, restated symbolically: Zgate(c sqrt(h)), Pgate(2c), CZgate(c), Vgate(3c/sqrt(h)).
    arg = {"Zgate": c * sympy.sqrt(h), "Pgate": 2 * c, "CZgate": c, "Vgate": 3 * c / sympy.sqrt(h)}[gate]
    assert sympy.simplify(generator_in_q(gate, arg, len(mono)) - c * language) == 0
    for hbar in (1.0, 2.0, 0.5):
        ops, cubic, _ = block_ops(PhaseBlock({mono: 0.37}, [mono]), hbar)
        assert [op.name for op in ops] == [gate]
        assert math.isclose(float(ops[0].args[0]), float(arg.subs({c: 0.37, h: hbar})), rel_tol=1e-14)


def test_shift_conversion() -> None:
    """shift(t) = exp(-i t p) and Xgate(s) = exp(-i s p_SF / h) with p_SF = sqrt(h) p give s = t sqrt(h)."""
    from hrnnc.targets.sf_target.lowering import Action, action_ops

    t = sympy.Symbol("t")
    assert sympy.simplify((t * sympy.sqrt(h)) * sympy.sqrt(h) / h - t) == 0
    (op,) = action_ops(Action("shift", 1, 0.3), 2.0, 1.0)
    assert op.name == "Xgate" and op.modes == (1,) and math.isclose(float(op.args[0]), 0.3 * math.sqrt(2))


def test_every_pair_shape_of_two_modes_lowers_to_one_gate() -> None:
    for mono in itertools.combinations_with_replacement(range(2), 2):
        ops, cubic, naive = block_ops(PhaseBlock({mono: 1.0}, [mono]), 2.0)
        assert len(ops) == 1 and cubic == naive == 0


def _float_error(form: dict[tuple[int, ...], float], cubes: list) -> float:
    """Largest |Σ λ (v·q)³ − form(q)| over fixed points, everything in floats (as the gates carry it)."""
    import random

    rng = random.Random(3)
    worst = 0.0
    for _ in range(40):
        q = [rng.uniform(-2.0, 2.0) for _ in range(4)]
        want = sum(c * q[a] * q[b] * q[d] for (a, b, d), c in form.items())
        got = sum(float(cube.coefficient) * sum(v * q[m] for m, v in cube.as_dict().items()) ** 3 for cube in cubes)
        worst = max(worst, abs(got - want))
    return worst


def test_float_coefficients_give_well_conditioned_cubes() -> None:
    """Regression (review): 0.3 q0q1q2 + q1²q2 factored at 0.3's binary value gave cubes ~1e31 that
    cancelled to nothing in floats. Balanced factors: 4 cubes, exact, and accurate in floats."""
    form = {(0, 1, 2): 0.3, (1, 1, 2): 1.0}
    cubes = decompose(form)
    assert expand(cubes) == {m: Fraction(c) for m, c in form.items()}
    assert len(cubes) == 4
    assert _float_error(form, cubes) < 1e-12


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(monomials, st.floats(-3, 3, allow_nan=False).filter(lambda x: abs(x) > 1e-3),
                       min_size=1, max_size=4))
def test_decompositions_are_accurate_in_floating_point(form: dict[tuple[int, ...], float]) -> None:
    """Every decomposition of a float-coefficient form evaluates, in floats, to the form (no cancellation)."""
    cubes = decompose(form)
    scale = max(abs(c) for c in form.values())
    assert _float_error(form, cubes) <= 1e-10 * scale * 8**3


def test_emitted_cubic_phases_are_bounded() -> None:
    """The review's model end to end: no Vgate of absurd strength in the emitted program."""
    import hrnnc

    model = hrnnc.parse("hrnn c { qumodes 3; degree 3; on a { phase(0.3) 0 1 2; phase(1) 1 1 2; } "
                        "on m { measure p 0 -> y; } }")
    program = hrnnc.compile(model, target="sf", inputs="a m")
    strengths = [abs(float(cmd.op.p[0])) for cmd in program.circuit if type(cmd.op).__name__ == "Vgate"]
    assert strengths and max(strengths) < 100

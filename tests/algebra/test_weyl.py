"""The Weyl algebra: hand-derived identities, the position representation, Jacobi."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hrnnc.algebra import QI, WeylPoly, commutator, const, p, q, q_monomial

i = QI(0, 1)


def test_canonical_commutation_relation() -> None:
    """[q_j, p_k] = i δ_jk."""
    assert commutator(q(0), p(0)) == const(i)
    assert commutator(p(0), q(0)) == const(-i)
    assert commutator(q(0), p(1)) == const(0)


def test_cubic_identity() -> None:
    """[q³, p³] = 9i q²p² + 18 q p − 6i (derived by hand from p q = q p − i)."""
    expected = 9 * i * q(0) ** 2 * p(0) ** 2 + 18 * q(0) * p(0) - 6 * i
    assert commutator(q(0) ** 3, p(0) ** 3) == expected
    assert str(commutator(q(0) ** 3, p(0) ** 3)) == "9i*q0^2*p0^2 + 18*q0*p0 - 6i"


def test_two_mode_identities() -> None:
    """[p_1, q_1 q_2] = −i q_2; [p_0, q_0² q_1] = −2i q_0 q_1; [q0 p0, q0] = q0 [p0, q0] = −i q0."""
    assert commutator(p(1), q(1) * q(2)) == -i * q(2)
    assert commutator(p(0), q_monomial([0, 0, 1])) == -2 * i * q(0) * q(1)
    assert commutator(q(0) * p(0), q(0)) == -i * q(0)


def test_normal_order_of_pq() -> None:
    """p q = q p − i."""
    assert p(0) * q(0) == q(0) * p(0) - i
    assert (p(0) * q(0)).terms == {((0, 1, 1),): QI(1), (): -i}


def test_squeezer_algebra_sl2() -> None:
    """[q², p²] = 2i (q p + p q) = 4i q p + 2."""
    assert commutator(q(0) ** 2, p(0) ** 2) == 4 * i * q(0) * p(0) + 2


# -- the position representation: q = x·, p = −i d/dx, checked with sympy -----------------------

X = sp.symbols("x0:2")


def act(poly: WeylPoly, f: sp.Expr) -> sp.Expr:
    """Apply a normal-ordered polynomial to f(x): p's (derivatives) first, then q's."""
    out = sp.Integer(0)
    for mono, c in poly:
        g = f
        for site, _, b in mono:
            for _ in range(b):
                g = -sp.I * sp.diff(g, X[site])
        for site, a, _ in mono:
            g = X[site] ** a * g
        out += (sp.Rational(c.re, c.den) + sp.I * sp.Rational(c.im, c.den)) * g
    return sp.expand(out)


small = st.integers(-3, 3)
monomials = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 2), st.integers(0, 2)), max_size=2)
polys = st.lists(st.tuples(monomials, st.builds(QI, small, small)), max_size=3).map(
    lambda terms: WeylPoly([(tuple(sorted({s: (s, a, b) for s, a, b in m}.values())), c) for m, c in terms]))
TEST_F = sp.exp(X[0] + 2 * X[1]) * (1 + X[0] ** 2 * X[1])


@settings(max_examples=40)
@given(polys, polys)
def test_product_is_operator_composition(a: WeylPoly, b: WeylPoly) -> None:
    """(ab)·f = a·(b·f) for operators on functions of x (independent of the reordering code)."""
    assert sp.simplify(act(a * b, TEST_F) - act(a, act(b, TEST_F))) == 0


@settings(max_examples=60)
@given(polys, polys, polys)
def test_jacobi_identity(a: WeylPoly, b: WeylPoly, c: WeylPoly) -> None:
    """[a,[b,c]] + [b,[c,a]] + [c,[a,b]] = 0."""
    total = commutator(a, commutator(b, c)) + commutator(b, commutator(c, a)) + commutator(c, commutator(a, b))
    assert total == const(0)


@settings(max_examples=60)
@given(polys, polys, polys)
def test_associativity_and_antisymmetry(a: WeylPoly, b: WeylPoly, c: WeylPoly) -> None:
    assert (a * b) * c == a * (b * c)
    assert commutator(a, b) == -commutator(b, a)


def test_degree_and_hk_membership() -> None:
    assert (q(0) ** 2 * p(1)).degree == 3
    assert const(0).degree == -1
    assert q_monomial([0, 1, 2]).in_hk(3) and not q_monomial([0, 1, 2]).in_hk(2)
    assert p(3).in_hk(1) and const(5).in_hk(2)
    assert not (p(0) ** 2).in_hk(4) and not (q(0) * p(0)).in_hk(4) and not (q(0) * p(1)).in_hk(4)

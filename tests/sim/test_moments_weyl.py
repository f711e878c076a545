"""The Heisenberg engine against an exact Weyl-algebra oracle, and its moments against sympy.

The oracle (this file) evolves every mode's ``q`` and ``p`` with :mod:`hrnnc.algebra` (exact
Q(i) coefficients) by conjugation series ``e^{−iA} O e^{iA} = Σ_n ad_{−iA}^n(O)/n!`` (they end:
the algebra is nilpotent), and models a homodyne with feed-forward as a swap with a fresh
source followed by the *unitary* displacement controlled by the swapped-out mode
(``exp(i p_old q_v)`` after ``measure p``, ``exp(−i q_old p_v)`` after ``measure q``). It never
uses the engine's derivative rules. With dyadic angles the engine's float coefficients are
exact, so the comparison is equality, and ``[Y_s, Y_t] = 0`` is checked exactly.

Moments: a product of outputs is normal ordered in the Weyl algebra and each monomial's
expectation ``∏ ⟨q^a p^b⟩`` is integrated by sympy over the Gaussian wavefunctions
``(πs²)^{−1/4} e^{−x²/(2s²)}`` (``s = e^r`` for momentum-squeezed, ``e^{−r}`` for position-squeezed
sources).
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from itertools import combinations_with_replacement

import pytest
import sympy as sp

import hrnnc
from hrnnc.algebra import QI, WeylPoly, const, p, q
from hrnnc.ir import Basis, Measure, MeasureStab, Phase, Reset, Shift, unroll
from hrnnc.sim.heisenberg import Output, heisenberg_run
from hrnnc.sim.moments import output_moments
from moment_models import random_model

MINUS_I = QI(0, -1)


def conjugate(a: WeylPoly, o: WeylPoly) -> WeylPoly:
    """``e^{−iA} O e^{iA}``."""
    total, term = o, o
    for n in range(1, 40):
        term = (MINUS_I * a.commutator(term)) * QI(Fraction(1, n))
        if not term:
            return total
        total = total + term
    raise AssertionError("the conjugation series did not end")


class Oracle:
    def __init__(self, modes: int):
        self.sources: list[str] = []
        self.q: list[WeylPoly] = []
        self.p: list[WeylPoly] = []
        for _ in range(modes):
            s = self.fresh("p")
            self.q.append(q(s))
            self.p.append(p(s))
        self.outputs: list[WeylPoly] = []

    def fresh(self, kind: str) -> int:
        self.sources.append(kind)
        return len(self.sources) - 1

    def unitary(self, a: WeylPoly) -> None:
        self.q = [conjugate(a, x) for x in self.q]
        self.p = [conjugate(a, x) for x in self.p]

    def phase(self, sites: tuple[int, ...], angle: float) -> None:
        mono = const(1)
        for s in sites:
            mono = mono * self.q[s]
        self.unitary(mono * QI(Fraction(angle)))

    def measure(self, v: int, basis: str, record: bool) -> None:
        old_q, old_p = self.q[v], self.p[v]
        s = self.fresh("q" if basis == "q" else "p")
        self.q[v], self.p[v] = q(s), p(s)  # swap with a fresh source
        if not record:
            return
        if basis == "p":
            self.outputs.append(old_p)
            self.unitary(old_p * self.q[v])  # exp(i p_old q_v): displace p_v by the outcome
        else:
            self.outputs.append(old_q)
            self.unitary(-(old_q * self.p[v]))  # exp(−i q_old p_v): displace q_v by the outcome


def oracle_outputs(model: hrnnc.Model, inputs: str) -> Oracle:
    from hrnnc.ir import float_bindings

    value = float_bindings(model)
    o = Oracle(model.size)
    for cell in unroll(model, inputs):
        for stmt in cell.body:
            if isinstance(stmt, Phase):
                o.phase(stmt.indices, value(stmt.angle))
            elif isinstance(stmt, Shift):
                o.unitary(o.p[stmt.site.index] * QI(Fraction(-value(stmt.amount))))
            elif isinstance(stmt, MeasureStab):
                weights = [(e.indices, value(e.weight)) for e in stmt.edges]
                for sites, w in weights:
                    o.phase(sites, -w)
                o.measure(stmt.vertex.index, "p", True)
                for sites, w in weights:
                    o.phase(sites, w)
            elif isinstance(stmt, Measure):
                o.measure(stmt.site.index, "q" if stmt.basis is Basis.Q else "p", True)
            elif isinstance(stmt, Reset):
                o.measure(stmt.site.index, "p", False)
    return o


def as_weyl(out: Output) -> WeylPoly:
    total = const(0)
    for j, b in out.momenta.items():
        total = total + p(j) * QI(Fraction(float(b[0])))
    for mono, c in out.positions.items():
        term = const(1)
        for j in mono:
            term = term * q(j)
        total = total + term * QI(Fraction(float(c[0])))
    return total


MODELS = [random_model(seed, modes) for seed in range(12) for modes in (2, 3)]


@pytest.mark.parametrize("text, inputs", MODELS, ids=[f"m{i}" for i in range(len(MODELS))])
def test_engine_equals_exact_oracle_and_outputs_commute(text: str, inputs: str) -> None:
    """Every Y_t equals the oracle's exactly, and all Y_t commute (exact Weyl arithmetic)."""
    model = hrnnc.parse(text)
    run = heisenberg_run(model, inputs)
    oracle = oracle_outputs(model, inputs)
    assert run.sources == tuple(oracle.sources)
    assert [as_weyl(o) for o in run.outputs] == oracle.outputs
    for a, b in combinations_with_replacement(oracle.outputs, 2):
        assert not a.commutator(b)
    assert all(y.in_hk(model.degree.value) for y in oracle.outputs)  # docs/semantics.md §10: Y_t ∈ h_k


X, S = sp.symbols("x s", positive=True)


@lru_cache(maxsize=None)
def _site_moment(a: int, b: int) -> sp.Expr:
    """⟨q^a p^b⟩ on (πs²)^{−1/4} e^{−x²/(2s²)} as a function of s (sympy)."""
    x = sp.Symbol("x", real=True)
    psi = (sp.pi * S ** 2) ** sp.Rational(-1, 4) * sp.exp(-x ** 2 / (2 * S ** 2))
    f = psi
    for _ in range(b):
        f = -sp.I * sp.diff(f, x)
    return sp.simplify(sp.integrate(sp.expand(psi * x ** a * f), (x, -sp.oo, sp.oo)))


def exact_expectation(poly: WeylPoly, kinds: list[str], r: float) -> complex:
    total = 0j
    for mono, c in poly:
        w = complex(float(c.real), float(c.imag))
        for site, a, b in mono:
            s = math.exp(r) if kinds[site] == "p" else math.exp(-r)
            w *= complex(_site_moment(a, b).subs(S, s).evalf())
        total += w
    return total


@pytest.mark.parametrize("index", [0, 3, 5, 8])
def test_joint_moments_match_sympy(index: int) -> None:
    """Means, covariances and all third and fourth moments equal exact Weyl products on sympy Gaussians."""
    text, inputs = random_model(100 + index, 2, statements=6, max_outputs=3)
    model = hrnnc.parse(text)
    r = 0.3
    oracle = oracle_outputs(model, inputs)
    res = output_moments(model, inputs, order=4, squeezing=r)
    ys = oracle.outputs
    for t, y in enumerate(ys):
        assert res.means[t] == pytest.approx(exact_expectation(y, oracle.sources, r).real, rel=1e-9, abs=1e-9)
    for key, value in res.joint.items():
        prod = const(1)
        for t in key:
            prod = prod * ys[t]
        exact = exact_expectation(prod, oracle.sources, r)
        assert abs(exact.imag) < 1e-9 * max(1.0, abs(exact.real))
        assert value == pytest.approx(exact.real, rel=1e-9, abs=1e-9)


def test_single_mode_moments_up_to_six() -> None:
    """y = p_0 + c q_0² (one source, the ordering matters at every order ≥ 3) up to order 6."""
    model = hrnnc.parse("hrnn c { qumodes 1; degree 3; on a { phase(0.7) 0 0 0; } on m { measure p 0 -> y; } }")
    r = 0.6
    res = output_moments(model, "a m", order=6, squeezing=r)
    y = p(0) + q(0) * q(0) * QI(Fraction(21, 10))
    power = const(1)
    for order in range(1, 7):
        power = power * y
        exact = exact_expectation(power, ["p"], r).real
        got = res.means[0] if order == 1 else (res.covariance[0, 0] + res.means[0] ** 2 if order == 2
                                                 else res.joint[(0,) * order])
        assert got == pytest.approx(exact, rel=1e-9)

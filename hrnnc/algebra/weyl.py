"""The Weyl algebra: normal-ordered polynomials in ``q_i, p_i`` with ``[q_i, p_j] = i δ_ij`` (ħ = 1).

A monomial is a tuple of ``(site, a, b)`` triples, sorted by site, meaning
``∏_site q_site^a p_site^b`` with every ``q`` to the left of every ``p`` (normal order);
``()`` is the constant 1. A :class:`WeylPoly` maps monomials to exact :class:`QI` coefficients.
Reordering uses ``p^b q^c = Σ_j j! C(b,j) C(c,j) (−i)^j q^{c−j} p^{b−j}`` on each site.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product as cartesian
from math import comb, factorial
from typing import Iterable, Mapping

from hrnnc.algebra.numbers import QI, Scalar, format_terms, gaussian
from hrnnc.algebra.sparse import SparseSum

Mono = tuple[tuple[int, int, int], ...]
"""A normal-ordered monomial: sorted ``(site, q-exponent, p-exponent)`` triples."""

_MINUS_I_POWERS = ((1, 0), (0, -1), (-1, 0), (0, 1))


def _site_product(a: int, b: int, c: int, d: int) -> list[tuple[int, int, int, int]]:
    """``q^a p^b · q^c p^d`` on one site as ``(re, im, qexp, pexp)`` terms, Gaussian-integer coefficients."""
    if b == 0 or c == 0:
        return [(1, 0, a + c, b + d)]
    out = []
    for j in range(min(b, c) + 1):
        mag = factorial(j) * comb(b, j) * comb(c, j)
        re, im = _MINUS_I_POWERS[j % 4]
        out.append((mag * re, mag * im, a + c - j, b + d - j))
    return out


def mono_product(m1: Mono, m2: Mono) -> dict[Mono, tuple[int, int]]:
    """Normal-ordered product of two monomials; coefficients are Gaussian integers ``(re, im)``."""
    d1 = {s: (a, b) for s, a, b in m1}
    d2 = {s: (a, b) for s, a, b in m2}
    per_site = []
    for s in sorted(d1.keys() | d2.keys()):
        a, b = d1.get(s, (0, 0))
        c, d = d2.get(s, (0, 0))
        per_site.append([(re, im, (s, x, y)) for re, im, x, y in _site_product(a, b, c, d)])
    out: dict[Mono, tuple[int, int]] = {}
    for choice in cartesian(*per_site):
        re, im = 1, 0
        mono = []
        for cre, cim, triple in choice:
            re, im = re * cre - im * cim, re * cim + im * cre
            if triple[1] or triple[2]:
                mono.append(triple)
        key = tuple(mono)
        ore, oim = out.get(key, (0, 0))
        out[key] = (ore + re, oim + im)
    return {k: v for k, v in out.items() if v != (0, 0)}


def monos_commute(m1: Mono, m2: Mono) -> bool:
    """True when no site carries ``q`` in one monomial and ``p`` in the other (a sufficient test)."""
    if not m1 or not m2:
        return True
    d2 = {s: (a, b) for s, a, b in m2}
    for s, a, b in m1:
        other = d2.get(s)
        if other is not None and ((a and other[1]) or (b and other[0])):
            return False
    return True


@lru_cache(maxsize=1 << 17)
def mono_commutator(m1: Mono, m2: Mono) -> tuple[tuple[Mono, QI], ...]:
    """``[m1, m2]`` as ``(monomial, coefficient)`` pairs (empty when they commute).

    Only sites where one monomial has ``q`` and the other ``p`` are expanded; on every other
    site the two factors commute and their exponents simply add.
    """
    d1 = {s: (a, b) for s, a, b in m1}
    d2 = {s: (a, b) for s, a, b in m2}
    inter = [s for s, (a, b) in d1.items() if s in d2 and ((a and d2[s][1]) or (b and d2[s][0]))]
    if not inter:
        return ()
    common = {}
    for s in d1.keys() | d2.keys():
        if s not in inter:
            a, b = d1.get(s, (0, 0))
            c, d = d2.get(s, (0, 0))
            common[s] = (a + c, b + d)
    left: dict[tuple[tuple[int, int], ...], tuple[int, int]] = {(): (1, 0)}
    right: dict[tuple[tuple[int, int], ...], tuple[int, int]] = {(): (1, 0)}
    for s in inter:
        (a, b), (c, d) = d1[s], d2[s]
        left = _extend(left, _site_product(a, b, c, d))
        right = _extend(right, _site_product(c, d, a, b))
    out = []
    for key in left.keys() | right.keys():
        re1, im1 = left.get(key, (0, 0))
        re2, im2 = right.get(key, (0, 0))
        if re1 != re2 or im1 != im2:
            exps = dict(common)
            exps.update(zip(inter, key))
            mono = tuple((s, x, y) for s, (x, y) in sorted(exps.items()) if x or y)
            out.append((mono, gaussian(re1 - re2, im1 - im2)))
    out.sort(key=lambda t: t[0])
    return tuple(out)


def _extend(acc: dict[tuple[tuple[int, int], ...], tuple[int, int]],
            terms: list[tuple[int, int, int, int]]) -> dict[tuple[tuple[int, int], ...], tuple[int, int]]:
    """Multiply accumulated per-site choices by one more site's terms (Gaussian integers)."""
    out: dict[tuple[tuple[int, int], ...], tuple[int, int]] = {}
    for key, (re, im) in acc.items():
        for cre, cim, x, y in terms:
            out[key + ((x, y),)] = (re * cre - im * cim, re * cim + im * cre)
    return out


def mono_degree(m: Mono) -> int:
    return sum(a + b for _, a, b in m)


def mono_in_hk(m: Mono, k: int) -> bool:
    """Whether a monomial lies in ``h_k = span{1, p_i, q-monomials of degree ≤ k}``."""
    if not m:
        return True
    if len(m) == 1 and m[0][1] == 0 and m[0][2] == 1:
        return True
    return all(b == 0 for _, _, b in m) and sum(a for _, a, _ in m) <= k


def mono_str(m: Mono) -> str:
    if not m:
        return "1"
    qs = [f"q{s}" + (f"^{a}" if a > 1 else "") for s, a, _ in m if a]
    ps = [f"p{s}" + (f"^{b}" if b > 1 else "") for s, _, b in m if b]
    return "*".join(qs + ps)


def mono_codes(m: Mono) -> tuple[set[int], set[int]]:
    """Variable codes (``2s`` for ``q_s``, ``2s+1`` for ``p_s``) of ``m`` and of its conjugates.

    Two monomials can fail to commute only if one's codes meet the other's conjugate codes.
    """
    own: set[int] = set()
    conj: set[int] = set()
    for s, a, b in m:
        if a:
            own.add(2 * s)
            conj.add(2 * s + 1)
        if b:
            own.add(2 * s + 1)
            conj.add(2 * s)
    return own, conj


class WeylPoly(SparseSum):
    """An immutable Weyl-algebra polynomial with exact coefficients in Q(i).

    Build from :func:`q`, :func:`p` and :func:`const` with ``+ - *`` and ``**``;
    :func:`commutator` (or ``a.commutator(b)``) gives ``ab − ba``.
    """

    __slots__ = ()
    unit_key = ()

    @classmethod
    def _canonical_key(cls, mono: Iterable[tuple[int, int, int]]) -> Mono:
        return _canonical(mono)

    def _product_terms(self, other: WeylPoly) -> dict[Mono, QI]:
        out: dict[Mono, QI] = {}
        for k1, c1 in self.terms.items():
            for k2, c2 in other.terms.items():
                for key, (re, im) in mono_product(k1, k2).items():
                    out[key] = out.get(key, QI()) + c1 * c2 * gaussian(re, im)
        return out

    def _bracket(self, other: WeylPoly) -> dict[Mono, QI]:
        return bracket_terms(self.terms, other.terms)

    def __pow__(self, exponent: int) -> WeylPoly:
        if exponent < 0:
            raise ValueError("negative powers are not polynomials")
        result = const(1)
        for _ in range(exponent):
            result = result * self
        return result

    # -- inspection -----------------------------------------------------------------------------

    @property
    def degree(self) -> int:
        """Total degree in ``q`` and ``p`` (−1 for the zero polynomial)."""
        return max((mono_degree(m) for m in self.terms), default=-1)

    def in_hk(self, k: int) -> bool:
        """Whether the polynomial lies in ``h_k = span{1, p_i, q-monomials of degree ≤ k}``."""
        return all(mono_in_hk(m, k) for m in self.terms)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (int, QI)) and not isinstance(other, bool):
            other = const(other)
        return super().__eq__(other)

    __hash__ = SparseSum.__hash__

    def __str__(self) -> str:
        return format_terms(self.terms, mono_str, key=lambda m: (-mono_degree(m), m))


def bracket_terms(t1: Mapping[Mono, QI], t2: Mapping[Mono, QI]) -> dict[Mono, QI]:
    """``[A, B]`` of two term dictionaries (the closure's hot path)."""
    out: dict[Mono, QI] = {}
    for k1, c1 in t1.items():
        for k2, c2 in t2.items():
            terms = mono_commutator(k1, k2)
            if not terms:
                continue
            c12 = c1 * c2
            for key, c in terms:
                value = out.get(key)
                out[key] = c12 * c if value is None else value + c12 * c
    return {k: v for k, v in out.items() if v}


def _canonical(mono: Iterable[tuple[int, int, int]]) -> Mono:
    acc: dict[int, list[int]] = {}
    for s, a, b in mono:
        if s < 0 or a < 0 or b < 0:
            raise ValueError(f"bad monomial factor {(s, a, b)}")
        if s in acc and acc[s][1] and a:
            raise ValueError("give monomials in normal order (q before p on each site)")
        cur = acc.setdefault(s, [0, 0])
        cur[0] += a
        cur[1] += b
    return tuple((s, a, b) for s, (a, b) in sorted(acc.items()) if a or b)


def q(site: int) -> WeylPoly:
    """The position quadrature ``q_site``."""
    return WeylPoly._from_dict({((site, 1, 0),): QI(1)})


def p(site: int) -> WeylPoly:
    """The momentum quadrature ``p_site``."""
    return WeylPoly._from_dict({((site, 0, 1),): QI(1)})


def const(value: Scalar) -> WeylPoly:
    """A constant polynomial."""
    c = QI.coerce(value)
    return WeylPoly._from_dict({(): c} if c else {})


def q_monomial(sites: Iterable[int]) -> WeylPoly:
    """``∏ q_j`` over ``sites`` (repeats raise the power: ``[0, 0, 1]`` is ``q0² q1``)."""
    return WeylPoly([(tuple((s, 1, 0) for s in sites), 1)])


def commutator(a: WeylPoly, b: WeylPoly) -> WeylPoly:
    """``[a, b] = ab − ba``."""
    return a.commutator(b)

"""Cube decompositions in closed form: the polarization identities, binary cubics, factoring over Q.

A term is ``(lam, vector)`` meaning ``lam * (sum_j vector[j] q_j)**3``; :func:`merge` turns
terms into sign-normalised :class:`Cube`s. Everything is exact (``Fraction``, Python ints).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

Monomial = tuple[int, ...]
"""Sorted mode indices with repetition: ``(0, 0, 1)`` is ``q0^2 q1``."""


@dataclass(frozen=True, slots=True)
class Cube:
    """One term ``coefficient * (sum_j vector[j] q_modes[j])**3``."""

    coefficient: Fraction
    """Exact rational weight."""
    modes: tuple[int, ...]
    """Modes with a nonzero entry, increasing."""
    vector: tuple[int, ...]
    """Integer entries, one per mode in ``modes``; the first nonzero entry is positive."""

    def as_dict(self) -> dict[int, int]:
        return dict(zip(self.modes, self.vector))


def naive_cube_count(monomial: Monomial) -> int:
    """Cubes used by the textbook polarization identity for one monomial (1, 3 or 4)."""
    return {1: 1, 2: 3, 3: 4}[len(set(monomial))]


def cube_expansion(vector: Mapping[int, int]) -> dict[Monomial, int]:
    """Integer coefficients of ``(sum_j v_j q_j)**3`` by sorted monomial."""
    out: dict[Monomial, int] = {}
    items = sorted(vector.items())
    for a, b, c in itertools.product(items, repeat=3):
        key = tuple(sorted((a[0], b[0], c[0])))
        out[key] = out.get(key, 0) + a[1] * b[1] * c[1]
    return {k: v for k, v in out.items() if v}


def expand(cubes: Iterable[Cube]) -> dict[Monomial, Fraction]:
    """The exact cubic form ``sum_i lam_i (l_i . q)^3``."""
    total: dict[Monomial, Fraction] = {}
    for cube in cubes:
        for mono, k in cube_expansion(cube.as_dict()).items():
            total[mono] = total.get(mono, Fraction(0)) + cube.coefficient * k
    return {m: c for m, c in total.items() if c}


def normalise(vector: Mapping[int, int]) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """Modes, sign-normalised entries, and the sign that was divided out."""
    modes = tuple(sorted(m for m, v in vector.items() if v))
    entries = [vector[m] for m in modes]
    sign = 1 if entries[0] > 0 else -1
    return modes, tuple(sign * e for e in entries), sign


def polarization(monomial: Monomial) -> list[tuple[Fraction, dict[int, int]]]:
    """The textbook identity for one monomial with unit coefficient."""
    distinct = sorted(set(monomial))
    if len(distinct) == 1:
        (a,) = distinct
        return [(Fraction(1), {a: 1})]
    if len(distinct) == 2:
        a = max(distinct, key=monomial.count)  # the squared mode
        b = min(distinct, key=monomial.count)
        # a^2 b = ((a+b)^3 - (a-b)^3 - 2 b^3) / 6
        return [(Fraction(1, 6), {a: 1, b: 1}), (Fraction(-1, 6), {a: 1, b: -1}), (Fraction(-1, 3), {b: 1})]
    a, b, c = distinct
    # a b c = (1/24) sum_{s,t = +-1} s t (a + s b + t c)^3
    return [(Fraction(s * t, 24), {a: 1, b: s, c: t}) for s in (1, -1) for t in (1, -1)]


def merge(terms: Iterable[tuple[Fraction, Mapping[int, int]]]) -> list[Cube]:
    """Add the weights of equal (sign-normalised) vectors and drop zero weights."""
    acc: dict[tuple[tuple[int, ...], tuple[int, ...]], Fraction] = {}
    for lam, vec in terms:
        modes, entries, sign = normalise(vec)
        acc[(modes, entries)] = acc.get((modes, entries), Fraction(0)) + lam * sign ** 3
    return [Cube(c, modes, entries) for (modes, entries), c in acc.items() if c]


def integral(vector: Mapping[int, Fraction]) -> tuple[Fraction, dict[int, int]]:
    """``(s, w)`` with integer ``w = vector / s``, so ``(vector . q)^3 = s^3 (w . q)^3``."""
    denominator = 1
    for v in vector.values():
        denominator = denominator * v.denominator // math.gcd(denominator, v.denominator)
    ints = {m: int(v * denominator) for m, v in vector.items() if v}
    common = functools.reduce(math.gcd, ints.values())
    return Fraction(common, denominator), {m: v // common for m, v in ints.items()}


def factored(form: Mapping[Monomial, Fraction], modes: Sequence[int]
              ) -> list[tuple[Fraction, dict[int, int]]] | None:
    """Cubes from an exact factorization into linear forms over Q, or None.

    ``c l1 l2 l3`` takes the polarization identity in the forms ``l_i`` themselves (4 cubes,
    3 for ``l1^2 l2``, 1 for ``l1^3``), e.g. ``a b c + k a^2 b = a b (c + k a)`` for any ``k``.
    Uses SymPy (installed with Strawberry Fields); without it the search result stands.
    """
    try:
        import sympy  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - sympy comes with the sf extra
        return None
    symbols = sympy.symbols(f"x0:{len(modes)}")
    local = {q: i for i, q in enumerate(modes)}
    poly = sympy.Poly(sum(sympy.Rational(c.numerator, c.denominator) * sympy.Mul(*(symbols[local[q]] for q in m))
                          for m, c in form.items()), *symbols)
    constant, factors = sympy.factor_list(poly)
    scale = Fraction(int(sympy.Rational(constant).p), int(sympy.Rational(constant).q))
    linear: list[dict[int, Fraction]] = []
    for factor, multiplicity in factors:
        if factor.total_degree() != 1:
            return None
        coeffs = {modes[i]: Fraction(int(r.p), int(r.q)) for i, r in enumerate(
            factor.coeff_monomial(symbols[i]) for i in range(len(modes)))}
        # Balance each form to largest entry 1 (its size moves into the constant): SymPy's
        # integer-content forms, e.g. 5404319552844595 q0 + 2**54 q1 for 0.3 q0 + q1, would
        # otherwise make the polarization cancel terms ~1e16 apart in floating point.
        largest = max(abs(v) for v in coeffs.values())
        coeffs = {m: v / largest for m, v in coeffs.items()}
        scale *= largest ** multiplicity
        linear.extend([coeffs] * multiplicity)
    if len(linear) != 3:
        return None
    vectors: list[tuple[Fraction, dict[int, int]]] = []
    for lam, combo in polarize_forms(linear):
        total: dict[int, Fraction] = {}
        for weight, form_vec in combo:
            for m, v in form_vec.items():
                total[m] = total.get(m, Fraction(0)) + weight * v
        if not any(total.values()):
            continue
        size, ints = integral(total)
        vectors.append((scale * lam * size ** 3, ints))
    merged = merge(vectors)
    if expand(merged) != {m: c for m, c in form.items() if c}:
        return None
    return [(c.coefficient, c.as_dict()) for c in merged]


def polarize_forms(forms: list[dict[int, Fraction]]
                    ) -> list[tuple[Fraction, list[tuple[int, dict[int, Fraction]]]]]:
    """The polarization identity for ``l1 l2 l3`` as weights of sums ``sum_i s_i l_i``."""
    l1, l2, l3 = forms
    if l1 == l2 == l3:
        return [(Fraction(1), [(1, l1)])]
    if l1 == l2 or l1 == l3 or l2 == l3:
        square = l1 if l1 in (l2, l3) else l2
        other = next(f for f in forms if f != square)
        # square^2 other = ((s + o)^3 - (s - o)^3 - 2 o^3) / 6
        return [(Fraction(1, 6), [(1, square), (1, other)]), (Fraction(-1, 6), [(1, square), (-1, other)]),
                (Fraction(-1, 3), [(1, other)])]
    return [(Fraction(s * t, 24), [(1, l1), (s, l2), (t, l3)]) for s in (1, -1) for t in (1, -1)]


def binary_three(form: Mapping[Monomial, Fraction], x: int, y: int) -> list[tuple[Fraction, dict[int, int]]] | None:
    """Any binary cubic ``a x^3 + b x^2 y + c x y^2 + d y^3`` with ``b c != 0`` in three cubes.

    ``(x + t y)^3`` with ``t = c / b`` has middle terms ``3 t x^2 y + 3 t^2 x y^2``, so
    ``mu = b / (3 t)`` fits both; ``x^3`` and ``y^3`` take the rest. The vector is made integral.
    """
    b, c = form.get((x, x, y), Fraction(0)), form.get((x, y, y), Fraction(0))
    if b == 0 or c == 0:
        return None
    t = c / b
    mu = b / (3 * t)
    a = form.get((x, x, x), Fraction(0)) - mu
    d = form.get((y, y, y), Fraction(0)) - mu * t ** 3
    # (x + t y) = (p x + q y) / p with t = q / p in lowest terms.
    p, q = t.denominator, t.numerator
    terms = [(mu / Fraction(p) ** 3, {x: p, y: q})]
    terms += [(a, {x: 1})] if a else []
    terms += [(d, {y: 1})] if d else []
    return terms

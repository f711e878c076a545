"""Exact decomposition of a cubic form in the q's into as few cubes of linear forms as we can find.

A cell's phases commute (they are functions of q only), so all its cubic monomials form one
cubic form ``C(q) = sum c_m m(q)``. We write ``C = sum_i lam_i (l_i . q)**3`` with integer
vectors ``l_i`` and rational ``lam_i``; each cube then costs one cubic-phase gate between
passive interferometers. The count is the (real) Waring rank of ``C`` restricted to our
candidate vectors, which is the least any q-preserving Gaussian conjugation of cubic phases
can achieve for that set of linear forms.

Strategy (all arithmetic exact, with :class:`fractions.Fraction`):

1. Group the monomials: every support of three modes is a group; monomials of smaller
   support join a group that contains it (or form their own).
2. In each group (at most three modes) search subsets of the small pool of vectors with
   entries in ``{-1, 0, 1}`` (``{-2..2}`` for two modes), smallest first, for one whose cubes
   span the group's form: a float least-squares filter, then an exact rational solve.
   The search never exceeds the polarization count (1 for ``a^3``, 3 for ``a^2 b``,
   4 for ``a b c``), which is also the fallback.
3. Merge equal vectors across groups (``(-l)^3 = -l^3``) and drop cubes whose exact
   coefficient cancels, then try to drop each remaining cube (exact re-solve).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

import numpy as np

from hrnnc.diagnostics import InternalError

Monomial = tuple[int, ...]
"""Sorted mode indices with repetition: ``(0, 0, 1)`` is ``q0^2 q1``."""

MAX_SUBSETS_PER_GROUP = 6000
"""Budget of candidate subsets tried in one group before the polarization fallback is kept."""

MAX_PRUNE_CUBES = 200
"""The final drop-one pass (one least-squares solve per cube) runs only up to this many cubes."""


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


def _normalise(vector: Mapping[int, int]) -> tuple[tuple[int, ...], tuple[int, ...], int]:
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


# -- exact linear algebra --------------------------------------------------------------------


def solve_exact(columns: Sequence[Mapping[Monomial, int]], target: Mapping[Monomial, Fraction]
                ) -> list[Fraction] | None:
    """Rational ``x`` with ``sum_j x_j columns[j] == target`` exactly, or None."""
    rows = sorted(set(target).union(*columns))
    n = len(columns)
    matrix = [[Fraction(col.get(r, 0)) for col in columns] + [Fraction(target.get(r, 0))] for r in rows]
    pivots: list[int] = []
    row = 0
    for col in range(n):
        pivot = next((i for i in range(row, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        inv = 1 / matrix[row][col]
        matrix[row] = [v * inv for v in matrix[row]]
        for i in range(len(matrix)):
            if i != row and matrix[i][col] != 0:
                f = matrix[i][col]
                matrix[i] = [a - f * b for a, b in zip(matrix[i], matrix[row])]
        pivots.append(col)
        row += 1
    if any(matrix[i][n] != 0 for i in range(row, len(matrix))):
        return None
    x = [Fraction(0)] * n
    for i, col in enumerate(pivots):
        x[col] = matrix[i][n]
    return x


# -- per-group search ------------------------------------------------------------------------


@functools.cache
def _pool(m: int) -> tuple[tuple[int, ...], ...]:
    """Sign-normalised integer vectors on ``m`` local modes, small entries first."""
    entries = range(-2, 3) if m <= 2 else range(-1, 2)
    vectors = []
    for v in itertools.product(entries, repeat=m):
        nz = [e for e in v if e]
        if nz and nz[0] > 0:
            vectors.append(v)
    vectors.sort(key=lambda v: (sum(abs(e) for e in v), sum(1 for e in v if e), v))
    return tuple(vectors)


@functools.cache
def _local_monomials(m: int) -> tuple[Monomial, ...]:
    return tuple(itertools.combinations_with_replacement(range(m), 3))


@functools.cache
def _pool_matrix(m: int) -> np.ndarray:
    monos = _local_monomials(m)
    index = {mono: i for i, mono in enumerate(monos)}
    pool = _pool(m)
    mat = np.zeros((len(monos), len(pool)))
    for j, v in enumerate(pool):
        for mono, k in cube_expansion(dict(enumerate(v))).items():
            mat[index[mono], j] = k
    return mat


@functools.cache
def _best_local(m: int, coefficients: tuple[tuple[Monomial, Fraction], ...], limit: int
                ) -> tuple[tuple[Fraction, tuple[int, ...]], ...] | None:
    """Fewest pool cubes (fewer than ``limit``) whose exact span holds the local form, or None."""
    target = dict(coefficients)
    monos = _local_monomials(m)
    b = np.array([float(target.get(mono, 0)) for mono in monos])
    scale = max(1.0, float(np.max(np.abs(b))))
    mat = _pool_matrix(m)
    pool = _pool(m)
    tried = 0
    for size in range(1, limit):
        subsets = np.array(list(itertools.combinations(range(len(pool)), size)), dtype=np.intp)
        if tried + len(subsets) > MAX_SUBSETS_PER_GROUP:
            return None
        tried += len(subsets)
        stack = np.transpose(mat[:, subsets], (1, 0, 2))  # (subsets, monomials, size)
        x = np.linalg.pinv(stack) @ b
        residual = np.max(np.abs(np.einsum("smk,sk->sm", stack, x) - b), axis=1)
        for index in np.flatnonzero(residual <= 1e-9 * scale):
            subset = subsets[index]
            columns = [cube_expansion(dict(enumerate(pool[j]))) for j in subset]
            exact = solve_exact(columns, target)
            if exact is None or any(c == 0 for c in exact):
                continue
            return tuple((c, pool[j]) for c, j in zip(exact, subset))
    return None


def _group_cubes(monomials: Mapping[Monomial, Fraction]) -> list[tuple[Fraction, dict[int, int]]]:
    """Cubes for one group of monomials on at most three modes."""
    modes = sorted({q for mono in monomials for q in mono})
    local = {q: i for i, q in enumerate(modes)}
    naive: list[tuple[Fraction, dict[int, int]]] = []
    for mono, coeff in monomials.items():
        naive.extend((coeff * lam, vec) for lam, vec in polarization(mono))
    merged = _merge(naive)
    # The search is scale-invariant: key it on the form divided by its first coefficient.
    local_form = sorted((tuple(sorted(local[q] for q in mono)), c) for mono, c in monomials.items())
    scale = local_form[0][1]
    found = _best_local(len(modes), tuple((m, c / scale) for m, c in local_form), len(merged))
    if found is None:
        best = [(c.coefficient, c.as_dict()) for c in merged]
    else:
        best = [(c * scale, {modes[i]: e for i, e in enumerate(v) if e}) for c, v in found]
    if len(modes) == 2 and len(best) > 3:
        binary = _binary_three(monomials, modes[0], modes[1])
        if binary is not None:
            best = binary
    if len(best) > 3:
        factored = _factored(monomials, modes)
        if factored is not None and len(factored) < len(best):
            best = factored
    return best


def _integral(vector: Mapping[int, Fraction]) -> tuple[Fraction, dict[int, int]]:
    """``(s, w)`` with integer ``w = vector / s``, so ``(vector . q)^3 = s^3 (w . q)^3``."""
    denominator = 1
    for v in vector.values():
        denominator = denominator * v.denominator // math.gcd(denominator, v.denominator)
    ints = {m: int(v * denominator) for m, v in vector.items() if v}
    common = functools.reduce(math.gcd, ints.values())
    return Fraction(common, denominator), {m: v // common for m, v in ints.items()}


def _factored(form: Mapping[Monomial, Fraction], modes: Sequence[int]
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
    linear: list[dict[int, Fraction]] = []
    for factor, multiplicity in factors:
        if factor.total_degree() != 1:
            return None
        coeffs = {modes[i]: Fraction(int(r.p), int(r.q)) for i, r in enumerate(
            factor.coeff_monomial(symbols[i]) for i in range(len(modes)))}
        linear.extend([coeffs] * multiplicity)
    if len(linear) != 3:
        return None
    scale = Fraction(int(sympy.Rational(constant).p), int(sympy.Rational(constant).q))
    vectors: list[tuple[Fraction, dict[int, int]]] = []
    for lam, combo in _polarize_forms(linear):
        total: dict[int, Fraction] = {}
        for weight, form_vec in combo:
            for m, v in form_vec.items():
                total[m] = total.get(m, Fraction(0)) + weight * v
        if not any(total.values()):
            continue
        size, ints = _integral(total)
        vectors.append((scale * lam * size ** 3, ints))
    merged = _merge(vectors)
    if expand(merged) != {m: c for m, c in form.items() if c}:
        return None
    return [(c.coefficient, c.as_dict()) for c in merged]


def _polarize_forms(forms: list[dict[int, Fraction]]
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


def _binary_three(form: Mapping[Monomial, Fraction], x: int, y: int) -> list[tuple[Fraction, dict[int, int]]] | None:
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


def _merge(terms: Iterable[tuple[Fraction, Mapping[int, int]]]) -> list[Cube]:
    """Add the weights of equal (sign-normalised) vectors and drop zero weights."""
    acc: dict[tuple[tuple[int, ...], tuple[int, ...]], Fraction] = {}
    for lam, vec in terms:
        modes, entries, sign = _normalise(vec)
        acc[(modes, entries)] = acc.get((modes, entries), Fraction(0)) + lam * sign ** 3
    return [Cube(c, modes, entries) for (modes, entries), c in acc.items() if c]


def _groups(form: Mapping[Monomial, Fraction]) -> list[dict[Monomial, Fraction]]:
    """Monomials grouped so that each group lives on at most three modes.

    Every three-mode support starts a group; smaller supports join a group containing them;
    then groups whose union still has at most three modes are merged (``a^2 b + a^2 c``).
    """
    supports: dict[frozenset[int], dict[Monomial, Fraction]] = {}
    for mono in sorted(form, key=lambda mo: (-len(set(mo)), mo)):
        support = frozenset(mono)
        home = next((s for s in supports if support <= s), None)
        supports.setdefault(home or support, {})[mono] = form[mono]
    merged = True
    while merged:
        merged = False
        keys = sorted(supports, key=lambda k: (len(k), sorted(k)))
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if a & b and len(a | b) <= 3:
                    joined = {**supports.pop(a), **supports.pop(b)}
                    supports[a | b] = joined
                    merged = True
                    break
            if merged:
                break
    return list(supports.values())


def decompose(form: Mapping[Monomial, float | Fraction]) -> list[Cube]:
    """Cubes whose sum is exactly ``form`` (sorted monomials of degree 3 to coefficients).

    Float coefficients are taken at their exact binary value, so the identity holds exactly
    for the numbers the gates will carry (up to the final rounding of each weight).
    """
    exact = {tuple(sorted(m)): Fraction(c) for m, c in form.items() if c}
    if any(len(m) != 3 for m in exact):
        raise ValueError("decompose takes a homogeneous cubic form")
    terms: list[tuple[Fraction, dict[int, int]]] = []
    for group in _groups(exact):
        terms.extend(_group_cubes(group))
    cubes = _merge(terms)
    if len(cubes) <= MAX_PRUNE_CUBES:
        cubes = _prune(cubes, exact)
    if expand(cubes) != {m: c for m, c in exact.items() if c}:
        raise InternalError(f"cubic decomposition of {form} is not exact")
    return cubes


def _prune(cubes: list[Cube], target: Mapping[Monomial, Fraction]) -> list[Cube]:
    """Drop cubes one at a time while the rest still span ``target`` exactly.

    A float least-squares test screens each removal; only the survivors get the exact solve.
    """
    current = list(cubes)
    rows = sorted(set(target).union(*(cube_expansion(c.as_dict()) for c in current)))
    index = {r: i for i, r in enumerate(rows)}
    b = np.array([float(target.get(r, 0)) for r in rows])
    scale = max(1.0, float(np.max(np.abs(b)))) if len(b) else 1.0

    def column(cube: Cube) -> np.ndarray:
        col = np.zeros(len(rows))
        for mono, k in cube_expansion(cube.as_dict()).items():
            col[index[mono]] = k
        return col

    i = len(current) - 1
    while i >= 0 and len(current) > 1:
        trial = current[:i] + current[i + 1:]
        mat = np.stack([column(c) for c in trial], axis=1)
        x, *_ = np.linalg.lstsq(mat, b, rcond=None)
        if np.max(np.abs(mat @ x - b)) <= 1e-9 * scale:
            exact = solve_exact([cube_expansion(c.as_dict()) for c in trial], target)
            if exact is not None:
                current = [Cube(c, t.modes, t.vector) for c, t in zip(exact, trial) if c]
        i = min(i, len(current)) - 1
    return current

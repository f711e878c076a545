"""Exact decomposition of a cubic form in the q's into as few cubes of linear forms as we can find.

A cell's phases commute (they are functions of q only), so all its cubic monomials form one
cubic form ``C(q) = sum c_m m(q)``. We write ``C = sum_i lam_i (l_i . q)**3`` with integer
vectors ``l_i`` and rational ``lam_i``; each cube then costs one cubic-phase gate between
passive interferometers. The fewest cubes is the real Waring rank of ``C``; we search for
small exact decompositions, never worse than one polarization identity per monomial.

Strategy (all arithmetic exact, with :class:`fractions.Fraction`):

1. Group the monomials on at most three modes (every three-mode support starts a group,
   smaller supports join one that contains them, groups whose union fits are merged).
2. In each group take the best of: the fewest cubes from a small pool of vectors (entries
   in ``{-1, 0, 1}``, ``{-2..2}`` for two modes; a batched float least-squares screen, then
   an exact rational solve); three cubes for any binary cubic with both mixed terms; an
   exact factorization into linear forms over Q with the polarization identity applied to
   the factors (:mod:`.closed_forms`); and the textbook identities (1, 3, 4 cubes for
   ``a^3``, ``a^2 b``, ``a b c``) as the fallback.
3. Merge equal vectors across groups (``(-l)^3 = -l^3``), drop cancelled cubes, then try
   to drop each remaining cube (float screen, exact re-solve). The result is re-expanded
   and compared with ``C`` exactly before it is returned.
"""

from __future__ import annotations

import functools
import itertools
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np

from hrnnc.diagnostics import InternalError
from hrnnc.targets.sf_target.closed_forms import (
    Cube,
    Monomial,
    binary_three,
    cube_expansion,
    expand,
    factored,
    merge,
    naive_cube_count,
    polarization,
)
from hrnnc.targets.sympy_angles import is_symbolic

MAX_SUBSETS_PER_GROUP = 6000
"""Budget of candidate subsets tried in one group before the polarization fallback is kept."""

MAX_PRUNE_CUBES = 200
"""The final drop-one pass (one least-squares solve per cube) runs only up to this many cubes."""


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


MAX_AMPLIFICATION = 1e3
"""Largest tolerated ratio of the cubes' summed magnitudes to the form's largest coefficient.

Exact rational identities can still cancel catastrophically once each weight is rounded to
a float gate parameter: a float coefficient such as 0.3, factored exactly at its binary value
5404319552844595 / 2**54, gave cube vectors near 1e16 and Vgate strengths near 1e31 whose
sum rounds to zero. A decomposition is kept only if it amplifies by at most this factor.
"""


def amplification(terms: Iterable[tuple[Fraction, Mapping[int, int]]],
                  form: Mapping[Monomial, Fraction]) -> float:
    """``Σ |λ| (Σ_j |v_j|)³ / max |c|``: how much larger the cubes are than the form they sum to."""
    largest = max((abs(float(c)) for c in form.values()), default=0.0)
    total = sum(abs(float(lam)) * float(sum(abs(v) for v in vec.values())) ** 3 for lam, vec in terms)
    return total / largest if largest else (0.0 if total == 0 else float("inf"))


def _well_conditioned(terms: Sequence[tuple[Fraction, Mapping[int, int]]],
                      form: Mapping[Monomial, Fraction]) -> bool:
    return amplification(terms, form) <= MAX_AMPLIFICATION


def _group_cubes(monomials: Mapping[Monomial, Fraction]) -> list[tuple[Fraction, dict[int, int]]]:
    """Cubes for one group of monomials on at most three modes."""
    modes = sorted({q for mono in monomials for q in mono})
    local = {q: i for i, q in enumerate(modes)}
    naive: list[tuple[Fraction, dict[int, int]]] = []
    for mono, coeff in monomials.items():
        naive.extend((coeff * lam, vec) for lam, vec in polarization(mono))
    merged = merge(naive)
    # The search is scale-invariant: key it on the form divided by its first coefficient.
    local_form = sorted((tuple(sorted(local[q] for q in mono)), c) for mono, c in monomials.items())
    scale = local_form[0][1]
    found = _best_local(len(modes), tuple((m, c / scale) for m, c in local_form), len(merged))
    best = [(c.coefficient, c.as_dict()) for c in merged]  # the polarization identity: always well conditioned
    if found is not None:
        candidate = [(c * scale, {modes[i]: e for i, e in enumerate(v) if e}) for c, v in found]
        if _well_conditioned(candidate, monomials):
            best = candidate
    if len(modes) == 2 and len(best) > 3:
        binary = binary_three(monomials, modes[0], modes[1])
        if binary is not None and _well_conditioned(binary, monomials):
            best = binary
    if len(best) > 3:
        by_factors = factored(monomials, modes)
        if by_factors is not None and len(by_factors) < len(best) and _well_conditioned(by_factors, monomials):
            best = by_factors
    return best


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


def decompose(form: Mapping[Monomial, Any]) -> list[Cube]:
    """Cubes whose sum is exactly ``form`` (sorted monomials of degree 3 to coefficients).

    Float coefficients are taken at their exact binary value, so the identity holds exactly
    for the numbers the gates will carry (up to the final rounding of each weight). A
    symbolic coefficient (SymPy) gives cubes whose ``coefficient`` is a SymPy expression.
    """
    numeric, by_atom = split_symbolic(form)
    cubes = _decompose_numeric(numeric)
    if not by_atom:
        return cubes
    import sympy

    acc: dict[tuple[tuple[int, ...], tuple[int, ...]], Any] = {
        (c.modes, c.vector): sympy.Rational(c.coefficient.numerator, c.coefficient.denominator) for c in cubes}
    for atom, part in by_atom.items():
        for cube in _decompose_numeric(part):
            key = (cube.modes, cube.vector)
            weight = sympy.Rational(cube.coefficient.numerator, cube.coefficient.denominator) * atom
            acc[key] = acc.get(key, 0) + weight
    out = [Cube(folded_weight(c), modes, vector) for (modes, vector), c in acc.items() if c != 0]
    _check_symbolic(out, form)
    return out


def split_symbolic(form: Mapping[Monomial, Any]) -> tuple[dict[Monomial, Fraction], dict[Any, dict[Monomial, Fraction]]]:
    """``form`` as a numeric form plus, per symbolic *atom* ``s``, a numeric form ``F_s``:
    ``form = F_0 + Σ_s s·F_s``, every coefficient an exact rational.

    An atom is a product of params and functions of them as it appears in the expanded
    coefficient (``t``, ``sin(a)*exp(b)``). Each ``F_s`` is decomposed by the numeric search:
    the cubes it finds for ``F_s`` hold for ``s·F_s`` whatever value ``s`` takes, so the
    structure never depends on the params' values, and ``t·abc + t/2·a²b`` still takes the
    four cubes of ``ab(c + a/2)``.
    """
    numeric: dict[Monomial, Fraction] = {}
    by_atom: dict[Any, dict[Monomial, Fraction]] = {}
    for mono, coefficient in form.items():
        mono = tuple(sorted(mono))
        if not is_symbolic(coefficient):
            numeric[mono] = numeric.get(mono, Fraction(0)) + _exact(coefficient)
            continue
        import sympy

        for term in sympy.Add.make_args(sympy.expand(coefficient)):
            factor, atom = term.as_coeff_Mul()
            part = by_atom.setdefault(atom, {}) if is_symbolic(atom) else numeric
            value = _exact(factor if is_symbolic(atom) else term)
            part[mono] = part.get(mono, Fraction(0)) + value
    return numeric, by_atom


def _exact(number: Any) -> Fraction:
    """A number (Python or SymPy) as an exact ``Fraction`` (a float at its binary value)."""
    if isinstance(number, (int, float, Fraction)):
        return Fraction(number)
    import sympy

    if isinstance(number, sympy.Rational):
        return Fraction(int(number.p), int(number.q))
    return Fraction(float(number))


def _check_symbolic(cubes: Sequence[Cube], form: Mapping[Monomial, Any]) -> None:
    """Re-expand the cubes and compare with ``form`` symbolically (float noise up to 1e-12 relative)."""
    import sympy

    expanded: dict[Monomial, Any] = {}
    for cube in cubes:
        weight = cube.coefficient if is_symbolic(cube.coefficient) else sympy.Rational(
            cube.coefficient.numerator, cube.coefficient.denominator)
        for mono, k in cube_expansion(cube.as_dict()).items():
            expanded[mono] = expanded.get(mono, 0) + weight * k
    wanted = {tuple(sorted(m)): c for m, c in form.items()}
    for mono in set(expanded) | set(wanted):
        difference = sympy.expand(expanded.get(mono, 0) - wanted.get(mono, 0))
        scale = max([1.0, *(abs(float(t.as_coeff_Mul()[0])) for t in sympy.Add.make_args(
            sympy.expand(wanted.get(mono, 0))))])
        residue = [abs(float(t.as_coeff_Mul()[0])) for t in sympy.Add.make_args(difference) if t != 0]
        if any(r > 1e-12 * scale for r in residue):
            raise InternalError(f"symbolic cubic decomposition of {dict(form)} is not exact")


def folded_weight(weight: Any) -> Any:
    """A cube weight: a ``Fraction`` when the symbols cancelled, else the SymPy expression."""
    if is_symbolic(weight):
        return weight
    import sympy

    rational = sympy.Rational(weight)
    return Fraction(int(rational.p), int(rational.q))


def _decompose_numeric(form: Mapping[Monomial, float | Fraction]) -> list[Cube]:
    if not any(form.values()):
        return []
    exact = {tuple(sorted(m)): Fraction(c) for m, c in form.items() if c}
    if any(len(m) != 3 for m in exact):
        raise ValueError("decompose takes a homogeneous cubic form")
    terms: list[tuple[Fraction, dict[int, int]]] = []
    for group in _groups(exact):
        terms.extend(_group_cubes(group))
    cubes = merge(terms)
    if len(cubes) <= MAX_PRUNE_CUBES:
        pruned = _prune(cubes, exact)
        if _well_conditioned([(c.coefficient, c.as_dict()) for c in pruned], exact):
            cubes = pruned
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


__all__ = ["Cube", "Monomial", "decompose", "expand", "naive_cube_count", "polarization", "solve_exact"]

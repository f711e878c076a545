"""Diagonal phase polynomials synthesized onto native multi-controlled Z gates (no pytket here).

A block of commuting ``phase`` gates is the multilinear polynomial
``f(x) = Σ_S c_S ∏_{j∈S} x_j`` (angles mod 2π). It is lowered level by level, from the
largest monomial down to single sites:

* ``c_S ≡ π``: one native ``C^{|S|-1}Z`` on ``S``.
* weighted ``c_S``: the *sandwich* ``MCX(S∖t → t) · P_t(φ) · MCX(S∖t → t)`` (each MCX is one
  native CnZ with Hadamards on ``t``) has phase ``φ x_t + φ ∏_{S∖t} x − 2φ ∏_S x``. With
  ``φ = −c_S/2 (+π)`` it implements ``c_S ∏_S x`` and leaves a *residual* on ``S∖t`` (one
  level down) and a single-site phase (free). Choosing the target ``t`` so that residuals
  of several monomials land on the same set, or on a set already present, merges them;
  the ``+π`` branch lets a residual cancel to 0 or to π (one native) instead of a weighted
  term. This is docs/semantics.md §5's route when nothing merges: ``2(s−1)`` natives for size ``s``.
* with a clean ancilla ``a`` and ``|S| < A``: ``MCX(S → a) · P_a(c_S) · MCX(S → a)``,
  two natives of arity ``|S|+1`` and no residual.
* ``|S| > A`` (over the native arity) with a clean ancilla and ``|S| ≤ 2A−2``: compute the
  AND of ``A−1`` sites into the ancilla (one native), apply the phase to the ancilla and
  the other sites (``|S|−A+2 ≤ A`` of them), uncompute: ``2 +`` that phase's cost.
* ``|S| > A`` otherwise: the Z-string expansion of ``c_S ∏ x`` through a Gray-code CNOT
  parity network, ``2^|S| − 2`` CZ natives (arity 2, always valid).

The selection is deterministic: per level, an exhaustive search over target choices when
it is small (:data:`EXHAUSTIVE_LIMIT` combinations), otherwise a greedy pass in sorted
order; ties go to the lower-arity gadget, then the smaller target.

Symbolic angles (SymPy expressions of params, :mod:`hrnnc.targets.sympy_angles`) go through
the same plans: a symbolic coefficient is never taken for 0 or π, so it always gets the
weighted gadget, which is exact for every value the params may later be bound to. Sums that
cancel symbolically (a residual ``g/2`` meeting ``−g/2``) fold back to numbers and are
treated as such. The plan therefore depends only on which coefficients are symbolic, never
on the params' values.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, Iterable, Sequence, Union

from hrnnc.targets.sympy_angles import folded, is_symbolic

TWO_PI = 2.0 * math.pi
ANGLE_TOL = 1e-9
"""Angles closer than this to 0 or π (mod 2π) are treated as exactly 0 or π."""
EXHAUSTIVE_LIMIT = 4096
"""Largest number of target combinations searched exhaustively on one level."""

Term = tuple[int, ...]
"""A monomial: sorted, distinct sites."""

Angle = Any
"""A float, or a SymPy expression of params (:mod:`hrnnc.targets.sympy_angles`)."""

# Abstract native ops: ("h", q) Hadamard; ("cnz", sites) multi-controlled Z (CZ for 2);
# ("p", q, angle) the phase diag(1, e^{i angle}); ("measure", q, bit); ("reset", q).
Op = tuple[Any, ...]


def wrap(angle: Angle) -> Angle:
    """The angle in [0, 2π) (a symbolic angle as it is)."""
    if is_symbolic(angle):
        return angle
    w = math.fmod(float(angle), TWO_PI)
    return w + TWO_PI if w < 0 else w


def is_zero(angle: Angle) -> bool:
    """≡ 0 (mod 2π); never for a symbolic angle."""
    if is_symbolic(angle):
        return False
    w = wrap(angle)
    return w < ANGLE_TOL or TWO_PI - w < ANGLE_TOL


def is_pi(angle: Angle) -> bool:
    """≡ π (mod 2π); never for a symbolic angle."""
    return not is_symbolic(angle) and abs(wrap(angle) - math.pi) < ANGLE_TOL


@dataclass(frozen=True)
class SynthesisOptions:
    """What the synthesizer may use."""

    arity: int
    """Largest native CnZ (number of qubits)."""
    ancilla: int | None = None
    """A clean ancilla qubit (in |0⟩ before and after every block), or None."""
    merge: bool = True
    """Merge the monomials of a block and choose targets (False: docs/semantics.md §5 route per edge)."""


def estimate(level: int, angle: Angle, opts: SynthesisOptions) -> int:
    """Natives a lone monomial of this size and angle would cost."""
    if level <= 1 or is_zero(angle):
        return 0
    if level > opts.arity:
        if opts.ancilla is not None and level <= 2 * opts.arity - 2:
            return 2 + (1 if is_pi(angle) else 2 * (level - opts.arity + 1))
        return (1 << level) - 2
    if is_pi(angle):
        return 1
    if opts.ancilla is not None and level > 2:
        return 2 if level < opts.arity else 4  # at A: sandwich + residual through the ancilla
    return 2 * (level - 1)


@dataclass(frozen=True)
class _Choice:
    """How one weighted monomial is implemented: a sandwich on target ``t`` or the ancilla."""

    target: int | None
    """Sandwich target, or None for the ancilla gadget."""
    branch: int = 0
    """0: φ = −c/2; 1: φ = −c/2 + π."""


def _mcx(controls: Iterable[int], target: int) -> list[Op]:
    return [("h", target), ("cnz", tuple(sorted((*controls, target)))), ("h", target)]


def _options(term: Term, opts: SynthesisOptions) -> list[_Choice]:
    out = [_Choice(t, b) for t in term for b in (0, 1)] if opts.merge else [_Choice(term[-1], 0)]
    if opts.merge and opts.ancilla is not None and len(term) < opts.arity and len(term) > 2:
        out.append(_Choice(None))
    return out


def _residual(term: Term, angle: Angle, choice: _Choice) -> tuple[Term, Angle, Angle] | None:
    """(set, added angle, φ) of a sandwich's residual on ``term∖t``, or None for the ancilla."""
    if choice.target is None:
        return None
    phi = -angle / 2.0 + math.pi * choice.branch
    rest = tuple(s for s in term if s != choice.target)
    return rest, -phi, phi


_LARGE_ANGLE = 1e6
"""Angles beyond this are reduced mod 2π before they are added or doubled, so that a finite model
angle such as 1.7e308 cannot overflow to inf inside the synthesis (``exp(iθ x)`` with ``x`` a
product of bits is 2π-periodic in θ)."""


def _reduced(angle: Angle) -> Angle:
    if is_symbolic(angle):
        return angle
    angle = folded(angle)
    # atan2(sin, cos), not fmod by the double 2π: libm reduces by the true π, so the result is the
    # angle that exp(iθ) (the simulator, Qiskit) actually applies, even for θ = 1.7e308.
    return math.atan2(math.sin(angle), math.cos(angle)) if abs(angle) > _LARGE_ANGLE else angle


def _add(poly: dict[Term, Angle], term: Term, angle: Angle) -> None:
    poly[term] = _reduced(poly.get(term, 0.0) + _reduced(angle))


def _cost_delta(poly: dict[Term, Angle], changes: dict[Term, Angle], opts: SynthesisOptions) -> int:
    total = 0
    for term, added in changes.items():
        old = poly.get(term, 0.0)
        total += estimate(len(term), old + added, opts) - estimate(len(term), old, opts)
    return total


Effect = tuple[Union[Term, None], Angle, int]
"""A choice's effect one level down: (residual set or None, added angle, uses the ancilla)."""


def _effect(term: Term, angle: Angle, choice: _Choice) -> Effect:
    res = _residual(term, angle, choice)
    if res is None:
        return None, 0.0, 1
    return (res[0] if len(res[0]) >= 2 else None), res[1], 0


def _groups(effects: list[list[Effect]]) -> list[list[int]]:
    """Terms whose candidate residual sets overlap, as connected groups in first-index order."""
    parent = list(range(len(effects)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[Term, int] = {}
    for i, effs in enumerate(effects):
        for rest, _, _ in effs:
            if rest is None:
                continue
            if rest in owner:
                parent[find(i)] = find(owner[rest])
            else:
                owner[rest] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(effects)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _choose(weighted: Sequence[tuple[Term, Angle]], poly: dict[Term, Angle],
            opts: SynthesisOptions) -> list[_Choice]:
    """Pick one implementation per weighted monomial of one level, cheapest lower level first.

    ``poly`` holds the lower levels only. Costs count the natives the residuals would add
    there (:func:`estimate`); every choice costs 2 natives on this level. Terms whose
    residuals cannot meet are chosen independently; a group that can is searched
    exhaustively when small, greedily otherwise. Ties keep the first choice in menu order
    (sandwich before ancilla, sorted targets, φ = −c/2 before −c/2 + π).
    """
    menus = [_options(t, opts) for t, _ in weighted]
    effects = [[_effect(t, a, ch) for ch in menu] for (t, a), menu in zip(weighted, menus)]
    picks: list[_Choice] = [menu[0] for menu in menus]
    current = dict(poly)
    for group in _groups(effects):
        if math.prod(len(menus[i]) for i in group) <= EXHAUSTIVE_LIMIT:
            best: tuple[int, int] | None = None
            best_pick: tuple[int, ...] = ()
            for pick in itertools.product(*(range(len(menus[i])) for i in group)):
                changes: dict[Term, Angle] = {}
                ancillas = 0
                for i, j in zip(group, pick):
                    rest, added, anc = effects[i][j]
                    ancillas += anc
                    if rest is not None:
                        changes[rest] = changes.get(rest, 0.0) + added
                total = (_cost_delta(current, changes, opts), ancillas)
                if best is None or total < best:
                    best, best_pick = total, pick
            for i, j in zip(group, best_pick):
                picks[i] = menus[i][j]
            continue
        for pos, i in enumerate(group):
            later = [weighted[m][0] for m in group[pos + 1:]]
            best_key: tuple[int, int, int] | None = None
            best_j = 0
            for j, (rest, added, anc) in enumerate(effects[i]):
                key: tuple[int, int, int]
                if rest is None:
                    key = (0, anc, 0)
                else:
                    hitters = sum(1 for other in later if set(rest) <= set(other))
                    key = (_cost_delta(current, {rest: added}, opts), 0, -hitters)
                if best_key is None or key < best_key:
                    best_key, best_j = key, j
            rest, added, _ = effects[i][best_j]
            if rest is not None:
                _add(current, rest, added)
            picks[i] = menus[i][best_j]
    return picks


def _gray_parity(term: Term, angle: Angle, poly: dict[Term, Angle], ops: list[Op]) -> None:
    """``angle · ∏_term x`` as parity phases on a Gray-code CNOT network (CZ natives only).

    ``∏_{j∈S} x_j = Σ_{∅≠T⊆S} (−1)^{|T|+1} 2^{1−|S|} ⊕_{j∈T} x_j``.
    """
    s = len(term)
    w = angle * 2.0 ** (1 - s)
    for site in term:
        _add(poly, (site,), w)
    for idx in range(s - 1, 0, -1):
        target, controls = term[idx], term[:idx]
        prev = 0
        for i in range(1, 2 ** idx):
            gray = i ^ (i >> 1)
            bit = (gray ^ prev).bit_length() - 1
            prev = gray
            ops.extend(_mcx((controls[bit],), target))
            size = bin(gray).count("1") + 1
            ops.append(("p", target, w * (-1) ** (size + 1)))
        ops.extend(_mcx((controls[prev.bit_length() - 1],), target))


def _apply(term: Term, angle: Angle, choice: _Choice, poly: dict[Term, Angle], ops: list[Op],
           opts: SynthesisOptions) -> None:
    if choice.target is None:
        assert opts.ancilla is not None
        mcx = _mcx(term, opts.ancilla)
        ops.extend(mcx)
        ops.append(("p", opts.ancilla, angle))
        ops.extend(mcx)
        return
    res = _residual(term, angle, choice)
    assert res is not None
    rest, added, phi = res
    mcx = _mcx(rest, choice.target)
    ops.extend(mcx)
    ops.append(("p", choice.target, phi))
    ops.extend(mcx)
    _add(poly, rest, added)
    _add(poly, (choice.target,), -phi)


def _fold_into_ancilla(term: Term, angle: Angle, ops: list[Op], opts: SynthesisOptions) -> None:
    """``|S| > A`` with a clean ancilla: ``a ^= ∏`` of the first ``A−1`` sites (one native), the
    phase on ``{a} ∪ rest`` (``|S|−A+2 ≤ A`` sites, ancilla-free), then uncompute ``a``."""
    assert opts.ancilla is not None
    head, tail = term[: opts.arity - 1], term[opts.arity - 1:]
    mcx = _mcx(head, opts.ancilla)
    inner = SynthesisOptions(opts.arity, None, opts.merge)
    ops.extend(mcx)
    ops.extend(synthesize_polynomial({tuple(sorted((*tail, opts.ancilla))): angle}, inner))
    ops.extend(mcx)


def synthesize_polynomial(poly: dict[Term, Angle], opts: SynthesisOptions) -> list[Op]:
    """Native ops whose unitary is exactly ``exp(i f(x))`` (global phase included)."""
    poly = {t: _reduced(a) for t, a in poly.items() if not is_zero(a)}
    ops: list[Op] = []
    top = max((len(t) for t in poly), default=0)
    for level in range(top, 1, -1):
        weighted: list[tuple[Term, Angle]] = []
        for term in sorted(t for t in poly if len(t) == level):
            angle = poly.pop(term)
            if is_zero(angle):
                continue
            if level > opts.arity and opts.ancilla is not None and level <= 2 * opts.arity - 2:
                _fold_into_ancilla(term, angle, ops, opts)
            elif level > opts.arity:
                _gray_parity(term, angle, poly, ops)
            elif is_pi(angle):
                ops.append(("cnz", term))
            else:
                weighted.append((term, angle))
        if weighted:
            for (term, angle), choice in zip(weighted, _choose(weighted, poly, opts)):
                _apply(term, angle, choice, poly, ops, opts)
    for term in sorted(t for t in poly if len(t) == 1):
        if not is_zero(poly[term]):
            ops.append(("p", term[0], wrap(poly[term])))
    return ops


def synthesize_edges(edges: Sequence[tuple[Term, Angle]], opts: SynthesisOptions) -> list[Op]:
    """A block of phase edges: merged into one polynomial, or (``merge=False``) one by one."""
    if not opts.merge:
        ops: list[Op] = []
        for term, angle in edges:
            ops.extend(synthesize_polynomial({term: angle}, opts))
        return ops
    poly: dict[Term, Angle] = {}
    for term, angle in edges:
        _add(poly, term, angle)
    return synthesize_polynomial(poly, opts)

"""One incremental Lie-closure algorithm for the Weyl and Pauli algebras, exact and capped.

The closure of generators ``G`` is the smallest subspace ``V ⊇ G`` with ``[g, V] ⊆ V`` for
every ``g ∈ G``; that subspace is already a Lie algebra (Jacobi), so each new basis element
is commuted with the generators only. Linear independence is decided exactly by sparse
row reduction over Q(i) (:class:`~hrnnc.algebra.echelon.Echelon`). When every generator is a
single monomial or Pauli string and every commutator met is a single term too, distinct
keys are independent and a set replaces the row reduction (the fast path).

Every basis element is kept *raw*: it is exactly ``[generator, earlier element]``, so its
provenance is a chain of commutators of generators (a witness), never a rescaled remainder.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence, Union

from hrnnc.algebra import pauli as _pauli
from hrnnc.algebra import weyl as _weyl
from hrnnc.algebra.echelon import Echelon
from hrnnc.algebra.numbers import QI
from hrnnc.algebra.pauli import PauliSum
from hrnnc.algebra.weyl import WeylPoly

Element = Union[WeylPoly, PauliSum]
Terms = Mapping[Any, QI]

_INDEX_THRESHOLD = 24
"""Above this many generators, candidates come from a variable index instead of a full scan."""


@dataclass(frozen=True)
class AlgebraOps:
    """What the closure needs to know about an algebra."""

    name: str
    """``"weyl"`` or ``"pauli"``."""
    wrap: Callable[[dict[Any, QI]], Element]
    bracket: Callable[[Terms, Terms], dict[Any, QI]]
    key_bracket: Callable[[Any, Any], tuple[tuple[Any, QI], ...]]
    codes: Callable[[Any], tuple[set[int], set[int]]]
    """A key's own variable codes, and the codes of the variables it fails to commute with."""
    degree: Callable[[Any], int]
    key_str: Callable[[Any], str]


def _pauli_codes(key: tuple[int, int]) -> tuple[set[int], set[int]]:
    support = set(_pauli.string_support(key))
    return support, support


WEYL = AlgebraOps("weyl", WeylPoly._from_dict, _weyl.bracket_terms, _weyl.mono_commutator,
                  _weyl.mono_codes, _weyl.mono_degree, _weyl.mono_str)
PAULI = AlgebraOps("pauli", PauliSum._from_dict, _pauli.bracket_terms, _pauli.string_commutator,
                   _pauli_codes, _pauli.string_weight, _pauli.string_str)


def ops_for(element: Element) -> AlgebraOps:
    if isinstance(element, WeylPoly):
        return WEYL
    if isinstance(element, PauliSum):
        return PAULI
    raise TypeError(f"not a Weyl polynomial or Pauli sum: {element!r}")


class Closure:
    """The result of :func:`lie_closure`.

    ``elements[i]`` is a basis element; the first ones are the independent generators and
    each later one equals ``[elements[g], elements[b]]`` for ``parents[i] = (g, b)``.
    """

    def __init__(self, ops: AlgebraOps, generator_terms: list[dict[Any, QI]],
                 parents: list[tuple[int, int] | None], generator_of: list[int | None],
                 basis_rows: list[dict[Any, QI]], capped: bool, cap_reason: str | None,
                 dropped: tuple[tuple[int, int], Element] | None, path: str, elapsed: float,
                 keys: list[Any] | None = None):
        self._keys = keys
        self.algebra = ops.name
        """``"weyl"`` or ``"pauli"``."""
        self.ops = ops
        self._cache: dict[int, Element] = {i: ops.wrap(t) for i, t in enumerate(generator_terms)}
        self.parents: tuple[tuple[int, int] | None, ...] = tuple(parents)
        """``(g, b)`` with ``elements[i] = [elements[g], elements[b]]``, or None for a generator."""
        self.generator_of: tuple[int | None, ...] = tuple(generator_of)
        """For a generator element, its index in the input list; None otherwise."""
        self._basis_rows = basis_rows
        self.capped = capped
        """True when a cap stopped the closure: ``dimension`` is then a lower bound."""
        self.cap_reason = cap_reason
        """``"dimension"``, ``"time"`` or ``"degree"`` (None when not capped)."""
        self.dropped = dropped
        """The first commutator discarded for exceeding the degree cap: ``((g, b), element)``."""
        self.path = path
        """``"fast"`` (set-based) or ``"general"`` (row reduction)."""
        self.elapsed = elapsed
        """Seconds spent."""

    @property
    def dimension(self) -> int:
        return len(self.parents)

    def element(self, i: int) -> Element:
        """Basis element ``i`` with its exact coefficients (recomputed from its chain if needed)."""
        if i not in self._cache:
            needed, stack = set(), [i]
            while stack:
                j = stack.pop()
                if j in self._cache or j in needed:
                    continue
                needed.add(j)
                stack.extend(self.parents[j] or ())
            for j in sorted(needed):
                g, b = self.parents[j]  # type: ignore[misc]
                self._cache[j] = self.ops.wrap(self.ops.bracket(self._cache[g].terms, self._cache[b].terms))
        return self._cache[i]

    def support(self, i: int) -> tuple[Any, ...]:
        """The keys (monomials or strings) of element ``i``, without computing coefficients."""
        if self._keys is not None:
            return (self._keys[i],)
        return tuple(self.element(i).terms)

    @property
    def elements(self) -> tuple[Element, ...]:
        return tuple(self.element(i) for i in range(self.dimension))

    def basis(self) -> tuple[Element, ...]:
        """A canonical basis: reduced row-echelon rows (each with a unit pivot), sorted."""
        rows = [self.ops.wrap(dict(r)) for r in self._basis_rows]
        return tuple(sorted(rows, key=lambda e: str(e)))

    def chain(self, i: int) -> Any:
        """Provenance of element ``i``: an input-generator index, or ``(chain(g), chain(b))``."""
        parent = self.parents[i]
        if parent is None:
            return self.generator_of[i]
        return (self.chain(parent[0]), self.chain(parent[1]))

    def generators_in(self, i: int) -> list[int]:
        """Input-generator indices that the chain of element ``i`` uses, first use first."""
        out: list[int] = []

        def walk(node: Any) -> None:
            if isinstance(node, tuple):
                walk(node[0])
                walk(node[1])
            elif node not in out:
                out.append(node)

        walk(self.chain(i))
        return out


def format_chain(chain: Any, names: Sequence[str]) -> str:
    """``[g1, [g2, g3]]`` from :meth:`Closure.chain`, naming input generators by ``names``."""
    if isinstance(chain, tuple):
        return f"[{format_chain(chain[0], names)}, {format_chain(chain[1], names)}]"
    name: str = names[chain]
    return name


class _Stop(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def lie_closure(generators: Sequence[Element], *, max_dim: int = 20000, max_degree: int | None = None,
                time_budget: float | None = None, fast: bool = True, algebra: str | None = None) -> Closure:
    """The dynamical Lie algebra generated by ``generators``, exactly.

    Args:
        generators: Weyl polynomials or Pauli sums (all of one kind). Zero and linearly
            dependent generators are skipped; the identity is kept if given.
        max_dim: Stop once the dimension reaches this; ``capped`` is then set.
        max_degree: (Weyl) discard commutators of higher total degree and set ``capped``.
        time_budget: Seconds after which the closure stops with ``capped`` set.
        fast: Allow the set-based fast path for single-term generators.
        algebra: ``"weyl"`` or ``"pauli"``, needed only when ``generators`` is empty.

    Returns:
        A :class:`Closure`.
    """
    if generators:
        ops = ops_for(generators[0])
        if any(ops_for(g) is not ops for g in generators):
            raise TypeError("generators mix Weyl polynomials and Pauli sums")
    else:
        ops = WEYL if algebra == "weyl" else PAULI
    start = time.perf_counter()
    deadline = None if time_budget is None else start + time_budget
    terms = [g.terms for g in generators]
    if fast and all(len(t) <= 1 for t in terms):
        result = _fast(ops, terms, max_dim, max_degree, deadline, start)
        if result is not None:
            return result
    return _general(ops, terms, max_dim, max_degree, deadline, start)


class _Candidates:
    """Which generator elements may fail to commute with an element (by shared variables)."""

    def __init__(self, ops: AlgebraOps, gen_keys: list[list[Any]], gen_elems: list[int]):
        self.gen_elems = gen_elems
        self.use_index = len(gen_elems) > _INDEX_THRESHOLD
        self.ops = ops
        self.index: dict[int, list[int]] = {}
        if self.use_index:
            for g, keys in zip(gen_elems, gen_keys):
                own: set[int] = set()
                for key in keys:
                    own |= ops.codes(key)[0]
                for code in own:
                    self.index.setdefault(code, []).append(g)

    def __call__(self, keys: Any) -> list[int]:
        if not self.use_index:
            return self.gen_elems
        conj: set[int] = set()
        for key in keys:
            conj |= self.ops.codes(key)[1]
        found: set[int] = set()
        for code in conj:
            found.update(self.index.get(code, ()))
        return sorted(found)


def _fast(ops: AlgebraOps, terms: list[Terms], max_dim: int, max_degree: int | None,
          deadline: float | None, start: float) -> Closure | None:
    keys: list[Any] = []
    seen: set[Any] = set()
    parents: list[tuple[int, int] | None] = []
    generator_of: list[int | None] = []
    capped, reason, dropped = False, None, None
    for j, t in enumerate(terms):
        if not t:
            continue
        ((key, _),) = t.items()
        if key in seen:
            continue
        if len(keys) >= max_dim:
            capped, reason = True, "dimension"
            break
        seen.add(key)
        keys.append(key)
        parents.append(None)
        generator_of.append(j)
    n_gen = len(keys)
    gen_terms = [dict(terms[j]) for j in generator_of]  # type: ignore[index]
    candidates = _Candidates(ops, [[k] for k in keys], list(range(n_gen)))
    single = _pauli_single if ops is PAULI else _weyl_single
    queue = deque(range(n_gen)) if not capped else deque()
    ticks = 0
    try:
        while queue:
            b = queue.popleft()
            kb = keys[b]
            for g in candidates((kb,)):
                if b < n_gen and g >= b:
                    continue
                ticks += 1
                if deadline is not None and not ticks & 255 and time.perf_counter() > deadline:
                    raise _Stop("time")
                key = single(keys[g], kb)
                if key is None or key in seen:
                    continue
                if key is _MULTI:
                    return None
                if max_degree is not None and ops.degree(key) > max_degree:
                    if dropped is None:
                        dropped = (g, b)
                    capped, reason = True, reason or "degree"
                    continue
                if len(keys) >= max_dim:
                    raise _Stop("dimension")
                seen.add(key)
                keys.append(key)
                parents.append((g, b))
                generator_of.append(None)
                queue.append(len(keys) - 1)
    except _Stop as stop:
        capped, reason = True, stop.reason
    rows = [{k: QI(1)} for k in keys]
    closure = Closure(ops, gen_terms, parents, generator_of, rows, capped, reason, None, "fast",
                      time.perf_counter() - start, keys=keys)
    if dropped is not None:
        g, b = dropped
        closure.dropped = ((g, b), ops.wrap(ops.bracket(closure.element(g).terms, closure.element(b).terms)))
    return closure


_MULTI = object()
"""Marker: a commutator of two single terms with several terms (leave the fast path)."""


def _pauli_single(k1: tuple[int, int], k2: tuple[int, int]) -> Any:
    x1, z1 = k1
    x2, z2 = k2
    if (((x1 & z2) ^ (z1 & x2)).bit_count() & 1) == 0:
        return None
    return (x1 ^ x2, z1 ^ z2)


def _weyl_single(k1: Any, k2: Any) -> Any:
    out = _weyl.mono_commutator(k1, k2)
    if not out:
        return None
    if len(out) > 1:
        return _MULTI
    return out[0][0]


def _general(ops: AlgebraOps, terms: list[Terms], max_dim: int, max_degree: int | None,
             deadline: float | None, start: float) -> Closure:
    echelon: Echelon[Any] = Echelon()
    elems: list[Terms] = []
    parents: list[tuple[int, int] | None] = []
    generator_of: list[int | None] = []
    capped, reason, dropped = False, None, None
    try:
        for j, t in enumerate(terms):
            if deadline is not None and time.perf_counter() > deadline:
                raise _Stop("time")
            if not t:
                continue
            rem = echelon.reduce(t)
            if not rem:
                continue
            if len(elems) >= max_dim:
                raise _Stop("dimension")
            echelon.add(rem)
            elems.append(t)
            parents.append(None)
            generator_of.append(j)
    except _Stop as stop:
        capped, reason = True, stop.reason
    n_gen = len(elems)
    candidates = _Candidates(ops, [list(t) for t in elems], list(range(n_gen)))
    bracket = ops.bracket
    queue = deque(range(n_gen)) if not capped else deque()
    try:
        while queue:
            b = queue.popleft()
            tb = elems[b]
            for g in candidates(tb):
                if b < n_gen and g >= b:
                    continue
                if deadline is not None and time.perf_counter() > deadline:
                    raise _Stop("time")
                c = bracket(elems[g], tb)
                if not c:
                    continue
                if max_degree is not None and max(ops.degree(k) for k in c) > max_degree:
                    if dropped is None:
                        dropped = ((g, b), ops.wrap(c))
                    capped, reason = True, reason or "degree"
                    continue
                rem = echelon.reduce(c)
                if not rem:
                    continue
                if len(elems) >= max_dim:
                    raise _Stop("dimension")
                echelon.add(rem)
                elems.append(c)
                parents.append((g, b))
                generator_of.append(None)
                queue.append(len(elems) - 1)
    except _Stop as stop:
        capped, reason = True, stop.reason
    closure = Closure(ops, [dict(t) for t in elems[:n_gen]], parents, generator_of, list(echelon), capped,
                      reason, dropped, "general", time.perf_counter() - start)
    closure._cache.update((i, ops.wrap(dict(t))) for i, t in enumerate(elems))
    return closure

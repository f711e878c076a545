"""The generator set of a model (docs/semantics.md §4), each generator tied to the source that produced it.

Qumodes: a ``phase`` edge gives ``∏ q_j``; ``shift v`` gives ``p_v``; ``measure stab(v; …)``
gives ``p_v`` and, per edge, the edge's monomial with one factor ``q_v`` removed (the
nullifier's terms). Qubits: a ``phase`` edge gives ``2^{|e|} ∏ n̂_j`` with ``n̂ = (1 − Z)/2``,
expanded into Z-strings *without its identity component* (it is central: a global phase);
``measure stab(v; …)`` gives ``X_v`` and the edges' generators. Each trainable coefficient is
its own direction, so each edge is its own generator. Measurements and resets add nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Iterable, Mapping, Union

from hrnnc.algebra import PauliSum, WeylPoly, const, p, pauli, q_monomial, z_string
from hrnnc.ir import MeasureStab, Phase, RegisterKind, Shift

if TYPE_CHECKING:
    from hrnnc.diagnostics import Span
    from hrnnc.ir import Model

Element = Union[WeylPoly, PauliSum]


@dataclass(frozen=True)
class Origin:
    """One place in the source that contributes a generator."""

    what: str
    """What produced it, e.g. ``"phase edge"`` or ``"stabilizer measurement of 0"``."""
    span: Span | None = None
    """Where."""


@dataclass(frozen=True)
class Generator:
    """One direction of the model's dynamics."""

    element: Element
    """The generator as a Weyl polynomial (qumodes) or a Pauli sum (qubits)."""
    label: str
    """Short human name used in witnesses, e.g. ``q0*q1``, ``p2``, ``n0*n1``, ``X3``."""
    origins: tuple[Origin, ...] = ()
    """Every place that contributes it, in source order."""


def qubit_edge_element(sites: Iterable[int]) -> PauliSum:
    """``2^{|e|} ∏_{j∈e} n̂_j − I = Σ_{∅≠S⊆e} (−1)^{|S|} Z_S`` (the identity part dropped)."""
    edge = sorted(set(sites))
    terms = []
    for size in range(1, len(edge) + 1):
        for subset in combinations(edge, size):
            terms.append((z_string(subset), (-1) ** size))
    return PauliSum(terms)


def _cv_edge_without(sites: tuple[int, ...], vertex: int) -> WeylPoly:
    rest = list(sites)
    if vertex in rest:
        rest.remove(vertex)
    return q_monomial(rest) if rest else const(1)


def _label_monomial(sites: Iterable[int], letter: str) -> str:
    counts: dict[int, int] = {}
    for s in sites:
        counts[s] = counts.get(s, 0) + 1
    if not counts:
        return "1"
    return "*".join(f"{letter}{s}" + (f"^{c}" if c > 1 else "") for s, c in sorted(counts.items()))


def qubit_sites(model: Model) -> tuple[int, ...]:
    """The sites that a qubit model's generators act on, ascending."""
    used: set[int] = set()
    for stmt in model.statements():
        if isinstance(stmt, Phase):
            used.update(stmt.indices)
        elif isinstance(stmt, MeasureStab):
            used.add(stmt.vertex.index)
            for edge in stmt.edges:
                used.update(edge.indices)
    return tuple(sorted(used))


def extract_generators(model: Model, site_map: Mapping[int, int] | None = None) -> tuple[Generator, ...]:
    """The generator set of ``model``, deduplicated (equal generators merge their origins).

    Args:
        model: A model that passed the semantic passes (sites in range, kinds respected).
        site_map: Qubits only: the index each site has in the elements (labels and origins keep
            the source's). A Pauli string is a bit mask over sites, so the Lie-closure pass maps
            the used sites to ``0, 1, …`` (the algebra is the same up to relabelling) instead of
            working with 10⁹-bit integers for a site near 10⁹.

    Returns:
        Generators in order of first appearance in the source.
    """
    found: dict[Element, tuple[str, list[Origin]]] = {}

    def add(element: Element, label: str, origin: Origin) -> None:
        if not element:
            return
        entry = found.setdefault(element, (label, []))
        entry[1].append(origin)

    qubits = model.kind is RegisterKind.QUBITS

    def at(sites: Iterable[int]) -> Iterable[int]:
        return sites if site_map is None else (site_map[s] for s in sites)

    for stmt in model.statements():
        if isinstance(stmt, Phase):
            if qubits:
                add(qubit_edge_element(at(stmt.indices)), _label_monomial(sorted(set(stmt.indices)), "n"),
                    Origin("phase edge", stmt.span))
            else:
                add(q_monomial(stmt.indices), _label_monomial(stmt.indices, "q"), Origin("phase edge", stmt.span))
        elif isinstance(stmt, Shift) and not qubits:
            v = stmt.site.index
            add(p(v), f"p{v}", Origin(f"shift of {v}", stmt.span))
        elif isinstance(stmt, MeasureStab):
            v = stmt.vertex.index
            what = f"stabilizer measurement of {v}"
            if qubits:
                add(pauli({v if site_map is None else site_map[v]: "X"}), f"X{v}", Origin(what, stmt.span))
            else:
                add(p(v), f"p{v}", Origin(what, stmt.span))
            for edge in stmt.edges:
                if qubits:
                    add(qubit_edge_element(at(edge.indices)), _label_monomial(sorted(set(edge.indices)), "n"),
                        Origin(f"edge of the {what}", edge.span))
                else:
                    rest = list(edge.indices)
                    if v in rest:
                        rest.remove(v)
                    add(_cv_edge_without(edge.indices, v), _label_monomial(rest, "q"),
                        Origin(f"edge of the {what} (with q{v} removed)", edge.span))
    return tuple(Generator(element, label, tuple(origins)) for element, (label, origins) in found.items())

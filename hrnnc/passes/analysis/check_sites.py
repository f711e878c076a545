"""Sites and register kinds: header bounds, sites in range, qubit edges without repeats,
stabilizer edges through their vertex, operations that fit the register kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from hrnnc.diagnostics import Code, error, warning
from hrnnc.ir import Measure, MeasureStab, Phase, RegisterKind, Reset, Shift, Site
from hrnnc.passes.base import AnalysisPass, PropertySet

if TYPE_CHECKING:
    from hrnnc.ir import Model, StabEdge


def _fine(sites: tuple[Site, ...], n: int, kind: RegisterKind) -> bool:
    """True when every site is in range and, for qubits, distinct: the checks would report nothing."""
    if len(sites) == 1:
        return sites[0].index < n
    if not sites:
        return True
    indices = [s.index for s in sites]
    return max(indices) < n and (kind is not RegisterKind.QUBITS or len(set(indices)) == len(indices))


@dataclass(frozen=True)
class CheckSites(AnalysisPass):
    """Reports E0205, E0211, E0213, E0214, E0215 and W0102, W0103."""

    name = "check-sites"

    def run(self, model: Model, props: PropertySet) -> None:
        n, kind = model.size, model.kind
        if kind is RegisterKind.QUBITS and model.k > n:
            props.report(error(Code.E0205, f"the degree bound k = {model.k} exceeds the {n} qubits "
                               "(a qubit hyperedge has distinct sites)", model.degree.span))
        for cell in model.cells:
            if not cell.body:
                names = ", ".join(t.name for t in cell.tokens)
                props.report(warning(Code.W0103, f"the block for {names} does nothing", cell.span))
            for stmt in cell.body:
                if isinstance(stmt, Phase):
                    if _fine(stmt.sites, n, kind):
                        continue  # nothing to report (performance only)
                    self._sites(stmt.sites, n, props)
                    self._distinct(stmt.sites, kind, props, "hyperedge")
                elif isinstance(stmt, Shift):
                    self._sites((stmt.site,), n, props)
                    if kind is RegisterKind.QUBITS:
                        props.report(error(Code.E0215, "'shift' acts on qumodes; this model has qubits", stmt.span))
                elif isinstance(stmt, MeasureStab):
                    if stmt.vertex.index >= n:
                        self._sites((stmt.vertex,), n, props)
                    self._stabilizer(stmt, kind, n, props)
                elif isinstance(stmt, Measure):
                    self._sites((stmt.site,), n, props)
                    if stmt.basis.kind is not kind:
                        wanted = "z or x" if kind is RegisterKind.QUBITS else "q or p"
                        props.report(error(Code.E0215, f"'measure {stmt.basis.value}' is for {stmt.basis.kind.value}; "
                                           f"this model has {kind.value} (use {wanted})", stmt.span))
                elif isinstance(stmt, Reset):
                    if stmt.site.index >= n:
                        self._sites((stmt.site,), n, props)

    def _stabilizer(self, stmt: MeasureStab, kind: RegisterKind, n: int, props: PropertySet) -> None:
        v = stmt.vertex.index
        if not stmt.edges:
            return
        seen: dict[tuple[int, ...], StabEdge] = {}
        for edge in stmt.edges:
            if not _fine(edge.sites, n, kind):
                self._sites(edge.sites, n, props)
                self._distinct(edge.sites, kind, props, "stabilizer edge")
            indices = edge.indices
            if v not in indices:
                props.report(error(Code.E0214, f"this edge does not contain the vertex {v} of the stabilizer",
                                   edge.span))
            key = tuple(sorted(indices))
            if key in seen:
                props.report(warning(Code.W0102, f"edge {' '.join(map(str, key))} is listed twice; "
                                     "the weights add up", edge.span))
            seen[key] = edge

    @staticmethod
    def _sites(sites: Iterable[Site], n: int, props: PropertySet) -> None:
        for site in sites:
            if site.index >= n:
                props.report(error(Code.E0211, f"site {site.index} is out of range: the register has {n} "
                                   f"site{'s' if n != 1 else ''} (0..{n - 1})", site.span))

    @staticmethod
    def _distinct(sites: tuple[Site, ...], kind: RegisterKind, props: PropertySet, what: str) -> None:
        if kind is not RegisterKind.QUBITS:
            return
        seen: set[int] = set()
        for site in sites:
            if site.index in seen:
                props.report(error(Code.E0213, f"site {site.index} appears twice in this qubit {what} "
                                   "(n̂² = n̂, so it would not raise the degree)", site.span))
            seen.add(site.index)

"""Degree bound: every phase and stabilizer edge has at most k factors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrnnc.diagnostics import Code, Note, error
from hrnnc.ir import MeasureStab, Phase
from hrnnc.passes.base import AnalysisPass, PropertyKey, PropertySet

if TYPE_CHECKING:
    from hrnnc.ir import Model

MAX_EDGE_DEGREE: PropertyKey[int] = PropertyKey("max-edge-degree")
"""Largest number of factors in any phase or stabilizer edge (0 if none)."""


@dataclass(frozen=True)
class CheckDegree(AnalysisPass):
    """Reports E0301 at each edge with more than k factors; writes MAX_EDGE_DEGREE."""

    name = "check-degree"

    def run(self, model: Model, props: PropertySet) -> None:
        k, largest = model.k, 0
        for stmt in model.statements():
            if isinstance(stmt, Phase):
                if len(stmt.sites) <= k:  # the common case, with nothing to report (performance only)
                    largest = max(largest, len(stmt.sites))
                    continue
                edges = [(stmt.sites, stmt.span)]
            elif isinstance(stmt, MeasureStab):
                edges = [(e.sites, e.span) for e in stmt.edges]
            else:
                continue
            for sites, span in edges:
                largest = max(largest, len(sites))
                if len(sites) > k:
                    edge_span = sites[0].span.cover(sites[-1].span) if sites[0].span and sites[-1].span else span
                    props.report(error(Code.E0301, f"this edge has degree {len(sites)}, above the bound k = {k}",
                                       edge_span, [Note(f"the bound is declared here", model.degree.span)]))
        props[MAX_EDGE_DEGREE] = largest

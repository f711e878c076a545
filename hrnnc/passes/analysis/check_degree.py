"""Degree bound: every phase and stabilizer edge has at most k factors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrnnc.diagnostics import Code, Note, error
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
        for edge in model.hyperedges():
            largest = max(largest, len(edge.sites))
            if len(edge.sites) > k:
                props.report(error(Code.E0301, f"this edge has degree {len(edge.sites)}, above the bound k = {k}",
                                   edge.span, [Note("the bound is declared here", model.degree.span)]))
        props[MAX_EDGE_DEGREE] = largest

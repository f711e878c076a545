"""Strawberry Fields limit: no native gate beyond the cubic phase, so edges of degree 4+ are errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from hrnnc.diagnostics import Code, Note, error
from hrnnc.ir import MeasureStab, Phase
from hrnnc.passes.base import AnalysisPass, PropertyKey, PropertySet

if TYPE_CHECKING:
    from hrnnc.ir import Model, Site
    from hrnnc.diagnostics import Span

SF_MAX_DEGREE = 3
"""Highest monomial degree the sf target synthesises exactly (``Vgate`` is ``x^3``)."""

SF_DEGREE_OK: PropertyKey[bool] = PropertyKey("sf-degree-ok")
"""True when every phase and stabilizer edge has degree at most :data:`SF_MAX_DEGREE`."""


def _edge_span(sites: tuple[Site, ...], fallback: Span | None) -> Span | None:
    first, last = sites[0].span, sites[-1].span
    return first.cover(last) if first is not None and last is not None else fallback


@dataclass(frozen=True)
class CheckSfDegree(AnalysisPass):
    """Reports E0502 at each phase or stabilizer edge of degree above 3; writes SF_DEGREE_OK."""

    name: ClassVar[str] = "check-sf-degree"

    def run(self, model: Model, props: PropertySet) -> None:
        ok = True
        for stmt in model.statements():
            if isinstance(stmt, Phase):
                edges = [("phase", stmt.sites, stmt.span)]
            elif isinstance(stmt, MeasureStab):
                edges = [("stabilizer", e.sites, e.span) for e in stmt.edges]
            else:
                continue
            for what, sites, span in edges:
                if len(sites) <= SF_MAX_DEGREE:
                    continue
                ok = False
                monomial = " ".join(f"q{s.index}" for s in sites)
                props.report(error(
                    Code.E0502,
                    f"the 'sf' target cannot lower this {what} edge of degree {len(sites)} ({monomial}): "
                    f"Strawberry Fields has no exact gate beyond the cubic phase (degree {SF_MAX_DEGREE})",
                    _edge_span(sites, span),
                    [Note("write the interaction with edges of degree 3 or less (the reference "
                          "simulator, 'hrnnc simulate', accepts any degree)")]))
        props[SF_DEGREE_OK] = ok

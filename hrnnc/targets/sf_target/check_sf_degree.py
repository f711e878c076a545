"""Strawberry Fields limit: no native gate beyond the cubic phase, so edges of degree 4+ are errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from hrnnc.diagnostics import Code, Note, error
from hrnnc.passes.base import AnalysisPass, PropertyKey, PropertySet

if TYPE_CHECKING:
    from hrnnc.ir import Model

SF_MAX_DEGREE = 3
"""Highest monomial degree the sf target synthesises exactly (``Vgate`` is ``x^3``)."""

SF_DEGREE_OK: PropertyKey[bool] = PropertyKey("sf-degree-ok")
"""True when every phase and stabilizer edge has degree at most :data:`SF_MAX_DEGREE`."""


@dataclass(frozen=True)
class CheckSfDegree(AnalysisPass):
    """Reports E0502 at each phase or stabilizer edge of degree above 3; writes SF_DEGREE_OK."""

    name: ClassVar[str] = "check-sf-degree"

    def run(self, model: Model, props: PropertySet) -> None:
        ok = True
        for edge in model.hyperedges():
            sites = edge.sites
            if len(sites) <= SF_MAX_DEGREE:
                continue
            ok = False
            monomial = " ".join(f"q{s.index}" for s in sites)
            props.report(error(
                Code.E0502,
                f"the 'sf' target cannot lower this {edge.kind} edge of degree {len(sites)} ({monomial}): "
                f"Strawberry Fields has no exact gate beyond the cubic phase (degree {SF_MAX_DEGREE})",
                edge.span,
                [Note("write the interaction with edges of degree 3 or less (the reference "
                      "simulator, 'hrnnc simulate', accepts any degree)")]))
        props[SF_DEGREE_OK] = ok

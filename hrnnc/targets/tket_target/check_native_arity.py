"""Target analysis: the native CnZ arity (blockade size) and the edges that exceed it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrnnc.diagnostics import Code, ConfigurationError, Note, error
from hrnnc.passes.base import AnalysisPass, PropertyKey, PropertySet

if TYPE_CHECKING:
    from hrnnc.ir import Model

NATIVE_ARITY: PropertyKey[int] = PropertyKey("tket-native-arity")
"""The resolved arity ``A`` (the option, or the model's k)."""
OVER_ARITY_EDGES: PropertyKey[tuple[tuple[tuple[int, ...], int | None], ...]] = PropertyKey("tket-over-arity-edges")
"""Every edge with more than ``A`` sites, as (sites, source line or None), in source order."""


def resolve_arity(model: Model, arity: int | None) -> int:
    """``A``: the option, or ``min(k, n)`` (at least 2).

    Raises:
        ConfigurationError: An explicit arity below 2 or above the register size n.
    """
    n = model.size
    if arity is None:
        return max(2, min(model.k, n))
    if arity < 2 or arity > n:
        raise ConfigurationError(f"--arity must be between 2 and the register size {n} of model "
                                 f"'{model.name}'; got {arity}")
    return arity


@dataclass(frozen=True)
class CheckNativeArity(AnalysisPass):
    """Resolves ``A`` (writes NATIVE_ARITY) and finds edges above it (writes OVER_ARITY_EDGES).

    With ``no_decompose`` each such edge is an E0502 error at the edge; otherwise the
    emitter decomposes it into natives of arity ≤ A and ``--report`` lists it.
    """

    name = "check-native-arity"

    arity: int | None = None
    """Native CnZ arity; None: the model's degree bound k."""
    no_decompose: bool = False
    """Report edges wider than the arity as errors instead of decomposing them."""

    def run(self, model: Model, props: PropertySet) -> None:
        a = resolve_arity(model, self.arity)
        props[NATIVE_ARITY] = a
        found: list[tuple[tuple[int, ...], int | None]] = []
        for edge in model.hyperedges():
            sites, where = edge.sites, edge.span
            if len(sites) <= a:
                continue
            found.append((tuple(s.index for s in sites), where.start_line_col[0] if where else None))
            if self.no_decompose:
                names = " ".join(str(s.index) for s in sites)
                props.report(error(
                    Code.E0502, f"edge {{{names}}} has {len(sites)} sites, above the native CnZ arity "
                    f"A = {a}; drop --no-decompose to decompose it into natives of arity <= {a}",
                    where, [Note("set a larger arity with --arity (at most the register size)")]))
        props[OVER_ARITY_EDGES] = tuple(found)

"""``schedule-layers``: each diagonal block's gates ordered into layers of non-overlapping gates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from hrnnc.lowered import DiagBlock, LoweredRun, Term
from hrnnc.passes.base import TransformPass

if TYPE_CHECKING:
    from hrnnc.passes.base import PropertySet


def colour(terms: tuple[Term, ...]) -> list[list[Term]]:
    """Greedy hyperedge colouring: largest supports first, each into the first layer it fits.

    Every layer holds terms with pairwise disjoint supports, so a neutral-atom array can run
    a layer's gates at once. Greedy first-fit uses at most ``Δ·(s−1) + 1`` layers for
    maximum support size ``s`` and maximum site degree ``Δ`` (each term meets at most
    ``s·(Δ−1)`` others); ties are broken by the sorted sites, so the order is deterministic.
    """
    layers: list[list[Term]] = []
    busy: list[set[int]] = []
    for term in sorted(terms, key=lambda t: (-len(set(t[0])), t[0])):
        support = set(term[0])
        for layer, used in zip(layers, busy):
            if used.isdisjoint(support):
                layer.append(term)
                used |= support
                break
        else:
            layers.append([term])
            busy.append(set(support))
    return layers


@dataclass(frozen=True)
class ScheduleLayers(TransformPass):
    """Reorders each block's terms layer by layer (:func:`colour`) and records the layer sizes.

    The terms of a block commute, so any order is the same unitary; nothing else moves.
    Reads and writes no properties.
    """

    name: ClassVar[str] = "schedule-layers"

    def run(self, model: LoweredRun, props: PropertySet) -> LoweredRun:  # type: ignore[override]
        items = []
        for item in model.items:
            if isinstance(item, DiagBlock):
                layers = colour(item.terms)
                item = DiagBlock(tuple(t for layer in layers for t in layer), tuple(len(la) for la in layers))
            items.append(item)
        return LoweredRun(model.kind, model.size, tuple(items), model.notes)


__all__ = ["ScheduleLayers", "colour"]

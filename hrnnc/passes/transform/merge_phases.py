"""``merge-phases``: every diagonal block as its canonical phase polynomial, across cell boundaries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from hrnnc.lowered import Action, DiagBlock, Item, LoweredRun, Monomial
from hrnnc.lowered.angles import merged
from hrnnc.passes.base import TransformPass

if TYPE_CHECKING:
    from hrnnc.passes.base import PropertySet

MAX_BLOCK_TERMS = 50_000
"""Default of :attr:`MergePhases.max_block_terms`."""


class _Open:
    """A block being built: the contributions of each monomial, and every term in arrival order."""

    __slots__ = ("sums", "arrivals")

    def __init__(self) -> None:
        self.sums: dict[Monomial, list[Any]] = {}
        self.arrivals: list[tuple[Monomial, Any]] = []

    def add(self, mono: Monomial, angle: Any) -> None:
        self.sums.setdefault(mono, []).append(angle)
        self.arrivals.append((mono, angle))


@dataclass(frozen=True)
class MergePhases(TransformPass):
    """Moves each diagonal term to the latest block it can reach and sums it there.

    Diagonal terms commute with each other and with every action on another site (and a
    Z measurement commutes even on its own site), so a term may move back in time until it
    meets an action that *blocks* it. Each term joins a reachable block that already holds
    its monomial, else the latest reachable block, else a new block: the stabilizer frame
    ``U_κ`` thus meets the next ``phase`` gates and the next frame ``U_κ'†`` and cancels
    where they agree. Each monomial's angles are summed by :func:`hrnnc.lowered.angles.merged`
    (mod 2π on qubits; symbolic angles dropped only when they cancel symbolically).

    Blocks are separated by blocking actions, so the result has maximal blocks; actions keep
    their order, so outputs keep their time order and names.

    Reads and writes no properties. A block that collects more than ``max_block_terms``
    terms is kept in arrival (cell) order, unmerged, with a note in :attr:`LoweredRun.notes`.
    """

    name: ClassVar[str] = "merge-phases"

    max_block_terms: int | None = None
    """Largest number of gates one block may collect and still be merged (None: :data:`MAX_BLOCK_TERMS`)."""

    def run(self, model: LoweredRun, props: PropertySet) -> LoweredRun:  # type: ignore[override]
        out: list[_Open | Action] = []
        barrier: dict[int, int] = {}
        """Site → index in ``out`` of the latest action that blocks terms on it."""
        holder: dict[Monomial, int] = {}
        """Monomial → index in ``out`` of the latest block holding it."""
        latest = -1
        for item in model.items:
            if isinstance(item, Action):
                out.append(item)
                if item.blocks((item.site,)):
                    barrier[item.site] = len(out) - 1
                continue
            for mono, angle in item.terms:
                wall = max((barrier.get(s, -1) for s in mono), default=-1)
                index = holder.get(mono, -1)
                if index <= wall:
                    if latest <= wall:
                        out.append(_Open())
                        latest = len(out) - 1
                    index = latest
                block = out[index]
                assert isinstance(block, _Open)
                block.add(mono, angle)
                holder[mono] = index
        limit = MAX_BLOCK_TERMS if self.max_block_terms is None else self.max_block_terms
        items: list[Item] = []
        notes = list(model.notes)
        for entry in out:
            if isinstance(entry, Action):
                items.append(entry)
                continue
            if len(entry.arrivals) > limit:
                notes.append(f"merge-phases: a block of {len(entry.arrivals)} gates (after "
                             f"{_outputs_before(items)} outputs) exceeds max-block-terms={limit}; "
                             "kept in cell order, unmerged")
                items.append(DiagBlock(tuple(entry.arrivals)))
                continue
            terms = []
            for mono, contributions in entry.sums.items():
                angle = merged(contributions, model.periodic)
                if angle is not None:
                    terms.append((mono, angle))
            if terms:
                items.append(DiagBlock(tuple(terms)))
        return LoweredRun(model.kind, model.size, tuple(items), tuple(notes))


def _outputs_before(items: list[Item]) -> int:
    return sum(1 for i in items if isinstance(i, Action) and i.recorded)


__all__ = ["MAX_BLOCK_TERMS", "MergePhases"]

"""schedule-layers: layers of pairwise disjoint gates, every gate kept, nothing else moved (issue #15)."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from hrnnc.ir import RegisterKind
from hrnnc.lowered import Action, DiagBlock, LoweredRun, multi_site_depth
from hrnnc.passes import PropertySet
from hrnnc.passes.transform import ScheduleLayers
from hrnnc.passes.transform.schedule_layers import colour


def schedule(*items: object) -> LoweredRun:
    return ScheduleLayers().run(LoweredRun(RegisterKind.QUBITS, 8, tuple(items)), PropertySet())


def layers_of(block: DiagBlock) -> list[tuple]:
    out, start = [], 0
    for size in block.layers:
        out.append(block.terms[start:start + size])
        start += size
    return out


def test_a_cycle_of_four_edges_runs_in_two_layers() -> None:
    """C4 (0-1-2-3-0) is bipartite: edge-chromatic number 2, found by first fit in sorted order."""
    ring = tuple(((a, b), 0.1) for a, b in [(0, 1), (1, 2), (2, 3), (0, 3)])
    (block,) = schedule(DiagBlock(ring)).items
    assert block.layers == (2, 2)
    assert multi_site_depth(LoweredRun(RegisterKind.QUBITS, 4, (block,))) == 2
    # In cell order (0-1, 1-2, 2-3, 0-3) each gate shares a site with the one before: four layers.
    assert multi_site_depth(LoweredRun(RegisterKind.QUBITS, 4, (DiagBlock(ring),))) == 4


def test_k4_needs_three_layers() -> None:
    """K4 has 6 edges and a perfect matching of 2 per layer: 3 layers, its chromatic index."""
    k4 = tuple((e, 0.2) for e in itertools.combinations(range(4), 2))
    (block,) = schedule(DiagBlock(k4)).items
    assert block.layers == (2, 2, 2)


def test_actions_and_block_boundaries_stay() -> None:
    a = Action("measure-x", 0, "y")
    run = schedule(DiagBlock((((0, 1), 0.1), ((1, 2), 0.2))), a, DiagBlock((((0, 1), 0.3),)))
    assert run.items[1] is a and [len(b.terms) for b in run.blocks()] == [2, 1]


edges = st.lists(st.integers(0, 7), min_size=1, max_size=4, unique=True).map(lambda s: tuple(sorted(s)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(edges, st.floats(-3, 3, allow_nan=False)), min_size=1, max_size=40))
def test_layers_are_disjoint_and_keep_every_gate(terms: list) -> None:
    """Same multiset of gates; each layer's supports are pairwise disjoint; at most Δ(s−1)+1 layers."""
    (block,) = schedule(DiagBlock(tuple(terms))).items
    assert Counter(block.terms) == Counter(terms)
    assert sum(block.layers) == len(terms)
    for layer in layers_of(block):
        sites = [s for mono, _ in layer for s in mono]
        assert len(sites) == len(set(sites))
    degree = max(Counter(s for mono, _ in terms for s in mono).values())
    widest = max(len(mono) for mono, _ in terms)
    assert len(block.layers) <= degree * max(widest - 1, 1) + 1
    assert len(colour(tuple(terms))) == len(block.layers)

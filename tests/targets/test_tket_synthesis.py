"""Phase-polynomial synthesis onto native CnZ: exactness and native counts (numpy only, no pytket)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from hrnnc.targets.tket_target.phase_synthesis import SynthesisOptions, synthesize_edges

H = np.array([[1, 1], [1, -1]]) / math.sqrt(2)


def ops_unitary(ops, nq):
    """Unitary of abstract ops, written independently of the synthesizer (little-endian)."""
    u = np.eye(2 ** nq, dtype=complex).reshape((2,) * nq + (2 ** nq,))
    for op in ops:
        if op[0] == "h":
            axis = nq - 1 - op[1]
            u = np.moveaxis(np.tensordot(H, u, axes=([1], [axis])), 0, axis)
        elif op[0] == "cnz":
            idx = [slice(None)] * (nq + 1)
            for q in op[1]:
                idx[nq - 1 - q] = 1
            u[tuple(idx)] *= -1
        elif op[0] == "p":
            idx = [slice(None)] * (nq + 1)
            idx[nq - 1 - op[1]] = 1
            u[tuple(idx)] *= np.exp(1j * op[2])
        else:
            raise AssertionError(op)
    return u.reshape(2 ** nq, 2 ** nq)


def target_diagonal(edges, n):
    """``exp(i Σ γ_e ∏_{j∈e} x_j)`` straight from docs/semantics.md §2."""
    x = np.arange(2 ** n)
    f = np.zeros(2 ** n)
    for sites, angle in edges:
        mask = np.ones(2 ** n, dtype=bool)
        for j in sites:
            mask &= (x >> j) & 1 == 1
        f += angle * mask
    return np.exp(1j * f)


def natives(ops):
    return [len(op[1]) for op in ops if op[0] == "cnz"]


def check_exact(edges, n, opts):
    ops = synthesize_edges(edges, opts)
    nq = n + (1 if opts.ancilla is not None else 0)
    u = ops_unitary(ops, nq)[: 2 ** n, : 2 ** n]  # ancilla (top bit) in |0> in and out
    assert np.allclose(u, np.diag(target_diagonal(edges, n)), atol=1e-9), (edges, opts)
    assert all(a <= opts.arity for a in natives(ops))
    return ops


@pytest.mark.parametrize("seed", range(12))
def test_random_blocks_are_exact_with_global_phase(seed):
    """Every plan (merged, reference route, ancilla, over-arity) gives exactly exp(i f), phase included."""
    rng = random.Random(seed)
    for _ in range(25):
        n = rng.randint(2, 5)
        k = rng.randint(2, n)
        edges = []
        for _ in range(rng.randint(1, 6)):
            sites = tuple(sorted(rng.sample(range(n), rng.randint(1, k))))
            edges.append((sites, rng.choice([math.pi, -math.pi, rng.uniform(-7, 7), math.pi / 2])))
        for arity in range(2, k + 1):
            for ancilla in (None, n):
                for merge in (True, False):
                    check_exact(edges, n, SynthesisOptions(arity, ancilla, merge))


@pytest.mark.parametrize("s", [2, 3, 4, 5, 6])
def test_unweighted_edge_is_one_native(s):
    """γ = π: exactly one CnZ of arity s, nothing else multi-qubit."""
    ops = check_exact([(tuple(range(s)), math.pi)], s, SynthesisOptions(s))
    assert natives(ops) == [s]


@pytest.mark.parametrize("s", [2, 3, 4, 5, 6])
def test_weighted_edge_costs_design_bound_without_ancilla(s):
    """docs/semantics.md §5: 2(s−1) natives (two of each arity s…2) for a lone weighted edge."""
    for merge in (True, False):
        ops = check_exact([(tuple(range(s)), 0.7)], s, SynthesisOptions(s, None, merge))
        assert sorted(natives(ops)) == sorted([a for a in range(2, s + 1) for _ in range(2)])


@pytest.mark.parametrize("s", [3, 4, 5])
def test_free_ancilla_beats_design_bound(s):
    """With a clean ancilla: 2 natives (arity s+1) when s < A, 4 when s = A (vs 2(s−1))."""
    edge = [(tuple(range(s)), 0.7)]
    assert natives(check_exact(edge, s, SynthesisOptions(s + 1 if s + 1 <= 6 else s, s))) == [s + 1, s + 1]
    at_limit = natives(check_exact(edge, s, SynthesisOptions(s, s)))
    assert len(at_limit) == 4 and len(at_limit) <= 2 * (s - 1)


def test_shared_residuals_merge():
    """Two weighted triangles on a common pair: 6 natives instead of 2 × 4 (both residuals on {0,1})."""
    edges = [((0, 1, 2), 0.7), ((0, 1, 3), 0.4)]
    assert len(natives(check_exact(edges, 4, SynthesisOptions(3, None, False)))) == 8
    assert len(natives(check_exact(edges, 4, SynthesisOptions(3)))) == 6


def test_residual_cancels_lower_edge():
    """A weighted triangle plus the pair phase that cancels its residual: 2 natives, not 4 + 2."""
    edges = [((0, 1, 2), 0.7), ((0, 1), -0.35)]
    assert natives(check_exact(edges, 3, SynthesisOptions(3))) == [3, 3]


def test_residual_branch_makes_pi():
    """Pair phase d = π − c/2: the φ = −c/2 branch leaves c/2 + d ≡ π (one more CZ); the +π
    branch leaves c/2 − π + d ≡ 0, so the block costs 2 natives."""
    c = 1.1
    edges = [((0, 1, 2), c), ((0, 1), math.pi - c / 2)]
    assert natives(check_exact(edges, 3, SynthesisOptions(3))) == [3, 3]


def test_equal_unweighted_edges_cancel():
    """CCZ · CCZ = I: the merged block needs no native."""
    assert natives(check_exact([((0, 1, 2), math.pi), ((0, 1, 2), math.pi)], 3, SynthesisOptions(3))) == []


@pytest.mark.parametrize("s", [3, 4])
def test_over_arity_uses_gray_code_cz_network(s):
    """|S| > A: 2^s − 2 CZs, all of arity 2, still exact (for weighted and unweighted)."""
    for angle in (math.pi, 0.3):
        ops = check_exact([(tuple(range(s)), angle)], s, SynthesisOptions(2))
        assert natives(ops) == [2] * (2 ** s - 2)


def test_plan_selection_is_deterministic():
    rng = random.Random(7)
    edges = [(tuple(sorted(rng.sample(range(6), 3))), rng.uniform(-3, 3)) for _ in range(8)]
    first = synthesize_edges(edges, SynthesisOptions(3))
    assert all(synthesize_edges(edges, SynthesisOptions(3)) == first for _ in range(3))


def test_many_terms_fall_back_to_greedy_and_stay_exact():
    """A level too large for the exhaustive search is chosen greedily, still exactly."""
    rng = random.Random(3)
    edges = [(tuple(sorted(rng.sample(range(6), 3))), rng.uniform(-3, 3)) for _ in range(12)]
    ops = check_exact(edges, 6, SynthesisOptions(3))
    design = synthesize_edges(edges, SynthesisOptions(3, None, False))
    assert len(natives(ops)) <= len(natives(design))


@pytest.mark.parametrize(("s", "arity"), [(4, 3), (5, 4), (6, 4)])
def test_over_arity_with_ancilla_folds_into_it(s, arity):
    """|S| ≤ 2A−2 with a clean ancilla: AND of A−1 sites into it, so γ = π costs 3 natives of arity ≤ A."""
    ops = check_exact([(tuple(range(s)), math.pi)], s, SynthesisOptions(arity, s))
    assert len(natives(ops)) == 3
    weighted = check_exact([(tuple(range(s)), 0.9)], s, SynthesisOptions(arity, s))
    assert len(natives(weighted)) == 2 + 2 * (s - arity + 1) < 2 ** s - 2

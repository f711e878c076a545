"""Bounded time and memory of the exact qubit walk (issue #16, items 9 and 10)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from hrnnc.diagnostics import Code, SimulationError
from hrnnc.frontend import parse_file, parse_text
from hrnnc.sim import qubit
from hrnnc.sim.memory import MEMORY_LIMIT_ENV
from hrnnc.sim.statevector import ITEMSIZE, Register

ROOT = Path(__file__).resolve().parents[2]
MERMIN_PERES = parse_file(ROOT / "examples" / "mermin_peres.hrnn")


def _count_parks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count ``Register.park`` calls: only the exact walk parks branches (the estimate never does)."""
    parks = [0]
    real = Register.park

    def park(self: Register, *args: object) -> object:
        parks[0] += 1
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Register, "park", park)
    return parks


@pytest.mark.parametrize("pairs", [21, 12_500])
def test_too_many_branches_is_refused_before_the_walk(pairs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``z1 r`` repeated: every z1 has two outcomes, so 2^pairs leaves (> 2^20 here). Refused
    with E0601 before a single branch is parked (before: 300 s walking, or 7 GB for 25,000 tokens)."""
    parks = _count_parks(monkeypatch)
    tracemalloc.start()
    try:
        with pytest.raises(SimulationError) as info:
            qubit.exact_distribution(MERMIN_PERES, " ".join(["z1 r"] * pairs))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code is Code.E0601
    assert "more than 1,048,576 branches (estimated before walking" in diagnostic.message
    assert "sample shots instead" in diagnostic.message
    assert parks[0] == 0
    assert peak < 64 * 2**20


@pytest.mark.parametrize("pairs", [1, 3, 6, 9])
def test_estimate_is_exact_on_a_uniform_tree(pairs: int) -> None:
    """Every path branches alike, so Knuth's estimate is the leaf count: 2^pairs, which is also
    the number of outcomes the exact walk finds (each with probability 2^-pairs)."""
    tokens = " ".join(["z1 r"] * pairs)
    ops = qubit._lower(MERMIN_PERES, tokens, None)
    assert qubit.estimated_leaves(ops, 2) == 2**pairs
    distribution = qubit.exact_distribution(MERMIN_PERES, tokens)
    assert len(distribution) == 2**pairs
    assert all(p == pytest.approx(2.0**-pairs) for p in distribution.values())


def test_walk_counts_branches_as_it_creates_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the cap at 8 and the up-front estimate switched off, the walk stops once
    leaves + pending branches pass 8: at most 8 parks, not 2^6 = 64."""
    parks = _count_parks(monkeypatch)
    monkeypatch.setattr(qubit, "MAX_OUTCOMES", 8)
    monkeypatch.setattr(qubit, "ESTIMATE_MARGIN", float("inf"))
    with pytest.raises(SimulationError, match=r"more than 8 branches \(counted as the walk created them\)"):
        qubit.exact_distribution(MERMIN_PERES, " ".join(["z1 r"] * 6))
    assert 0 < parks[0] <= 8


N = 14
MEASURED = 8
RANDOM_Z = parse_text(f"hrnn m {{ qubits {N}; degree 2; on a {{ phase(1) 0 1; "
                      + " ".join(f"measure z {v} -> y{v};" for v in range(MEASURED)) + " } }")
"""|+>^14 then z on 8 qubits: every measurement has two outcomes, so the depth-first walk
holds 8 parked half-vectors at its deepest."""
STATE = ITEMSIZE << N


def test_memory_estimate_counts_one_parked_half_per_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Estimate: working vector + scratch + one half per split = 2S + 8·S/2 = 6S. The traced
    peak of the walk lies above the old estimate (2S + 4·S/2 = 4S) and within the new one."""
    estimate = 2 * STATE + MEASURED * STATE // 2
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(estimate - 1))
    with pytest.raises(SimulationError) as info:
        qubit.exact_distribution(RANDOM_Z, "a")
    assert f"{estimate:,} bytes" in info.value.diagnostics[0].message
    assert f"{MEASURED} parked half-vectors" in info.value.diagnostics[0].message
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(estimate))
    tracemalloc.start()
    try:
        distribution = qubit.exact_distribution(RANDOM_Z, "a")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(distribution) == 2**MEASURED
    assert 4 * STATE < peak <= estimate


def test_diagonal_cache_gets_only_what_the_walk_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache budget = min(25 % of the available memory, available − the walk's estimate)."""
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(10 * STATE))
    assert qubit._Blocks(N, reserved=9 * STATE)._budget == STATE  # before: 25 % = 2.5 states
    assert qubit._Blocks(N, reserved=2 * STATE)._budget == int(2.5 * STATE)
    assert qubit._Blocks(N, reserved=11 * STATE)._budget == 0

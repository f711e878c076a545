"""Registers and sites near 10⁹: bounds in bounded work, closures over the used sites (issue #16, item 8)."""

from __future__ import annotations

from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrnnc.frontend import parse_text
from hrnnc.passes import PropertySet
from hrnnc.passes.analysis import CLOSURE, LieClosure
from hrnnc.passes.analysis.lie_closure import BOUND_LIMIT, bound_text, hk_dimension, qubit_bound


@given(n=st.integers(1, 80), k=st.integers(1, 90))
def test_bounds_equal_the_binomial_sums_below_the_limit(n: int, k: int) -> None:
    """Reference: ``math.comb`` summed directly (the definition)."""
    assert qubit_bound(n, k) == min(n + sum(comb(n, j) for j in range(k + 1)), BOUND_LIMIT)
    assert hk_dimension(n, k) == min(n + comb(n + k, k), BOUND_LIMIT)


@pytest.mark.parametrize("n, k", [(999_999_999, 999_999_999), (999_999_999, 500_000_000), (999_999_999, 700)])
def test_huge_bounds_saturate(n: int, k: int) -> None:
    """The sum is at least its term C(n, 40) > 2^256, so the bound saturates (and says so)."""
    assert comb(n, 40) >= BOUND_LIMIT
    assert qubit_bound(n, k) == BOUND_LIMIT
    assert bound_text(qubit_bound(n, k)) == "≥ 2^256"


def test_large_bounds_below_the_limit_stay_exact() -> None:
    n = 10**18
    assert qubit_bound(n, 3) == n + 1 + n + comb(n, 2) + comb(n, 3) < BOUND_LIMIT
    assert bound_text(qubit_bound(n, 3)) == str(n + 1 + n + comb(n, 2) + comb(n, 3))


def test_bounds_just_below_the_limit_are_exact() -> None:
    """n + 2^n for k ≥ n (every subset), exactly, up to n = 255."""
    assert qubit_bound(255, 255) == 255 + 2**255
    assert qubit_bound(255, 10**9) == 255 + 2**255
    assert qubit_bound(256, 256) == BOUND_LIMIT
    assert hk_dimension(10**9, 10**9) == BOUND_LIMIT
    assert hk_dimension(10**9, 2) == 10**9 + comb(10**9 + 2, 2)


def _closure(text: str, **options: object) -> object:
    props = PropertySet()
    LieClosure(**options).run(parse_text(text), props)  # type: ignore[arg-type]
    return props[CLOSURE]


def test_sites_near_a_billion_give_the_algebra_of_the_same_model_on_small_sites() -> None:
    """The algebra depends on which sites generators share, not on their numbers: the model
    on sites 999999990 / 999999998 has the closure (dimension, basis up to renaming) of the
    one on sites 0 / 1, and no cap is hit (before: 1.6 GB of 10⁹-bit masks, "capped (time)")."""
    body = "on a {{ phase(1) {a} {b}; measure stab({b}) -> y; measure stab({a}; 0.5: {a} {b}) -> z; }}"
    big = f"hrnn m {{ qubits 999999999; degree 2; {body.format(a=999999990, b=999999998)} }}"
    small = f"hrnn m {{ qubits 2; degree 2; {body.format(a=0, b=1)} }}"
    large, reference = _closure(big, basis=True), _closure(small, basis=True)
    assert not large.capped and large.cap_reason is None  # type: ignore[attr-defined]
    assert large.dimension == reference.dimension  # type: ignore[attr-defined]
    renamed = tuple(b.replace("0", "@").replace("1", "999999998").replace("@", "999999990")
                    for b in reference.basis)  # type: ignore[attr-defined]
    assert large.basis == renamed  # type: ignore[attr-defined]


def test_check_of_a_billion_qubits_and_degree_answers() -> None:
    """``qubits 999999999; degree 999999999;`` (before: 10⁹ binomial terms, no answer in 30 s)."""
    result = _closure("hrnn m { qubits 999999999; degree 999999999; on a { phase(1) 0 1; measure stab(0) -> y; } }")
    assert result.bound == BOUND_LIMIT and result.certified  # type: ignore[attr-defined]
    assert "(bound ≥ 2^256)" in result.summary()  # type: ignore[attr-defined]

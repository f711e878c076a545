"""merge-phases on hand-built lowered runs: cancellation, mod 2π, symbolic angles, blocking, fallback (issue #15)."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from hrnnc.ir import RegisterKind
from hrnnc.lowered import Action, DiagBlock, LoweredRun
from hrnnc.passes import PropertySet
from hrnnc.passes.transform import MergePhases
from hrnnc.passes.transform import merge_phases as merge_module

QUBITS, QUMODES = RegisterKind.QUBITS, RegisterKind.QUMODES


def merge(items: list, kind: RegisterKind = QUBITS, **options: int) -> LoweredRun:
    return MergePhases(**options).run(LoweredRun(kind, 4, tuple(items)), PropertySet())


def test_stabilizer_frame_cancels_the_preceding_phase() -> None:
    """``prep s0`` of examples/mermin_peres.hrnn: phase(g) 0 1, then U† = phase(−g) 0 1 meet and vanish."""
    g = 1.25
    run = merge([DiagBlock((((0, 1), g), ((0, 1), -g))), Action("stab", 0, "y"), DiagBlock((((0, 1), g),))])
    assert run.items == (Action("stab", 0, "y"), DiagBlock((((0, 1), g),)))


def test_consecutive_frames_cancel_where_they_meet() -> None:
    """U_κ after one stabilizer and U_κ† before the next (same κ, another vertex in the edge) cancel."""
    k = 0.4
    run = merge([Action("stab", 0, "a"), DiagBlock((((0, 1, 2), k), ((0, 1, 2), -k))), Action("stab", 1, "b"),
                 DiagBlock((((0, 1, 2), k),))])
    assert [type(i).__name__ for i in run.items] == ["Action", "Action", "DiagBlock"]


def test_qubit_angles_are_reduced_mod_two_pi() -> None:
    """exp(i·2π·n̂n̂) = I: 3 + (2π − 3) vanishes; 2 + 2π is 2; −π is written π (the same gate)."""
    run = merge([DiagBlock((((0, 1), 3.0), ((0, 1), 2 * math.pi - 3.0), ((1, 2), 2.0), ((1, 2), 2 * math.pi),
                            ((2, 3), -math.pi)))])
    (block,) = run.items
    assert dict(block.terms) == pytest.approx({(1, 2): 2.0, (2, 3): math.pi}, abs=1e-14)
    assert dict(block.terms)[(2, 3)] == math.pi


def test_qumode_coefficients_are_not_periodic() -> None:
    """exp(i·2π·q0 q1) is not the identity: only exact cancellation (up to rounding) drops a qumode term."""
    run = merge([DiagBlock((((0, 1), math.pi), ((0, 1), math.pi), ((0, 0, 1), 0.1), ((0, 0, 1), -0.1)))], QUMODES)
    (block,) = run.items
    assert dict(block.terms) == {(0, 1): 2 * math.pi}


def test_symbolic_angles_cancel_only_symbolically() -> None:
    """a − a vanishes; a − b is kept (whatever values a and b may take); a + 2π − a vanishes on qubits."""
    a, b = sympy.symbols("a b")
    run = merge([DiagBlock((((0, 1), a), ((0, 1), -a), ((1, 2), a), ((1, 2), -b), ((0, 3), a + 2 * sympy.pi),
                            ((0, 3), -a)))])
    (block,) = run.items
    terms = dict(block.terms)
    assert set(terms) == {(1, 2)}
    assert sympy.simplify(terms[(1, 2)] - (a - b)) == 0


def test_terms_move_back_past_actions_on_other_sites_only() -> None:
    """A term on {0,1} passes a measurement of site 2 and a Z measurement of site 0, not an X one of 1."""
    run = merge([DiagBlock((((0, 1), 0.5),)), Action("measure-x", 2, "a"), Action("measure-z", 0, "b"),
                 DiagBlock((((0, 1), 0.25),)), Action("measure-x", 1, "c"), DiagBlock((((0, 1), 0.125),))])
    assert run.items == (DiagBlock((((0, 1), 0.75),)), Action("measure-x", 2, "a"), Action("measure-z", 0, "b"),
                         Action("measure-x", 1, "c"), DiagBlock((((0, 1), 0.125),)))


def test_a_term_joins_a_reachable_block_holding_its_monomial() -> None:
    """phase(0.5) 0 1; measure x 2; phase(0.3) 1 2; phase(−0.5) 0 1: the last one cancels in the first block."""
    run = merge([DiagBlock((((0, 1), 0.5),)), Action("measure-x", 2, "y"),
                 DiagBlock((((1, 2), 0.3), ((0, 1), -0.5)))])
    assert run.items == (Action("measure-x", 2, "y"), DiagBlock((((1, 2), 0.3),)))


def test_reset_and_shift_block_their_site() -> None:
    run = merge([DiagBlock((((0,), 0.5),)), Action("shift", 0, value=1.0), DiagBlock((((0,), -0.5),))], QUMODES)
    assert len(run.items) == 3
    run = merge([DiagBlock((((0, 1), 0.5),)), Action("reset", 1), DiagBlock((((0, 1), -0.5),))])
    assert len(run.items) == 3


def test_a_block_over_the_limit_stays_in_cell_order_with_a_note() -> None:
    terms = (((0, 1), 0.5), ((1, 2), 0.25), ((0, 1), -0.5))
    run = merge([Action("measure-x", 0, "y"), DiagBlock(terms)], max_block_terms=2)
    assert run.items[1] == DiagBlock(terms)
    (note,) = run.notes
    assert "3 gates" in note and "after 1 outputs" in note and "max-block-terms=2" in note


def test_the_default_limit_is_read_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(merge_module, "MAX_BLOCK_TERMS", 1)
    assert merge([DiagBlock((((0, 1), 0.5), ((0, 1), 0.5)))]).notes


monomials = st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True).map(lambda s: tuple(sorted(s)))
terms = st.lists(st.tuples(monomials, st.floats(-10, 10, allow_nan=False)), min_size=1, max_size=30)
actions = st.builds(Action, st.sampled_from(["measure-x", "measure-z", "stab", "reset"]), st.integers(0, 3),
                    st.sampled_from([None, "y"]))


@settings(max_examples=200, deadline=None)
@given(terms)
def test_one_block_is_the_sum_per_monomial_mod_two_pi(drawn: list) -> None:
    """Without actions, the result is one block holding each monomial's fsum, reduced into (−π, π]."""
    run = merge([DiagBlock(tuple(drawn))])
    want: dict[tuple[int, ...], float] = {}
    for mono in {m for m, _ in drawn}:
        r = math.remainder(math.fsum(a for m, a in drawn if m == mono), 2 * math.pi)
        if abs(r) > 1e-9:
            want[mono] = r
    got = dict(run.items[0].terms) if run.items else {}
    for mono, r in want.items():
        if abs(abs(r) - math.pi) < 1e-9:
            assert got[mono] == pytest.approx(math.pi, abs=1e-9)
        else:
            assert got[mono] == pytest.approx(r, abs=1e-9)
    for mono in set(got) - set(want):
        assert abs(got[mono]) <= 1e-9


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(actions, terms.map(lambda t: DiagBlock(tuple(t)))), max_size=12))
def test_actions_keep_their_order_and_blocks_never_touch(items: list) -> None:
    """Outputs keep their time order and names; two blocks always have an action between them."""
    run = merge(items)
    assert list(run.actions()) == [i for i in items if isinstance(i, Action)]
    kinds = [isinstance(i, DiagBlock) for i in run.items]
    assert not any(x and y for x, y in zip(kinds, kinds[1:]))

"""The raw lowered run (hrnnc.lowered): cell-order terms and actions, frames around stabilizer splits."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import hrnnc
from hrnnc.ir import float_bindings
from hrnnc.lowered import Action, DiagBlock, LoweredRun, lower_run, multi_site_depth, run_stats

ROOT = Path(__file__).resolve().parents[2]


def test_mermin_peres_prep_s0_x0_z1() -> None:
    """phase(g) 0 1; U† = phase(−g) 0 1; split 0; U = phase(g) 0 1; X split 0; Z split 1 (g = π)."""
    model = hrnnc.parse(ROOT / "examples" / "mermin_peres.hrnn")
    run = lower_run(model, "prep s0 x0 z1", float_bindings(model))
    pi = math.pi
    assert run.items == (
        DiagBlock((((0, 1), pi), ((0, 1), -pi))), Action("stab", 0, "y"), DiagBlock((((0, 1), pi),)),
        Action("stab", 0, "y"), Action("measure-z", 1, "y"))
    assert run.outputs == ("y", "y", "y")
    assert [a.basis for a in run.actions()] == ["x", "x", "z"]


def test_qumode_statements_and_shift_values() -> None:
    model = hrnnc.parse("hrnn c { qumodes 2; degree 3; on a { phase(0.5) 1 0 0; shift(0.25) 1; measure q 0 -> y; "
                        "reset 1; measure p 1 -> z; } }")
    run = lower_run(model, "a", float_bindings(model))
    assert run.items == (DiagBlock((((0, 0, 1), 0.5),)), Action("shift", 1, value=0.25), Action("measure-q", 0, "y"),
                         Action("reset", 1), Action("measure-p", 1, "z"))
    assert not run.periodic and [a.recorded for a in run.actions()] == [False, True, False, True]


def test_consecutive_cells_share_a_block_and_params_bind() -> None:
    model = hrnnc.parse("hrnn p { qubits 2; degree 2; param w = 0.3; on a { phase(w) 0 1; } }")
    run = lower_run(model, "a a", float_bindings(model, {"w": 0.7}))
    assert run.items == (DiagBlock((((0, 1), 0.7), ((0, 1), 0.7))),)
    assert run_stats(run) == {"diagonal_gates": 2, "multi_site_gates": 2, "diagonal_blocks": 1, "actions": 0,
                              "multi_site_layers": 2}


def test_unknown_token_is_e0218() -> None:
    model = hrnnc.parse(ROOT / "examples" / "mermin_peres.hrnn")
    with pytest.raises(hrnnc.ParseFailedError) as info:
        lower_run(model, "prep nope", float_bindings(model))
    assert info.value.diagnostics[0].code.name == "E0218"


def test_multi_site_depth_counts_repeated_qumode_sites_once() -> None:
    """q0² q1 is a two-mode gate; q0³ a one-mode gate."""
    from hrnnc.ir import RegisterKind

    run = LoweredRun(RegisterKind.QUMODES, 2, (DiagBlock((((0, 0, 1), 0.1), ((0, 0, 0), 0.2), ((0, 1), 0.3))),))
    assert multi_site_depth(run) == 2

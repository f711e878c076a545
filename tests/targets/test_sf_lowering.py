"""The sf target's cell lowering, scheduling and degree check (no Strawberry Fields needed)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hrnnc
from hrnnc.diagnostics import Code, TargetError
from hrnnc.ir import float_bindings
from hrnnc.targets.sf_target import SFTarget
from hrnnc.targets.sf_target.lowering import Measured, Op, PhaseBlock, block_ops, givens_chain, lower_cell


def generator_values(ops: list[Op], modes: int, points: np.ndarray, hbar: float) -> np.ndarray:
    """``G(q)`` with ``prod(ops) = exp(i G(q))`` for diagonal gates between real beam splitters.

    Tracks the Heisenberg matrix ``A`` of the passive part so far (``W^† x W = A x``); a
    diagonal gate ``D(x)`` applied after ``W`` contributes ``D(A x)``. The beam splitters must
    close (``A = I`` at the end) for the product to be diagonal.
    """
    A = np.eye(modes)
    x = math.sqrt(hbar) * points  # (samples, modes), SF units
    total = np.zeros(len(points))
    for op in ops:
        y = x @ A.T
        if op.name == "BSgate":
            theta, phi = op.args
            assert phi == 0.0
            t, s = op.modes
            B = np.eye(modes)
            B[t, t], B[t, s], B[s, s], B[s, t] = math.cos(theta), -math.sin(theta), math.cos(theta), math.sin(theta)
            A = B @ A
        elif op.name == "Zgate":
            total += op.args[0] * y[:, op.modes[0]] / hbar
        elif op.name == "Pgate":
            total += op.args[0] * y[:, op.modes[0]] ** 2 / (2 * hbar)
        elif op.name == "CZgate":
            total += op.args[0] * y[:, op.modes[0]] * y[:, op.modes[1]] / hbar
        elif op.name == "Vgate":
            total += op.args[0] * y[:, op.modes[0]] ** 3 / (3 * hbar)
        else:
            raise AssertionError(f"not a diagonal gate: {op}")
    np.testing.assert_allclose(A, np.eye(modes), atol=1e-12)
    return total


def polynomial_values(terms: dict[tuple[int, ...], float], points: np.ndarray) -> np.ndarray:
    return sum(c * np.prod(points[:, list(m)], axis=1) for m, c in terms.items())


FORMS = [
    {(0, 1, 2): 0.2, (0, 0, 1): 0.1, (1, 2): 0.5},
    {(0, 0, 1): 0.09, (0, 1, 1): -0.13},  # Givens chains on (1, 0) before reordering (issue #10)
    {(0, 1, 2): 0.1, (0, 2, 2): 0.08, (1, 3): 0.3},  # ... on (2, 1) and (2, 0)
    {(0, 0, 0): -0.3, (1,): 0.25, (0, 0): 0.4},
    {(0, 1, 2): 0.17, (1, 2, 3): -0.21, (0, 3, 3): 0.05, (2, 2, 2): 0.11, (0, 1): -0.4},
    {(0, 0, 1): 0.3, (0, 1, 1): -0.7, (2, 3, 3): 0.2},
]


@pytest.mark.parametrize("hbar", [2.0, 1.0, 0.7])
@pytest.mark.parametrize("form", FORMS, ids=range(len(FORMS)))
def test_block_gates_generate_the_block_polynomial(form: dict[tuple[int, ...], float], hbar: float) -> None:
    """Composing the emitted gates' documented generators (beam-splitter chains included) gives f(q)."""
    ops, cubic, naive = block_ops(PhaseBlock(dict(form), list(form)), hbar)
    points = np.random.default_rng(5).normal(size=(25, 4))
    np.testing.assert_allclose(generator_values(ops, 4, points, hbar), polynomial_values(form, points),
                               rtol=1e-11, atol=1e-11)
    assert cubic == sum(op.name == "Vgate" for op in ops) <= naive
    # SF's Fock backend ignores a two-mode gate's register order (issue #10): only ascending pairs.
    assert all(op.modes[0] < op.modes[1] for op in ops if len(op.modes) == 2)


@pytest.mark.parametrize("unit", [(0.6, 0.8), (-0.6, 0.8), (1 / math.sqrt(3),) * 3, (0.2, -0.9, 0.3873),
                                  (-0.5, 0.5, -0.5, 0.5)])
def test_givens_chain_maps_target_quadrature(unit: tuple[float, ...]) -> None:
    norm = math.sqrt(sum(u * u for u in unit))
    unit = tuple(u / norm for u in unit)
    modes = tuple(range(len(unit)))
    for target in modes:
        A = np.eye(len(unit))
        for theta, t, s in givens_chain(modes, unit, target):
            B = np.eye(len(unit))
            B[t, t], B[t, s], B[s, s], B[s, t] = math.cos(theta), -math.sin(theta), math.cos(theta), math.sin(theta)
            A = B @ A
        np.testing.assert_allclose(A[target], unit, atol=1e-12)


def lowered(text: str, token: str, **options: float):
    """The cell lowered with params at their initial values (numbers, as the assertions compare)."""
    model = hrnnc.parse(text)
    target = SFTarget(bind=True, **options)
    return target.lower(model)[token]


def names(ops) -> list[str]:
    return [op.name for op in ops]


def test_stabilizer_conjugation_cancels_the_cells_own_phase() -> None:
    """phase(g) 0 1; stab(0; g: 0 1): U_kappa^† cancels the CZ, leaving measure, re-prepare, U_kappa."""
    cell = lowered("hrnn m { qumodes 2; degree 2; param g = 0.4;"
                   " on a { phase(g) 0 1; measure stab(0; g: 0 1) -> y; } }", "a", squeezing=0.5)
    assert names(cell.ops) == ["MeasureHomodyne", "Sgate", "Zgate", "CZgate"]
    assert cell.ops[0].args == (math.pi / 2,) and cell.ops[2].args == (Measured(0),)
    assert cell.ops[1].args == (-0.5, 0.0) and cell.ops[3].args == (0.4,)
    assert cell.outputs == ("y",)


def test_phases_commute_past_operations_on_other_modes_only() -> None:
    cell = lowered("hrnn m { qumodes 3; degree 2; on a { phase(0.1) 0 1; shift(0.2) 2; phase(0.3) 0 1;"
                   " shift(0.5) 1; phase(0.7) 0 1; } }", "a")
    assert names(cell.ops) == ["CZgate", "Xgate", "Xgate", "CZgate"]
    assert cell.ops[0].args[0] == pytest.approx(0.4) and cell.ops[3].args[0] == pytest.approx(0.7)


def test_measurements_and_reset() -> None:
    cell = lowered("hrnn m { qumodes 2; degree 1; on a { measure q 0 -> a; measure p 1 -> b; reset 0; } }",
                   "a", squeezing=0.25)
    assert names(cell.ops) == ["MeasureHomodyne", "Sgate", "Xgate", "MeasureHomodyne", "Sgate", "Zgate",
                               "Vacuum", "Sgate"]
    assert cell.ops[0].args == (0.0,) and cell.ops[1].args == (0.25, 0.0)
    assert cell.ops[2].args == (Measured(0),) and cell.ops[-1].args == (-0.25, 0.0)


CUBIC_MODES = """hrnn cubic_modes { qumodes 3; degree 3; param t = 0.2; param s = 0.5;
  on a { phase(t) 0 1 2; phase(t / 2) 0 0 1; phase(s) 1 2; }
  on b { shift(0.3) 2; measure stab(0; t: 0 1 2, t / 2: 0 0 1) -> n0; }
  on read { measure p 1 -> y1; measure q 2 -> y2; }
  on r { reset 1; } }"""


def test_example_cubic_cell_counts() -> None:
    """examples/cubic_modes.hrnn (as of issue 7): 4 cubic phases for cell 'a' (7 with one identity per monomial)."""
    model = hrnnc.parse(CUBIC_MODES)
    cells = SFTarget().lower(model)
    assert (cells["a"].cubic_phase_gates, cells["a"].naive_cubic_phase_gates) == (4, 7)
    assert cells["b"].cubic_phase_gates == 8 and cells["read"].cubic_phase_gates == 0


def test_trainable_params_use_initial_values() -> None:
    model = hrnnc.parse("hrnn m { qumodes 2; degree 2; param g = 0.25; const h = 2 * g; on a { phase(h) 0 1; } }")
    values = float_bindings(model)
    cell = lower_cell(model, model.cells[0], values, 2.0, 1.0)
    assert cell.ops == (Op("CZgate", (0.5,), (0, 1)),)


def test_degree_four_edge_is_a_clean_error() -> None:
    """A degree-4 edge gives E0502 at the edge's line and column (no traceback, no SF import needed)."""
    text = ("hrnn m {\n  qumodes 3;\n  degree 4;\n  on a {\n    phase(0.1) 0 1 2;\n    phase(0.2) 0 0 1 2;\n  }\n"
            "  on b { measure stab(0; 0.3: 0 1 1 2) -> y; }\n}\n")
    with pytest.raises(TargetError) as info:
        hrnnc.compile(text, target="sf")
    diags = info.value.diagnostics
    assert [d.code for d in diags] == [Code.E0502, Code.E0502]
    assert diags[0].span.start_line_col == (6, 16)
    assert diags[1].span.start_line_col == (8, 31)
    assert "degree 4" in diags[0].message and "q0 q0 q1 q2" in diags[0].message
    assert "error[E0502]" in str(info.value) and "Traceback" not in str(info.value)


def test_qubit_model_is_rejected() -> None:
    with pytest.raises(TargetError) as info:
        hrnnc.compile("hrnn qb { qubits 2; degree 2; on a { phase(pi) 0 1; } }", target="sf")
    assert info.value.diagnostics[0].code is Code.E0501


def test_options_are_validated() -> None:
    from hrnnc.diagnostics import ConfigurationError

    with pytest.raises(ConfigurationError):
        SFTarget(hbar=0.0)
    with pytest.raises(ConfigurationError):
        SFTarget(squeezing=-1.0)
    with pytest.raises(ConfigurationError):
        hrnnc.compile(CUBIC_MODES, target="sf", cutoff=3)

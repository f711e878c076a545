"""The tket target keeps params as SymPy symbols: binding after compiling equals compiling with the values.

References, independent of the circuit builder: pytket's own ``get_unitary`` of the numeric
compile, a numpy matrix ``D·H^{⊗n}`` whose diagonal is written out below from the model's
angles (``exp(i Σ_S c_S ∏_{j∈S} x_j)``), and the reference simulator's exact distribution.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pytket")

import sympy  # noqa: E402
from pytket import Circuit  # noqa: E402

import hrnnc  # noqa: E402
from hrnnc.cli import main  # noqa: E402
from hrnnc.params import rewrite_param_inits  # noqa: E402
from hrnnc.sim.qubit import exact_distribution  # noqa: E402
from hrnnc.targets import make_target  # noqa: E402
from hrnnc.targets.tket_target.evaluate import circuit_distribution  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WEIGHTED = ROOT / "examples/weighted.hrnn"

ANGLES = """hrnn angles {
  qubits 3;
  degree 3;
  param a = 0.4;
  param b = -0.9;
  const s = sin(a) * exp(b / 2);
  const r = sqrt(a * a + 1) + cos(b);
  on t {
    phase(a) 0;
    phase(s) 0 1;
    phase(r) 0 1 2;
    phase(b) 1 2;
    phase(pi) 0 2;
  }
  on u {
    phase(a - b) 0 1;
    phase(2 * a) 1;
    phase(-r) 0 1 2;
  }
}
"""
RUN = "t u t"
MODEL = hrnnc.parse(ANGLES)
values = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)


def edge_angles(a: float, b: float) -> dict[str, list[tuple[tuple[int, ...], float]]]:
    """The model's edges written out by hand (not through hrnnc's expression evaluator)."""
    s = math.sin(a) * math.exp(b / 2)
    r = math.sqrt(a * a + 1) + math.cos(b)
    return {"t": [((0,), a), ((0, 1), s), ((0, 1, 2), r), ((1, 2), b), ((0, 2), math.pi)],
            "u": [((0, 1), a - b), ((1,), 2 * a), ((0, 1, 2), -r)]}


def numpy_unitary(a: float, b: float, run: str = RUN, n: int = 3) -> np.ndarray:
    """``D_run · H^{⊗n}`` in pytket's big-endian order (``q[0]`` is the most significant bit)."""
    edges = edge_angles(a, b)
    phases = np.zeros(1 << n)
    for index in range(1 << n):
        x = [(index >> (n - 1 - j)) & 1 for j in range(n)]
        phases[index] = sum(angle * math.prod(x[j] for j in sites) for tok in run.split() for sites, angle in edges[tok])
    h = np.array([[1, 1], [1, -1]]) / math.sqrt(2)
    hn = h
    for _ in range(n - 1):
        hn = np.kron(hn, h)
    return np.diag(np.exp(1j * phases)) @ hn


def bound_unitary(circ: Circuit, a: float, b: float) -> np.ndarray:
    copy = circ.copy()
    copy.symbol_substitution({sympy.Symbol("a"): a, sympy.Symbol("b"): b})
    assert not copy.free_symbols()
    return copy.get_unitary()


OPTIONS = [{}, {"gateset": "cz"}, {"arity": 2}, {"phase_ancilla": True}, {"plan": "design"}, {"optimize": False}]
SYMBOLIC = {i: hrnnc.compile(MODEL, make_target("tket", **o), inputs=RUN) for i, o in enumerate(OPTIONS)}


def test_params_stay_symbols_named_after_them() -> None:
    for circ in SYMBOLIC.values():
        assert {s.name for s in circ.free_symbols()} == {"a", "b"}
    assert not hrnnc.compile(MODEL, "tket", inputs=RUN, bind=True).free_symbols()


@settings(max_examples=25, deadline=None)
@given(a=values, b=values)
def test_bind_after_compile_equals_compile_with_values_and_numpy(a, b) -> None:
    """Every option set: the bound symbolic circuit == the numeric compile == D·H^n, global phase included."""
    expected = numpy_unitary(a, b)
    for i, options in enumerate(OPTIONS):
        target = make_target("tket", **options)
        numeric = hrnnc.compile(MODEL, target, inputs=RUN, params={"a": a, "b": b})
        u_bound = bound_unitary(SYMBOLIC[i], a, b)
        n = 3
        if u_bound.shape[0] > 1 << n:  # a phase ancilla q[n] (the least significant bit), clean before and after
            u_bound = u_bound[::2, ::2]
        u_numeric = numeric.get_unitary()
        if u_numeric.shape[0] > 1 << n:
            u_numeric = u_numeric[::2, ::2]
        assert np.allclose(u_bound, u_numeric, atol=1e-9), options
        assert np.allclose(u_bound, expected, atol=1e-9), options


def test_bind_params_keeps_the_original_and_binds_unit_cells() -> None:
    target = make_target("tket")
    circ = SYMBOLIC[0]
    bound = target.bind_params(circ, {"a": 0.25, "b": 1.5})
    assert not bound.free_symbols() and {s.name for s in circ.free_symbols()} == {"a", "b"}
    partly = target.bind_params(circ, {"a": 0.25})
    assert {s.name for s in partly.free_symbols()} == {"b"}
    cells = hrnnc.compile(MODEL, target)
    bound_cells = target.bind_params(cells, {"a": 0.25, "b": 1.5})
    for tok in ("t", "u"):
        numeric = hrnnc.compile(MODEL, "tket", params={"a": 0.25, "b": 1.5})[tok]
        assert np.allclose(bound_cells[tok].get_unitary(), numeric.get_unitary(), atol=1e-9)
        diag = np.diag(numpy_unitary(0.25, 1.5, tok) @ np.linalg.inv(numpy_unitary(0.0, 0.0, "")))
        assert np.allclose(np.diag(bound_cells[tok].get_unitary()), diag, atol=1e-9)


@settings(max_examples=10, deadline=None)
@given(a=values, b=values, c=values)
def test_bound_distribution_equals_the_simulator(a, b, c) -> None:
    """examples/weighted.hrnn (stabilizer measurements, resets, a const, sin): exact distribution."""
    model = hrnnc.parse(WEIGHTED)
    params = {"a": a, "b": b, "c": c}
    seq = "left right mix end swap left"
    want = exact_distribution(model, seq, params)
    for options in ({}, {"measure": "ancilla"}, {"gateset": "cz"}):
        target = make_target("tket", **options)
        circ = target.bind_params(hrnnc.compile(model, target, inputs=seq), params)
        got = circuit_distribution(circ)
        keys = set(got) | set(want)
        assert max(abs(got.get(k, 0.0) - want.get(k, 0.0)) for k in keys) < 1e-9, options


def test_json_keeps_symbols_and_reads_back_exactly() -> None:
    """The CLI's JSON holds the symbols; ``Circuit.from_dict`` then binding gives the bound circuit."""
    target = make_target("tket")
    circ = hrnnc.compile(MODEL, target, inputs=RUN)
    text = target.dump(circ)
    again = Circuit.from_dict(json.loads(text))
    assert {s.name for s in again.free_symbols()} == {"a", "b"}
    u = bound_unitary(again, 0.7, -2.1)
    assert np.allclose(u, numpy_unitary(0.7, -2.1), atol=1e-12)
    numeric = make_target("tket", bind=True)
    assert json.loads(text) != json.loads(numeric.dump(hrnnc.compile(MODEL, numeric, inputs=RUN)))


@pytest.mark.parametrize("options", [[], ["--gateset", "cz"], ["--gateset", "cz", "--format", "qasm"]])
def test_cli_param_equals_compiling_the_edited_file(tmp_path, capsys, options) -> None:
    text = WEIGHTED.read_text()
    model = hrnnc.parse(WEIGHTED)
    edited = tmp_path / "edited.hrnn"
    edited.write_text(rewrite_param_inits(text, model, {"a": 0.3, "c": -1.25}))
    args = ["compile", "--target", "tket", "--input", "left right mix end", *options]
    assert main([*args, str(WEIGHTED), "--param", "a=0.3", "--param", "c=-1.25"]) == 0
    with_param = capsys.readouterr().out
    assert main([*args, str(edited), "--bind"]) == 0
    assert with_param == capsys.readouterr().out
    assert main([*args, str(edited)]) == 0
    plain = capsys.readouterr().out
    if "qasm" in options:  # OpenQASM 2 has no free parameters: numbers at the file's values
        assert plain == with_param
    else:
        names = {s.name for s in Circuit.from_dict(json.loads(plain)).free_symbols()}
        assert names == {"a", "b", "c"}

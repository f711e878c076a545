"""The language examples of issue #11: check, fmt --check, every applicable target, the simulator;
and the Python builder gives the same IR as the text.

Reference values: P(0) = (3 + cos γ)/4 for X_0 after CP(γ) on |+…+⟩ (docs/semantics.md §2), and for the
qumode example E[y] = a·b·x² (u(x) shifts q0 by a·x, then exp(i b x q0 q1) adds b x q0 to p1,
and ``measure p 1`` reads p1; docs/semantics.md §10 conjugation rules), both derived by hand.
"""

from __future__ import annotations

import math
from itertools import combinations
from pathlib import Path

import pytest

import hrnnc
from hrnnc.builder import ModelBuilder, sin
from hrnnc.cli import main
from hrnnc.diagnostics import CheckFailedError, Code
from hrnnc.frontend import parse_text
from hrnnc.ir import print_model

ROOT = Path(__file__).resolve().parents[2]
HSMT = ROOT / "examples" / "language" / "hsmt_n8_k3.hrnn"
CV = ROOT / "examples" / "language" / "cv_inputs.hrnn"


@pytest.mark.parametrize("path", [HSMT, CV], ids=lambda p: p.stem)
def test_examples_check_and_are_canonical(path, capsys):
    assert main(["check", str(path)]) == 0
    assert main(["fmt", "--check", str(path)]) == 0
    assert hrnnc.check(path).ok


def test_hsmt_simulates_the_closed_form():
    model = hrnnc.parse(HSMT)
    for gamma in (0.4, 2.0):
        dist = hrnnc.simulate(model, f"w0_1({gamma}) x0").distribution
        assert dist["0"] == pytest.approx((3 + math.cos(gamma)) / 4, abs=1e-12)
    # a size-3 edge touching the measured vertex: X_0 sees CCZ-type weight; compare targets below
    assert len(model.alphabet) == 8 + 28 + 56 + 16


def test_hsmt_compiles_to_qiskit_and_tket_and_they_agree_with_the_simulator():
    pytest.importorskip("qiskit")
    pytest.importorskip("pytket")
    from test_qiskit_evaluator import exact_distribution  # type: ignore[import-not-found]

    from hrnnc.targets.tket_target.evaluate import circuit_distribution

    model = hrnnc.parse(HSMT)
    inputs = "w0(0.3) w0_1(1.1) w0_1_2(2.5) w1_2(0.7) x0 z1 x2"
    want = hrnnc.simulate(model, inputs).distribution
    qc = hrnnc.compile(model, "qiskit", inputs=inputs)
    assert not qc.parameters  # arguments are bound; the example has no params
    got = exact_distribution(qc)
    assert set(got) == set(want) and all(got[k] == pytest.approx(want[k], abs=1e-9) for k in want)
    tk = circuit_distribution(hrnnc.compile(model, "tket", inputs=inputs))
    assert all(tk.get(k, 0.0) == pytest.approx(want[k], abs=1e-9) for k in want)


def test_cv_example_simulates_and_compiles_to_sf():
    model = hrnnc.parse(CV)
    x = 0.5
    density = hrnnc.simulate(model, f"u({x}) read").densities[0]
    assert density.mean == pytest.approx(0.8 * 0.3 * x * x, abs=2e-3)
    pytest.importorskip("hrnnc.targets.sf_target.sdk").load_sf()
    prog = hrnnc.compile(model, "sf", inputs=f"u({x}) s(0.2) read")
    assert prog.num_subsystems == 2 and len(prog.circuit) > 0
    literal = parse_text(CV.read_text().replace("on u(x)", "on u").replace("a * x", f"a * {x}")
                         .replace("b * x", f"b * {x}"))
    from hrnnc.targets import make_target

    sf = make_target("sf")
    assert sf.dump(hrnnc.compile(model, sf, inputs=f"u({x}) read")) == sf.dump(hrnnc.compile(literal, sf,
                                                                                              inputs="u read"))


def test_builder_equals_text():
    """The HSMT model built with Python loops equals the looped text (and prints its flat text)."""
    b = ModelBuilder("hsmt_n8_k3", qubits=8, degree=3)
    for k in (1, 2, 3):
        for edge in combinations(range(8), k):
            with b.cell("w" + "_".join(map(str, edge)), args=["x"]) as c:
                c.phase(c.arg("x"), *edge)
    for v in range(8):
        b.cell(f"x{v}").measure("x", v)
        b.cell(f"z{v}").measure("z", v)
    built = b.build()
    assert built == hrnnc.parse(HSMT)
    assert parse_text(b.text()) == built


def test_builder_expressions_params_and_stabilizers_equal_text():
    text = """hrnn m {
  qubits 2;
  degree 2;

  param a = 0.5;
  param g = -1.25;
  const h = sin(a) * 2 - g / pi;

  on w01(x), v(x) {
    phase(a * x + h) 0 1;
    measure stab(0; -x: 0 1, g: 0) -> y;
  }
  on r {
    reset 1;
    measure z 1 -> m;
  }
}
"""
    b = ModelBuilder("m", qubits=2, degree=2)
    a = b.param("a", 0.5)
    g = b.param("g", -1.25)
    h = b.const("h", sin(a) * 2 - g / hrnnc.builder.pi)
    c = b.cell("w01", "v", args=["x"])
    x = c.arg("x")
    c.phase(a * x + h, 0, 1).measure_stab(0, [(-x, (0, 1)), (g, (0,))], "y")
    b.cell("r").reset(1).measure("z", 1, "m")
    assert b.build() == parse_text(text)
    assert b.text() == print_model(parse_text(text)) == text
    c2 = ModelBuilder("m", qubits=2, degree=2)
    c2.cell("t", args=["x"]).phase("x * 2 + 1", 0)
    assert c2.build() == parse_text("hrnn m { qubits 2; degree 2; on t(x) { phase(x * 2 + 1) 0; } }")


def test_builder_is_checked_by_the_same_passes():
    b = ModelBuilder("bad", qubits=2, degree=1)
    b.param("a", 1)
    b.cell("t").phase("a", 0, 1).phase("nope", 5)
    with pytest.raises(CheckFailedError) as excinfo:
        b.build()
    assert {d.code for d in excinfo.value.diagnostics} >= {Code.E0207, Code.E0211, Code.E0301}

"""Token arguments reach every target: one bound circuit per input sequence (issue #11).

Each sequence is compared with the same model written with the argument values as literals
(an independent model, no arguments involved), and qubit runs also with the closed form
P(0) = (3 + cos γ)/4 of CP(γ)|++⟩ followed by an X_0 measurement (docs/semantics.md §2).
"""

from __future__ import annotations

import math

import pytest

import hrnnc
from hrnnc.diagnostics import Code, TargetError

QUBITS = """
hrnn q {
  qubits 2;
  degree 2;
  param a = 0.5;
  on w(x) { phase(a * x) 0 1; }
  on s(x, y) { measure stab(0; x * y: 0 1) -> m; }
  on x0 { measure x 0 -> y; }
}
"""

LITERAL = """
hrnn q {
  qubits 2;
  degree 2;
  param a = 0.5;
  on w { phase(a * 1.5) 0 1; }
  on s { measure stab(0; 0.25 * -2: 0 1) -> m; }
  on x0 { measure x 0 -> y; }
}
"""

QUMODES = """
hrnn c {
  qumodes 2;
  degree 2;
  param g = 0.5;
  on t(u) { shift(u) 0; phase(g * u) 0 1; }
  on m { measure p 1 -> y; }
}
"""

QUMODES_LITERAL = """
hrnn c {
  qumodes 2;
  degree 2;
  param g = 0.5;
  on t { shift(0.75) 0; phase(g * 0.75) 0 1; }
  on m { measure p 1 -> y; }
}
"""


def test_qiskit_sequence_binds_arguments_and_keeps_params_symbolic():
    pytest.importorskip("qiskit")
    from test_qiskit_evaluator import exact_distribution

    circuit = hrnnc.compile(QUBITS, "qiskit", inputs="w(1.5) x0")
    assert sorted(p.name for p in circuit.parameters) == ["a"]
    for a in (0.5, 1.0, -2.0):
        dist = exact_distribution(circuit, {"a": a})
        assert dist["0"] == pytest.approx((3 + math.cos(a * 1.5)) / 4, abs=1e-12)


def test_qiskit_sequence_equals_the_literal_model():
    pytest.importorskip("qiskit")
    from qiskit.quantum_info import Operator

    for inputs, literal in (("w(1.5)", "w"), ("s(0.25, -2)", "s")):
        got = hrnnc.compile(QUBITS, "qiskit", inputs=inputs, bind=True).remove_final_measurements(inplace=False)
        want = hrnnc.compile(LITERAL, "qiskit", inputs=literal, bind=True).remove_final_measurements(inplace=False)
        if inputs.startswith("w"):
            assert Operator(got).equiv(Operator(want))
        else:
            assert [i.operation.name for i in got.data] == [i.operation.name for i in want.data]


def test_qiskit_unit_cells_keep_arguments_as_parameters():
    pytest.importorskip("qiskit")
    cells = hrnnc.compile(QUBITS, "qiskit")
    assert sorted(p.name for p in cells["w"].parameters) == ["a", "x"]
    assert sorted(p.name for p in cells["s"].parameters) == ["x", "y"]
    bound = hrnnc.compile(QUBITS, "qiskit", bind=True)
    assert sorted(p.name for p in bound["w"].parameters) == ["x"]


def test_tket_sequence_matches_closed_form_and_literal_model():
    pytest.importorskip("pytket")
    from hrnnc.targets.tket_target.evaluate import circuit_distribution

    for x in (0.3, 1.5, 2.9):
        circ = hrnnc.compile(QUBITS, "tket", inputs=f"w({x}) x0", bind=True)
        dist = circuit_distribution(circ)
        assert dist["0"] == pytest.approx((3 + math.cos(0.5 * x)) / 4, abs=1e-9)
    got = circuit_distribution(hrnnc.compile(QUBITS, "tket", inputs="w(1.5) s(0.25, -2) x0", bind=True))
    want = circuit_distribution(hrnnc.compile(LITERAL, "tket", inputs="w s x0", bind=True))
    assert got.keys() == want.keys()
    assert all(got[k] == pytest.approx(want[k], abs=1e-9) for k in want)


@pytest.mark.parametrize("target", ["tket", "sf"])
def test_numeric_targets_refuse_unit_cells_of_argument_tokens(target):
    if target == "sf":
        pytest.importorskip("hrnnc.targets.sf_target.sdk").load_sf()
    else:
        pytest.importorskip("pytket")
    with pytest.raises(TargetError) as excinfo:
        hrnnc.compile(QUBITS if target == "tket" else QUMODES, target)
    assert {d.code for d in excinfo.value.diagnostics} == {Code.E0225}


def test_sf_sequence_equals_the_literal_model():
    pytest.importorskip("hrnnc.targets.sf_target.sdk").load_sf()
    from hrnnc.targets import make_target

    sf = make_target("sf")
    got = sf.dump(hrnnc.compile(QUMODES, sf, inputs=[("t", [0.75]), "m"]))
    want = sf.dump(hrnnc.compile(QUMODES_LITERAL, sf, inputs="t m"))
    assert got.replace("name c", "") == want.replace("name c", "")
    assert "Xgate" in got or "Zgate" in got or "Pgate" in got or "CZgate" in got


def test_qumode_simulator_arguments_equal_literals():
    a = hrnnc.simulate(QUMODES, "t(0.75) m").densities[0]
    b = hrnnc.simulate(QUMODES_LITERAL, "t m").densities[0]
    assert a.mean == pytest.approx(b.mean, abs=0) and a.std == pytest.approx(b.std, abs=0)

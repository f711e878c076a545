"""Free params through ``--transpile`` and functions of params in OpenQASM 3 (issue 16, item 14).

The reference is a circuit built directly with Qiskit from docs/semantics.md §2.1: ``H`` on
every qubit, then ``MCPhaseGate(γ, |e|−1)`` per edge with ``γ`` computed here in Python from
the param values. hrnnc's circuits, transpiled or written to text and read back by
``qiskit.qasm3.loads``, are bound to the same values and compared as ``Operator``\\ s.
"""

from __future__ import annotations

import math
import numpy as np

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hrnnc
from hrnnc.cli import main

qiskit = pytest.importorskip("qiskit")
from qiskit import QuantumCircuit, qasm3  # noqa: E402
from qiskit.circuit.library import MCPhaseGate  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402

from hrnnc.targets.qiskit_target import QiskitTarget, dumps  # noqa: E402
from hrnnc.targets.qiskit_target.derived import derived_inputs, evaluate, input_values  # noqa: E402

MODEL = """hrnn f {
  qubits 3;
  degree 3;
  param a = 0.4;
  param b = -1.1;
  const h = a * b;
  on t {
    phase(2 * sin(b)) 0 1 2;
    phase(h + cos(a)) 1 2;
    phase(sqrt(a) / exp(b) - sin(b)) 0 2;
  }
}"""


def edges(a: float, b: float) -> list[tuple[float, tuple[int, ...]]]:
    """Cell ``t`` by hand: (angle, edge) in program order."""
    return [(2 * math.sin(b), (0, 1, 2)), (a * b + math.cos(a), (1, 2)),
            (math.sqrt(a) / math.exp(b) - math.sin(b), (0, 2))]


def direct(a: float, b: float, cells: int) -> QuantumCircuit:
    qc = QuantumCircuit(3)
    qc.h(range(3))
    for _ in range(cells):
        for angle, edge in edges(a, b):
            qc.append(MCPhaseGate(angle, len(edge) - 1), list(edge))
    return qc


def bound(circuit: QuantumCircuit, values: dict[str, float]) -> QuantumCircuit:
    return QiskitTarget().bind_params(circuit, values)


def test_transpile_keeps_free_params_and_binds_to_the_direct_circuit() -> None:
    qc = hrnnc.compile(MODEL, target="qiskit", inputs="t t", transpile="basis=cx,rz,sx,x", opt=2)
    assert {p.name for p in qc.parameters} == {"a", "b"}
    assert set(qc.count_ops()) <= {"cx", "rz", "sx", "x"}
    for a, b in [(0.4, -1.1), (2.3, 0.7)]:
        assert Operator(bound(qc, {"a": a, "b": b})).equiv(Operator(direct(a, b, 2)))


def test_cli_transpile_without_bind_writes_inputs(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "f.hrnn"
    path.write_text(MODEL)
    out = tmp_path / "f.qasm"
    assert main(["compile", str(path), "--target", "qiskit", "--input", "t", "--transpile", "basis=cx,rz,sx,x",
                 "-o", str(out)]) == 0
    text = out.read_text()
    assert "input float[64] a;" in text and "input float[64] b;" in text
    loaded = qasm3.loads(text)
    values = input_values(text, {"a": 1.3, "b": 0.2})
    assert Operator(bound(loaded, values)).equiv(Operator(direct(1.3, 0.2, 1)))


def test_functions_of_params_become_derived_inputs_that_load() -> None:
    qc = hrnnc.compile(MODEL, target="qiskit", inputs="t", optimize=False)  # derived inputs in source order
    text = dumps(qc)
    assert derived_inputs(text) == {"derived0": "sin(b)", "derived1": "cos(a)", "derived2": "a ** 0.5",
                                    "derived3": "exp(b)"}
    assert "note:" not in text
    loaded = qasm3.loads(text)
    assert {p.name for p in loaded.parameters} == {"a", "b", "derived0", "derived1", "derived2", "derived3"}
    values = input_values(text, {"a": 0.4, "b": -1.1})
    assert values["derived0"] == math.sin(-1.1)
    assert Operator(bound(loaded, values)).equiv(Operator(direct(0.4, -1.1, 1)))


@settings(max_examples=25)
@given(a=st.floats(0.01, 6.0), b=st.floats(-6.0, 6.0))
def test_loaded_text_binds_equal_to_the_direct_circuit(a: float, b: float) -> None:
    text = dumps(hrnnc.compile(MODEL, target="qiskit", inputs="t t"))
    loaded = bound(qasm3.loads(text), input_values(text, {"a": a, "b": b}))
    assert Operator(loaded).equiv(Operator(direct(a, b, 2)))


def test_a_param_named_like_a_derived_input_keeps_its_name() -> None:
    text = dumps(hrnnc.compile("hrnn g { qubits 2; degree 2; param derived0 = 0.3; "
                               "on t { phase(cos(derived0)) 0 1; } }", target="qiskit", inputs="t"))
    assert derived_inputs(text) == {"derived0_1": "cos(derived0)"}
    loaded = bound(qasm3.loads(text), input_values(text, {"derived0": 0.3}))
    want = QuantumCircuit(2)
    want.h(range(2))
    want.cp(math.cos(0.3), 0, 1)
    assert Operator(loaded).equiv(Operator(want))


@pytest.mark.parametrize("expression", ["__import__('os')", "a.real", "lambda: 1", "sin(a, b)", "[a]", "log(a)"])
def test_evaluate_accepts_only_arithmetic_and_the_language_functions(expression: str) -> None:
    with pytest.raises(ValueError):
        evaluate(expression, {"a": 1.0, "b": 2.0})


def test_evaluate_needs_every_input() -> None:
    assert evaluate("-a ** 2 + sqrt(b) / 2", {"a": 3.0, "b": 16.0}) == -9.0 + 2.0
    with pytest.raises(ValueError, match="no value for input 'b'"):
        evaluate("a + b", {"a": 1.0})


def test_a_param_named_like_a_gate_binds_through_both_loaders() -> None:
    """Param ``h`` is declared ``h_1`` (a clash with the gate ``h``); ``cos(h)`` is derived from it."""
    from hrnnc.targets.qiskit_target import loads

    text = dumps(hrnnc.compile("hrnn g { qubits 2; degree 2; param h = 0.3; on t { phase(cos(h) + h) 0 1; } }",
                               target="qiskit", inputs="t"))
    values = input_values(text, {"h": 0.8})
    want = QuantumCircuit(2)
    want.h(range(2))
    want.cp(math.cos(0.8) + 0.8, 0, 1)
    for loaded in (qasm3.loads(text), loads(text)):
        assert Operator(bound(loaded, values)).equiv(Operator(want))


def test_bind_params_is_exact_where_qiskits_binder_folds_a_sum_to_zero() -> None:
    """``phase(exp(u / 4) - w) 0`` twice merges to one ``P(2·(exp(u/4) − w))``. At u = w = 0 the
    circuit is ``diag(1, e^{2i}) · H`` (hand-derived); Qiskit 2.6's ``assign_parameters`` evaluates
    the merged sum to 0 there, ``bind_params`` must not."""
    model = hrnnc.parse("hrnn m { qubits 1; degree 1; param u = 0; param w = 0;\n"
                        "  on t0 { phase(exp(u / 4) - w) 0; } }")
    optimised = hrnnc.compile(model, "qiskit", inputs="t0 t0")
    h = np.array([[1, 1], [1, -1]]) / math.sqrt(2)
    for u, w in ((0.0, 0.0), (0.3, -1.1)):
        want = np.diag([1, np.exp(2j * (math.exp(u / 4) - w))]) @ h
        got = QiskitTarget().bind_params(optimised, {"u": u, "w": w})
        assert not got.parameters
        assert Operator(got).equiv(Operator(want), atol=1e-12)
    half = QiskitTarget().bind_params(optimised, {"u": 0.0})
    assert [p.name for p in half.parameters] == ["w"]
    assert Operator(QiskitTarget().bind_params(half, {"w": 0.0})).equiv(Operator(np.diag([1, np.exp(2j)]) @ h))

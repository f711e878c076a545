"""hrnnc's OpenQASM 3 writer: round trips through ``qiskit.qasm3.loads``, names, fallbacks."""

from __future__ import annotations

import pytest

pytest.importorskip("qiskit")
from qiskit import QuantumCircuit, qasm3, transpile  # noqa: E402
from qiskit.circuit import Parameter  # noqa: E402
from qiskit.circuit.library import ECRGate  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402
from test_qiskit_target import HYPER, needs_importer  # noqa: E402

import hrnnc  # noqa: E402
from hrnnc.targets.qiskit_target import QiskitTarget, dumps, split_programs, unit_cells  # noqa: E402


@needs_importer
def test_unit_cell_text_splits_into_loadable_programs() -> None:
    """The unit-cell dump is one program per token; each loads into the cell's operator."""
    model = hrnnc.parse(HYPER)
    cells = unit_cells(model)
    programs = split_programs(QiskitTarget().dump(cells))
    assert list(programs) == list(model.alphabet)
    loaded = qasm3.loads(programs["build"])
    assert Operator(loaded).equiv(Operator(cells["build"]))
    assert [r.name for r in qasm3.loads(programs["check0"]).cregs] == ["m0_s0"]


@needs_importer
def test_qasm_escapes_clashing_names() -> None:
    """Params or outputs named like gates or keywords are renamed, and the text still loads."""
    text = """hrnn n { qubits 2; degree 2; param x = 0.4; param input = 0.2;
      on t { phase(x + input) 0 1; measure z 0 -> y; measure z 1 -> q; } }"""
    qc = hrnnc.compile(text, target="qiskit", inputs="t")
    loaded = qasm3.loads(QiskitTarget().dump(qc))
    assert sorted(p.name for p in loaded.parameters) == ["input_1", "x_1"]
    assert loaded.num_clbits == 2


def test_long_sequence_defines_no_gates() -> None:
    """The writer uses gate modifiers: no per-angle gate definitions however many edges."""
    text = "hrnn l { qubits 4; degree 4; param a = 0.1; on t { phase(a) 0 1 2 3; phase(0.25) 0 1 2; } }"
    dumped = QiskitTarget().dump(hrnnc.compile(text, target="qiskit", inputs="t " * 200, optimize=False))
    assert "gate " not in dumped
    assert dumped.count("ctrl(3) @ p(a)") == 200 and dumped.count("ctrl(2) @ p(0.25)") == 200


@needs_importer
def test_transpiled_circuit_keeps_its_global_phase() -> None:
    """A transpiled circuit (stdgates only, nonzero global phase) reloads to the same operator, phase included."""
    qc = QuantumCircuit(3)
    qc.h(range(3))
    qc.mcp(0.7, [0, 1], 2)
    qc.ccz(0, 1, 2)
    out = transpile(qc, basis_gates=["cx", "rz", "sx", "x"], optimization_level=2, seed_transpiler=1)
    assert out.global_phase != 0
    text = dumps(out)
    assert "gphase(" in text and "gate " not in text
    assert Operator(qasm3.loads(text)) == Operator(qc)


@needs_importer
def test_unknown_instruction_falls_back_to_qiskit_exporter() -> None:
    """A gate outside stdgates.inc (ECR) is written by Qiskit's exporter, header kept, and still loads.

    Qiskit's exporter drops the global phase of gate definitions, hence equivalence up to phase.
    """
    qc = QuantumCircuit(2)
    qc.append(ECRGate(), [0, 1])
    text = dumps(qc, header="a note")
    assert text.startswith("OPENQASM 3.0;\n// a note\n")
    assert Operator(qasm3.loads(text)).equiv(Operator(qc))


@needs_importer
def test_parameter_expressions_round_trip() -> None:
    """Sums, products and quotients of inputs are written as expressions and read back exactly."""
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(3)
    qc.mcp((a - b) / 3 + 2 * a * b, [0, 1], 2)
    qc.cp(-a / 7, 0, 1)
    loaded = qasm3.loads(dumps(qc))
    values = {"a": 0.37, "b": -1.9}
    bind = {p: values[p.name] for p in loaded.parameters}
    assert Operator(loaded.assign_parameters(bind)) == Operator(qc.assign_parameters({a: 0.37, b: -1.9}))

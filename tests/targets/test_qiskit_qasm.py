"""hrnnc's OpenQASM 3 writer: round trips through ``qiskit.qasm3.loads``, names, fallbacks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# -- params named like keywords or standard gates (issue #10) ------------------------------------

OPENQASM3_FUNCTIONS = ("arccos arcsin arctan ceiling cos exp floor log mod popcount pow rotl rotr sin sqrt tan "
                       "real imag sizeof").split()
"""OpenQASM 3's built-in functions (spec, section "Built-in constants and functions")."""


def clashing_names() -> list[str]:
    """Names a param cannot be declared under in OpenQASM 3, collected from the tools themselves.

    Every gate of Qiskit's ``stdgates.inc`` file, every word literal of the openqasm3 ANTLR
    lexer (keywords and types), the ASCII built-ins of qiskit-qasm3-import's symbol table
    (``U``, ``pi``, ``tau``, ``euler``) and the spec's built-in functions.
    """
    import pathlib
    import re

    import qiskit

    stdgates = (pathlib.Path(qiskit.__file__).parent / "qasm" / "libs" / "stdgates.inc").read_text()
    names = set(re.findall(r"^gate\s+([A-Za-z_]\w*)", stdgates, flags=re.MULTILINE))
    assert {"h", "cx", "cphase", "u3", "CX", "id"} <= names
    lexer = pytest.importorskip("openqasm3._antlr.qasm3Lexer").qasm3Lexer
    words = (lit.strip("'") for lit in lexer.literalNames if lit.startswith("'"))
    names |= {w for w in words if re.fullmatch(r"[A-Za-z_]\w*", w)}
    assert {"input", "gate", "measure", "OPENQASM", "qubit"} <= names
    from qiskit_qasm3_import.state import _BUILTINS

    names |= {n for n in _BUILTINS if n.isascii()}
    names |= set(OPENQASM3_FUNCTIONS)
    # The language itself reserves its constants and functions (E0208): no param can have those names.
    from hrnnc.passes.analysis.check_names import RESERVED_NAMES

    assert {"cos", "pi"} <= RESERVED_NAMES
    return sorted(names - RESERVED_NAMES)


def expected_operator(phases: dict[tuple[int, ...], float], n: int) -> np.ndarray:
    """``D H^{⊗n}`` with ``D = diag(exp(i Σ_e θ_e Π_{j∈e} b_j))`` (Qiskit's little-endian ``b_j``)."""
    hadamard = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    h_all = np.array([[1.0]])
    for _ in range(n):
        h_all = np.kron(hadamard, h_all)
    index = np.arange(2 ** n)
    angle = sum(theta * np.prod([(index >> j) & 1 for j in edge], axis=0) for edge, theta in phases.items())
    return np.diag(np.exp(1j * angle)) @ h_all


def clash_model(name: str, value: float, g: float) -> str:
    return (f"hrnn clash {{ qubits 3; degree 3; param {name} = {value}; param g = {g};"
            f" on t {{ phase({name}) 0 1; phase(g) 0; phase({name} * g) 0 1 2; phase({name} + 1) 2; }} }}")


def assert_binds_by_model_name(text: str, name: str, value: float, g: float) -> None:
    """``text`` loads with Qiskit, and hrnnc's ``loads`` binds it by the model's names to the exact operator."""
    from hrnnc.targets.qiskit_target import loads

    qasm3.loads(text)  # Qiskit's own loader accepts the file as written
    loaded = loads(text)
    assert sorted(p.name for p in loaded.parameters) == sorted({name, "g"})
    bound = loaded.assign_parameters({name: value, "g": g})
    phases = {(0, 1): value, (0,): g, (0, 1, 2): value * g, (2,): value + 1}
    assert Operator(bound) == Operator(expected_operator(phases, 3))


@needs_importer
@pytest.mark.parametrize("name", clashing_names())
def test_param_named_like_a_keyword_or_gate_compiles_loads_and_binds(name: str) -> None:
    """Issue #10: a param ``h`` (or ``cx``, ``U``, ``input``, …) used bare crashed the writer
    (``Parameter.subs({})``); the file must load back and bind by the model's name."""
    value, g = 0.3, 0.7
    qc = hrnnc.compile(clash_model(name, value, g), target="qiskit", inputs="t")
    text = QiskitTarget().dump(qc)
    assert f"// hrnnc: param {name}" in text
    assert_binds_by_model_name(text, name, value, g)


@needs_importer
@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(clashing_names()), value=st.floats(-3, 3, allow_nan=False),
       g=st.floats(-3, 3, allow_nan=False))
def test_clashing_param_round_trip_property(name: str, value: float, g: float) -> None:
    """Any clashing name and any values: compile, reload, bind by name, exact operator."""
    qc = hrnnc.compile(clash_model(name, value, g), target="qiskit", inputs="t")
    assert_binds_by_model_name(QiskitTarget().dump(qc), name, value, g)


@needs_importer
def test_renamed_param_does_not_capture_an_existing_suffixed_name() -> None:
    """Params ``h`` and ``h_1``: ``h`` is written ``h_1`` and ``h_1`` is written ``h_1_1`` in one
    simultaneous substitution, and loading gives each value back to its own param."""
    from hrnnc.targets.qiskit_target import loads

    text = "hrnn c { qubits 2; degree 2; param h = 0.4; param h_1 = 0.9; on t { phase(h) 0 1; phase(h_1 - h) 1; } }"
    dumped = QiskitTarget().dump(hrnnc.compile(text, target="qiskit", inputs="t"))
    assert "input float[64] h_1;  // hrnnc: param h" in dumped
    assert "input float[64] h_1_1;  // hrnnc: param h_1" in dumped
    bound = loads(dumped).assign_parameters({"h": 0.4, "h_1": 0.9})
    assert Operator(bound) == Operator(expected_operator({(0, 1): 0.4, (1,): 0.5}, 2))


@needs_importer
def test_cli_writes_the_issue_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``hrnnc compile FILE -t qiskit -i t -o x.qasm`` for params ``g`` and ``h`` (issue #10's command)."""
    from hrnnc.cli import main
    from hrnnc.targets.qiskit_target import loads

    source = tmp_path / "gh.hrnn"
    source.write_text("hrnn gh { qubits 2; degree 2; param g = 0.25; param h = -1.5; on t { phase(g) 0 1; phase(h) 0; } }")
    out = tmp_path / "x.qasm"
    assert main(["compile", str(source), "-t", "qiskit", "-i", "t", "-o", str(out)]) == 0
    bound = loads(out.read_text()).assign_parameters({"g": 0.25, "h": -1.5})
    assert Operator(bound) == Operator(expected_operator({(0, 1): 0.25, (0,): -1.5}, 2))

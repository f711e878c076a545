"""The qiskit target against the reference simulator, on the examples and on hand-picked models.

Expected values come from :mod:`hrnnc.sim.qubit` (the reference simulator), from Qiskit's own
``Operator`` matrices (through ``test_qiskit_evaluator``), or from closed forms.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("qiskit")
from qiskit import QuantumCircuit, qasm3  # noqa: E402
from qiskit.circuit import Parameter, ParameterExpression  # noqa: E402
from qiskit.circuit.library import MCPhaseGate  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402
from test_qiskit_evaluator import assert_same_distribution, exact_distribution, time_order  # noqa: E402

import hrnnc  # noqa: E402
from hrnnc.diagnostics import Code, ConfigurationError, TargetError  # noqa: E402
from hrnnc.ir import Phase, initial_param_values  # noqa: E402
from hrnnc.sim import qubit as ref  # noqa: E402
from hrnnc.targets.qiskit_target import (  # noqa: E402
    QiskitTarget,
    assemble,
    input_values,
    time_ordered,
    unit_cells,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.hrnn"))
MEASURES = ("inplace", "ancilla")
HAS_QASM_IMPORTER = True
try:
    import qiskit_qasm3_import  # noqa: F401
except ImportError:  # pragma: no cover
    HAS_QASM_IMPORTER = False
needs_importer = pytest.mark.skipif(not HAS_QASM_IMPORTER, reason="needs qiskit-qasm3-import (test extra)")


def qubit_examples() -> list[Path]:
    out = []
    for path in EXAMPLES:
        model = hrnnc.parse(path)
        if model.kind.value == "qubits":
            out.append(path)
    return out


def example_inputs(model: hrnnc.Model) -> str:
    """Every token once, then again in reverse: all cells, in two orders (≤ 12 tokens)."""
    alphabet = list(model.alphabet)
    return " ".join((alphabet + alphabet[::-1])[:12])


def circuit_distribution(qc: QuantumCircuit, params: dict[str, float]) -> dict[str, float]:
    return exact_distribution(qc, params, time_order(qc))


# -- the examples ---------------------------------------------------------------------------


@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("path", qubit_examples(), ids=lambda p: p.stem)
def test_example_distribution_matches_simulator(path: Path, measure: str) -> None:
    """The compiled sequence has the simulator's exact output distribution (to 1e-9)."""
    model = hrnnc.parse(path)
    tokens = example_inputs(model)
    qc = hrnnc.compile(model, target="qiskit", inputs=tokens, measure=measure)
    params = initial_param_values(model)
    assert_same_distribution(circuit_distribution(qc, params), ref.exact_distribution(model, tokens))


@pytest.mark.parametrize("path", qubit_examples(), ids=lambda p: p.stem)
def test_example_distribution_at_other_param_values(path: Path) -> None:
    """Params stay symbolic: binding new values reproduces the simulator at those values."""
    model = hrnnc.parse(path)
    tokens = example_inputs(model)
    qc = hrnnc.compile(model, target="qiskit", inputs=tokens)
    values = {p.name: 0.3 + 0.41 * i for i, p in enumerate(model.params)}
    assert {p.name for p in qc.parameters} == set(values)
    assert_same_distribution(circuit_distribution(qc, values), ref.exact_distribution(model, tokens, values))


@pytest.mark.parametrize("path", qubit_examples(), ids=lambda p: p.stem)
def test_example_unitary_part_matches_simulator(path: Path) -> None:
    """The measurement-free tokens compile to H^n followed by the simulator's diagonal."""
    model = hrnnc.parse(path)
    pure = [t for t in model.alphabet if all(isinstance(s, Phase) for s in model.cell_for(t).body)]
    if not pure:
        pytest.skip("no measurement-free token")
    tokens = " ".join((pure * 3)[:6])
    qc = hrnnc.compile(model, target="qiskit", inputs=tokens, bind=True)
    expected = np.diag(ref.phase_diagonal(model, tokens)) @ _hadamards(model.size)
    assert Operator(qc).equiv(Operator(expected))


@needs_importer
@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("path", qubit_examples(), ids=lambda p: p.stem)
def test_example_qasm_round_trip(path: Path, measure: str) -> None:
    """The OpenQASM 3 text loads back into a circuit with the simulator's distribution (issue 16 item 14:
    ``2*sin(c)`` in examples/weighted.hrnn once needed ``--bind``)."""
    model = hrnnc.parse(path)
    tokens = example_inputs(model)
    target = QiskitTarget(measure=measure)
    text = target.dump(hrnnc.compile(model, target=target, inputs=tokens))
    loaded = qasm3.loads(text)
    params = input_values(text, initial_param_values(model))  # functions of params are derived inputs
    assert_same_distribution(circuit_distribution(loaded, params), ref.exact_distribution(model, tokens))


def _hadamards(n: int) -> np.ndarray:
    h = QuantumCircuit(n)
    h.h(range(n))
    return Operator(h).data


# -- lowering shape -------------------------------------------------------------------------


HYPER = """hrnn h3 { qubits 4; degree 3;
  on build { phase(pi) 0 1 2; phase(pi) 1 2 3; phase(pi) 0 2 3; }
  on check0 { measure stab(0; pi: 0 1 2, pi: 0 2 3) -> s0; }
  on probe2 { measure stab(2; pi: 0 1 2) -> s2; }
  on z3 { measure z 3 -> z3; }
  on again { reset 0; phase(pi) 0 1 2; } }
"""

MIXED = """hrnn mixed { qubits 5; degree 3;
  param a = 0.7; param b = -1.3; param c = pi / 3; const ab = a + b;
  on left { phase(a) 0 1; phase(c) 0 1 2; measure stab(1; a: 0 1, c: 0 1 2) -> y; }
  on right { phase(b) 3 4; phase(ab) 2 3 4; measure stab(4; b: 3 4, ab: 2 3 4) -> y; }
  on mix, swap { phase(sin(c) * 2) 1 3; measure x 2 -> y; }
  on end { measure z 0 -> y; reset 0; } }
"""

WEIGHTED = """
hrnn w { qubits 5; degree 5;
  param a = 0.7; param b = -1.3; const ab = a + b;
  on t { phase(a) 0 1 2; phase(ab) 1 2 3 4; phase(pi) 0 1 2 3; phase(pi) 1 2; phase(a) 0;
         phase(pi) 0 1 2 3 4; phase(a) 3 4; }
}
"""


def test_hyperedges_are_whole_gates_with_shared_parameters() -> None:
    """One gate per edge: MCPhase for weighted edges, controlled Z for γ = π; one Parameter per param."""
    qc = hrnnc.compile(WEIGHTED, target="qiskit", inputs="t t", optimize=False)
    gates = [(i.operation, [qc.find_bit(q).index for q in i.qubits]) for i in qc.data if i.operation.name != "h"]
    assert len(gates) == 14
    op, qubits = gates[0]
    assert op.name == "mcphase" and op.num_ctrl_qubits == 2 and qubits == [0, 1, 2]
    assert gates[1][0].name == "mcphase" and gates[1][0].num_ctrl_qubits == 3
    assert [g[0].name for g in gates[2:7]] == ["c3z", "cz", "p", "c4z", "cp"]
    assert gates[2][0].base_gate.name == "z"
    a, b = sorted(qc.parameters, key=lambda p: p.name)
    assert (a.name, b.name) == ("a", "b")
    assert isinstance(a, Parameter)
    assert gates[1][0].params[0].parameters == {a, b}
    assert gates[0][0].params[0] == a


def test_pi_is_exact_and_bind_uses_initial_values() -> None:
    """``bind`` substitutes initial values; a param whose value is π then gives controlled Z."""
    model = hrnnc.parse(ROOT / "examples" / "mermin_peres.hrnn")
    symbolic = hrnnc.compile(model, target="qiskit", inputs="prep")
    bound = hrnnc.compile(model, target="qiskit", inputs="prep", bind=True)
    assert [i.operation.name for i in symbolic.data][-1] == "cp"
    assert [i.operation.name for i in bound.data][-1] == "cz"
    assert not bound.parameters


def test_output_registers_are_in_time_order() -> None:
    """One one-bit register per output, named m<t>_<name>; names sort in time order."""
    tokens = "build check0 probe2 z3 " * 3
    qc = hrnnc.compile(HYPER, target="qiskit", inputs=tokens)
    names = [r.name for r in qc.cregs]
    assert names == sorted(names) and len(names) == 9
    assert names[:3] == ["m0_s0", "m1_s2", "m2_z3"]
    assert [c for r in qc.cregs for c in r] == list(qc.clbits)


def test_stabilizer_lowerings_follow_design() -> None:
    """In place: U†, H, measure, H, U. Ancilla: U†, H, CX(a→v), H, measure a, reset a, U.

    docs/semantics.md §2 writes the ancilla lowering ``H_a; U†; CX(a→v); U; H_a; measure a; reset a``;
    ``U`` and ``U†`` act on the latent qubits only and commute with the ancilla's gates, so
    the frames sit outside the ancilla's part, where the optimizer can merge them.
    """
    text = "hrnn s { qubits 3; degree 3; on m { measure stab(1; 0.5: 0 1 2, pi: 1 2) -> y; } }"
    inplace = unit_cells(text)["m"]
    assert [(i.operation.name, [inplace.find_bit(q).index for q in i.qubits]) for i in inplace.data] == [
        ("mcphase", [0, 1, 2]), ("cz", [1, 2]), ("h", [1]), ("measure", [1]), ("h", [1]),
        ("mcphase", [0, 1, 2]), ("cz", [1, 2])]
    assert inplace.data[0].operation.params == [-0.5] and inplace.data[5].operation.params == [0.5]
    anc = unit_cells(text, measure="ancilla")["m"]
    assert [(i.operation.name, [anc.find_bit(q).index for q in i.qubits]) for i in anc.data] == [
        ("mcphase", [0, 1, 2]), ("cz", [1, 2]), ("h", [3]), ("cx", [3, 1]), ("h", [3]), ("measure", [3]),
        ("reset", [3]), ("mcphase", [0, 1, 2]), ("cz", [1, 2])]
    assert [r.name for r in anc.qregs] == ["q", "anc"]


@pytest.mark.parametrize("measure", MEASURES)
def test_design_check_values(measure: str) -> None:
    """docs/semantics.md §2 check values: stab(0) on CCZ|+++⟩ reads 0 w.p. 3/4; S_v on its own state reads 0."""
    text = """hrnn c { qubits 3; degree 3; param g = 1.1;
      on ccz { phase(pi) 0 1 2; }  on x0 { measure stab(0) -> y; }
      on cp { phase(g) 0 1; }      on s { measure stab(0; g: 0 1) -> y; } }"""
    assert circuit_distribution(hrnnc.compile(text, target="qiskit", inputs="ccz x0", measure=measure),
                                {"g": 1.1}) == pytest.approx({"0": 0.75, "1": 0.25})
    p0 = (1 + (1 + math.cos(1.1)) / 2) / 2
    got = circuit_distribution(hrnnc.compile(text, target="qiskit", inputs="cp x0", measure=measure), {"g": 1.1})
    assert got == pytest.approx({"0": p0, "1": 1 - p0})
    got = circuit_distribution(hrnnc.compile(text, target="qiskit", inputs="cp s s", measure=measure), {"g": 1.1})
    assert got == pytest.approx({"00": 1.0})


@pytest.mark.parametrize("measure", MEASURES)
def test_unit_cells_assemble_into_the_sequence(measure: str) -> None:
    """``assemble(unit_cells(m), tokens)`` has the same distribution as compiling ``tokens``."""
    model = hrnnc.parse(MIXED)
    cells = unit_cells(model, measure=measure)
    assert set(cells) == set(model.alphabet)
    tokens = "left mix right end left swap"
    built = assemble(cells, tokens)
    assert [r.name for r in built.cregs] == [r.name for r in hrnnc.compile(model, "qiskit", tokens).cregs]
    params = initial_param_values(model)
    assert_same_distribution(circuit_distribution(built, params), ref.exact_distribution(model, tokens))
    with pytest.raises(KeyError, match="nope"):
        assemble(cells, "left nope")


# -- transpile, options and errors ----------------------------------------------------------


def test_transpile_keeps_the_distribution() -> None:
    """``transpile=basis=cx,rz,sx,x`` at level 3 only uses the basis and keeps the distribution."""
    model = hrnnc.parse(MIXED)
    tokens = "left right mix end"
    qc = hrnnc.compile(model, target="qiskit", inputs=tokens, transpile="basis=cx,rz,sx,x;seed=3",
                       opt=3, bind=True)
    assert set(qc.count_ops()) <= {"cx", "rz", "sx", "x", "measure", "reset"}
    assert_same_distribution(circuit_distribution(qc, {}), ref.exact_distribution(model, tokens))


def test_high_degree_is_synthesized_not_rejected() -> None:
    """A 6-qubit edge under a cx basis is synthesized by Qiskit (no error), with spare ancillas too."""
    text = "hrnn d { qubits 6; degree 6; on t { phase(pi) 0 1 2 3 4 5; phase(0.3) 0 1 2 3 4 5; } }"
    plain = hrnnc.compile(text, target="qiskit", inputs="t", transpile="basis=cx,rz,sx,x", opt=1)
    spare = hrnnc.compile(text, target="qiskit", inputs="t", transpile="basis=cx,rz,sx,x;ancillas=1", opt=1)
    assert set(plain.count_ops()) <= {"cx", "rz", "sx", "x"}
    assert spare.num_qubits == 7
    want = Operator(hrnnc.compile(text, target="qiskit", inputs="t"))
    assert Operator(plain).equiv(want)


@pytest.mark.parametrize("options, fragment", [
    ({"measure": "sideways"}, "measure must be"),
    ({"opt": 4}, "optimization level"),
    ({"transpile": "basis"}, "KEY=VALUE"),
    ({"transpile": "colour=red"}, "KEY=VALUE"),
    ({"transpile": "basis=cx;basis=cz"}, "twice"),
    ({"transpile": "ancillas=-1"}, "non-negative"),
    ({"bind": "yes"}, "bind must be"),
])
def test_bad_options_are_configuration_errors(options: dict[str, object], fragment: str) -> None:
    with pytest.raises(ConfigurationError, match=fragment):
        QiskitTarget(**options)  # type: ignore[arg-type]


def test_unknown_basis_gate_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="no gate named frob"):
        hrnnc.compile(HYPER, target="qiskit", inputs="build", transpile="basis=cx,frob")


def test_qumode_model_is_rejected() -> None:
    with pytest.raises(TargetError) as info:
        hrnnc.compile("hrnn m { qumodes 1; degree 1; on a { shift(1) 0; } }", target="qiskit", inputs="a")
    assert info.value.diagnostics[0].code is Code.E0501


def test_report_counts() -> None:
    """Per-op counts, 2-qubit and multi-qubit gate counts and depth, cell by cell for unit cells."""
    target = QiskitTarget()
    qc = hrnnc.compile(WEIGHTED, target="qiskit", inputs="t")
    report = target.report(qc)
    assert report["ops"] == {"h": 5, "mcphase": 2, "c3z": 1, "cz": 1, "p": 1, "c4z": 1, "cp": 1}
    assert report["two_qubit_gates"] == 2 and report["multi_qubit_gates"] == 4
    assert report["depth"] == qc.depth() and report["parameters"] == ["a", "b"]
    cells = target.report(unit_cells(WEIGHTED))
    assert cells["cells"]["t"]["ops"]["mcphase"] == 2


def test_counts_helper_orders_by_time() -> None:
    assert time_ordered({"1 0 0": 3, "100": 2, "011": 1}) == {"001": 5, "110": 1}


def test_import_hrnnc_does_not_import_qiskit() -> None:
    code = ("import sys, hrnnc, hrnnc.targets.qiskit_target as t; "
            "t.QiskitTarget(measure='ancilla'); assert 'qiskit' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_mcphase_check_value() -> None:
    """Sanity of the gate Qiskit gives us: MCPhase(γ, 2) is diag(1, …, 1, e^{iγ})."""
    assert np.allclose(np.diag(Operator(MCPhaseGate(0.3, 2)).data)[-1], np.exp(0.3j))


def test_unused_params_do_not_block_transpiling() -> None:
    """An unused param does not appear in the transpiled circuit."""
    text = "hrnn u { qubits 2; degree 2; param a = 0.5; param unused = 1.0; on t { phase(a) 0 1; } on z { phase(0.2) 0 1; } }"
    qc = hrnnc.compile(text, target="qiskit", inputs="z", transpile="basis=cx,rz,sx,x")
    assert set(qc.count_ops()) <= {"cx", "rz", "sx", "x"}


def test_binding_one_unit_cell_in_place_leaves_the_others_alone() -> None:
    """Tokens sharing an ``on`` block get separate gate objects; assembled circuits copy them."""
    cells = unit_cells("hrnn s { qubits 3; degree 3; param u = 0.1; on a, b { phase(u) 0 1 2; } }")
    assembled = assemble(cells, "a b")
    cells["a"].assign_parameters({p: 0.5 for p in cells["a"].parameters}, inplace=True)
    assert isinstance(cells["b"].data[0].operation.params[0], ParameterExpression)
    gates = [i.operation for i in assembled.data if i.operation.name == "mcphase"]
    assert len(gates) == 2 and all(isinstance(g.params[0], ParameterExpression) for g in gates)


@pytest.mark.parametrize("spec", ["basis=cx,rz,sx,x", "basis=cx,rz,sx,x;ancillas=1"])
def test_transpiled_cells_do_not_borrow_latent_qubits_as_clean(spec: str) -> None:
    """A transpiled unit cell is the same operator on every input state, idle latent qubits included.

    (Qiskit assumes ``|0…0⟩`` inputs by default and would use idle qubits as clean ancillas.)
    """
    text = "hrnn c { qubits 6; degree 5; on big { phase(pi) 0 1 2 3 4; phase(0.7) 0 1 2 3; } }"
    raw = Operator(unit_cells(text)["big"]).data
    cell = Operator(unit_cells(text, transpile=spec, opt=3)["big"]).data
    d = raw.shape[0]  # spare qubits (register aux) are the high bits; they start and end in |0⟩
    assert np.allclose(cell[d:, :d], 0)
    assert Operator(cell[:d, :d]).equiv(Operator(raw))


def test_transpiled_sequence_with_idle_qubits_keeps_the_distribution() -> None:
    """Sequences start from |0…0⟩, so borrowing is Qiskit's business; the distribution is kept."""
    text = """hrnn c { qubits 6; degree 5;
      on prep { phase(0.4) 0 5; phase(0.9) 4 5; phase(pi) 0 1 2 3 4; }
      on big { reset 5; phase(pi) 0 1 2 3 4; phase(0.7) 0 1 2 3; }
      on m { measure x 5 -> y; measure x 0 -> z; measure stab(4; pi: 4 5) -> w; } }"""
    model = hrnnc.parse(text)
    tokens = "prep big m big m"
    qc = hrnnc.compile(model, target="qiskit", inputs=tokens, transpile="basis=cx,rz,sx,x;ancillas=1", opt=3)
    assert_same_distribution(circuit_distribution(qc, {}), ref.exact_distribution(model, tokens))

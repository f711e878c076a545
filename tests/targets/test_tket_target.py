"""The tket target's contract: options, usage errors, E0502 spans, predicate, report, JSON/QASM, CLI."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytket")

import hrnnc  # noqa: E402
from hrnnc.cli import main  # noqa: E402
from hrnnc.diagnostics import ConfigurationError, TargetError  # noqa: E402
from hrnnc.targets import make_target, target_class  # noqa: E402
from hrnnc.targets.tket_target import CheckNativeArity, TketTarget  # noqa: E402
from hrnnc.targets.tket_target.predicate import arity_violations, satisfies_gate_set  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HYPER = ROOT / "examples/hypergraph3.hrnn"
WIDE = """hrnn wide {
  qubits 4;
  degree 4;
  on a {
    phase(pi) 0 1;
    phase(0.3) 0 1 2 3;
  }
  on b { measure stab(0; pi: 0 1 2 3) -> y; }
}
"""


def test_registered_with_its_contract():
    cls = target_class("tket")
    assert cls is TketTarget
    assert cls.name == "tket" and cls.default_suffix == ".json"
    assert {k.value for k in cls.register_kinds} == {"qubits"}
    assert "hrnnc[tket]" in cls.install_hint


def test_import_hrnnc_does_not_import_pytket():
    code = "import sys, hrnnc, hrnnc.targets; hrnnc.targets.target_class('tket'); print('pytket' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_adds_only_its_own_flags():
    parser = argparse.ArgumentParser()
    TketTarget.add_arguments(parser.add_argument_group("tket"))
    flags = {s for a in parser._actions for s in a.option_strings} - {"-h", "--help"}
    assert flags == {"--arity", "--gateset", "--format", "--no-decompose", "--phase-ancilla",
                     "--no-phase-ancilla", "--plan"}


@pytest.mark.parametrize("options", [{"arity": 1}, {"arity": 0}, {"gateset": "cx"}, {"format": "qasm"},
                                     {"measure": "ghost"}, {"plan": "best"}])
def test_bad_options_are_configuration_errors(options):
    with pytest.raises(ConfigurationError):
        make_target("tket", **options)


def test_arity_above_register_size_is_a_usage_error():
    with pytest.raises(ConfigurationError, match="between 2 and the register size 4"):
        hrnnc.compile(HYPER, "tket", arity=5)


def test_unweighted_edges_are_one_native_each():
    """hypergraph3's build cell: three γ = π edges → exactly three CnZ of arity 3, no other multi-qubit gate."""
    from pytket import OpType

    cell = hrnnc.compile(HYPER, "tket")["build"]
    multi = [c for c in cell.get_commands() if len(c.qubits) > 1]
    assert [c.op.type for c in multi] == [OpType.CnZ] * 3
    assert all(len(c.qubits) == 3 for c in multi)


def test_no_decompose_reports_e0502_at_each_edge():
    model = hrnnc.parse(WIDE, name="wide.hrnn")
    with pytest.raises(TargetError) as info:
        hrnnc.compile(model, "tket", arity=3, no_decompose=True)
    diags = info.value.diagnostics
    assert [d.code.value for d in diags] == ["E0502", "E0502"]
    assert [d.span.start_line_col for d in diags] == [(6, 16), (8, 30)]
    assert "edge {0 1 2 3}" in diags[0].message and "A = 3" in diags[0].message


def test_over_arity_edges_are_decomposed_and_reported():
    model = hrnnc.parse(WIDE)
    target = make_target("tket", arity=3)
    cells = hrnnc.compile(model, target)
    assert all(satisfies_gate_set(c, "native", 3) for c in cells.values())
    report = target.report(cells)
    assert report["decomposed_edges"] == 2
    assert report["decomposed_edge_1"] == "{0 1 2 3} at line 6"
    assert report["decomposed_edge_2"] == "{0 1 2 3} at line 8"
    assert set(report["total"]["native_cnz_by_arity"]) <= {"2", "3"}


def test_pass_records_the_arity():
    from hrnnc.passes import PassManager
    from hrnnc.targets.tket_target.check_native_arity import NATIVE_ARITY, OVER_ARITY_EDGES

    _, props = PassManager([CheckNativeArity()]).run(hrnnc.parse(WIDE))
    assert props[NATIVE_ARITY] == 4 and props[OVER_ARITY_EDGES] == ()


def test_predicate_checks_types_and_arity():
    from pytket import Circuit, OpType

    circ = Circuit(4).add_gate(OpType.CnZ, [0, 1, 2, 3])
    assert satisfies_gate_set(circ, "native", 4)
    assert not satisfies_gate_set(circ, "native", 3)
    assert "exceeds the native arity 3" in arity_violations(circ, "native", 3)[0]
    assert not satisfies_gate_set(Circuit(2).CX(0, 1), "native", 2)
    assert not satisfies_gate_set(circ, "cz", 4)


def test_report_counts():
    target = make_target("tket")
    circ = hrnnc.compile(HYPER, target, inputs="build check0")
    report = target.report(circ)
    assert report["native_cnz_by_arity"]["3"] >= 3
    assert report["other_two_qubit"] == 0
    assert report["depth"] > 0 and report["qubits"] == 4 and report["bits"] == 1


def test_json_dump_round_trips():
    from pytket import Circuit

    target = make_target("tket")
    circ = hrnnc.compile(HYPER, target, inputs="build check0 z3")
    again = Circuit.from_dict(json.loads(target.dump(circ)))
    assert again == circ
    cells = hrnnc.compile(HYPER, target)
    table = json.loads(target.dump(cells))
    assert list(table) == list(cells) and Circuit.from_dict(table["build"]) == cells["build"]


def test_qasm_with_cz_gateset_reads_back():
    from pytket.qasm import circuit_from_qasm_str

    target = make_target("tket", gateset="cz", format="qasm")
    circ = hrnnc.compile(HYPER, target, inputs="build check0")
    text = target.dump(circ)
    assert "cz " in text and "measure" in text
    back = circuit_from_qasm_str(text)
    assert back.n_gates_of_type(__import__("pytket").OpType.CZ) == circ.n_gates_of_type(
        __import__("pytket").OpType.CZ)


def test_compiles_deterministically():
    target = make_target("tket")
    model = hrnnc.parse(ROOT / "examples/weighted.hrnn")
    seq = "left right mix end left"
    assert target.dump(hrnnc.compile(model, target, inputs=seq)) == target.dump(
        hrnnc.compile(model, target, inputs=seq))


def test_cli_writes_json_and_reports(tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["compile", str(HYPER), "--target", "tket", "-i", "build check0", "-o", str(out), "--report"]) == 0
    assert json.loads(out.read_text())["qubits"]
    text = capsys.readouterr().out
    assert "native_cnz_by_arity" in text and "depth" in text


def test_cli_usage_errors_exit_2(capsys):
    assert main(["compile", str(HYPER), "--target", "tket", "--arity", "1"]) == 2
    assert main(["compile", str(HYPER), "--target", "tket", "--arity", "5"]) == 2
    assert main(["compile", str(HYPER), "--target", "tket", "--format", "qasm"]) == 2
    capsys.readouterr()


def test_cli_no_decompose_names_edge_and_line(tmp_path, capsys):
    path = tmp_path / "wide.hrnn"
    path.write_text(WIDE)
    assert main(["compile", str(path), "--target", "tket", "--arity", "3", "--no-decompose"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:6:16: error[E0502]: edge {{0 1 2 3}}" in err


def test_cli_qasm_cz(tmp_path):
    out = tmp_path / "out.qasm"
    assert main(["compile", str(HYPER), "--target", "tket", "--gateset", "cz", "--format", "qasm",
                 "-i", "build", "-o", str(out)]) == 0
    assert out.read_text().startswith("OPENQASM 2.0;")


def test_report_from_record_matches_pytket_counters():
    """The fast report (builder record) gives pytket's own depth, depth_by_type and counts."""
    from pytket import OpType

    from hrnnc.targets.tket_target.report import circuit_report

    target = make_target("tket", measure="ancilla")
    circ = hrnnc.compile(ROOT / "examples/weighted.hrnn", target, inputs="left right mix end left")
    fast = target.report(circ)
    slow = circuit_report(circ)
    assert {k: fast[k] for k in slow} == slow
    assert slow["depth"] == circ.depth()
    assert slow["multi_qubit_depth"] == circ.depth_by_type({OpType.CnZ, OpType.CZ})
    assert slow["native_cnz"] == sum(1 for c in circ.get_commands() if c.op.type in (OpType.CnZ, OpType.CZ))

"""The ``hrnnc compile --target qiskit`` command line: issue 5's acceptance command and errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

pytest.importorskip("qiskit")
from qiskit import qasm3  # noqa: E402
from test_qiskit_evaluator import assert_same_distribution, exact_distribution, time_order  # noqa: E402
from test_qiskit_target import HYPER, needs_importer  # noqa: E402

import hrnnc  # noqa: E402
from hrnnc.cli import main  # noqa: E402
from hrnnc.sim import qubit as ref  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MERMIN_PERES = str(ROOT / "examples" / "mermin_peres.hrnn")


# -- the acceptance command -----------------------------------------------------------


@needs_importer
def test_cli_mermin_peres_writes_loadable_qasm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``hrnnc compile examples/mermin_peres.hrnn --target qiskit --input … -o mp.qasm`` (issue 5)."""
    out = tmp_path / "mp.qasm"
    code = main(["compile", MERMIN_PERES, "--target", "qiskit",
                 "--input", "prep s0 x0 z1", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    loaded = qasm3.loads(out.read_text())
    model = hrnnc.parse(ROOT / "examples" / "mermin_peres.hrnn")
    assert [p.name for p in loaded.parameters] == ["g"]
    got = exact_distribution(loaded, {"g": math.pi}, time_order(loaded))
    assert_same_distribution(got, ref.exact_distribution(model, "prep s0 x0 z1"))
    # Graph state: the stabilizer X_0 Z_1 reads 0; X_0 is uniform and then fixes Z_1 to the same bit.
    assert_same_distribution(got, {"000": 0.5, "011": 0.5})


def test_cli_unwritable_output_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``-o`` into a missing folder fails with a message and leaves no file."""
    out = tmp_path / "missing" / "mp.qasm"
    code = main(["compile", MERMIN_PERES, "--target", "qiskit",
                 "--input", "prep s0", "-o", str(out)])
    assert code != 0
    assert "cannot write" in capsys.readouterr().err
    assert not out.parent.exists()


def test_cli_transpile_report_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--transpile … --opt 3 --bind --report json`` writes basis-only QASM and a JSON report."""
    out = tmp_path / "h3.qasm"
    source = tmp_path / "h3.hrnn"
    source.write_text(HYPER)
    code = main(["compile", str(source), "--target", "qiskit",
                 "--input", "build check0", "--transpile", "basis=cx,rz,sx,x", "--opt", "3",
                 "--bind", "-o", str(out), "--report", "json"])
    assert code == 0, capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    assert set(report["ops"]) <= {"cx", "rz", "sx", "x", "measure"}
    assert report["two_qubit_gates"] == report["ops"]["cx"]
    assert report["depth"] > 0
    assert "ctrl" not in out.read_text()


def test_cli_without_input_writes_one_program_per_token(capsys: pytest.CaptureFixture[str]) -> None:
    """No ``--input``: the unit cells, one marked OpenQASM 3 program per token of the alphabet."""
    from hrnnc.targets.qiskit_target import split_programs

    assert main(["compile", MERMIN_PERES, "--target", "qiskit", "--measure", "ancilla"]) == 0
    programs = split_programs(capsys.readouterr().out)
    model = hrnnc.parse(Path(MERMIN_PERES))
    assert list(programs) == list(model.alphabet)
    assert all(text.startswith("OPENQASM 3.0;") for text in programs.values())

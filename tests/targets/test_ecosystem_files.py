"""The files hrnnc writes load with each SDK's own reader (issue 16, item 13).

* Strawberry Fields: ``import strawberryfields`` fails on SciPy ≥ 1.14, so
  :func:`hrnnc.targets.sf_target.load_blackbird` applies the shim and calls ``sf.load``; it must
  work in a fresh interpreter, and what it loads must equal the program hrnnc built in memory.
* Unit cells (no ``--input``) with ``-o DIR/`` become one complete program per file, read by
  ``qiskit.qasm3.load``, ``sf.load`` and pytket's ``Circuit.from_dict``, each compared with the
  in-memory cell: Qiskit by the exact output distribution (an evaluator built on Qiskit's own
  gate matrices), SF operation by operation, pytket by circuit equality.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import hrnnc
from hrnnc.cli import main
from hrnnc.diagnostics import Code, HrnncError

ROOT = Path(__file__).resolve().parents[2]
CUBIC = ROOT / "examples/cubic_modes.hrnn"
MERMIN = ROOT / "examples/mermin_peres.hrnn"
WEIGHTED = ROOT / "examples/weighted.hrnn"
HYPER = ROOT / "examples/hypergraph3.hrnn"


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)


def sf_ops(prog: object) -> list[tuple[str, tuple[int, ...], tuple[str, ...]]]:
    """Operation class, modes and arguments (floats to 12 digits, feed-forward by name)."""
    def text(arg: object) -> str:
        if getattr(arg, "free_symbols", None):  # a feed-forward (SymPy) parameter such as q0
            return str(arg)
        return f"{float(arg):.12g}"  # type: ignore[arg-type]
    return [(type(cmd.op).__name__, tuple(r.ind for r in cmd.reg), tuple(text(a) for a in cmd.op.p))
            for cmd in prog.circuit]  # type: ignore[attr-defined]


# -- Strawberry Fields -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sf() -> object:
    return pytest.importorskip("hrnnc.targets.sf_target").import_strawberryfields()


def test_load_blackbird_works_in_a_fresh_interpreter(tmp_path: Path, sf: object) -> None:
    """The documented loader needs nothing imported before it (the shim is its job)."""
    out = tmp_path / "seq.xbb"
    assert main(["compile", str(CUBIC), "--target", "sf", "--input", "a b read r", "-o", str(out)]) == 0
    code = ("from hrnnc.targets.sf_target import load_blackbird\n"
            f"prog = load_blackbird({str(out)!r})\n"
            "print(len(prog.circuit), prog.num_subsystems)")
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    built = hrnnc.compile(CUBIC, target="sf", inputs="a b read r")
    assert done.stdout.split() == [str(len(built.circuit)), "3"]


def test_load_blackbird_equals_the_program_in_memory(tmp_path: Path, sf: object) -> None:
    from hrnnc.targets.sf_target import load_blackbird

    out = tmp_path / "seq.xbb"
    assert main(["compile", str(CUBIC), "--target", "sf", "--input", "a b read r a", "-o", str(out)]) == 0
    loaded = load_blackbird(out)
    assert sf_ops(loaded) == sf_ops(hrnnc.compile(CUBIC, target="sf", inputs="a b read r a"))
    assert sf_ops(sf.load(str(out))) == sf_ops(loaded)  # type: ignore[attr-defined]


def test_load_blackbird_refuses_the_unit_cell_container_with_a_fix(tmp_path: Path, sf: object) -> None:
    from hrnnc.targets.sf_target import load_blackbird, load_cells

    out = tmp_path / "cells.xbb"
    assert main(["compile", str(CUBIC), "--target", "sf", "-o", str(out)]) == 0
    with pytest.raises(HrnncError) as info:
        load_blackbird(out)
    diag = info.value.diagnostics[0]
    assert diag.code is Code.E0508 and "load_cells" in diag.message and "-o DIR/" in diag.message
    cells = hrnnc.compile(CUBIC, target="sf")
    back = load_cells(out)
    assert list(back) == list(cells)
    assert all(sf_ops(back[t]) == sf_ops(cells[t]) for t in cells)


def test_sf_unit_cells_one_file_each_load_with_sf_load(tmp_path: Path, sf: object) -> None:
    folder = tmp_path / "cells"
    assert main(["compile", str(CUBIC), "--target", "sf", "-o", f"{folder}/"]) == 0
    cells = hrnnc.compile(CUBIC, target="sf")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.xbb" for t in cells)
    for token, prog in cells.items():
        assert sf_ops(sf.load(str(folder / f"{token}.xbb"))) == sf_ops(prog)  # type: ignore[attr-defined]


def test_module_entry_point_prints_what_sf_read(tmp_path: Path, sf: object) -> None:
    out = tmp_path / "seq.xbb"
    assert main(["compile", str(CUBIC), "--target", "sf", "--input", "read", "-o", str(out)]) == 0
    done = subprocess.run([sys.executable, "-m", "hrnnc.targets.sf_target", str(out)], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert "MeasureP | (q[1])" in done.stdout and "Zgate(q1) | (q[1])" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "hrnnc.targets.sf_target", str(tmp_path / "none.xbb")],
                             capture_output=True, text=True, cwd=ROOT, check=False)
    assert missing.returncode == 1 and "E0001" in missing.stderr and "Traceback" not in missing.stderr


def test_the_sf_docs_example_runs(sf: object) -> None:
    """docs/targets/sf.md's Python block, run as written in a fresh interpreter."""
    text = (ROOT / "docs/targets/sf.md").read_text()
    block = text.split("```python\n", 1)[1].split("```", 1)[0]
    done = run_python(block)
    assert done.returncode == 0, done.stderr


# -- Qiskit ----------------------------------------------------------------------------------

def test_qiskit_unit_cells_one_file_each_load_with_qasm3_load(tmp_path: Path) -> None:
    pytest.importorskip("qiskit")
    from qiskit import QuantumCircuit, qasm3
    from test_qiskit_evaluator import assert_same_distribution, exact_distribution, time_order

    from hrnnc.targets.qiskit_target import derived_inputs, input_values

    folder = tmp_path / "cells"
    assert main(["compile", str(WEIGHTED), "--target", "qiskit", "-o", f"{folder}/"]) == 0
    model = hrnnc.parse(WEIGHTED)
    cells = hrnnc.compile(model, target="qiskit")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.qasm" for t in cells)
    params = hrnnc.ir.initial_param_values(model)
    for token, cell in cells.items():
        text = (folder / f"{token}.qasm").read_text()
        loaded = qasm3.loads(text)
        values = input_values(text, params)  # mix/swap: 2*sin(c) is the derived input sin(c)
        assert {p.name for p in loaded.parameters} - set(derived_inputs(text)) == {p.name for p in cell.parameters}

        def from_plus(circuit: QuantumCircuit) -> QuantumCircuit:
            prepared = QuantumCircuit(*circuit.qregs, *circuit.cregs)
            prepared.h(range(model.size))
            return prepared.compose(circuit)

        want = exact_distribution(from_plus(cell), values, time_order(cell))
        got = exact_distribution(from_plus(loaded), values, time_order(loaded))
        assert_same_distribution(got, want)


def test_unit_cell_files_that_would_collide_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("qiskit")
    path = tmp_path / "case.hrnn"
    path.write_text("hrnn m { qubits 1; degree 1; on A { reset 0; } on a { measure x 0 -> y; } }")
    folder = tmp_path / "out"
    assert main(["compile", str(path), "--target", "qiskit", "-o", f"{folder}/"]) == 1
    assert "E0509" in capsys.readouterr().err
    assert not folder.exists() or not any(folder.iterdir())


# -- pytket ----------------------------------------------------------------------------------

def test_tket_unit_cells_one_file_each_load_with_from_dict(tmp_path: Path) -> None:
    pytest.importorskip("pytket")
    from pytket import Circuit

    folder = tmp_path / "cells"
    assert main(["compile", str(HYPER), "--target", "tket", "-o", f"{folder}/"]) == 0
    cells = hrnnc.compile(HYPER, target="tket")
    for token, circuit in cells.items():
        assert Circuit.from_dict(json.loads((folder / f"{token}.json").read_text())) == circuit

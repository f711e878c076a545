"""The command line: exit codes, rendering, atomic files, standard input, no tracebacks."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hrnnc.cli import main
from hrnnc.ir import from_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples/mermin_peres.hrnn"
THREE = ROOT / "tests/data/err/three_mistakes.hrnn"


def test_check_examples_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, sorted((ROOT / "examples").glob("*.hrnn")))]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok") == len(list((ROOT / "examples").glob("*.hrnn")))


def test_check_prints_three_independent_mistakes_with_carets(capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's acceptance check: three mistakes, three located diagnostics with carets, exit 1."""
    assert main(["check", str(THREE)]) == 1
    err = capsys.readouterr().err
    heads = [line for line in err.splitlines() if ": error[" in line]
    assert [h.split(": error[")[1][:5] for h in heads] == ["E0207", "E0211", "E0301"]
    assert f"{THREE}:6:16: error[E0207]" in err
    assert "6 |   on a { phase(g) 0 1; }" in err
    assert "  |                ^" in err
    assert "3 errors emitted" in err


def test_check_json_has_one_object_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(EXAMPLE), str(THREE)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [d["file"] for d in data] == [str(EXAMPLE), str(THREE)]
    assert [d["ok"] for d in data] == [True, False]
    first = data[1]["diagnostics"][0]
    assert (first["code"], first["line"], first["column"], first["end_line"], first["end_column"]) == \
        ("E0207", 6, 16, 6, 16)


def test_check_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "github", str(THREE)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"::error file={THREE},line=6,col=16,endLine=6,endColumn=17,title=E0207::undefined name 'g' (known: e, pi)"


def test_check_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes())))
    assert main(["check", "-"]) == 0
    assert "<stdin>: ok" in capsys.readouterr().out


def test_fmt_check_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = tmp_path / "m.hrnn"
    messy.write_text("hrnn m{qubits 2;degree 2;on a{phase( 1+2 ) 0 1;}}")
    assert main(["fmt", "--check", str(messy)]) == 1
    assert main(["fmt", "--write", str(messy)]) == 0
    assert messy.read_text() == "hrnn m {\n  qubits 2;\n  degree 2;\n\n  on a {\n    phase(1 + 2) 0 1;\n  }\n}\n"
    assert main(["fmt", "--check", str(messy)]) == 0
    capsys.readouterr()
    assert main(["fmt", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.count("#") == EXAMPLE.read_text().count("#")
    assert __import__("hrnnc").parse(out) == __import__("hrnnc").parse(EXAMPLE)


def test_fmt_write_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "c.hrnn"
    path.write_text("hrnn m { qubits 1; degree 1; # a comment\n on a { reset 0; } }")
    assert main(["fmt", "--write", str(path)]) == 0
    assert path.read_text() == "hrnn m {\n  qubits 1;\n  degree 1;  # a comment\n\n  on a {\n    reset 0;\n  }\n}\n"


def test_ir_json_round_trips(capsys: pytest.CaptureFixture[str]) -> None:
    import hrnnc

    assert main(["ir", str(EXAMPLE)]) == 0
    assert from_json(capsys.readouterr().out) == hrnnc.parse(EXAMPLE)


def test_output_to_an_unwritable_place_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "missing-dir" / "out.json"
    assert main(["ir", str(EXAMPLE), "-o", str(target)]) == 1
    assert "error[E0004]" in capsys.readouterr().err
    assert not target.parent.exists()
    ok = tmp_path / "out.json"
    assert main(["ir", str(EXAMPLE), "-o", str(ok)]) == 0
    assert sorted(os.listdir(tmp_path)) == ["out.json"]


def test_usage_errors_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["compile", str(EXAMPLE)])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_missing_file_is_a_diagnostic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "/nonexistent/model.hrnn"]) == 1
    assert "error[E0001]: cannot read /nonexistent/model.hrnn" in capsys.readouterr().err


@pytest.mark.parametrize("data", [b"\x00\xff\xfe\x89PNG\r\n", b"", b"hrnn m { qubits 99999999999; degree 2; }"])
def test_no_traceback_for_bad_input(tmp_path: Path, data: bytes) -> None:
    """The installed command, as a user runs it: diagnostics on stderr, exit 1, never a traceback."""
    path = tmp_path / "bad.hrnn"
    path.write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "hrnnc.cli", "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "error[E" in proc.stderr


def test_target_flags_do_not_clash_and_are_rejected_for_other_targets(capsys: pytest.CaptureFixture[str]) -> None:
    """Each target-specific flag has one owner; giving it to another target is a usage error (exit 2)."""
    from hrnnc.cli import build_parser

    _, owners = build_parser()
    assert {"transpile", "arity", "hbar"} <= set(owners)
    assert owners["transpile"] == "qiskit" and owners["arity"] == "tket" and owners["hbar"] == "sf"
    assert main(["compile", str(EXAMPLE), "--target", "qiskit", "--arity", "2"]) == 2
    assert "--arity is an option of the 'tket' target" in capsys.readouterr().err
    assert main(["compile", str(EXAMPLE), "--target", "qiskit", "--squeezing", "1"]) == 2

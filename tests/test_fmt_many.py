"""``hrnnc fmt`` over several files, the shipped examples in canonical form, the pre-commit hook (issue 16, item 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hrnnc.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("examples/*.hrnn"))
MESSY = "hrnn m{qubits 2;degree 2;on a{phase( 1+2 ) 0 1;}}"
CANONICAL = "hrnn m {\n  qubits 2;\n  degree 2;\n\n  on a {\n    phase(1 + 2) 0 1;\n  }\n}\n"
"""MESSY printed by hand in the canonical layout (two-space indent, one statement a line)."""


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_is_canonical_and_checks(path: Path) -> None:
    """What we ship is what ``fmt`` prints, and ``check`` accepts it."""
    assert main(["fmt", "--check", str(path)]) == 0
    assert main(["check", str(path)]) == 0


def test_fmt_check_takes_several_files_and_names_each_that_differs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad1, bad2 = tmp_path / "good.hrnn", tmp_path / "bad1.hrnn", tmp_path / "bad2.hrnn"
    good.write_text(CANONICAL)
    bad1.write_text(MESSY)
    bad2.write_text(MESSY)
    assert main(["fmt", "--check", str(good), str(bad1), str(bad2)]) == 1
    err = capsys.readouterr().err
    assert f"{bad1}: not in canonical form" in err and f"{bad2}: not in canonical form" in err
    assert str(good) not in err
    assert main(["fmt", "--check", str(good), str(good)]) == 0


def test_fmt_check_reports_a_syntax_error_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken, bad = tmp_path / "broken.hrnn", tmp_path / "bad.hrnn"
    broken.write_text("hrnn m { qubits 2; degree 2; on a { phase( 0 1; } }")
    bad.write_text(MESSY)
    assert main(["fmt", "--check", str(broken), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "broken.hrnn:1:" in err and "error[E" in err
    assert f"{bad}: not in canonical form" in err


def test_fmt_write_rewrites_several_files(tmp_path: Path) -> None:
    paths = [tmp_path / f"m{i}.hrnn" for i in range(3)]
    for path in paths:
        path.write_text(MESSY)
    assert main(["fmt", "--write", *map(str, paths)]) == 0
    assert [p.read_text() for p in paths] == [CANONICAL] * 3


def test_printing_several_files_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", str(EXAMPLES[0]), str(EXAMPLES[1])]) == 2
    assert "--check or --write" in capsys.readouterr().err


def test_pre_commit_hook_runs_fmt_check_on_hrnn_files() -> None:
    """pre-commit passes every staged file to one ``entry`` call, so the entry must take several."""
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["hrnnc-fmt"]
    assert hook["entry"] == "hrnnc fmt --check"
    assert hook["files"] == r"\.hrnn$" and hook["language"] == "python"
    assert hooks["hrnnc-fmt-write"]["entry"] == "hrnnc fmt --write"

"""docs/training.md's worked example runs as written and recovers the generating distribution."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs/training.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.S)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_shell_example_runs_as_written(workdir) -> None:
    script = blocks("sh")[0]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    prelude = f'hrnnc() {{ "{sys.executable}" -m hrnnc.cli "$@"; }}\nset -e\n'
    done = subprocess.run(["bash", "-c", prelude + script], cwd=workdir, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    original = (ROOT / "examples/weighted.hrnn").read_text().splitlines()
    trained = (workdir / "trained.hrnn").read_text().splitlines()
    assert [i for i, (a, b) in enumerate(zip(original, trained)) if a != b] == [6, 7, 8]
    assert len((workdir / "data.jsonl").read_text().splitlines()) == 900
    assert "ok" in done.stdout


def test_python_example_prints_what_the_doc_says(workdir) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks("python")[0], "docs/training.md", "exec"), {})
    got = [float(v) for v in re.findall(r": +([0-9.]+)", out.getvalue())]
    documented = [float(v) for v in re.findall(r": +([0-9.]+)", blocks("text")[0])]
    assert got == pytest.approx(documented, abs=2e-3)
    start, trained, hidden = got
    assert trained <= 1.01 * hidden < start

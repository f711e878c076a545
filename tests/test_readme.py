"""The README's shown command outputs are what the commands print (docs stay true)."""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest

from hrnnc.cli import main

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```text\n\$ (hrnnc [^\n]+)\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


@pytest.mark.parametrize("command, shown", BLOCKS, ids=[c for c, _ in BLOCKS])
def test_readme_output_is_true(command: str, shown: str, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = [a for arg in shlex.split(command)[1:] for a in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
    assert main(args) == 0
    assert capsys.readouterr().out == shown


def test_readme_has_exactly_two_quick_start_commands() -> None:
    quick = (ROOT / "README.md").read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, flags=re.S)
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    ci = (ROOT / ".ci/run").read_text()
    assert commands[1] in ci, ".ci/run must run the README's test command verbatim"
    for command in commands:  # plain installs: no repair step for the lark / lark-parser clash (#16)
        assert "--force-reinstall" not in command and "lark" not in command

"""Output safety (issue 16, items 1, 2, 4, 5, 7): files at -o / fmt --write, CI annotations, echoed
source lines, standard streams that are closed, full or piped into ``head``.

Each expectation comes from the Unix convention the test names (a shell redirection writes
through a FIFO, ``cp`` keeps a file's mode, a new file gets 0666 & ~umask, GitHub's
``escapeProperty``), not from hrnnc's code.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hrnnc.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples/mermin_peres.hrnn"
THREE = ROOT / "tests/data/err/three_mistakes.hrnn"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _ir_text(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["ir", str(EXAMPLE)]) == 0
    return capsys.readouterr().out


def _hrnnc(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hrnnc.cli", *args], capture_output=True, text=True,
                          env=ENV, **kwargs)  # type: ignore[call-overload]


# -- item 1: -o and fmt --write -------------------------------------------------------------


def test_output_through_a_symlink_writes_its_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = _ir_text(capsys)
    real = tmp_path / "real.json"
    real.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert main(["ir", str(EXAMPLE), "-o", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == expected


def test_fmt_write_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "m.hrnn"
    real.write_text("hrnn m{qubits 1;degree 1;on a{reset 0;}}")
    link = tmp_path / "link.hrnn"
    link.symlink_to(real.name)  # relative, as `ln -s m.hrnn link.hrnn` makes it
    assert main(["fmt", "--write", str(link)]) == 0
    assert link.is_symlink()
    assert real.read_text() == "hrnn m {\n  qubits 1;\n  degree 1;\n\n  on a {\n    reset 0;\n  }\n}\n"


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("old\n")
    out.chmod(0o640)
    assert main(["ir", str(EXAMPLE), "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text().startswith("{")


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_file_honours_the_umask(tmp_path: Path, umask: int) -> None:
    out = tmp_path / "new.json"
    old = os.umask(umask)
    try:
        assert main(["ir", str(EXAMPLE), "-o", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_read_only_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No write bit means "do not write", also for root (who could otherwise replace it)."""
    out = tmp_path / "frozen.json"
    out.write_text("keep me\n")
    out.chmod(0o444)
    assert main(["ir", str(EXAMPLE), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "error[E0004]" in err and "read-only" in err
    assert out.read_text() == "keep me\n"
    assert sorted(os.listdir(tmp_path)) == ["frozen.json"]


def test_fifo_is_written_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = _ir_text(capsys)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert main(["ir", str(EXAMPLE), "-o", str(fifo)]) == 0
    reader.join(timeout=60)
    assert received == [expected.encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(os.listdir(tmp_path)) == ["pipe"]


def test_character_device_is_written_through(tmp_path: Path) -> None:
    """A private copy of /dev/null (major 1, minor 3): it must still be a device afterwards."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    assert main(["ir", str(EXAMPLE), "-o", str(node)]) == 0
    assert stat.S_ISCHR(node.stat().st_mode)
    assert sorted(os.listdir(tmp_path)) == ["null"]


def test_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ir", str(EXAMPLE), "-o", str(tmp_path)]) == 1
    assert "error[E0004]" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


_KILLED_DURING_WRITE = """
import os, signal, sys, time
real_replace = os.replace
def replace(src, dst):
    os.kill(os.getpid(), signal.SIG{sig})
    time.sleep(30)
    real_replace(src, dst)
os.replace = replace
from hrnnc.cli import main
sys.exit(main(["ir", sys.argv[1], "-o", sys.argv[2]]))
"""


@pytest.mark.parametrize("sig", ["TERM", "INT"])
def test_signal_during_write_leaves_no_temporary_file(tmp_path: Path, sig: str) -> None:
    """The signal arrives after the temporary file is written and before the rename."""
    out = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-c", _KILLED_DURING_WRITE.format(sig=sig), str(EXAMPLE), str(out)],
                          capture_output=True, text=True, env=ENV, timeout=120)
    assert os.listdir(tmp_path) == []
    assert "Traceback" not in proc.stderr
    # SIGTERM ends the process as SIGTERM does; SIGINT is the usual "interrupted", exit 130.
    assert proc.returncode == (-15 if sig == "TERM" else 130)


# -- item 2: GitHub annotations ------------------------------------------------------------


def test_github_properties_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file name with a newline, ':' and ',' cannot forge a second workflow command.

    GitHub's escapeProperty: % → %25, CR → %0D, LF → %0A, ':' → %3A, ',' → %2C.
    """
    bad = tmp_path / "a,b:c\n::error file=x::forged%.hrnn"
    bad.write_text(THREE.read_text())
    assert main(["check", "--format", "github", str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("::error file=") for line in lines)
    name = str(bad).replace("%", "%25").replace(":", "%3A").replace(",", "%2C").replace("\n", "%0A")
    assert lines[0] == f"::error file={name},line=6,col=16,endLine=6,endColumn=17,title=E0207::" \
                       "undefined name 'g' (known: e, pi)"


# -- item 4: control characters in echoed source lines ---------------------------------------


def test_control_characters_in_source_lines_are_shown_not_obeyed(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "esc.hrnn"
    path.write_text("hrnn m { qubits 2; degree 2;\n  on a { phase(1) 0 7; }  # \x1b]0;pwned\x07\x1b[2J\r\u202e\n}\n")
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert not any(ch in err for ch in "\x1b\x07\r\u202e")
    assert "# \\x1b]0;pwned\\x07\\x1b[2J\\x0d\\u202e" in err
    source_line = next(line for line in err.splitlines() if line.startswith("2 | "))
    caret_line = err.splitlines()[err.splitlines().index(source_line) + 1]
    assert caret_line.index("^") == source_line.index("7")


def test_caret_moves_with_escaped_characters_before_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "esc.hrnn"
    path.write_text("hrnn m { qubits 2; degree 2; on a { phase(1) 0 \x1b; } }\n")
    assert main(["check", str(path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    source_line = next(line for line in lines if line.startswith("1 | "))
    caret_line = lines[lines.index(source_line) + 1]
    start = source_line.index("\\x1b")
    assert caret_line.index("^") == start and caret_line.count("^") == len("\\x1b")


# -- items 5 and 7: standard streams --------------------------------------------------------


@pytest.mark.parametrize(("model", "verdict"), [(EXAMPLE, 0), (THREE, 1)])
def test_closed_reader_keeps_the_verdict(model: Path, verdict: int) -> None:
    """`hrnnc check FILE | head -1` under pipefail: the reader has gone before hrnnc writes."""
    read, write = os.pipe()
    os.close(read)  # nobody will ever read: every write is EPIPE
    proc = subprocess.run([sys.executable, "-m", "hrnnc.cli", "check", "--format", "json", str(model)],
                          stdout=write, stderr=subprocess.PIPE, text=True, env=ENV)
    os.close(write)
    assert proc.returncode == verdict
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


def test_pipefail_head_keeps_the_verdict() -> None:
    """The issue's command; 100 files of JSON (> 64 KiB, a pipe's buffer) so that head leaves early."""
    files = " ".join([str(THREE)] * 100)
    proc = subprocess.run(["bash", "-o", "pipefail", "-c",
                           f"{sys.executable} -m hrnnc.cli check --format json {files} | head -1"],
                          capture_output=True, text=True, env=ENV)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("shell", "code", "needle"), [
    ("ir - <&-", 1, "error[E0001]"),
    ("ir {ex} >&-", 0, ""),
    ("ir {ex} > /dev/full", 1, "error[E0004]: cannot write standard output"),
    ("check {ex} {three} 2>&-", 1, ""),
])
def test_closed_and_full_standard_streams(shell: str, code: int, needle: str) -> None:
    command = f"{sys.executable} -m hrnnc.cli " + shell.format(ex=EXAMPLE, three=THREE)
    proc = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=ENV)
    assert proc.returncode == code, proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


def test_output_encoding_that_cannot_show_the_text(tmp_path: Path) -> None:
    path = tmp_path / "modèle⟩.hrnn"
    path.write_text(THREE.read_text())
    proc = subprocess.run([sys.executable, "-m", "hrnnc.cli", "check", str(path)], capture_output=True,
                          env={**ENV, "PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 1
    err = proc.stderr.decode("ascii")
    assert "mod\\xe8le\\u27e9.hrnn:6:16: error[E0207]" in err and "Traceback" not in err

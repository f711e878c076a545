"""The repository stands alone: no file cites a document outside it (issue 16, item 15).

The semantics hrnnc implements are stated in docs/semantics.md; code, tests, docs and
benchmarks cite its sections. This test fails on any file that names the external design
brief or a path into a sibling ``shared`` folder.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = re.compile("DESIGN" r"\.md|\.\./" "shared|shared/" "docs")
"""Split so that this file does not match itself."""
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache",
             "build", "dist"}


def repository_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.splitlines()
        return [ROOT / name for name in listed if (ROOT / name).is_file()]
    except (OSError, subprocess.CalledProcessError):  # an unpacked source tree without git
        return [p for p in ROOT.rglob("*") if p.is_file() and not SKIP_DIRS & set(p.relative_to(ROOT).parts)]


def test_no_file_references_a_document_outside_the_repository() -> None:
    files = repository_files()
    assert any(p.name == "semantics.md" for p in files)
    offenders = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if FORBIDDEN.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "cite docs/semantics.md instead:\n" + "\n".join(offenders)


def test_semantics_cites_resolve() -> None:
    """Every ``docs/semantics.md §N`` citation names a section that exists."""
    sections = set(re.findall(r"^## (\d+)\. ", (ROOT / "docs/semantics.md").read_text(), flags=re.M))
    cited = set()
    for path in repository_files():
        if path.suffix in {".py", ".md", ".toml", ".yaml", ".lark", ".hrnn"}:
            cited |= set(re.findall(r"semantics\.md §(\d+)", path.read_text(encoding="utf-8", errors="replace")))
    assert cited and cited <= sections, sorted(cited - sections)

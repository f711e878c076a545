"""Diagnostic codes are documented, unique and rendered with file:line:col and a caret."""

from __future__ import annotations

import re
from pathlib import Path

from hrnnc.diagnostics import Code, Diagnostic, Note, Severity, Source, Span, render, render_github

DOC = (Path(__file__).resolve().parent.parent / "docs/diagnostics.md").read_text()


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    documented = set(re.findall(r"^\| ([EW]\d{4}) \|", DOC, flags=re.M))
    assert documented == {c.value for c in Code}


def test_codes_are_unique_and_well_formed() -> None:
    values = [c.value for c in Code]
    assert len(values) == len(set(values))
    assert all(re.fullmatch(r"[EW]\d{4}", v) for v in values)


def test_render_shows_location_line_caret_and_notes() -> None:
    source = Source("m.hrnn", "hrnn m {\n\tqubits 2;\n  on a { phase(1) 0 9; }\n}")
    site = source.text.index("9")
    diag = Diagnostic(Code.E0211, "site 9 is out of range", Span(source, site, site + 1), Severity.ERROR,
                      (Note("register declared here", Span(source, 10, 19)),))
    assert render(diag).splitlines() == [
        "m.hrnn:3:21: error[E0211]: site 9 is out of range",
        "  |",
        "3 |   on a { phase(1) 0 9; }",
        "  |                     ^",
        "m.hrnn:2:2: note: register declared here",
        "  |",
        "2 |  qubits 2;",
        "  |  ^^^^^^^^^",
    ]


def test_github_annotations_escape_newlines_and_percent() -> None:
    source = Source("a.hrnn", "ab")
    diag = Diagnostic(Code.W0101, "50% done\nnext", Span(source, 0, 2), Severity.WARNING)
    assert render_github(diag) == "::warning file=a.hrnn,line=1,col=1,endLine=1,endColumn=3,title=W0101::50%25 done%0Anext"


def test_line_and_column_count_characters_not_bytes() -> None:
    source = Source("u.hrnn", "# é\nxyz")
    assert Span(source, source.text.index("y"), source.text.index("y") + 1).start_line_col == (2, 2)
    assert source.line_col(2) == (1, 3)

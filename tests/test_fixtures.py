"""Every tests/data/err and warn file reports exactly the diagnostics its header expects; ok files and examples are clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hrnnc
from hrnnc.diagnostics import Diagnostic, HrnncError
from hrnnc.ir import print_model

ROOT = Path(__file__).resolve().parent.parent
ERR = sorted((ROOT / "tests/data/err").glob("*.hrnn")) + sorted((ROOT / "tests/data/warn").glob("*.hrnn"))
OK = sorted((ROOT / "tests/data/ok").glob("*.hrnn")) + sorted((ROOT / "examples").glob("*.hrnn"))
EXPECT = re.compile(r"^# expect: (?P<code>[EW]\d{4}) (?P<line>\d+):(?P<col>\d+) (?P<fragment>.+)$")


def diagnostics_of(path: Path) -> tuple[Diagnostic, ...]:
    try:
        return hrnnc.check(path).diagnostics
    except HrnncError as exc:
        return exc.diagnostics


@pytest.mark.parametrize("path", ERR, ids=lambda p: p.name)
def test_error_fixture_reports_exactly_its_expectations(path: Path) -> None:
    """Code, line, column and a message fragment of every diagnostic, and nothing more."""
    expected = sorted((m["code"], int(m["line"]), int(m["col"]), m["fragment"])
                      for m in map(EXPECT.match, path.read_text().splitlines()) if m)
    assert expected, f"{path.name} has no '# expect:' lines"
    found = diagnostics_of(path)
    got = sorted((d.code.value, *d.span.start_line_col) for d in found if d.span is not None)
    assert got == [(c, line, col) for c, line, col, _ in expected]
    for code, line, col, fragment in expected:
        match = next(d for d in found if d.span and (d.code.value, *d.span.start_line_col) == (code, line, col))
        assert fragment in match.message, (fragment, match.message)


@pytest.mark.parametrize("path", OK, ids=lambda p: p.name)
def test_ok_fixture_and_example_check_clean(path: Path) -> None:
    """No error (examples: no warning either); the canonical text parses back to the same model."""
    report = hrnnc.check(path)
    if path.parent.name == "examples":
        assert report.diagnostics == ()
    else:
        assert report.errors == ()
    assert hrnnc.parse(print_model(report.model)) == report.model

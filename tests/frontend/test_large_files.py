"""Large files: the Lark path parses only what the fast path could not take (issue #16, item 11).

Where the fast path gives up, it hands over what it built (a ``Prefix``) and the Lark path
parses from that statement on, with the text before it blanked except the parser's context.
The reference is the Lark path over the *whole* text (``lark_path``): the diagnostics, the
model and every span must be the same, wherever the mistake is.
"""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_fast_path import lark_path, spans

import hrnnc.frontend.parser as parser_module
from hrnnc.diagnostics import Code, Source
from hrnnc.frontend import parse_source
from hrnnc.frontend.fast import Prefix, scan, tokenize
from hrnnc.grammar.hrnn_parser import UnexpectedInput

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_frontend import generate_model  # noqa: E402

BASES = [p.read_text(encoding="utf-8") for p in sorted([*ROOT.glob("examples/*.hrnn"), *ROOT.glob("tests/data/ok/*.hrnn")])]
BASES.append(generate_model(statements=60, blocks=4, qubits=8, seed=3))
MUTATIONS = ["}", "{", ";", ")", "(", "phase", "on", "reset", "measure", "->", "1.5", "1234567890", "degree3", "$",
             "qubits 2;", "degree 2;", "on t { reset 0; }", "(((((1)))))", "# comment\n", "-"]


def count_lark_words(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the Lark parser record, per call, how many words it lexed (up to the error it stopped at).

    Blanked text is one whitespace run, which the lexer skips in one match; Lark's lexer is
    lazy, so it reads nothing after the token it fails on.
    """
    real = parser_module.lark_parser()
    seen: list[int] = []

    class Counting:
        terminals = real.terminals

        def parse(self, work: str, *args: Any, **kwargs: Any) -> Any:
            stop = len(work)
            try:
                return real.parse(work, *args, **kwargs)
            except UnexpectedInput as exc:
                token = getattr(exc, "token", None)
                stop = token.end_pos if token is not None and token.end_pos is not None else exc.pos_in_stream + 1
                raise
            finally:
                seen.append(len(work[:stop].split()))

    monkeypatch.setattr(parser_module, "lark_parser", lambda: Counting())
    return seen


def _report(text: str) -> tuple[Any, list[tuple[str, int | None, int | None, str]], Any]:
    model, diagnostics = parse_source(Source("<t>", text))
    return model, [(d.code.value, d.span and d.span.start, d.span and d.span.end, d.message) for d in diagnostics], \
        spans(model) if model is not None else None


def _reference(text: str) -> tuple[Any, list[tuple[str, int | None, int | None, str]], Any]:
    model, diagnostics = lark_path(Source("<t>", text))
    return model, [(d.code.value, d.span and d.span.start, d.span and d.span.end, d.message) for d in diagnostics], \
        spans(model) if model is not None else None


CUBIC_MODES = (ROOT / "examples" / "cubic_modes.hrnn").read_text(encoding="utf-8")
EDITS = st.lists(st.tuples(st.integers(0, 2**16), st.sampled_from(["insert", "delete"]), st.sampled_from(MUTATIONS)),
                 min_size=1, max_size=3)
"""Edits at token boundaries: (which token start, modulo their count; insert or delete; what to insert)."""


def edited(base: str, edits: list[tuple[int, str, str]]) -> str:
    """``base`` with each edit applied in turn, at a token start of the text edited so far."""
    text = base
    for which, kind, mutation in edits:
        starts = tokenize(text)[1][:-3]
        at = starts[which % len(starts)]
        if kind == "insert":
            text = text[:at] + " " + mutation + " " + text[at:]
        else:
            end = at + 1
            while end < len(text) and not text[end].isspace():
                end += 1
            text = text[:at] + text[end:]
    return text


@settings(max_examples=300)
@given(base=st.sampled_from(BASES), edits=EDITS)
@example(base=CUBIC_MODES, edits=[(tokenize(CUBIC_MODES)[1].index(319), "insert", "(((((1)))))")])
def test_windowed_parse_equals_the_whole_text_lark_parse(base: str, edits: list[tuple[int, str, str]]) -> None:
    """One to three edits at token boundaries: the result equals the Lark path over the whole text."""
    text = edited(base, edits)
    assert _report(text) == _reference(text)


def test_a_computed_site_keeps_the_template_and_its_output_spans() -> None:
    """Found by hypothesis: ``(((((1)))))`` inserted before the site at offset 319 of cubic_modes.hrnn.

    A parenthesised site is computed, so the model keeps its template (``Model.template``), whose
    measurements hold the output name's span (``output_span``) besides their own. Both parses
    agree on the model and on every span, and each output span covers the name as written.
    """
    text = CUBIC_MODES[:319] + " (((((1))))) " + CUBIC_MODES[319:]
    assert text.splitlines()[11].startswith("    phase(t / 2)  (((((1))))) 0 0 1;")
    model, diagnostics, found = _report(text)
    assert (model, diagnostics, found) == _reference(text)
    assert diagnostics == [] and model is not None and model.template is not None
    assert [site.index for site in model.cells[0].body[1].sites] == [1, 0, 0, 1]
    outputs = [(label, text[start:end]) for label, start, end in found if label.endswith(".output_span")]
    assert outputs == [("TMeasureStab.output_span", "n0"), ("TMeasure.output_span", "y1"),
                       ("TMeasure.output_span", "y2")]
    assert [text[start:end] for label, start, end in found if label == "TDecl.name_span"] == ["t", "s"]


@pytest.mark.parametrize("tail, code", [
    ("reset 0 reset 1;", Code.E0102),          # a syntax error
])
def test_a_mistake_at_the_end_is_parsed_by_lark_alone(tail: str, code: Code | None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Lark sees only the last statements of a 20,000-statement file (before: all of it)."""
    text = generate_model(statements=20_000, blocks=200)
    last = text.rindex("  }")
    text = text[:last] + "    " + tail + "\n" + text[last:]
    seen = count_lark_words(monkeypatch)
    scanned = scan(Source("<t>", text))
    assert isinstance(scanned, Prefix) and scanned.resume_at > 0.99 * len(text)
    model, diagnostics = parse_source(Source("<t>", text))
    assert [d.code for d in diagnostics if d.is_error] == ([code] if code else [])
    assert (model is None) == (code is not None)
    total_words = len(text.split())
    assert seen and sum(seen) < 200 + 2, (sum(seen), total_words)  # the header, two items, the last cell's rest


def test_errors_far_apart_cost_lark_only_their_neighbourhoods(monkeypatch: pytest.MonkeyPatch) -> None:
    """Five syntax errors spread over a 20,000-statement file: after each, the fast path finds
    the next statement Lark must see, so Lark reads a few hundred words per error, not the rest
    of the file. The diagnostics are those of the whole-text Lark path."""
    text = generate_model(statements=20_000, blocks=200)
    cut = [text.index("\n  }", k * len(text) // 5) + 1 for k in range(5)]  # the end of a cell
    for at in reversed(cut):
        text = text[:at] + "    reset 0 reset 1;\n" + text[at:]
    seen = count_lark_words(monkeypatch)
    model, diagnostics, _ = _report(text)
    assert model is None and [d[0] for d in diagnostics] == ["E0102"] * 5
    assert sum(seen) < 5 * 1_000, (seen, len(text.split()))
    monkeypatch.undo()
    assert _reference(text)[1] == diagnostics


def test_parse_memory_per_input_byte_is_bounded() -> None:
    """Peak traced memory of parse_source, per input byte, for valid text and for a late syntax error.

    The IR costs about 55 bytes per byte of the benchmark model (frozen nodes with spans);
    the bound leaves room for the tokens alive while parsing. Before the fix a late syntax error
    kept Lark's partial trees of the whole file (136 bytes per byte; now 58).
    """
    text = generate_model(statements=4_000, blocks=40)
    broken = text[: text.rindex("  }")] + "    reset 0 reset 1;\n  }\n}\n"
    for sample in (text, broken):
        tracemalloc.start()
        try:
            model, _ = parse_source(Source("<t>", sample))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        del model
        assert peak / len(sample) < 90, peak / len(sample)


def test_fast_path_hands_over_the_open_cell() -> None:
    """The Prefix of a file rejected mid-cell holds the cell's tokens and earlier statements."""
    text = "hrnn m { qubits 2; degree 2; param g = 1; on a, b { reset 0; phase(g) 0 1; reset ; } }"
    scanned = scan(Source("<t>", text))
    assert isinstance(scanned, Prefix)
    assert scanned.resume_at == text.index("reset ;")
    assert [r.size for r in scanned.registers] == [2] and [d.value for d in scanned.degrees] == [2]
    assert [d.name for d in scanned.decls] == ["g"] and scanned.cells == ()
    assert scanned.open_cell is not None
    assert [t.name for t in scanned.open_cell.tokens] == ["a", "b"]
    assert [type(s).__name__ for s in scanned.open_cell.body] == ["Reset", "Phase"]
    assert scan(Source("<t>", "hrnn { qubits 2; }")) is None  # gave up in the header: nothing to keep

"""Fuzzing the front end: every input ends in diagnostics or a model, never an exception.

Two hypothesis strategies give 2,000 inputs (random token soup, and mutations of the valid
example models); the edge cases cover huge numbers, 10,000-level nesting, 5 MB files, binary
bytes and the empty file. Each input goes through ``parse_source`` and, when it parses,
``hrnnc.api.check``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrnnc.api import check, run_semantic
from hrnnc.diagnostics import Code, Severity, Source, render
from hrnnc.frontend import MAX_SOURCE_BYTES, decode, parse_source
from hrnnc.frontend import syntax_errors
from hrnnc.ir import Model

ROOT = Path(__file__).resolve().parents[2]
VALID = [p.read_text(encoding="utf-8") for p in sorted([*ROOT.glob("examples/*.hrnn"), *ROOT.glob("tests/data/ok/*.hrnn")])]
HEAD = "hrnn m { qubits 2; degree 2; "
CLOSURE = {"max_dim": 64}
"""Keeps the Lie-closure pass of ``check`` small: the front end is under test here."""


def _snippet_tokens() -> set[tuple[str, str]]:
    """(type, text) of the token each snippet of the hint table fails at."""
    from hrnnc.grammar.hrnn_parser import UnexpectedInput

    from hrnnc.frontend.parser import lark_parser

    found = set()
    for snippets in syntax_errors.SYNTAX_EXAMPLES.values():
        for snippet in snippets:
            try:
                lark_parser().parse(snippet)
            except UnexpectedInput as exc:
                token = getattr(exc, "token", None)
                if token is not None:
                    found.add((token.type, str(token)))
    return found


@pytest.fixture(autouse=True, scope="module")
def _memoized_refine() -> Any:
    """Memoize the syntax-error hint table, for speed only.

    ``refine`` re-parses every snippet of the table for each syntax error (about 15 ms), and
    its answer (Lark's ``match_examples``) depends only on the error's class, parser state and
    acceptable terminals, plus its token where that token equals a snippet's failing token
    (an exact match). A cache keyed on those returns exactly what ``refine`` would, and
    ``refine`` never raises, so nothing the fuzzing looks for is lost.
    """
    original = syntax_errors.refine
    exact = _snippet_tokens()
    cache: dict[tuple[Any, ...], str | None] = {}

    def refine(exc: Any) -> str | None:
        token = getattr(exc, "token", None)
        state = getattr(exc, "state", None)
        if hasattr(state, "state_stack"):  # a lexer-level error carries a ParserState; its == is this
            state = ("parser-state", len(state.state_stack), state.position)
        typed = None if token is None else (token.type, str(token))
        key = (type(exc), state, frozenset(getattr(exc, "accepts", None) or ()), typed if typed in exact else None)
        if key not in cache:
            cache[key] = original(exc)
        return cache[key]

    syntax_errors.refine = refine  # type: ignore[assignment]
    yield
    syntax_errors.refine = original  # type: ignore[assignment]


def run(text: str) -> tuple[Model | None, list[Code]]:
    """parse_source, then check if it parsed; the codes of everything reported."""
    source = Source("<fuzz>", text)
    model, diagnostics = parse_source(source)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    assert (model is None) == bool(errors), diagnostics
    assert all(d.code.value.startswith(("E00", "E01", "E02")) for d in errors), errors
    codes = [d.code for d in diagnostics]
    if model is not None:
        report = check(model, **CLOSURE)
        codes += [d.code for d in report.diagnostics]
    for d in diagnostics:
        assert render(d)  # the one renderer copes with every span the front end makes
    return model, codes


# -- hypothesis: random token soup and mutated models ---------------------------------------------

ALPHABET = ["hrnn", "qubits", "qumodes", "degree", "param", "const", "on", "phase", "shift", "measure",
            "stab", "reset", "z", "x", "q", "p", "a", "pi", "sin", "tan", "0", "1", "2", "1.5", ".5", "1e3",
            "1e999", "(", ")", "{", "}", ";", ",", ":", "->", "-", "+", "*", "/", "=", "#", "\n", " ", "\t",
            "\r\n", "@", "é", "\x00", "9" * 12]


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.booleans(), st.lists(st.sampled_from(ALPHABET), max_size=30), st.sampled_from(["", " ", "\n"]))
def test_random_token_soup_ends_cleanly(with_head: bool, tokens: list[str], joiner: str) -> None:
    text = (HEAD if with_head else "") + joiner.join(tokens)
    run(text)


def mutate(text: str, rng: random.Random) -> str:
    """One to four deletions, insertions, swaps or duplications of short character runs."""
    for _ in range(rng.randint(1, 4)):
        if not text:
            break
        i = rng.randrange(len(text))
        n = rng.randint(1, 8)
        action = rng.choice(["delete", "insert", "swap", "duplicate"])
        if action == "delete":
            text = text[:i] + text[i + n:]
        elif action == "insert":
            text = text[:i] + rng.choice(ALPHABET) + text[i:]
        elif action == "swap":
            j = rng.randrange(len(text))
            i, j = min(i, j), max(i, j)
            text = text[:i] + text[j:j + n] + text[i + n:j] + text[i:i + n] + text[j + n:]
        else:
            text = text[:i] + text[i:i + n] * 2 + text[i + n:]
    return text


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(VALID))), st.integers(0, 2**32))
def test_mutated_models_end_cleanly(which: int, seed: int) -> None:
    run(mutate(VALID[which], random.Random(seed)))


# -- edge cases ----------------------------------------------------------------------------------


def test_the_valid_examples_parse_and_check() -> None:
    assert len(VALID) >= 4
    for text in VALID:
        model, _ = run(text)
        assert model is not None


def test_empty_and_blank_files() -> None:
    for text in ("", "   \n\t", "# only a comment\n"):
        model, codes = run(text)
        assert model is None and codes == [Code.E0103]


BIG = "1" * 5000


@pytest.mark.parametrize(("text", "codes"), [
    (HEAD + "on a { phase(1e999) 0; } }", [Code.E0216]),
    (HEAD + f"on a {{ phase({BIG}) 0; }} }}", [Code.E0216]),
    (HEAD + f"param g = {BIG}.5e-3 * 0; on a {{ phase(g) 0; }} }}", [Code.E0216]),
    (HEAD + f"on a {{ phase(1) {BIG}; }} }}", [Code.E0212]),
    (HEAD + f"on a {{ measure stab({BIG}) -> y; }} }}", [Code.E0212]),
    (f"hrnn m {{ qubits {BIG}; degree 2; }}", [Code.E0204]),
    (f"hrnn m {{ qubits 2; degree {BIG}; }}", [Code.E0205]),
    (HEAD + "on a { phase(1e308 * 10) 0; } }", [Code.E0216]),
])
def test_huge_numbers(text: str, codes: list[Code]) -> None:
    assert run(text)[1] == codes


N = 10_000


@pytest.mark.parametrize(("expr", "ok"), [
    ("(" * N + "1" + ")" * N, True),           # parentheses add no depth
    ("+".join(["1"] * N), False),
    ("-" * N + "1", False),
    ("sin(" * N + "1" + ")" * N, False),
    ("-(" * N + "1" + ")" * N, False),
    ("1" + "*(1" * N + ")" * N, False),
])
def test_ten_thousand_levels_of_nesting(expr: str, ok: bool) -> None:
    model, codes = run(HEAD + f"param a = {expr}; on t {{ phase(a) 0; }} }}")
    assert (model is not None) == ok
    assert codes == ([] if ok else [Code.E0104])


def _five_megabytes_of_model() -> str:
    lines = ["hrnn big {", "  qubits 8;", "  degree 3;", "  param g = 0.5;"]
    pad = "  # " + "padding " * 12
    size, block = sum(map(len, lines)), 0
    while size < 5_000_000:
        body = [f"  on t{block} {{{pad}", f"    phase(g * {block % 7} + 1) {block % 8} {(block + 1) % 8};{pad}",
                f"    measure stab({block % 8}; g: {block % 8} {(block + 5) % 8}) -> y;{pad}",
                f"    measure z {block % 8} -> m; reset {(block + 3) % 8};{pad}", "  }"]
        lines += body
        size += sum(map(len, body)) + len(body)
        block += 1
    return "\n".join([*lines, "}", ""])


def test_five_megabyte_files() -> None:
    text = _five_megabytes_of_model()
    assert len(text.encode()) >= 5_000_000
    source, diagnostics = decode(text.encode(), "big.hrnn")
    assert not diagnostics
    model, diagnostics = parse_source(source)
    assert model is not None and not diagnostics
    # The semantic passes, not the whole of check: the closure pass's cost is not the front end's.
    assert not run_semantic(model).has_errors

    rng = random.Random(5)
    garbage = " ".join(rng.choices(ALPHABET[:-3], k=1_200_000))[:5_000_000]
    for text in (garbage, HEAD + garbage):
        model, codes = run(text)
        assert model is None and codes and all(c.value.startswith("E01") for c in codes)


def test_binary_garbage_is_a_decode_error() -> None:
    rng = random.Random(7)
    for n in (1, 2, 17, 4096):
        data = bytes(rng.randrange(256) for _ in range(n)) + b"\xff"
        source, diagnostics = decode(data, "bin")
        assert [d.code for d in diagnostics] == [Code.E0002]
        assert diagnostics[0].span is not None
    for data in (b"hrnn m { \x00 }", b"\x00" * 100):
        assert [d.code for d in decode(data, "nul")[1]] == [Code.E0002]
    source, diagnostics = decode(b"\xef\xbb\xbf" + HEAD.encode() + b"}", "bom")
    assert not diagnostics and parse_source(source)[0] is not None
    source, diagnostics = decode(b"", "empty")
    assert not diagnostics and [d.code for d in parse_source(source)[1]] == [Code.E0103]


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_any_bytes_end_cleanly(data: bytes) -> None:
    source, diagnostics = decode(data, "bytes")
    if diagnostics:
        assert [d.code for d in diagnostics] == [Code.E0002]
    else:
        run(source.text)


def test_oversized_input_is_refused_before_decoding() -> None:
    source, diagnostics = decode(b" " * (MAX_SOURCE_BYTES + 1), "huge")
    assert [d.code for d in diagnostics] == [Code.E0003] and source.text == ""

"""The Lark front end: IR built from text, spans, precedence, keyword-as-name, syntax errors."""

from __future__ import annotations

import pytest

from hrnnc.diagnostics import Code, ParseFailedError, Source
from hrnnc.frontend import decode, parse_text
from hrnnc.frontend.lower import lower
from hrnnc.frontend.parser import parse_tree
from hrnnc.ir import (
    Basis, BinOp, Call, Cell, Const, Degree, Measure, MeasureStab, Model, Name, Neg, Num, Param, Phase,
    Register, RegisterKind, Reset, Site, StabEdge, Token,
)

CORE_EXAMPLE = """\
hrnn mermin_peres {
  qubits 2;
  degree 2;
  param g = pi;
  const h = g / 2;
  on prep { phase(g) 0 1; }
  on s0   { measure stab(0; g: 0 1) -> y; }
  on x0   { measure stab(0) -> y; }
  on z1   { measure z 1 -> y; }
  on r    { reset 0; reset 1; }
}
"""


def lark_model(text: str) -> Model:
    """The Lark path alone (no fast path), so these tests pin the reference parser."""
    source = Source("<t>", text)
    tree, diagnostics = parse_tree(source)
    assert tree is not None, diagnostics
    model, diagnostics = lower(tree, source)
    assert not diagnostics
    return model


def sites(*indices: int) -> tuple[Site, ...]:
    return tuple(Site(i) for i in indices)


def test_design_example_lowers_to_the_hand_built_model() -> None:
    """Every node of the docs/semantics.md §3 example, built by hand."""
    expected = Model(
        "mermin_peres", Register(RegisterKind.QUBITS, 2), Degree(2),
        (Param("g", Name("pi")), Const("h", BinOp("/", Name("g"), Num(2.0)))),
        (
            Cell((Token("prep"),), (Phase(Name("g"), sites(0, 1)),)),
            Cell((Token("s0"),), (MeasureStab(Site(0), (StabEdge(Name("g"), sites(0, 1)),), "y"),)),
            Cell((Token("x0"),), (MeasureStab(Site(0), (), "y"),)),
            Cell((Token("z1"),), (Measure(Basis.Z, Site(1), "y"),)),
            Cell((Token("r"),), (Reset(Site(0)), Reset(Site(1)))),
        ),
    )
    assert lark_model(CORE_EXAMPLE) == expected
    assert parse_text(CORE_EXAMPLE) == expected


@pytest.mark.parametrize("text, tree", [
    ("1 - 2 - 3", BinOp("-", BinOp("-", Num(1), Num(2)), Num(3))),
    ("1 - (2 - 3)", BinOp("-", Num(1), BinOp("-", Num(2), Num(3)))),
    ("2 * -3", BinOp("*", Num(2), Neg(Num(3)))),
    ("-2 * 3", BinOp("*", Neg(Num(2)), Num(3))),
    ("-(2 * 3)", Neg(BinOp("*", Num(2), Num(3)))),
    ("1 + 2 * 3", BinOp("+", Num(1), BinOp("*", Num(2), Num(3)))),
    ("8 / 4 / 2", BinOp("/", BinOp("/", Num(8), Num(4)), Num(2))),
    ("sin(pi / 2) + e", BinOp("+", Call("sin", BinOp("/", Name("pi"), Num(2))), Name("e"))),
    ("1.5e-3", Num(0.0015)), (".5", Num(0.5)), ("2.", Num(2.0)), ("1E+2", Num(100.0)),
])
def test_expression_precedence_and_literals(text: str, tree: object) -> None:
    """Left-associative + - * /, unary minus binds tighter than *, literals as Python floats."""
    model = lark_model(f"hrnn m {{ qumodes 1; degree 2; param a = {text}; on t {{ phase(a) 0; }} }}")
    assert model.decls[0] == Param("a", tree)  # type: ignore[arg-type]


def test_keywords_are_names_where_a_name_is_expected() -> None:
    """The contextual lexer: 'x', 'z', 'on', 'measure' are ordinary names in name positions."""
    model = lark_model("hrnn on { qubits 2; degree 2; param x = 1; param z = x;"
                       " on z, measure { phase(x) 0; measure x 1 -> z; } }")
    assert model.name == "on"
    assert [d.name for d in model.decls] == ["x", "z"]
    assert model.alphabet == ("z", "measure")
    assert model.cells[0].body == (Phase(Name("x"), sites(0)), Measure(Basis.X, Site(1), "z"))


def test_spans_cover_the_written_text() -> None:
    """Statement spans run from the keyword to ';'; an edge span covers weight and sites."""
    text = "hrnn m {\n  qubits 2; degree 2;\n  on a { measure stab(0; pi / 2: 0 1) -> y; }\n}\n"
    model = lark_model(text)
    stmt = model.cells[0].body[0]
    assert isinstance(stmt, MeasureStab) and stmt.span is not None
    assert text[stmt.span.start:stmt.span.end] == "measure stab(0; pi / 2: 0 1) -> y;"
    assert stmt.span.start_line_col == (3, 10)
    edge = stmt.edges[0]
    assert edge.span is not None and text[edge.span.start:edge.span.end] == "pi / 2: 0 1"
    assert model.cells[0].span is not None
    assert text[model.cells[0].span.start:model.cells[0].span.end].startswith("on a {")


def test_three_syntax_errors_in_one_run() -> None:
    """Recovery blanks the failing statement and goes on; positions stay exact."""
    text = "hrnn m { qubits 2; degree 2;\non a { reset 0 }\non b { phase 1 0; }\non c { measure z 0; } }"
    with pytest.raises(ParseFailedError) as info:
        parse_text(text)
    got = [(d.code, d.span.start_line_col) for d in info.value.diagnostics if d.span]
    assert got == [(Code.E0102, (2, 16)), (Code.E0102, (3, 14)), (Code.E0102, (4, 19))]


@pytest.mark.parametrize("text, code", [
    ("", Code.E0103),
    ("hrnn m { qubits 2; degree 2;", Code.E0103),
    ("hrnn m { qubits 2; degree 2; on a { phase(1) 0 $; } }", Code.E0101),
    ("hrnn { }", Code.E0102),
])
def test_syntax_error_codes(text: str, code: Code) -> None:
    with pytest.raises(ParseFailedError) as info:
        parse_text(text)
    assert info.value.diagnostics[0].code is code


def test_messages_never_show_lark_terminal_names() -> None:
    """Expected-token lists are in the user's words ('a number', "';'"), not NUMBER or SEMICOLON."""
    with pytest.raises(ParseFailedError) as info:
        parse_text("hrnn m { qubits 2; degree 2; on a { phase(1) ; } }")
    message = info.value.diagnostics[0].message
    for internal in ("NUMBER", "SEMICOLON", "LPAR", "RPAR", "$END", "__ANON"):
        assert internal not in message


def test_deep_parentheses_alone_add_no_depth() -> None:
    """Parentheses build no node: 10,000 of them around a number are just the number."""
    depth = 10_000
    model = parse_text(f"hrnn m {{ qumodes 1; degree 1; on a {{ phase({'(' * depth}1{')' * depth}) 0; }} }}")
    assert model.cells[0].body[0] == Phase(Num(1.0), sites(0))


@pytest.mark.parametrize("angle", [
    "-(" * 10_000 + "1" + ")" * 10_000,
    "1" + " + 1" * 10_000,
    "-" * 10_000 + "1",
])
def test_deep_expressions_are_a_diagnostic_not_a_recursion_error(angle: str) -> None:
    with pytest.raises(ParseFailedError) as info:
        parse_text(f"hrnn m {{ qumodes 1; degree 1; on a {{ phase({angle}) 0; }} }}")
    assert [d.code for d in info.value.diagnostics] == [Code.E0104]


@pytest.mark.parametrize("data, offset", [
    (b"\xff\xfe garbage", 0),
    (b"hrnn m { qubits 1;\x00 }", 18),
    ("hrnn \u00e9 {".encode() + b"\xc3", 8),
])
def test_undecodable_bytes_are_reported_at_their_offset(data: bytes, offset: int) -> None:
    """Invalid UTF-8 and NUL bytes: E0002 pointing at the offending character."""
    _, diagnostics = decode(data, "bin")
    assert [d.code for d in diagnostics] == [Code.E0002]
    assert diagnostics[0].span is not None and diagnostics[0].span.start == offset


@pytest.mark.parametrize("text, where", [
    ("hrnn m { qubits 2; degree3; }", "degree3"),
    ("hrnn m { qubits 2; degree 2; on a { measure z0 -> y; } }", "z0"),
    ("hrnn m { qubits 2; degree 2; on a { reset0; } }", "reset0"),
    ("hrnnm { qubits 2; degree 2; }", "hrnnm"),
])
def test_keywords_are_whole_words(text: str, where: str) -> None:
    """A keyword followed by a name character is a different word (regression: 'degree3' read as 'degree 3')."""
    with pytest.raises(ParseFailedError) as info:
        lark_model_or_raise(text)
    first = info.value.diagnostics[0]
    assert first.code is Code.E0102 and first.span is not None
    assert text[first.span.start:first.span.end] == where


@pytest.mark.parametrize("digits", ["\u0663", "\u0662", "\uff12", "\u00b2"])
def test_only_ascii_digits_are_numbers(digits: str) -> None:
    """Regression: NUMBER used \\d, which admits every Unicode digit ('qubits ٣;' was 3 qubits)."""
    with pytest.raises(ParseFailedError) as info:
        lark_model_or_raise(f"hrnn m {{ qubits {digits}; degree 1; }}")
    assert info.value.diagnostics[0].code is Code.E0101


def lark_model_or_raise(text: str) -> Model:
    source = Source("<t>", text)
    tree, diagnostics = parse_tree(source)
    if tree is None:
        raise ParseFailedError(diagnostics)
    model, diagnostics = lower(tree, source)
    return model


def full_reparse_diagnostics(text: str) -> list[tuple[str, int, int, str]]:
    """The recovery loop's definition, re-parsing the whole blanked text after every error."""
    from hrnnc.grammar.hrnn_parser import UnexpectedInput

    from hrnnc.frontend.parser import _COMMENT, MAX_SYNTAX_ERRORS, _blank, lark_parser, recovery_region, syntax_diagnostic

    source = Source("<t>", text)
    work = _COMMENT.sub(lambda m: " " * len(m.group()), text)
    found = []
    while len(found) < MAX_SYNTAX_ERRORS:
        try:
            lark_parser().parse(work)
            break
        except UnexpectedInput as exc:
            diag = syntax_diagnostic(exc, source)
            found.append((diag.code.value, diag.span.start, diag.span.end, diag.message))
            if diag.code is Code.E0103:
                break
            token = getattr(exc, "token", None)
            pos = token.start_pos if token is not None and token.start_pos is not None else exc.pos_in_stream
            region = recovery_region(work, pos)
            if region is None:
                break
            work = _blank(work, *region)
    return found


def recovered_diagnostics(text: str) -> list[tuple[str, int, int, str]]:
    _, diags = parse_tree(Source("<t>", text))
    return [(d.code.value, d.span.start, d.span.end, d.message) for d in diags if d.span is not None]


BROKEN = [
    "hrnn m { qubits 2; degree 2;\non a { reset 0 }\non b { phase 1 0; }\non c { measure z 0; } }",
    "hrnn m { qubits 2 degree 2; param g = ; const h = g +; on a { phase(g) ; reset 0; } on b c { } }",
    "hrnn m{qubits 2;degree 2;on a{measure stab(0; 1 0 1) -> y; measure q 0;}on b{{reset 0;}} ;}",
    "hrnn m { qubits 2; degree 2; on a { phase(1) 0 1; } } trailing",
    "hrnn m { on a { $ } on b { phase(1) 0 # c\n; } }",
]


@pytest.mark.parametrize("text", BROKEN)
def test_resumed_recovery_finds_what_full_reparsing_finds(text: str) -> None:
    """Resuming after the blanked statement is only an optimisation: same diagnostics, same spans."""
    assert recovered_diagnostics(text) == full_reparse_diagnostics(text)


def test_resumed_recovery_agrees_on_mutated_examples() -> None:
    """Deterministic mutations of every example (token deletions): identical diagnostics both ways."""
    import random
    from pathlib import Path

    rng = random.Random(7)
    checked = 0
    examples = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.hrnn"))
    for path in examples:
        words = path.read_text().split(" ")
        for _ in range(25):
            mutated = list(words)
            for _ in range(rng.randint(1, 4)):
                del mutated[rng.randrange(len(mutated))]
            text = " ".join(mutated)
            assert recovered_diagnostics(text) == full_reparse_diagnostics(text)
            checked += 1
    assert checked == 25 * len(examples) >= 100

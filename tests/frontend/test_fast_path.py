"""The fast path agrees with the Lark path: same IR and same spans, or it defers (None).

The Lark path here is ``parse_tree`` + ``lower`` called directly, so these tests compare the
two parsers rather than ``parse_source`` with itself.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrnnc.diagnostics import Diagnostic, Source, Span
from hrnnc.frontend import parse_source
from hrnnc.frontend.fast import fast_parse, tokenize
from hrnnc.frontend.lower import lower
from hrnnc.frontend.parser import parse_tree
from hrnnc.ir import MAX_EXPR_DEPTH, Model

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted([*ROOT.glob("examples/*.hrnn"), *ROOT.glob("tests/data/*/*.hrnn")])

KEYWORDS = ["hrnn", "qubits", "qumodes", "degree", "param", "const", "on", "phase", "shift", "measure",
            "stab", "reset", "z", "x", "q", "p"]
"""Every word the grammar uses as a keyword somewhere; each is a name everywhere else."""


# -- helpers ---------------------------------------------------------------------------------


def lark_path(source: Source) -> tuple[Model | None, list[Diagnostic]]:
    """The reference: Lark parse + lowering; None when either reports an error."""
    tree, diagnostics = parse_tree(source)
    if tree is None:
        return None, diagnostics
    model, diagnostics = lower(tree, source)
    return (None if any(d.is_error for d in diagnostics) else model), diagnostics


def node_spans(node: Any) -> Iterator[tuple[str, Span | None]]:
    """(label, span) of every IR node, depth first, without recursion.

    A node's own span is labelled with its type; a span it holds besides (``TMeasure.output_span``,
    ``TDecl.name_span`` in a template) follows it, labelled ``Type.field``.
    """
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            stack.extend(reversed(item))
        elif dataclasses.is_dataclass(item):
            kind = type(item).__name__
            yield kind, item.span  # type: ignore[attr-defined]
            children = []
            for f in dataclasses.fields(item):
                value = getattr(item, f.name)
                if isinstance(value, Span):
                    if f.name != "span":
                        yield f"{kind}.{f.name}", value
                else:
                    children.append(value)
            stack.extend(reversed(children))


def spans(node: Any) -> list[tuple[str, int | None, int | None]]:
    """(label, span start, span end) of every span in the IR (``node_spans``); each has a source."""
    found = []
    for label, span in node_spans(node):
        assert span is None or span.source is not None
        found.append((label, span and span.start, span and span.end))
    return found


def assert_agree(text: str, *, must_accept: bool = False) -> Model | None:
    """Fast path and Lark path give equal models with equal spans, or the fast path defers."""
    source = Source("<t>", text)
    reference, diagnostics = lark_path(source)
    fast = fast_parse(source)
    if must_accept:
        assert fast is not None, f"fast path deferred on valid input: {text!r} ({diagnostics})"
    if fast is None:
        return None
    assert reference is not None, f"fast path accepted what the Lark path rejects: {text!r} {diagnostics}"
    assert fast == reference
    assert spans(fast) == spans(reference)
    assert all(s.source is source for s in _all_spans(fast))
    return fast


def _all_spans(model: Model) -> list[Span]:
    return [span for _, span in node_spans(model) if span is not None]


# -- generated valid models, as token lists ---------------------------------------------------------
#
# Plain Python over a random source: hypothesis supplies the source (``st.randoms``, which it can
# shrink, or a seed, which is cheap), so a thousand examples cost a second, not a minute.

NAMES = [*KEYWORDS, "pi", "e", "sin", "cos", "exp", "sqrt", "tan", "_", "a1", "B_2", "g", "yy", "_0x"]
NUMBERS = ["0", "1", "007", "1.", ".5", "2.50", "1e3", "1E+3", "1.5e-3", "0.0", "1e308", "12", "0.25",
           "123456789012345678901234567890", "3.141592653589793"]
SITES = ["0", "1", "2", "3", "5", "9", "17", "63", "00", "007", "999999999"]
POSITIVES = ["1", "2", "3", "4", "8", "64", "01", "999999999"]


def _name(rng: Any) -> str:
    return rng.choice(NAMES)


def _number(rng: Any) -> str:
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(NUMBERS)
    if roll < 0.8:
        return str(rng.randint(0, 10**6))
    return repr(rng.random() * 10 ** rng.randint(-3, 6))


def _expr(rng: Any, budget: int = 6) -> list[str]:
    roll = rng.random()
    if budget <= 0 or roll < 0.4:
        return [_number(rng) if rng.random() < 0.5 else _name(rng)]
    if roll < 0.7:
        return [*_expr(rng, budget // 2), rng.choice("+-*/"), *_expr(rng, budget // 2)]
    if roll < 0.8:
        return ["-", *_expr(rng, budget - 1)]
    if roll < 0.9:
        return ["(", *_expr(rng, budget - 1), ")"]
    return [_name(rng), "(", *_expr(rng, budget - 1), ")"]


def _sites(rng: Any) -> list[str]:
    return [rng.choice(SITES) for _ in range(rng.randint(1, 4))]


def _statement(rng: Any) -> list[str]:
    roll = rng.random()
    if roll < 0.35:
        return ["phase", "(", *_expr(rng), ")", *_sites(rng), ";"]
    if roll < 0.45:
        return ["shift", "(", *_expr(rng), ")", rng.choice(SITES), ";"]
    if roll < 0.7:
        edges: list[str] = []
        for i in range(rng.randint(0, 3)):
            edges += [*([","] if i else []), *_expr(rng), ":", *_sites(rng)]
        inner = [rng.choice(SITES), *([";", *edges] if edges else [])]
        return ["measure", "stab", "(", *inner, ")", "->", _name(rng), ";"]
    if roll < 0.85:
        return ["measure", rng.choice("zxqp"), rng.choice(SITES), "->", _name(rng), ";"]
    return ["reset", rng.choice(SITES), ";"]


def _item(rng: Any) -> list[str]:
    if rng.random() < 0.35:
        return [rng.choice(["param", "const"]), _name(rng), "=", *_expr(rng), ";"]
    tokens: list[str] = []
    for i in range(rng.randint(1, 3)):
        tokens += [*([","] if i else []), _name(rng)]
    body = [tok for _ in range(rng.randint(0, 4)) for tok in _statement(rng)]
    return ["on", *tokens, "{", *body, "}"]


def model_tokens(rng: Any) -> list[str]:
    """The tokens of a random valid model: every construct, keywords as names, odd numbers."""
    items = [_item(rng) for _ in range(rng.randint(0, 5))]
    items.insert(rng.randint(0, len(items)), [rng.choice(["qubits", "qumodes"]), rng.choice(POSITIVES), ";"])
    items.insert(rng.randint(0, len(items)), ["degree", rng.choice(POSITIVES), ";"])
    return ["hrnn", _name(rng), "{", *[tok for item in items for tok in item], "}"]


BLANKS = [" ", "  ", "\t", "\n", "\r\n", "\f", " \t\r\n ", "\n\n\t"]
COMMENTS = ["#\n", "# α(prep) = {0,1}; -> é\r\n", "#phase(1) 0;\n", "##\t#\n"]


def _glue(left: str, right: str) -> bool:
    """Two tokens that would run together without a space between them."""
    wordy = lambda c: c.isalnum() or c in "_."  # noqa: E731
    return wordy(left[-1]) and wordy(right[0]) or (left == "-" and right.startswith(">"))


def _separator(rng: Any) -> str:
    roll = rng.random()
    if roll < 0.4:
        return ""
    if roll < 0.85:
        return rng.choice(BLANKS)
    return rng.choice(BLANKS[:3]) + rng.choice(COMMENTS) + rng.choice(["", "\t"])


def layout(tokens: list[str], rng: Any) -> str:
    """The tokens joined by random whitespace and comments (at least a space where needed)."""
    out = [_separator(rng)]
    for i, tok in enumerate(tokens):
        out.append(tok)
        sep = _separator(rng)
        if i + 1 < len(tokens) and not sep and _glue(tok, tokens[i + 1]):
            sep = " "
        out.append(sep)
    return "".join(out)


def valid_text(rng: Any) -> str:
    return layout(model_tokens(rng), rng)


shrinkable_randoms = st.randoms(use_true_random=False)
seeded_randoms = st.integers(0, 2**32).map(random.Random)


# -- agreement on valid input ------------------------------------------------------------------


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(shrinkable_randoms)
def test_fast_path_builds_the_lark_model_with_identical_spans(rng: Any) -> None:
    assert_agree(valid_text(rng), must_accept=True)


@settings(max_examples=1000)
@given(seeded_randoms)
def test_many_seeded_models_agree(rng: random.Random) -> None:
    assert_agree(valid_text(rng), must_accept=True)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_agree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    reference, _ = lark_path(Source("<t>", text))
    looped = reference is not None and reference.template is not None  # loops are the Lark path's (#11)
    # tests/data/fuzz holds deliberately odd (BOM, CRLF …) inputs: agreement only, deferral allowed.
    model = assert_agree(text, must_accept=path.parent.name in ("ok", "examples") and not looped)
    if (path.parent.name == "ok" or path.parent.name == "examples") and not looped:
        assert model is not None


@pytest.mark.parametrize("text", [
    # keywords are names where a name is expected
    "hrnn on { qubits 1; degree 1; param x = 1; param z = x; const q = z; const p = q;"
    " on z, x, q, p, on, hrnn, measure, stab { phase(x) 0; phase(phase) 0; measure x 0 -> x; } }",
    "hrnn qubits { qumodes 2; degree 1; on shift { shift(shift * reset) 1; measure q 0 -> degree; } }",
    "hrnn hrnn { degree 2; qubits 2; on param { measure stab(0; stab: 0 1, const: 0) -> measure; } }",
    # comments everywhere, CRLF, tabs, form feeds
    "# head\r\nhrnn m#c\r\n{#c\r\n\tqubits#c\n2#c\n;degree\t2;on\fa{phase(#c\n1#c\n)0#c\n 1;}}#tail",
    "hrnn m {\r\n\tqubits 2;\r\n\tdegree 2;\r\n\ton a {\r\n\t\tmeasure z 1 -> y; # done\r\n\t}\r\n}\r\n",
    "hrnn m { qubits 2; degree 2; on a { } } # a comment at the very end, no newline",
    # numbers and sites in every spelling the grammar takes
    "hrnn m { qubits 2; degree 2; param a = 1. + .5 + 1e3 + 1E-3 + 007 + 1.7e308; on a { phase(a) 00 01; } }",
    # spans of parentheses: the node excludes them, the parent includes them
    "hrnn m { qubits 2; degree 2; param a = ((1)) * -((2)) - sin((3)); on a {"
    " measure stab(0; ((a)): 0, -(a) * (2): 0 1) -> y; phase(((a + 1)) / (2)) 1; } }",
    # unknown functions, reserved and repeated names: lowering takes them (the passes report)
    "hrnn m { qubits 1; degree 1; param pi = tan(1); param pi = 2; on a, a { phase(sin) 0; } }",
    # no decls, empty cells, a cell with many tokens
    "hrnn m { qubits 1; degree 1; on a {} on b, c, d {} }",
])
def test_edge_cases_agree(text: str) -> None:
    assert_agree(text, must_accept=True)


@pytest.mark.parametrize("literal", ["1e999", "1e309", "99999e305", "1" * 400])
def test_overflowing_literal_is_left_to_the_lark_path(literal: str) -> None:
    """A literal beyond 1.8e308 (the largest double) is E0216 where it is written; the fast path
    defers so that the Lark path reports it with its span."""
    text = f"hrnn m {{ qubits 1; degree 1; param a = {literal}; }}"
    source = Source("<t>", text)
    assert fast_parse(source) is None
    model, diagnostics = lark_path(source)
    assert model is None
    assert [(d.code.value, d.span.start, d.span.end) for d in diagnostics] == \
        [("E0216", text.index(literal), text.index(literal) + len(literal))]


def test_deep_but_legal_expressions_agree() -> None:
    """Depth exactly MAX_EXPR_DEPTH is legal; nesting of parentheses adds no depth."""
    negs = "-" * (MAX_EXPR_DEPTH - 1) + "1"
    chain = "+".join(["1"] * MAX_EXPR_DEPTH)
    calls = "sin(" * (MAX_EXPR_DEPTH - 1) + "1" + ")" * (MAX_EXPR_DEPTH - 1)
    for expr in (negs, chain, calls, "(" * 90 + "1" + ")" * 90):
        assert_agree(f"hrnn m {{ qubits 1; degree 1; param a = {expr}; }}", must_accept=True)


# -- the fast path defers whenever the Lark path reports anything --------------------------------


@pytest.mark.parametrize("text", [
    "",
    "   # only a comment",
    "hrnn m { qubits 2; degree 2; }}",
    "hrnn m { qubits 2; degree 2; } extra",
    "hrnn m { qubits 2; }",
    "hrnn m { degree 2; }",
    "hrnn m { qubits 2; qubits 3; degree 2; }",
    "hrnn m { qubits 2; degree 2; degree 2; }",
    "hrnn m { qubits 0; degree 2; }",
    "hrnn m { qubits 2; degree 0; }",
    "hrnn m { qubits 2.0; degree 2; }",
    "hrnn m { qubits 1e3; degree 2; }",
    "hrnn m { qubits 1234567890; degree 2; }",
    "hrnn m { qubits 2; degree 2; on a { phase(1) 1234567890; } }",
    "hrnn m { qubits 2; degree 2; on a { phase(1) 1.5; } }",
    "hrnn m { qubits 2; degree 2; on a { reset 1e0; } }",
    "hrnn m { qubits 2; degree 2; on a { phase(1); } }",
    "hrnn m { qubits 2; degree 2; on a { phase 1 0; } }",
    "hrnn m { qubits 2; degree 2; on a { measure stab(0;) -> y; } }",
    "hrnn m { qubits 2; degree 2; on a { measure stab(0; 1:) -> y; } }",
    "hrnn m { qubits 2; degree 2; on a { measure y 0 -> y; } }",
    "hrnn m { qubits 2; degree 2; on a { measure z 0 -> 1; } }",
    "hrnn m { qubits 2; degree 2; on a { reset 0 } }",
    "hrnn m { qubits 2; degree 2; on { reset 0; } }",
    "hrnn m { qubits 2; degree 2; on a, { reset 0; } }",
    "hrnn m { qubits 2; degree 2; param a = ; }",
    "hrnn m { qubits 2; degree 2; param a = (1; }",
    "hrnn m { qubits 2; degree 2; param a = 1); }",
    "hrnn m { qubits 2; degree 2; param a = 1 2; }",
    "hrnn m { qubits 2; degree 2; param a = 1 +; }",
    "hrnn m { qubits 2; degree 2; param a = sin(); }",
    "hrnn m { qubits 2; degree 2; param a = 1..2; }",
    "hrnn m { qubits 2; degree 2; param a = 1 -> 2; }",
    "hrnn m { qubits 2; degree 2; param a = 1 $ 2; }",
    "hrnn m { qubits 2; degree\v2; }",
    "hrnn m { qubits 2; degree 2; param a = 1; } \x00",
    "hrnn m { qubits 2; degree 2; param é = 1; }",
    "hrnn m { qubits 2; degree 2; param a = " + "-" * MAX_EXPR_DEPTH + "1; }",
    "hrnn m { qubits 2; degree 2; param a = " + "+".join(["1"] * (MAX_EXPR_DEPTH + 1)) + "; }",
    "hrnn m { qubits 2; degree 2; param a = " + "sin(" * MAX_EXPR_DEPTH + "1" + ")" * MAX_EXPR_DEPTH + "; }",
])
def test_fast_path_defers_on_every_error(text: str) -> None:
    source = Source("<t>", text)
    reference, diagnostics = lark_path(source)
    assert reference is None and diagnostics
    assert fast_parse(source) is None
    model, final = parse_source(source)
    assert model is None and [d.code for d in final] == [d.code for d in diagnostics]


@pytest.mark.parametrize("text", [
    "hrnn m { qubits2; degree3; on a { reset 0; } }",         # keywords are whole words in both paths
    "hrnnm { qubits 2; degree 2; }",
    "hrnn m { qubits 2; degree 2; on a { measurez 0 -> y; } }",
])
def test_glued_keywords_are_errors_in_both_paths(text: str) -> None:
    """Regression: Lark's contextual lexer once split 'degree3' into 'degree 3'."""
    source = Source("<t>", text)
    reference, diagnostics = lark_path(source)
    assert reference is None and [d.code.value for d in diagnostics][:1] == ["E0102"]
    assert fast_parse(source) is None


@pytest.mark.parametrize("text", [
    "hrnn m { qubits 2; degree 2; on a { phase(1)0 1; } }",   # a number right after ')' is fine
    "hrnn m { qubits 2; degree 2; param a = " + "(" * 150 + "1" + ")" * 150 + "; }",  # deeper than the fast path nests
])
def test_rare_valid_forms_go_to_the_lark_path(text: str) -> None:
    """Valid text the fast path leaves to Lark still parses, to the Lark path's model."""
    source = Source("<t>", text)
    reference, diagnostics = lark_path(source)
    assert reference is not None, diagnostics
    assert_agree(text)
    model, final = parse_source(source)
    assert model == reference and spans(model) == spans(reference) and not final


@pytest.mark.parametrize("text", [
    "hrnn m { qubits 2; degree 2; param a = \u0661; }",      # Arabic-Indic digits match the grammar's \\d
    "hrnn m { qubits \u0662; degree 2; on a { phase(1) \u0660; } }",
])
def test_non_ascii_digits_go_to_the_lark_path(text: str) -> None:
    """The scanner takes ASCII digits only; whatever the Lark path decides is the answer."""
    source = Source("<t>", text)
    reference, diagnostics = lark_path(source)
    assert fast_parse(source) is None
    model, final = parse_source(source)
    assert model == reference and [d.code for d in final] == [d.code for d in diagnostics]


# -- mutations: whenever the Lark path reports, the fast path defers ---------------------------------


MUTATION_POOL = [*KEYWORDS, "(", ")", "{", "}", ";", ",", ":", "->", "-", "+", "*", "/", "=", "0", "1.5", "a",
                 "#", ".", "1e", "$", "1234567890"]


def mutated_text(rng: Any) -> str:
    """A valid model's tokens after one to three deletions, insertions, swaps, duplications."""
    tokens = model_tokens(rng)
    for _ in range(rng.randint(1, 3)):
        if not tokens:
            break
        i = rng.randrange(len(tokens))
        action = rng.choice(["delete", "insert", "swap", "duplicate", "replace"])
        if action == "delete":
            del tokens[i]
        elif action == "insert":
            tokens.insert(i, rng.choice(MUTATION_POOL))
        elif action == "swap" and i + 1 < len(tokens):
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
        elif action == "duplicate":
            tokens.insert(i, tokens[i])
        elif action == "replace":
            tokens[i] = rng.choice(MUTATION_POOL)
    return layout(tokens, rng)


def check_mutant(text: str) -> None:
    source = Source("<t>", text)
    reference, diagnostics = lark_path(source)
    fast = fast_parse(source)
    if diagnostics:
        assert fast is None, f"fast path accepted {text!r}; Lark says {diagnostics}"
    if fast is not None:
        assert fast == reference and spans(fast) == spans(reference)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(shrinkable_randoms)
def test_mutated_input_agrees_or_defers(rng: Any) -> None:
    check_mutant(mutated_text(rng))


@settings(max_examples=1000)
@given(seeded_randoms)
def test_many_seeded_mutants_agree_or_defer(rng: random.Random) -> None:
    check_mutant(mutated_text(rng))


# -- the scanner ---------------------------------------------------------------------------------


def test_tokenize_offsets_point_at_the_tokens() -> None:
    text = "hrnn m#x\r\n{\tqubits 2; param a=-1.5e3*.5; on a { measure stab(0; 1: 0) -> y; } }"
    toks, starts = tokenize(text)
    assert toks[-1] == "" and starts[-1] == len(text)
    real = [(t, s) for t, s in zip(toks, starts) if t]
    assert all(text[s:s + len(t)] == t for t, s in real)
    assert [t for t, _ in real][:8] == ["hrnn", "m", "{", "qubits", "2", ";", "param", "a"]
    assert "1.5e3" in toks and ".5" in toks and "->" in toks and "x" not in toks


def test_collector_state_is_restored() -> None:
    """fast_parse turns cyclic GC off while parsing; it leaves it as it found it, frozen nothing."""
    import gc

    text = "hrnn m { qubits 1; degree 1; on a { reset 0; } }"
    assert gc.isenabled()
    for enabled in (True, False):
        if not enabled:
            gc.disable()
        try:
            assert fast_parse(Source("<t>", text)) is not None
            assert fast_parse(Source("<t>", "hrnn m {")) is None
            assert gc.isenabled() == enabled and gc.get_freeze_count() == 0
        finally:
            gc.enable()


def test_spans_lists_the_spans_a_template_node_holds_besides_its_own() -> None:
    """A measurement in a template holds its output name's span as well; models compare equal
    whatever their spans, so ``spans`` must list it for a wrong one to be caught."""
    text = "hrnn m { qubits 2; degree 2; on a { measure z (1) -> y; } }"
    model, diagnostics = lark_path(Source("<t>", text))
    assert diagnostics == [] and model is not None and model.template is not None
    found = spans(model)
    outputs = [(label, text[start:end]) for label, start, end in found if label.endswith(".output_span")]
    assert outputs == [("TMeasure.output_span", "y")]
    cell = model.template.items[-1]
    measure = cell.body[0]
    shifted = dataclasses.replace(measure.output_span, start=measure.output_span.start - 1)
    cell = dataclasses.replace(cell, body=(dataclasses.replace(measure, output_span=shifted),))
    other = dataclasses.replace(model, template=dataclasses.replace(model.template,
                                                                    items=(*model.template.items[:-1], cell)))
    assert other == model and spans(other) != found

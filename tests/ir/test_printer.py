"""The canonical printer and JSON: parse(print(m)) == m, print is idempotent, JSON round-trips exactly."""

from __future__ import annotations

from hypothesis import given, settings
from strategies import models

from hrnnc.frontend import parse_text
from hrnnc.ir import BinOp, Model, Name, Neg, Num, format_number, from_json, print_expr, print_model, to_json


@settings(max_examples=300)
@given(models())
def test_print_then_parse_is_the_identity(model: Model) -> None:
    assert parse_text(print_model(model)) == model


@settings(max_examples=150)
@given(models())
def test_printing_is_idempotent(model: Model) -> None:
    text = print_model(model)
    assert print_model(parse_text(text)) == text


@settings(max_examples=300)
@given(models())
def test_json_round_trip_is_exact(model: Model) -> None:
    assert from_json(to_json(model)) == model


def test_expression_printing_uses_the_fewest_parentheses() -> None:
    """Hand-checked canonical forms of trees whose shape needs (or does not need) parentheses."""
    one, two, three = Num(1.0), Num(2.0), Num(3.0)
    assert print_expr(BinOp("-", one, BinOp("-", two, three))) == "1 - (2 - 3)"
    assert print_expr(BinOp("-", BinOp("-", one, two), three)) == "1 - 2 - 3"
    assert print_expr(BinOp("*", BinOp("+", one, two), three)) == "(1 + 2) * 3"
    assert print_expr(Neg(BinOp("*", two, three))) == "-(2 * 3)"
    assert print_expr(BinOp("*", two, Neg(three))) == "2 * -3"
    assert print_expr(Neg(Neg(Name("g")))) == "--g"


def test_numbers_print_shortest_round_trip_text() -> None:
    assert [format_number(v) for v in (2.0, 0.1, 1e22, 2.5e-10, 9007199254740993.0)] == \
        ["2", "0.1", "1e+22", "2.5e-10", "9007199254740992.0"]


def test_spans_survive_json_when_the_source_is_given() -> None:
    from hrnnc.diagnostics import Source
    from hrnnc.frontend import parse_source

    source = Source("m.hrnn", "hrnn m { qubits 2; degree 2; on a { phase(1) 0 1; } }")
    model, _ = parse_source(source)
    assert model is not None
    again = from_json(to_json(model), source)
    assert again.cells[0].body[0].span == model.cells[0].body[0].span

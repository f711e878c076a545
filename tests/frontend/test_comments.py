"""The formatter keeps every comment, stays idempotent, and comments never change the model."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import models

from hrnnc.diagnostics import Source
from hrnnc.frontend import parse_source
from hrnnc.frontend.comments import attach_comments, count_comments
from hrnnc.ir import Model, print_model


def fmt(text: str) -> str:
    source = Source("<t>", text)
    model, diagnostics = parse_source(source)
    assert model is not None, diagnostics
    return print_model(model, attach_comments(model, source))


@settings(max_examples=150)
@given(models(), st.data())
def test_comments_survive_formatting_and_formatting_is_idempotent(model: Model, data: st.DataObject) -> None:
    lines = print_model(model).splitlines()
    commented = []
    for i, line in enumerate(lines):
        where = data.draw(st.sampled_from(["none", "own", "end"]), label=f"line {i}")
        if where == "own":
            commented.append(f"# note {i}")
        commented.append(f"{line}  # end {i}" if where == "end" else line)
    text = "\n".join(commented) + "\n"
    once = fmt(text)
    assert count_comments(once) == count_comments(text)
    assert fmt(once) == once
    again, _ = parse_source(Source("<t>", once))
    assert again == model


def test_design_example_comments_stay_with_their_lines() -> None:
    text = ("# header\nhrnn m {\n  qubits 2;  # register\n  degree 2;\n  # about prep\n"
            "  on prep { phase(pi) 0 1; }  # the edge\n  # trailing remark\n}\n# after\n")
    assert fmt(text) == (
        "# header\nhrnn m {\n  qubits 2;  # register\n  degree 2;\n\n  # about prep\n  on prep {\n"
        "    phase(pi) 0 1;  # the edge\n  }\n  # trailing remark\n}\n# after\n")

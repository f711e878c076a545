"""Compile-time loops, generated names and indexed params (issue #11).

Each looped model is compared with flat text written out independently (by ``itertools`` in
the test), the unrolled sizes with binomial counts, and the diagnostics with hand-located
line, column and iteration.
"""

from __future__ import annotations

import math
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrnnc.diagnostics import Code, ParseFailedError, render
from hrnnc.frontend import parse_text
from hrnnc.ir import from_json, print_model, to_json
from hrnnc.passes import PassManager
from hrnnc.passes.pipelines import semantic_passes

ROOT = Path(__file__).resolve().parents[2]
HSMT = ROOT / "examples" / "language" / "hsmt_n8_k3.hrnn"


def hsmt_flat(n: int, k: int) -> str:
    """The HSMT model of docs/semantics.md §11 written out cell by cell."""
    lines = [f"hrnn hsmt_n{n}_k{k} {{", f"  qubits {n};", f"  degree {k};"]
    for size in range(1, k + 1):
        for edge in combinations(range(n), size):
            name = "w" + "_".join(map(str, edge))
            lines.append(f"  on {name}(x) {{ phase(x) {' '.join(map(str, edge))}; }}")
    for v in range(n):
        lines.append(f"  on x{v} {{ measure x {v} -> y; }}")
        lines.append(f"  on z{v} {{ measure z {v} -> y; }}")
    return "\n".join(lines + ["}"]) + "\n"


def errors(text: str) -> list:
    """Front-end diagnostics, else the semantic passes' diagnostics."""
    try:
        model = parse_text(text)
    except ParseFailedError as exc:
        return list(exc.diagnostics)
    _, props = PassManager(semantic_passes(), stop_on_error=False).run(model)
    return list(props.diagnostics)


def where(diag) -> tuple:
    return (diag.code, *diag.span.start_line_col, diag.span.iteration)


def test_hsmt_example_is_short_and_equals_its_flat_text():
    text = HSMT.read_text()
    assert len(text.splitlines()) <= 15
    model = parse_text(text)
    assert model == parse_text(hsmt_flat(8, 3))
    edges = sum(math.comb(8, j) for j in (1, 2, 3))
    assert len(model.cells) == edges + 16 == 108
    assert model.cell_for("w1_4_6").body[0].indices == (1, 4, 6)


def test_fmt_keeps_loops_and_round_trips():
    model = parse_text(HSMT.read_text())
    text = print_model(model)
    assert text == HSMT.read_text().split("\n", 1)[1]  # canonical (print_model without comments)
    assert "for edge in subsets([0:7], k)" in text and "w0_1" not in text
    assert parse_text(text) == model
    assert print_model(parse_text(text)) == text


def test_json_is_the_unrolled_ir():
    model = parse_text(HSMT.read_text())
    again = from_json(to_json(model))
    assert again == model and again.template is None
    assert parse_text(print_model(again)) == model


def test_destructured_subsets_and_statement_loops():
    text = """hrnn m {
  qubits 4;
  degree 2;
  for i in [0:3] { param g[i] = 0.5 * i; }
  for (i, j) in subsets([0:3], 2) { on c{i}_{j} { phase(g[i] + g[j]) i j; } }
  on chain { for i in [0:2] { phase(g[i]) i (i + 1); } measure stab(0; g[1]: 0 1) -> y; }
}
"""
    flat = ["hrnn m {", "  qubits 4;", "  degree 2;"]
    flat += [f"  param g[{i}] = 0.5 * {i};" for i in range(4)]
    flat += [f"  on c{i}_{j} {{ phase(g[{i}] + g[{j}]) {i} {j}; }}" for i, j in combinations(range(4), 2)]
    flat += ["  on chain { " + " ".join(f"phase(g[{i}]) {i} {i + 1};" for i in range(3))
             + " measure stab(0; g[1]: 0 1) -> y; }", "}"]
    model = parse_text(text)
    assert model == parse_text("\n".join(flat))
    assert [p.name for p in model.params] == ["g[0]", "g[1]", "g[2]", "g[3]"]
    assert errors(text) == []
    assert parse_text(print_model(model)) == model


def test_bounds_may_use_enclosing_variables():
    """Σ_{i=0}^{4} (5 − i) = 15 cells for j in [i:4]."""
    model = parse_text("hrnn m { qubits 5; degree 2; for i in [0:4] { for j in [i:4] { on t{i}_{j} { } } } }")
    assert len(model.cells) == 15
    assert model.cells[-1].tokens[0].name == "t4_4"


def test_site_out_of_range_names_the_iteration():
    text = "hrnn m {\n  qubits 4;\n  degree 2;\n  for i in [0:3] { on t{i} { phase(1) i (i + 1); } }\n}\n"
    (diag,) = errors(text)
    assert where(diag) == (Code.E0211, 4, 41, "i = 3")  # the site "(i + 1)", brackets included
    assert "(in iteration i = 3)" in render(diag).splitlines()[0]


def test_two_iterations_making_one_token_are_named():
    text = "hrnn m {\n  qubits 2;\n  degree 2;\n  for (i, j) in subsets([0:2], 2) { on t{i} { } }\n}\n"
    found = [d for d in errors(text) if d.code is Code.E0210]
    assert len(found) == 1  # t0 from {0,1} and {0,2}
    assert found[0].span.iteration == "i = 0, j = 2"
    assert found[0].notes[0].span.iteration == "i = 0, j = 1"
    shown = render(found[0])
    assert "(in iteration i = 0, j = 2)" in shown and "(in iteration i = 0, j = 1)" in shown


@pytest.mark.parametrize("bound, fragment", [
    ("[0:2.5]", "whole number, not 2.5"),
    ("[0 - 1:3]", "must lie in [0, 2147483648), not -1"),
    ("[0:1e12]", "not 1000000000000"),
    ("[0:g]", "'g' is not a loop variable here"),
])
def test_bad_bounds(bound, fragment):
    text = f"hrnn m {{\n  qubits 2;\n  degree 2;\n  param g = 1;\n  for i in {bound} {{ on t{{i}} {{ }} }}\n}}\n"
    (diag,) = [d for d in errors(text) if d.is_error]
    assert diag.code is Code.E0226 and fragment in diag.message
    assert diag.span.start_line_col[0] == 5


def test_huge_unrolling_is_refused_before_building():
    text = "hrnn m { qubits 2; degree 2; for i in [0:99999] { for j in [0:99999] { on t{i}_{j} { } } } }"
    (diag,) = errors(text)
    assert diag.code is Code.E0228 and "10,000,000" in diag.message


def test_empty_inner_loops_are_not_counted_forever():
    text = "hrnn m { qubits 2; degree 2; for i in [0:2000000000] { for j in [i + 1:i] { on t{i} { } } } }"
    assert [d.code for d in errors(text)] == [Code.E0228]


def test_index_out_of_range_of_a_param_array():
    text = ("hrnn m {\n  qubits 1;\n  degree 1;\n  for i in [0:3] { param w[i] = 0.1 * i; }\n"
            "  on t { phase(w[0] + w[1] + w[2] + w[3] + w[4]) 0; }\n}\n")
    (diag,) = [d for d in errors(text) if d.is_error]
    assert diag.code is Code.E0229 and "'w[4]' is out of range (declared: w[0] … w[3])" in diag.message


def test_loop_variable_mistakes():
    def codes(body: str) -> list[Code]:
        return [d.code for d in errors(f"hrnn m {{ qubits 3; degree 3; param a = 1; {body} }}") if d.is_error]

    assert codes("for (i, j) in subsets([0:2], 3) { on t{i} { } }") == [Code.E0227]
    assert codes("for i in [0:1] { for i in [0:1] { on t{i} { } } }") == [Code.E0227]
    assert codes("for a in [0:1] { on t{a} { } }") == [Code.E0227]
    assert codes("on t{k} { }") == [Code.E0231]
    assert codes("for s in subsets([0:2], 2) { on t{s} { phase(s) 0; } }") == [Code.E0231]
    assert codes("for s in subsets([0:2], 2) { on t{s} { reset s; } }") == [Code.E0231]
    assert codes("for s in subsets([0:2], 0) { on t { } }") == [Code.E0226]
    assert codes("for e in [0:2] { on t{e} { } }") == [Code.E0227]  # e is Euler's number


def test_empty_range_generates_nothing():
    model = parse_text("hrnn m { qubits 3; degree 3; on u { } for i in [3:2] { on t{i} { } } }")
    assert [c.tokens[0].name for c in model.cells] == ["u"]


def test_ten_thousand_nested_loops_are_one_diagnostic():
    depth = 10_000
    text = ("hrnn m { qubits 1; degree 1; " + "".join(f"for i{d} in [0:0] {{ " for d in range(depth))
            + "on t { }" + " }" * depth + " }")
    diags = errors(text)
    assert [d.code for d in diags] == [Code.E0230]


def test_fmt_keeps_comments_inside_loops(tmp_path):
    """Comments stay attached (a commented block is not folded onto one line); fmt is idempotent."""
    from hrnnc.frontend.comments import attach_comments
    from hrnnc.frontend import read_source

    path = tmp_path / "c.hrnn"
    path.write_text("# head\nhrnn m {\n  qubits 3;\n  degree 2;\n  # loops\n  for i in [0:1] {\n"
                    "    on t{i}(x) { phase(x) i (i + 1);  # edge\n    }\n  }\n"
                    "  for (i, j) in subsets([0:2], 2) { on c{i}_{j} { reset i; } }\n}\n# tail\n")
    source, _ = read_source(path)
    model = parse_text(source.text)
    text = print_model(model, attach_comments(model, source))
    assert text.splitlines()[5:9] == ["  # loops", "  for i in [0:1] {", "    on t{i}(x) {",
                                      "      phase(x) i (i + 1);  # edge"]
    assert "  for (i, j) in subsets([0:2], 2) { on c{i}_{j} { reset i; } }" in text
    assert text.startswith("# head\n") and text.endswith("}\n# tail\n")
    again = parse_text(text)
    assert again == model
    path.write_text(text)
    source, _ = read_source(path)
    assert print_model(again, attach_comments(again, source)) == text


# -- property: fmt of looped models ---------------------------------------------------------

_names = st.sampled_from(["a", "b", "tok", "w"])


@st.composite
def looped_text(draw: st.DrawFn) -> str:
    """Valid looped models: range and subsets loops at both levels, holes, arguments, indices."""
    n = draw(st.integers(2, 5))
    lines = [f"hrnn p {{", f"  qubits {n};", f"  degree {n};"]
    array = draw(st.integers(1, 3))
    lines.append(f"  for i in [0:{array - 1}] {{ param g[i] = {draw(st.integers(0, 9))} * i + 1; }}")
    used: set[str] = set()
    for c in range(draw(st.integers(1, 4))):
        base = f"{draw(_names)}{c}"
        args = draw(st.sampled_from(["", "(x)", "(x, y)"]))
        arg = "x" if args else "g[0]"
        kind = draw(st.sampled_from(["range", "subsets", "tuple", "none"]))
        stmt = draw(st.sampled_from([
            "phase({a} * g[{i}]) {s};", "measure x {v} -> m{{{h}}};", "reset {v};",
            "measure stab({v}; {a}: {s}) -> y;", "for j in [0:{last}] {{ phase(j + {a}) j; }}",
        ]))
        if kind == "range":
            head, token, ctx = f"for i in [0:{n - 1}]", f"{base}_{{i}}", dict(i="0", s="i", v="i", h="i")
        elif kind == "subsets":
            head, token, ctx = f"for s in subsets([0:{n - 1}], 2)", f"{base}_{{s}}", dict(i="0", s="s", v="0", h="s")
        elif kind == "tuple":
            head, token = f"for (i, j) in subsets([0:{n - 1}], 2)", f"{base}_{{i}}_{{j}}"
            ctx = dict(i="0", s="i j", v="(j - i + i)", h="j")
            stmt = stmt.replace("for j in", "for k in").replace("phase(j + ", "phase(k + ").replace(") j;", ") k;")
        else:
            head, token, ctx = None, base, dict(i="0", s="0", v="0", h="")
        if kind == "subsets" and "{v}" in stmt and "stab" in stmt:
            stmt = "phase({a}) {s};"
        body = stmt.format(a=arg, last=n - 1, **ctx).replace("m{}", "m")
        if kind == "none" and "stab" in body:
            body = "phase(1) 0;"
        cell = f"on {token}{args} {{ {body} }}"
        lines.append(f"  {head} {{ {cell} }}" if head else f"  {cell}")
        used.add(base)
    lines.append("}")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(looped_text())
def test_fmt_round_trip_of_looped_models(text):
    model = parse_text(text)
    formatted = print_model(model)
    assert parse_text(formatted) == model
    assert print_model(parse_text(formatted)) == formatted
    assert model.template is not None and "for " in formatted
    flat = print_model(from_json(to_json(model)))
    assert parse_text(flat) == model

"""Token arguments: input parsing, binding, diagnostics, and the semantic checks (issue #11)."""

from __future__ import annotations

import math

import pytest

import hrnnc
from hrnnc.diagnostics import Code, ParseFailedError
from hrnnc.frontend import parse_text
from hrnnc.ir import Step, float_bindings, from_json, print_model, split_inputs, to_json, unroll, unroll_steps
from hrnnc.passes import PassManager
from hrnnc.passes.analysis.lie_closure import CLOSURE
from hrnnc.passes.pipelines import semantic_passes

MODEL = """
hrnn args {
  qubits 2;
  degree 2;
  param a = 0.5;
  on w01(x) { phase(a * x) 0 1; }
  on s(x, y) { phase(x - y) 0; measure stab(1; y: 0 1) -> m; }
  on x0 { measure x 0 -> y; }
}
"""


def model():
    return parse_text(MODEL)


def codes(excinfo) -> list[Code]:
    return [d.code for d in excinfo.value.diagnostics]


def test_text_inputs_bind_arguments_in_order():
    steps = unroll_steps(model(), "w01(0.37) s(1, -2.5)  x0")
    assert [s.token for s in steps] == ["w01", "s", "x0"]
    assert steps[0].args == (("x", 0.37),)
    assert steps[1].args == (("x", 1.0), ("y", -2.5))
    assert steps[2].args == ()
    assert steps[0] == Step("w01", model().cells[0], (("x", 0.37),))


def test_structured_inputs_equal_text_inputs():
    m = model()
    assert unroll_steps(m, [("w01", [0.37]), "s(1,-2.5)", "x0"]) == unroll_steps(m, "w01(0.37) s(1, -2.5) x0")


def test_bindings_evaluate_with_the_step_arguments():
    """a * x with a = 0.5 (initial) and x = 0.37 is 0.185; x - y with (1, -2.5) is 3.5."""
    m = model()
    steps = unroll_steps(m, "w01(0.37) s(1, -2.5)")
    values = float_bindings(m)
    assert values(m.cells[0].body[0].angle, dict(steps[0].args)) == pytest.approx(0.185, abs=0, rel=1e-15)
    assert values(m.cells[1].body[0].angle, dict(steps[1].args)) == 3.5
    assert float_bindings(m, {"a": 2.0})(m.cells[0].body[0].angle, {"x": 0.25}) == 0.5


def test_split_inputs_writes_one_string_per_input():
    assert split_inputs("w01(0.37) s(1, -2.5) x0") == ("w01(0.37)", "s(1,-2.5)", "x0")
    assert split_inputs([("w01", (0.5,)), "x0"]) == ("w01(0.5)", "x0")


@pytest.mark.parametrize("inputs, code, fragment", [
    ("x0 w01", Code.E0222, "input 2 (w01): token 'w01' takes 1 argument(s), w01(x), but 0 were given"),
    ("w01(1, 2)", Code.E0222, "input 1 (w01(1,2)): token 'w01' takes 1 argument(s)"),
    ("x0(3)", Code.E0222, "token 'x0' takes no arguments; write 'x0'"),
    ("w01(nan)", Code.E0223, "is not a finite number"),
    ("x0 w01(inf)", Code.E0223, "input 2"),
    ("w01(abc)", Code.E0223, "argument 'abc' is not a number"),
    ("x0 w01(0.3", Code.E0224, "input 2: 'w01(' has no closing ')'"),
    ("x0 , w01(1)", Code.E0224, "input 2"),
    ("w01()", Code.E0224, "gives no argument"),
    ("zz", Code.E0218, "input token 'zz' (position 1)"),
])
def test_bad_inputs_are_coded_and_name_the_position(inputs, code, fragment):
    with pytest.raises(ParseFailedError) as excinfo:
        unroll_steps(model(), inputs)
    assert codes(excinfo)[0] is code
    assert fragment in excinfo.value.diagnostics[0].message


def test_every_bad_input_is_reported_in_one_run():
    with pytest.raises(ParseFailedError) as excinfo:
        unroll(model(), "w01 x0(1) s(1) zz")
    assert codes(excinfo) == [Code.E0222, Code.E0222, Code.E0222, Code.E0218]


def test_structured_item_that_is_not_a_pair_is_malformed():
    with pytest.raises(ParseFailedError) as excinfo:
        unroll_steps(model(), [("w01", 0.3)])
    assert codes(excinfo) == [Code.E0224]


def check(text: str) -> list[tuple[Code, int, int]]:
    m = parse_text(text)
    _, props = PassManager(semantic_passes(), stop_on_error=False).run(m)
    return [(d.code, *d.span.start_line_col) for d in props.diagnostics]  # type: ignore[union-attr]


def test_argument_named_like_a_param_const_or_builtin():
    text = ("hrnn m {\n  qubits 1;\n  degree 1;\n  param a = 1;\n  const c = 2;\n"
            "  on t(a) { phase(a) 0; }\n  on u(c, pi) { phase(c) 0; }\n}\n")
    found = check(text)
    assert (Code.E0221, 6, 8) in found
    assert (Code.E0221, 7, 8) in found
    assert (Code.E0221, 7, 11) in found


def test_argument_twice_and_unused_argument():
    found = check("hrnn m {\n  qubits 1;\n  degree 1;\n  on t(x, x) { phase(x) 0; }\n  on u(y) { reset 0; }\n}\n")
    assert (Code.E0220, 4, 11) in found
    assert (Code.W0104, 5, 8) in found


def test_arguments_are_local_to_their_cell():
    found = check("hrnn m {\n  qubits 1;\n  degree 1;\n  on t(x) { phase(x) 0; }\n  on u { phase(x) 0; }\n}\n")
    assert found == [(Code.E0207, 5, 16)]


def test_tokens_of_one_cell_take_the_same_arguments():
    with pytest.raises(ParseFailedError) as excinfo:
        parse_text("hrnn m {\n  qubits 1;\n  degree 1;\n  on t(x), u { phase(x) 0; }\n}\n")
    assert codes(excinfo) == [Code.E0219]
    assert excinfo.value.diagnostics[0].span.start_line_col == (4, 12)  # type: ignore[union-attr]


def test_printer_and_json_keep_arguments():
    m = model()
    assert "on s(x, y) {" in print_model(m)
    assert parse_text(print_model(m)) == m
    assert from_json(to_json(m)) == m
    shared = parse_text("hrnn m { qubits 1; degree 1; on t(x), u(x) { phase(x) 0; } }")
    assert "on t(x), u(x) {" in print_model(shared)


def test_simulator_closed_form_with_arguments():
    """CP(γ)|++⟩ then X_0: P(0) = (1 + (1 + cos γ)/2)/2 = (3 + cos γ)/4 with γ = a·x (docs/semantics.md §2)."""
    m = model()
    for x in (0.0, 0.37, 2.0, -1.3):
        dist = hrnnc.simulate(m, f"w01({x}) x0").distribution
        assert dist.get("0", 0.0) == pytest.approx((3 + math.cos(0.5 * x)) / 4, abs=1e-12)
    dist = hrnnc.simulate(m, [("w01", [2.0]), "x0"], params={"a": 0.25}).distribution
    assert dist["0"] == pytest.approx((3 + math.cos(0.5)) / 4, abs=1e-12)


def test_closure_treats_argument_coefficients_as_directions():
    """The generators do not depend on the coefficients: a model with arguments has the same
    Lie algebra as the one with a param in their place."""
    with_args = parse_text("hrnn m { qumodes 2; degree 2; on t(x) { phase(x) 0 1; } on u { measure stab(0) -> y; } }")
    with_param = parse_text("hrnn m { qumodes 2; degree 2; param x = 1; on t { phase(x) 0 1; } "
                            "on u { measure stab(0) -> y; } }")
    a = hrnnc.check(with_args).properties[CLOSURE]
    b = hrnnc.check(with_param).properties[CLOSURE]
    assert a.dimension == b.dimension == 3  # span{q0 q1, p0, [p0, q0 q1] ∝ q1}

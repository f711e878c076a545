"""Dual-number bindings (``hrnnc.sim.dual``) against hand-derived derivatives.

Training (both register kinds) and the moment simulator differentiate angle expressions
through these bindings, so each rule of the chain rule is checked here on its own, through
consts that the model's text names.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrnnc.api import parse
from hrnnc.ir import EvaluationError
from hrnnc.sim import dual

SOURCE = """
hrnn d {{
  qumodes 1;
  degree 2;
  param a = 0.5;
  param b = 2.0;
  const product = a * b;
  const quotient = a / b;
  const waves = sin(a) * cos(b);
  const growth = exp(a * b) - a;
  const root = sqrt(a * a + b);
  const constant_root = sqrt({zero});
  on x {{ shift({body}) 0; }}
}}
"""


def _model(zero: str = "0", body: str = "a"):  # type: ignore[no-untyped-def]
    return parse(text=SOURCE.format(zero=zero, body=body))


FINITE = st.floats(min_value=0.1, max_value=3.0)


@given(a=FINITE, b=FINITE)
def test_each_rule_matches_its_closed_form(a: float, b: float) -> None:
    bound = dual.bindings(_model(), {"a": a, "b": b}, ("a", "b"))
    expected = {
        "product": (a * b, [b, a]),
        "quotient": (a / b, [1 / b, -a / b**2]),
        "waves": (math.sin(a) * math.cos(b), [math.cos(a) * math.cos(b), -math.sin(a) * math.sin(b)]),
        "growth": (math.exp(a * b) - a, [b * math.exp(a * b) - 1, a * math.exp(a * b)]),
        "root": (math.sqrt(a * a + b), [a / math.sqrt(a * a + b), 0.5 / math.sqrt(a * a + b)]),
        "constant_root": (0.0, [0.0, 0.0]),
    }
    for name, (value, gradient) in expected.items():
        np.testing.assert_allclose(bound.value_of(name), [value, *gradient], rtol=1e-12, atol=1e-15, err_msg=name)


def test_params_outside_the_directions_are_constants() -> None:
    bound = dual.bindings(_model(), {"a": 0.5, "b": 2.0}, ("b",))
    np.testing.assert_allclose(bound.value_of("product"), [1.0, 0.5])
    assert dual.bindings(_model(), {"a": 0.5, "b": 2.0}).value_of("product").shape == (1,)


def test_token_argument_seeded_by_the_caller_keeps_its_direction() -> None:
    model = parse(text="hrnn t { qumodes 1; degree 2; param a = 3.0; on x(u) { shift(a * u * u) 0; } }")
    bound = dual.bindings(model, {"a": 3.0}, ("a", "u"))
    amount = model.cells[0].body[0].amount
    # d(a·u²)/da = u², d/du = 2au at a = 3, u = 2
    np.testing.assert_allclose(bound(amount, {"u": dual.seed(2.0, 3, 1)}), [12.0, 4.0, 12.0])
    np.testing.assert_allclose(bound(amount, {"u": 2.0}), [12.0, 4.0, 0.0])


def test_square_root_of_a_param_at_zero_has_no_derivative() -> None:
    with pytest.raises(EvaluationError, match="no derivative"):
        dual.bindings(_model(zero="a - a + b - 2"), {"a": 0.5, "b": 2.0}, ("a", "b"))
    # the same expression is fine when b is held constant: its value is 0 and so is its slope in a
    bound = dual.bindings(_model(zero="a - a + b - 2"), {"a": 0.5, "b": 2.0}, ("a",))
    np.testing.assert_allclose(bound.value_of("constant_root"), [0.0, 0.0])


def test_is_zero_needs_value_and_every_derivative_zero() -> None:
    assert dual.is_zero(np.zeros(3))
    assert not dual.is_zero(np.array([0.0, 0.0, 1e-300]))
    assert not dual.is_zero(np.array([1.0]))

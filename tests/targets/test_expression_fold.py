"""Reading angle text back: the fold equals Python's own evaluation of the same text."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrnnc.targets.expression_fold import fold_expression

VALUES = {"a": 0.7, "b": -1.3}
SAFE = {"sin": math.sin, "cos": math.cos, "exp": lambda x: math.exp(max(min(x, 5.0), -5.0)),
        "sqrt": lambda x: math.sqrt(abs(x))}

leaves = st.one_of(st.sampled_from(["a", "b"]), st.floats(-3, 3).map(repr), st.integers(-3, 3).map(str))


def _combine(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(sorted(SAFE)), children).map(lambda t: f"{t[0]}({t[1]})"),
        children.map(lambda c: f"-({c})"))


@given(st.recursive(leaves, _combine, max_leaves=8))
def test_fold_equals_python_evaluation(text: str) -> None:
    want = eval(text, {"__builtins__": {}}, {**SAFE, **VALUES})  # the test's oracle only
    got = fold_expression(text, number=float, name=VALUES.__getitem__, call=lambda f, x: SAFE[f](x))
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("text", ["__import__('os')", "a.real", "a if b else 1", "sin(a, b)", "log(a)", "a +", "[a]"])
def test_anything_else_is_refused_with_the_offending_part(text: str) -> None:
    with pytest.raises(ValueError, match="not an angle expression"):
        fold_expression(text, number=float, name=VALUES.__getitem__, call=lambda f, x: SAFE[f](x))

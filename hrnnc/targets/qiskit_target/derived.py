"""Derived inputs: angles that are functions of params, written so that ``qiskit.qasm3.loads`` reads them.

OpenQASM 3 can write ``cp(2*sin(c))``, but Qiskit's importer cannot turn a function call (or a
power) of an ``input`` into a ``Parameter`` expression. hrnnc's writer therefore cuts every
call and every power out of an angle and declares it as an input of its own, with the
expression it stands for in a trailing comment::

    input float[64] c;
    input float[64] derived0;  // = sin(c)
    ...
    cp(2 * derived0) q[1], q[3];

**Binding rule.** Bind each ordinary input to its param's value, and each derived input to
its expression evaluated at those values (Python syntax; ``+ - * / **``, unary minus,
``sin cos exp sqrt``). :func:`input_values` does it from the file's text. The circuit
Qiskit loads, bound so, equals the circuit hrnnc built, bound to the same param values.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Callable, Mapping

from hrnnc.targets.expression_fold import fold_expression

FUNCTIONS: Mapping[str, Callable[[float], float]] = {
    "sin": math.sin, "cos": math.cos, "exp": math.exp, "sqrt": math.sqrt,
}
"""The functions a derived expression may call (those of the ``.hrnn`` language)."""

DERIVED_DECLARATION = re.compile(r"^input float\[64\] ([A-Za-z_][A-Za-z0-9_]*);\s*// = (.+?)\s*$", re.M)
"""A derived input's declaration line, with the expression it stands for."""


def split_derived(text: str, claim: Callable[[str], str], derived: dict[str, str]) -> str:
    """Angle text with every call and power replaced by a derived input's name.

    Args:
        text: An angle as Qiskit prints a ``ParameterExpression`` (``2*sin(c)``).
        claim: Returns a fresh, valid identifier for a wanted name.
        derived: ``{expression text: input name}``, updated in place; equal subexpressions
            share one input.
    """
    def name_for(node: ast.expr) -> ast.Name:
        key = ast.unparse(node)
        if key not in derived:
            derived[key] = claim(f"derived{len(derived)}")
        return ast.Name(derived[key], ast.Load())

    class CutOut(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.expr:
            return name_for(node)

        def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
            if isinstance(node.op, ast.Pow):
                return name_for(node)
            return self.generic_visit(node)  # type: ignore[return-value]

    tree = CutOut().visit(ast.parse(text, mode="eval"))
    return ast.unparse(tree.body)


def declarations(derived: Mapping[str, str]) -> list[str]:
    """``input float[64] NAME;  // = EXPR`` for each derived input, in order of first use."""
    return [f"input float[64] {name};  // = {expression}" for expression, name in derived.items()]


def derived_inputs(qasm: str) -> dict[str, str]:
    """``{input name: expression}`` of the derived inputs declared in hrnnc's OpenQASM 3 text."""
    return {m.group(1): m.group(2) for m in DERIVED_DECLARATION.finditer(qasm)}


def evaluate(expression: str, values: Mapping[str, float]) -> float:
    """The value of a derived expression (no ``eval``: only numbers, names, arithmetic, FUNCTIONS).

    Raises:
        ValueError: The text is not such an expression, or names a value not given.
    """
    def name(identifier: str) -> float:
        if identifier not in values:
            raise ValueError(f"no value for input '{identifier}' in '{expression}'")
        return float(values[identifier])

    return fold_expression(expression, number=float, name=name, call=lambda f, x: FUNCTIONS[f](x),
                           functions=FUNCTIONS)


def input_values(qasm: str, values: Mapping[str, float]) -> dict[str, float]:
    """Values for every input of hrnnc's OpenQASM 3 text: ``values`` plus each derived input.

    ``values`` is keyed by the params' names; a param declared under another name (one that
    clashes with an OpenQASM keyword, marked ``// hrnnc: param NAME``) gets its value under
    both names, so the result binds circuits from ``qiskit.qasm3.loads`` and from
    :func:`hrnnc.targets.qiskit_target.loads` alike:
    ``circuit.assign_parameters({p: vals[p.name] for p in circuit.parameters})``.

    Raises:
        ValueError: A derived expression needs a value that is not given.
    """
    from hrnnc.targets.qiskit_target.qasm import RENAMED_INPUT

    out = dict(values)
    for written, name in RENAMED_INPUT.findall(qasm):
        if name in out:
            out.setdefault(written, out[name])
    for name, expression in derived_inputs(qasm).items():
        out[name] = evaluate(expression, out)
    return out

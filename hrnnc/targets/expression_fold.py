"""Reading an angle written as text (Python syntax) back, without ``eval``.

Targets write angles that depend on params as text their SDK cannot carry symbolically (the
derived inputs of OpenQASM 3, the derived parameters of Blackbird) and read them back with
:func:`fold_expression`: numbers, names, unary ``±``, ``+ - * / **`` and one-argument calls of
the language's functions, folded bottom-up by the caller's leaves (floats, SymPy, …).
"""

from __future__ import annotations

import ast
import operator
from typing import Any, Callable, Collection

FUNCTION_NAMES = ("sin", "cos", "exp", "sqrt")
"""The functions an angle may call (those of the ``.hrnn`` language)."""

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}


def fold_expression(
    text: str,
    *,
    number: Callable[[int | float], Any],
    name: Callable[[str], Any],
    call: Callable[[str, Any], Any],
    functions: Collection[str] = FUNCTION_NAMES,
) -> Any:
    """The value of ``text`` with literals mapped by ``number``, identifiers by ``name`` and
    calls of ``functions`` by ``call(function, argument)``.

    Raises:
        ValueError: ``text`` is not such an expression; the message quotes the first part that
            is not (``name`` may raise its own ``ValueError``).
    """
    def fold(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return number(node.value)
        if isinstance(node, ast.Name):
            return name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = fold(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](fold(node.left), fold(node.right))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions
                and len(node.args) == 1 and not node.keywords):
            return call(node.func.id, fold(node.args[0]))
        raise ValueError(f"'{text}' is not an angle expression (at '{ast.unparse(node)}')")

    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ValueError(f"'{text}' is not an angle expression") from None
    return fold(tree.body)


__all__ = ["FUNCTION_NAMES", "fold_expression"]

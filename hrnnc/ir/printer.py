"""Canonical ``.hrnn`` text from the IR; ``parse(print_model(m)) == m`` for every valid model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hrnnc.ir.expr import BinOp, Call, Expr, Name, Neg, Num
from hrnnc.ir.template import Index
from hrnnc.ir.nodes import (
    Cell,
    Measure,
    MeasureStab,
    Model,
    Param,
    Phase,
    Reset,
    Shift,
    Site,
    StabEdge,
    Statement,
)

if TYPE_CHECKING:
    from hrnnc.frontend.comments import Comments

INDENT = "  "

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_UNARY = 3
_ATOM = 4


def format_number(value: float) -> str:
    """Shortest text that reads back to the same float; integers without a point."""
    if value.is_integer() and abs(value) < 2.0**53:
        return str(int(value))
    return repr(value)


def _precedence(expr: Expr) -> int:
    if isinstance(expr, BinOp):
        return _PRECEDENCE[expr.op]
    if isinstance(expr, Neg):
        return _UNARY
    return _ATOM


def print_expr(expr: Expr) -> str:
    """Fewest parentheses that keep the tree: operators are left-associative."""
    if isinstance(expr, Num):
        return format_number(expr.value)
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Call):
        return f"{expr.func}({print_expr(expr.arg)})"
    if isinstance(expr, Index):
        return f"{expr.base}[{print_expr(expr.index)}]"
    if isinstance(expr, Neg):
        inner = print_expr(expr.operand)
        if _precedence(expr.operand) < _UNARY:
            inner = f"({inner})"
        return f"-{inner}"
    prec = _PRECEDENCE[expr.op]
    left = print_expr(expr.left)
    if _precedence(expr.left) < prec:
        left = f"({left})"
    right = print_expr(expr.right)
    if _precedence(expr.right) <= prec:
        right = f"({right})"
    return f"{left} {expr.op} {right}"


def _sites(sites: Iterable[Site]) -> str:
    return " ".join(str(s.index) for s in sites)


def _edge(edge: StabEdge) -> str:
    return f"{print_expr(edge.weight)}: {_sites(edge.sites)}"


def print_statement(stmt: Statement) -> str:
    if isinstance(stmt, Phase):
        return f"phase({print_expr(stmt.angle)}) {_sites(stmt.sites)};"
    if isinstance(stmt, Shift):
        return f"shift({print_expr(stmt.amount)}) {stmt.site.index};"
    if isinstance(stmt, MeasureStab):
        edges = ", ".join(_edge(e) for e in stmt.edges)
        inner = f"{stmt.vertex.index}; {edges}" if edges else f"{stmt.vertex.index}"
        return f"measure stab({inner}) -> {stmt.output};"
    if isinstance(stmt, Measure):
        return f"measure {stmt.basis.value} {stmt.site.index} -> {stmt.output};"
    if isinstance(stmt, Reset):
        return f"reset {stmt.site.index};"
    raise TypeError(f"not a statement: {stmt!r}")


def with_comments(line: str, node: object, comments: Comments | None, indent: str) -> list[str]:
    if comments is None:
        return [line]
    out = [f"{indent}{c}" for c in comments.leading.get(id(node), ())]
    trailing = comments.trailing.get(id(node))
    out.append(f"{line}  {trailing}" if trailing else line)
    return out


def cell_head(cell: Cell) -> str:
    """``a, b`` or ``w(x, y)``: each token with the cell's arguments."""
    args = f"({', '.join(cell.arg_names)})" if cell.args else ""
    return ", ".join(f"{t.name}{args}" for t in cell.tokens)


def print_cell(cell: Cell, indent: str = INDENT, comments: Comments | None = None) -> list[str]:
    head = f"{indent}on {cell_head(cell)} {{"
    if comments is None:
        if not cell.body:
            return [head + " }"]
        return [head, *(f"{indent}{INDENT}{print_statement(s)}" for s in cell.body), f"{indent}}}"]
    leading = [f"{indent}{c}" for c in comments.leading.get(id(cell), ())]
    trailing = comments.trailing.get(id(cell))
    close = f"{indent}}}" + (f"  {trailing}" if trailing else "")
    if not cell.body:
        return [*leading, head + " }" + (f"  {trailing}" if trailing else "")]
    body = [line for s in cell.body
            for line in with_comments(f"{indent}{INDENT}{print_statement(s)}", s, comments, indent + INDENT)]
    return [*leading, head, *body, close]


def print_model(model: Model, comments: Comments | None = None) -> str:
    """The canonical text of a model, ending in a newline.

    Args:
        model: The model.
        comments: Comment trivia from :func:`hrnnc.frontend.comments.attach_comments`, to keep a
            file's comments; without it the text has none.
    """
    if model.template is not None:
        from hrnnc.ir.template_printer import print_template

        return print_template(model.template, comments)
    lines = list(comments.header) if comments else []
    lines.append(f"hrnn {model.name} {{")
    lines += with_comments(f"{INDENT}{model.kind.value} {model.size};", model.register, comments, INDENT)
    lines += with_comments(f"{INDENT}degree {model.k};", model.degree, comments, INDENT)
    if model.decls:
        lines.append("")
        for decl in model.decls:
            keyword = "param" if isinstance(decl, Param) else "const"
            value = decl.init if isinstance(decl, Param) else decl.value
            lines += with_comments(f"{INDENT}{keyword} {decl.name} = {print_expr(value)};", decl, comments, INDENT)
    for i, cell in enumerate(model.cells):
        if i == 0:
            lines.append("")
        lines.extend(print_cell(cell, INDENT, comments))
    if comments:
        lines += [f"{INDENT}{c}" for c in comments.footer]
    lines.append("}")
    if comments:
        lines += comments.after
    return "\n".join(lines) + "\n"

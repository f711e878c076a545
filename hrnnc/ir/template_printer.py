"""Canonical text of a model as written, loops kept (``hrnnc fmt`` on a model with loops)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrnnc.ir.expr import Num
from hrnnc.ir.nodes import Degree, Register
from hrnnc.ir.printer import INDENT, format_number, print_expr, with_comments
from hrnnc.ir.template import Loop, TCell, TDecl, TMeasure, TMeasureStab, TPhase, TReset, TShift

if TYPE_CHECKING:
    from hrnnc.frontend.comments import Comments
    from hrnnc.ir.expr import Expr
    from hrnnc.ir.template import Item, Range, Template


def print_site(expr: Expr) -> str:
    """``3``, ``i``, or a parenthesised expression such as ``(i + 1)``."""
    if isinstance(expr, Num):
        return format_number(expr.value)
    text = print_expr(expr)
    return text if text.isidentifier() else f"({text})"


def _sites(sites: tuple[Expr, ...]) -> str:
    return " ".join(print_site(s) for s in sites)


def _range(domain: Range) -> str:
    return f"[{print_expr(domain.first)}:{print_expr(domain.last)}]"


def loop_head(loop: Loop) -> str:
    """``for i in [0:7]``, ``for e in subsets([0:7], 3)`` or ``for (i, j) in subsets([0:7], 2)``."""
    names = f"({', '.join(loop.variables)})" if loop.destructure else loop.variables[0]
    if loop.size is None:
        return f"for {names} in {_range(loop.domain)}"
    return f"for {names} in subsets({_range(loop.domain)}, {print_expr(loop.size)})"


def print_template_statement(stmt: Item) -> str:
    if isinstance(stmt, TPhase):
        return f"phase({print_expr(stmt.angle)}) {_sites(stmt.sites)};"
    if isinstance(stmt, TShift):
        return f"shift({print_expr(stmt.amount)}) {print_site(stmt.site)};"
    if isinstance(stmt, TMeasureStab):
        edges = ", ".join(f"{print_expr(e.weight)}: {_sites(e.sites)}" for e in stmt.edges)
        inner = f"{print_site(stmt.vertex)}; {edges}" if edges else print_site(stmt.vertex)
        return f"measure stab({inner}) -> {stmt.output};"
    if isinstance(stmt, TMeasure):
        return f"measure {stmt.basis.value} {print_site(stmt.site)} -> {stmt.output};"
    if isinstance(stmt, TReset):
        return f"reset {print_site(stmt.site)};"
    raise TypeError(f"not a statement: {stmt!r}")


def _decl(decl: TDecl) -> str:
    index = "" if decl.index is None else f"[{print_expr(decl.index)}]"
    return f"{decl.keyword} {decl.name}{index} = {print_expr(decl.value)};"


def _cell_head(cell: TCell) -> str:
    args = f"({', '.join(a.name for a in cell.args)})" if cell.args else ""
    return ", ".join(f"{t.name}{args}" for t in cell.tokens)


def _block(head: str, node: object, body: list[str], indent: str, comments: Comments | None) -> list[str]:
    """``head {`` body ``}``, or ``head { }`` when empty; the node's comments around it."""
    leading = [f"{indent}{c}" for c in comments.leading.get(id(node), ())] if comments else []
    trailing = comments.trailing.get(id(node)) if comments else None
    tail = f"  {trailing}" if trailing else ""
    if not body:
        return [*leading, f"{indent}{head} {{ }}{tail}"]
    return [*leading, f"{indent}{head} {{", *body, f"{indent}}}{tail}"]


MAX_LINE = 100
"""A block whose one-line form fits in this many columns is printed on one line."""


def _commented(item: Item, comments: Comments | None) -> bool:
    if not comments:
        return False
    stack: list[object] = [item]
    while stack:
        node = stack.pop()
        if id(node) in comments.leading or id(node) in comments.trailing:
            return True
        stack.extend(getattr(node, "body", ()))
    return False


def one_line(item: Item) -> str | None:
    """``for … { on … { stmt; } }``: a block holding one statement or one such block, else None."""
    if isinstance(item, (Loop, TCell)):
        head = loop_head(item) if isinstance(item, Loop) else f"on {_cell_head(item)}"
        if not item.body:
            return f"{head} {{ }}"
        if len(item.body) != 1:
            return None
        inner = one_line(item.body[0])
        return None if inner is None else f"{head} {{ {inner} }}"
    if isinstance(item, TDecl):
        return _decl(item)
    return print_template_statement(item)


def _items(items: tuple[Item, ...], indent: str, comments: Comments | None) -> list[str]:
    lines: list[str] = []
    inner = indent + INDENT
    for item in items:
        if isinstance(item, (Loop, TCell)) and not _commented(item, comments):
            text = one_line(item)
            if text is not None and len(indent) + len(text) <= MAX_LINE:
                lines.append(f"{indent}{text}")
                continue
        if isinstance(item, Loop):
            lines += _block(loop_head(item), item, _items(item.body, inner, comments), indent, comments)
        elif isinstance(item, TCell):
            lines += _block(f"on {_cell_head(item)}", item, _items(item.body, inner, comments), indent, comments)
        elif isinstance(item, TDecl):
            lines += with_comments(f"{indent}{_decl(item)}", item, comments, indent)
        else:
            lines += with_comments(f"{indent}{print_template_statement(item)}", item, comments, indent)
    return lines


def print_template(template: Template, comments: Comments | None = None) -> str:
    """The canonical text of a model with loops, ending in a newline.

    The register and the degree come first; the other items keep their source order, with a
    blank line after the header and between a run of declarations and what follows it. A loop
    or cell whose body is one statement (or one such block) goes on one line if it fits in
    :data:`MAX_LINE` columns and holds no comment.
    """
    lines = list(comments.header) if comments else []
    lines.append(f"hrnn {template.name} {{")
    header = [i for i in template.items if isinstance(i, (Register, Degree))]
    for item in header:
        text = f"{item.kind.value} {item.size};" if isinstance(item, Register) else f"degree {item.value};"
        lines += with_comments(f"{INDENT}{text}", item, comments, INDENT)
    previous: type | None = None
    for item in template.items:
        if isinstance(item, (Register, Degree)):
            continue
        kind = TDecl if isinstance(item, TDecl) else Loop
        if kind is not previous:
            lines.append("")
            previous = kind
        lines += _items((item,), INDENT, comments)
    if comments:
        lines += [f"{INDENT}{c}" for c in comments.footer]
    lines.append("}")
    if comments:
        lines += comments.after
    return "\n".join(lines) + "\n"


__all__ = ["MAX_LINE", "loop_head", "one_line", "print_site", "print_template", "print_template_statement"]

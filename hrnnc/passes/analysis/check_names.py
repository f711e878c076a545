"""Names: defined once, defined before use in declarations, known in statements; tokens unique."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from hrnnc.diagnostics import Code, Note, error, warning
from hrnnc.ir import BUILTIN_CONSTANTS, FUNCTIONS, Arg, Call, Cell, Expr, MeasureStab, Name, Param, Phase, Shift, names_in
from hrnnc.ir.expr import BinOp, Neg, Num
from hrnnc.passes.base import AnalysisPass, PropertySet

if TYPE_CHECKING:
    from hrnnc.ir import Model


RESERVED_NAMES = frozenset(BUILTIN_CONSTANTS) | frozenset(FUNCTIONS)
"""Names a param or const may not take."""


def statement_expressions(model: Model) -> Iterator[Expr]:
    """Every angle, amount and weight expression in the cells."""
    for cell in model.cells:
        yield from cell_expressions(cell)


def cell_expressions(cell: Cell) -> Iterator[Expr]:
    """Every angle, amount and weight expression of one cell, in order."""
    for stmt in cell.body:
        if isinstance(stmt, Phase):
            yield stmt.angle
        elif isinstance(stmt, Shift):
            yield stmt.amount
        elif isinstance(stmt, MeasureStab):
            for edge in stmt.edges:
                yield edge.weight


def _clean(expr: Expr, declared: dict[str, object], used: set[str]) -> bool:
    """True when ``expr`` calls only known functions and names only builtins or earlier
    declarations (so the full checks would report nothing); adds its names to ``used``.
    Performance only: a False answer just means "run the full checks"."""
    kind = type(expr)
    if kind is Num:
        return True
    if kind is Name:
        used.add(expr.id)  # type: ignore[union-attr]
        return expr.id in BUILTIN_CONSTANTS or expr.id in declared  # type: ignore[union-attr]
    stack = [expr]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is BinOp:
            stack.append(node.left)  # type: ignore[union-attr]
            stack.append(node.right)  # type: ignore[union-attr]
        elif kind is Name:
            used.add(node.id)  # type: ignore[union-attr]
            if node.id not in BUILTIN_CONSTANTS and node.id not in declared:  # type: ignore[union-attr]
                return False
        elif kind is Call:
            if node.func not in FUNCTIONS:  # type: ignore[union-attr]
                return False
            stack.append(node.arg)  # type: ignore[union-attr]
        elif kind is Neg:
            stack.append(node.operand)  # type: ignore[union-attr]
        elif kind is not Num:
            return False
    return True


@dataclass(frozen=True)
class CheckNames(AnalysisPass):
    """Reports E0206–E0210, E0217, E0220, E0221, W0101 (unused params) and W0104 (unused arguments). Writes nothing else."""

    name = "check-names"

    def run(self, model: Model, props: PropertySet) -> None:
        declared: dict[str, object] = {}
        used: set[str] = set()
        for decl in model.decls:
            expr = decl.init if isinstance(decl, Param) else decl.value
            if decl.name in RESERVED_NAMES:
                props.report(error(Code.E0208, f"'{decl.name}' is reserved and cannot be redefined", decl.span))
            self._check_calls(expr, props)
            for ref in names_in(expr):
                used.add(ref.id)
                self._check_ref(ref, declared, model, props, in_declaration=True)
            if decl.name in declared:
                first = declared[decl.name]
                props.report(error(Code.E0206, f"'{decl.name}' is already defined", decl.span,
                                   [Note("first defined here", getattr(first, "span", None))]))
            else:
                declared[decl.name] = decl
        for cell in model.cells:
            scope = self._cell_scope(cell, declared, props)
            cell_used: set[str] = set()
            for expr in cell_expressions(cell):
                if _clean(expr, scope, cell_used):
                    continue  # nothing to report: the checks below would find what _clean found
                self._check_calls(expr, props)
                for ref in names_in(expr):
                    cell_used.add(ref.id)
                    self._check_ref(ref, scope, model, props, in_declaration=False)
            used |= cell_used
            for arg in cell.args:
                if arg.name not in cell_used and scope.get(arg.name) is arg:
                    props.report(warning(Code.W0104, f"argument '{arg.name}' is never used in the cell", arg.span))
        for decl in model.decls:
            # An unused const is only a name; an unused param is a trainable angle that does nothing.
            if isinstance(decl, Param) and decl.name not in used and declared.get(decl.name) is decl:
                props.report(warning(Code.W0101, f"param '{decl.name}' is never used", decl.span))
        tokens: dict[str, object] = {}
        for cell in model.cells:
            for tok in cell.tokens:
                if tok.name in tokens:
                    props.report(error(Code.E0210, f"token '{tok.name}' already has an 'on' block", tok.span,
                                       [Note("first declared here", getattr(tokens[tok.name], "span", None))]))
                else:
                    tokens[tok.name] = tok

    @staticmethod
    def _cell_scope(cell: Cell, declared: dict[str, object], props: PropertySet) -> dict[str, object]:
        """The names a cell's expressions may use: declarations, then its arguments (E0220, E0221)."""
        if not cell.args:
            return declared
        scope = dict(declared)
        mine: dict[str, Arg] = {}
        for arg in cell.args:
            if arg.name in mine:
                props.report(error(Code.E0220, f"argument '{arg.name}' is declared twice", arg.span,
                                   [Note("first declared here", mine[arg.name].span)]))
                continue
            mine[arg.name] = arg
            if arg.name in RESERVED_NAMES or arg.name in declared:
                what = "a param" if isinstance(declared.get(arg.name), Param) else (
                    "a const" if arg.name in declared else "a builtin")
                other = declared.get(arg.name)
                props.report(error(Code.E0221, f"argument '{arg.name}' is named like {what}; rename it so that "
                                   f"'{arg.name}' keeps one meaning", arg.span,
                                   [Note("defined here", getattr(other, "span", None))] if other is not None else []))
                continue
            scope[arg.name] = arg
        return scope

    @staticmethod
    def _check_calls(expr: Expr, props: PropertySet) -> None:
        stack = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, Call):
                if node.func not in FUNCTIONS:
                    props.report(error(Code.E0209, f"unknown function '{node.func}'; expressions may call "
                                       f"{', '.join(FUNCTIONS)}", node.span))
                stack.append(node.arg)
            elif isinstance(node, BinOp):
                stack.extend((node.left, node.right))
            elif isinstance(node, Neg):
                stack.append(node.operand)

    @staticmethod
    def _check_ref(ref: Name, declared: dict[str, object], model: Model, props: PropertySet,
                   in_declaration: bool) -> None:
        if ref.id in BUILTIN_CONSTANTS or ref.id in declared:
            return
        if ref.id in FUNCTIONS:
            props.report(error(Code.E0208, f"'{ref.id}' is a function; call it as {ref.id}(…)", ref.span))
            return
        later = next((d for d in model.decls if d.name == ref.id), None)
        if later is not None and in_declaration:
            props.report(error(Code.E0217, f"'{ref.id}' is used before its definition", ref.span,
                               [Note("defined here", later.span)]))
        elif later is None and "[" in ref.id:
            base = ref.id[: ref.id.index("[") + 1]
            elements = [d.name for d in model.decls if d.name.startswith(base)]
            declared_range = f"declared: {elements[0]} … {elements[-1]}" if elements else "no element is declared"
            props.report(error(Code.E0229, f"'{ref.id}' is out of range ({declared_range})", ref.span))
        elif later is None:
            known = ", ".join(sorted(set(BUILTIN_CONSTANTS) | {d.name for d in model.decls}))
            props.report(error(Code.E0207, f"undefined name '{ref.id}' (known: {known})", ref.span))

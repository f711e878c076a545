"""Model + input sequence → :class:`~hrnnc.lowered.run.LoweredRun`, cell by cell, nothing merged.

The raw run keeps every gate where the source puts it (docs/semantics.md §2):

* ``phase(γ) e`` is the term ``(sorted e, γ)``;
* ``measure stab(v; κ)`` is the frame ``U_κ†`` (terms ``(e, −κ_e)``), the action ``stab`` on
  ``v``, then the frame ``U_κ``;
* ``measure x|z|p|q v``, ``reset v`` and ``shift(t) v`` are actions.

Consecutive diagonal terms form one :class:`DiagBlock` (in cell order, duplicates kept);
optimisation is left to the passes (:func:`hrnnc.passes.pipelines.optimize_passes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from hrnnc.diagnostics import InternalError
from hrnnc.ir import Basis, Measure, MeasureStab, Phase, Reset, Shift, unroll_steps
from hrnnc.lowered.run import Action, DiagBlock, Item, LoweredRun, Term

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Expr, Model
    from hrnnc.ir import InputItem

Args = tuple[tuple[str, float], ...]
"""A step's token arguments, ``(name, value)`` pairs (empty for a plain token)."""

Evaluate = Callable[["Expr", Args], Any]
"""The value of an angle expression with a step's arguments in scope."""

_MEASURE_KINDS = {Basis.X: "measure-x", Basis.Z: "measure-z", Basis.P: "measure-p", Basis.Q: "measure-q"}


def steps(model: Model, inputs: str | Iterable[InputItem]) -> tuple[tuple[Cell, Args], ...]:
    """``(cell, arguments)`` of every input step, in time order.

    Raises:
        ParseFailedError: A bad input (E0218, E0222–E0224; see :func:`~hrnnc.ir.unroll_steps`).
    """
    return tuple((step.cell, step.args) for step in unroll_steps(model, inputs))


def evaluator(bindings: Callable[..., Any]) -> Evaluate:
    """``bindings`` (a :class:`~hrnnc.ir.Bindings`) as an :data:`Evaluate`: a step's arguments in scope."""
    return lambda expr, args: bindings(expr, dict(args)) if args else bindings(expr)


def cell_items(cell: Cell, value: Evaluate, args: Args = ()) -> list[Item]:
    """The raw items of one cell."""
    items: list[Item] = []
    block: list[Term] = []

    def act(action: Action) -> None:
        if block:
            items.append(DiagBlock(tuple(block)))
            block.clear()
        items.append(action)

    for stmt in cell.body:
        if isinstance(stmt, Phase):
            block.append((tuple(sorted(stmt.indices)), value(stmt.angle, args)))
        elif isinstance(stmt, MeasureStab):
            frame = [(tuple(sorted(e.indices)), value(e.weight, args)) for e in stmt.edges]
            block.extend((mono, -w) for mono, w in frame)
            act(Action("stab", stmt.vertex.index, stmt.output))
            block.extend(frame)
        elif isinstance(stmt, Measure):
            act(Action(_MEASURE_KINDS[stmt.basis], stmt.site.index, stmt.output))
        elif isinstance(stmt, Reset):
            act(Action("reset", stmt.site.index))
        elif isinstance(stmt, Shift):
            act(Action("shift", stmt.site.index, value=value(stmt.amount, args)))
        else:  # pragma: no cover - the IR has no other statements
            raise InternalError(f"unknown statement {type(stmt).__name__}")
    if block:
        items.append(DiagBlock(tuple(block)))
    return items


def lower_steps(model: Model, run: Sequence[tuple[Cell, Args]], value: Evaluate) -> LoweredRun:
    """The raw run of ``run``; a cell met again with the same arguments is evaluated once."""
    memo: dict[tuple[int, Args], list[Item]] = {}
    items: list[Item] = []
    for cell, args in run:
        key = (id(cell), args)
        cell_run = memo.get(key)
        if cell_run is None:
            cell_run = memo[key] = cell_items(cell, value, args)
        for item in cell_run:
            last = items[-1] if items else None
            if isinstance(item, DiagBlock) and isinstance(last, DiagBlock):
                items[-1] = DiagBlock(last.terms + item.terms)
            else:
                items.append(item)
    return LoweredRun(model.kind, model.size, tuple(items))


def lower_run(model: Model, inputs: str | Iterable[InputItem], bindings: Callable[..., Any]) -> LoweredRun:
    """The raw run of an input sequence, angles from ``bindings`` (a :class:`~hrnnc.ir.Bindings`).

    Raises:
        ParseFailedError: A bad input (E0218, E0222–E0224).
    """
    return lower_steps(model, steps(model, inputs), evaluator(bindings))


def lower_cell(model: Model, cell: Cell, bindings: Callable[..., Any]) -> LoweredRun:
    """One unit cell on its own (no preparation), angles from ``bindings``."""
    return lower_steps(model, ((cell, ()),), evaluator(bindings))


__all__ = ["Args", "Evaluate", "cell_items", "evaluator", "lower_cell", "lower_run", "lower_steps", "steps"]

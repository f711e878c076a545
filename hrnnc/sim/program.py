"""A qubit run as the simulators walk it: the shared lowered run (:mod:`hrnnc.lowered`), merged.

Every qubit statement is a diagonal unitary or a projective split on one site
(:class:`~hrnnc.lowered.Action`, here called :data:`Split`):

* ``phase(γ) e`` is diagonal: ``exp(iγ ∏_{j∈e} n̂_j)``.
* ``measure stab(v; κ)`` is the exact in-place lowering of docs/semantics.md §2,
  ``U_κ†; H_v; measure Z_v; H_v; U_κ``, i.e. a diagonal ``U_κ†``, an X-basis split
  on ``v`` and a diagonal ``U_κ``.
* ``measure x v`` is an X-basis split, ``measure z v`` a Z-basis split.
* ``reset v`` is an unrecorded X-basis split after which ``v`` is put back into
  ``|+⟩`` (the ``|−⟩`` branch is flipped by ``Z_v``); averaging over the hidden
  outcome gives exactly the reset channel.

The ``merge-phases`` pass gathers the diagonals into maximal blocks with one angle per
hyperedge (``U_κ`` after one stabilizer and an equal ``U_κ†`` before the next cancel).
Training lowers with dual-number angles through :func:`cell_ops` and :func:`merge_ops`,
which merge consecutive diagonals only and never test an angle for zero.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from hrnnc.ir import float_bindings
from hrnnc.lowered import Action, DiagBlock, Item, cell_items, lower_run

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Expr, Model

Split = Action
"""A projective split of one site (``basis``, ``recorded``, ``reset``)."""
Op = Item

PhaseTerm = tuple[tuple[int, ...], Any]
"""``(sorted sites, angle)`` of one diagonal factor before merging; the angle is a float, or any
number type with ``+`` and unary ``-`` (training uses dual numbers)."""

TWO_PI = 2.0 * math.pi


def cell_ops(cell: Cell, value: Callable[[Expr], Any]) -> list[PhaseTerm | Split]:
    """The diagonal factors and splits of one unit cell, in order (not merged).

    ``value`` evaluates the cell's angle expressions (params, consts and, per step, token
    arguments bound).
    """
    out: list[PhaseTerm | Split] = []
    for item in cell_items(cell, lambda expr, args: value(expr)):
        if isinstance(item, DiagBlock):
            out.extend(item.terms)
        else:
            out.append(item)
    return out


def _reduce_float(angle: float) -> float | None:
    reduced = math.remainder(angle, TWO_PI)
    return reduced if reduced != 0.0 else None


def merge_ops(items: Iterable[PhaseTerm | Split], reduce: Callable[[Any], Any] = _reduce_float) -> tuple[Op, ...]:
    """Consecutive diagonal factors merged into blocks (angles added per hyperedge).

    ``reduce`` maps a merged angle to the one stored, or None to drop the edge (floats:
    reduced mod 2π, dropped when exactly 0).
    """
    ops: list[Op] = []
    pending: dict[tuple[int, ...], Any] = {}

    def flush() -> None:
        edges = []
        for sites, angle in pending.items():
            kept = reduce(angle)
            if kept is not None:
                edges.append((sites, kept))
        if edges:
            ops.append(DiagBlock(tuple(edges)))
        pending.clear()

    for item in items:
        if isinstance(item, Split):
            flush()
            ops.append(item)
        else:
            sites, angle = item
            pending[sites] = pending[sites] + angle if sites in pending else angle
    flush()
    return tuple(ops)


def lower_qubit_run(
    model: Model, tokens: str | Iterable[str], params: Mapping[str, float] | None = None
) -> tuple[Op, ...]:
    """The ops of a qubit run, in time order, with diagonals merged (``merge-phases``).

    Raises:
        ParseFailedError: An input token has no ``on`` block (E0218).
    """
    from hrnnc.passes.pipelines import optimize

    return optimize(lower_run(model, tokens, float_bindings(model, params)), schedule=False).items


def count_recorded(ops: Sequence[Op]) -> int:
    """Number of recorded measurements (length of every output bit string)."""
    return sum(1 for op in ops if isinstance(op, Split) and op.recorded)


__all__ = ["DiagBlock", "Op", "PhaseTerm", "Split", "cell_ops", "count_recorded", "lower_qubit_run", "merge_ops"]

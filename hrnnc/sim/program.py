"""Lowering of an unrolled qubit run into diagonal blocks and single-site splits.

Every qubit statement is a diagonal unitary or a projective split on one site:

* ``phase(γ) e`` is diagonal: ``exp(iγ ∏_{j∈e} n̂_j)``.
* ``measure stab(v; κ)`` is the exact in-place lowering of docs/semantics.md §2,
  ``U_κ†; H_v; measure Z_v; H_v; U_κ``, i.e. a diagonal ``U_κ†``, an X-basis split
  on ``v`` and a diagonal ``U_κ``.
* ``measure x v`` is an X-basis split, ``measure z v`` a Z-basis split.
* ``reset v`` is an unrecorded X-basis split after which ``v`` is put back into
  ``|+⟩`` (the ``|−⟩`` branch is flipped by ``Z_v``); averaging over the hidden
  outcome gives exactly the reset channel.

Consecutive diagonals commute, so they merge into one block whose angles are added
per hyperedge (``U_κ`` after one stabilizer and an equal ``U_κ†`` before the next
cancel).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, Union

from hrnnc.ir import Basis, Measure, MeasureStab, Model, Phase, Reset, float_bindings, unroll_steps

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Expr

TWO_PI = 2.0 * math.pi


@dataclass(frozen=True, slots=True)
class DiagBlock:
    """A product of commuting multi-controlled phases."""

    edges: tuple[tuple[tuple[int, ...], float], ...]
    """``(sorted sites, angle)`` pairs; the unitary is ``exp(i Σ angle ∏ n̂_j)``."""


@dataclass(frozen=True, slots=True)
class Split:
    """A projective measurement of one site in the X or Z basis."""

    site: int
    """The measured site."""
    basis: str
    """``"x"`` or ``"z"``."""
    recorded: bool = True
    """False for the hidden measurement inside a ``reset``."""
    reset: bool = False
    """After the split, put the site back into ``|+⟩`` (only with ``basis == "x"``)."""


Op = Union[DiagBlock, Split]


PhaseTerm = tuple[tuple[int, ...], Any]
"""``(sorted sites, angle)`` of one diagonal factor before merging; the angle is a float, or any
number type with ``+`` and unary ``-`` (training uses dual numbers)."""


def cell_ops(cell: Cell, value: Callable[[Expr], Any]) -> list[PhaseTerm | Split]:
    """The diagonal factors and splits of one unit cell, in order (not merged).

    ``value`` evaluates the cell's angle expressions (params, consts and, per step, token
    arguments bound).
    """
    out: list[PhaseTerm | Split] = []
    for stmt in cell.body:
        if isinstance(stmt, Phase):
            out.append((tuple(sorted(stmt.indices)), value(stmt.angle)))
        elif isinstance(stmt, MeasureStab):
            weights = [(tuple(sorted(e.indices)), value(e.weight)) for e in stmt.edges]
            out.extend((sites, -w) for sites, w in weights)
            out.append(Split(stmt.vertex.index, "x"))
            out.extend(weights)
        elif isinstance(stmt, Measure):
            out.append(Split(stmt.site.index, "x" if stmt.basis is Basis.X else "z"))
        elif isinstance(stmt, Reset):
            out.append(Split(stmt.site.index, "x", recorded=False, reset=True))
        else:
            raise ValueError(f"statement {type(stmt).__name__} is not valid on qubits")
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
    """The ops of a qubit run, in time order, with diagonals merged.

    Raises:
        ParseFailedError: An input token has no ``on`` block (E0218).
    """
    bindings = float_bindings(model, params)
    return merge_ops(item for step in unroll_steps(model, tokens)
                     for item in cell_ops(step.cell, functools.partial(bindings, args=dict(step.args))))


def count_recorded(ops: Sequence[Op]) -> int:
    """Number of recorded measurements (length of every output bit string)."""
    return sum(1 for op in ops if isinstance(op, Split) and op.recorded)


__all__ = ["DiagBlock", "Op", "PhaseTerm", "Split", "cell_ops", "count_recorded", "lower_qubit_run", "merge_ops"]

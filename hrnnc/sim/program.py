"""Lowering of an unrolled qubit run into diagonal blocks and single-site splits.

Every qubit statement is a diagonal unitary or a projective split on one site:

* ``phase(γ) e`` is diagonal: ``exp(iγ ∏_{j∈e} n̂_j)``.
* ``measure stab(v; κ)`` is the exact in-place lowering of DESIGN §2,
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

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence, Union

from hrnnc.ir import Basis, Expr, Measure, MeasureStab, Model, Phase, Reset, float_bindings, unroll_steps

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


def _merge(pending: dict[tuple[int, ...], float]) -> DiagBlock | None:
    edges = []
    for sites, angle in pending.items():
        reduced = math.remainder(angle, TWO_PI)
        if reduced != 0.0:
            edges.append((sites, reduced))
    return DiagBlock(tuple(edges)) if edges else None


def lower_qubit_run(
    model: Model, tokens: str | Iterable[str], params: Mapping[str, float] | None = None
) -> tuple[Op, ...]:
    """The ops of a qubit run, in time order, with diagonals merged.

    Raises:
        ParseFailedError: An input token has no ``on`` block (E0218).
    """
    steps = unroll_steps(model, tokens)
    bindings = float_bindings(model, params)
    ops: list[Op] = []
    pending: dict[tuple[int, ...], float] = {}

    def add(sites: Sequence[int], angle: float) -> None:
        key = tuple(sorted(sites))
        pending[key] = pending.get(key, 0.0) + angle

    def flush() -> None:
        block = _merge(pending)
        if block is not None:
            ops.append(block)
        pending.clear()

    for step in steps:
        args = dict(step.args)

        def value(expr: Expr) -> float:
            return bindings(expr, args)

        for stmt in step.cell.body:
            if isinstance(stmt, Phase):
                add(stmt.indices, value(stmt.angle))
            elif isinstance(stmt, MeasureStab):
                weights = [(e.indices, value(e.weight)) for e in stmt.edges]
                for sites, w in weights:
                    add(sites, -w)
                flush()
                ops.append(Split(stmt.vertex.index, "x"))
                for sites, w in weights:
                    add(sites, w)
            elif isinstance(stmt, Measure):
                flush()
                ops.append(Split(stmt.site.index, "x" if stmt.basis is Basis.X else "z"))
            elif isinstance(stmt, Reset):
                flush()
                ops.append(Split(stmt.site.index, "x", recorded=False, reset=True))
            else:
                raise ValueError(f"statement {type(stmt).__name__} is not valid on qubits")
    flush()
    return tuple(ops)


def count_recorded(ops: Sequence[Op]) -> int:
    """Number of recorded measurements (length of every output bit string)."""
    return sum(1 for op in ops if isinstance(op, Split) and op.recorded)


__all__ = ["DiagBlock", "Op", "Split", "count_recorded", "lower_qubit_run"]

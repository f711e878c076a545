"""A model's cells as a stream of abstract native ops (docs/semantics.md §2 semantics, no pytket here).

Every diagonal operation (``phase`` edges and the ``U_κ``/``U_κ†`` of stabilizer
measurements) is collected into the current *block*; a non-diagonal operation (a
Hadamard, an X or stabilizer measurement, a reset) flushes the block through
:func:`~hrnnc.targets.tket_target.phase_synthesis.synthesize_edges`. Blocks therefore
merge the edges of one cell, and, in an unrolled sequence, the end of one cell with the
start of the next. A Z measurement commutes with diagonal gates and leaves the block open.

Stabilizer lowerings (``measure``):

* ``inplace``: ``U_κ†; H_v; measure v; H_v; U_κ``.
* ``ancilla``: ``H_a; U_κ†; CX(a→v); H_a; measure a; reset a; U_κ`` (``U_κ`` commutes with
  the ancilla's gates, so it joins the next block while the ancilla is clean again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from hrnnc.ir import Basis, Measure, MeasureStab, Phase, Reset
from hrnnc.targets.tket_target.phase_synthesis import Op, SynthesisOptions, Term, synthesize_edges

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Expr


@dataclass
class Lowering:
    """Accumulates ops for a run of cells on ``n`` sites (plus an ancilla at index ``n``)."""

    n: int
    angle: Callable[[Expr, Mapping[str, float] | None], float]
    """Numeric value of an angle expression (params at their bound values, arguments given)."""
    synthesis: SynthesisOptions
    measure: str = "inplace"
    ops: list[Op] = field(default_factory=list)
    bits: int = 0
    """Classical bits used so far (one per measurement, in time order)."""
    block: list[tuple[Term, float]] = field(default_factory=list)

    @property
    def ancilla(self) -> int:
        return self.n

    def flush(self) -> None:
        if self.block:
            self.ops.extend(synthesize_edges(self.block, self.synthesis))
            self.block = []

    def _diagonal(self, edges: Sequence[tuple[Term, float]], sign: float) -> None:
        self.block.extend((term, sign * angle) for term, angle in edges)

    def _measure(self, qubit: int) -> None:
        self.ops.append(("measure", qubit, self.bits))
        self.bits += 1

    def cell(self, cell: Cell, args: Mapping[str, float] | None = None) -> None:
        """Append one cell, its arguments bound to ``args``."""
        for stmt in cell.body:
            if isinstance(stmt, Phase):
                self.block.append((tuple(sorted(stmt.indices)), self.angle(stmt.angle, args)))
            elif isinstance(stmt, MeasureStab):
                self._stabilizer(stmt, args)
            elif isinstance(stmt, Measure):
                v = stmt.site.index
                if stmt.basis is Basis.X:
                    self.flush()
                    self.ops += [("h", v)]
                    self._measure(v)
                    self.ops += [("h", v)]
                else:  # a Z measurement commutes with the diagonal block: it stays open
                    self._measure(v)
            elif isinstance(stmt, Reset):
                self.flush()
                v = stmt.site.index
                self.ops += [("reset", v), ("h", v)]

    def _stabilizer(self, stmt: MeasureStab, args: Mapping[str, float] | None) -> None:
        v = stmt.vertex.index
        edges = [(tuple(sorted(e.indices)), self.angle(e.weight, args)) for e in stmt.edges]
        self._diagonal(edges, -1.0)
        self.flush()
        if self.measure == "ancilla":
            a = self.ancilla
            self.ops += [("h", a), ("h", v), ("cnz", (min(a, v), max(a, v))), ("h", v), ("h", a)]
            self._measure(a)
            self.ops.append(("reset", a))
        else:
            self.ops.append(("h", v))
            self._measure(v)
            self.ops.append(("h", v))
        self._diagonal(edges, 1.0)


def uses_stabilizers(cells: Sequence[Cell]) -> bool:
    return any(isinstance(s, MeasureStab) for c in cells for s in c.body)

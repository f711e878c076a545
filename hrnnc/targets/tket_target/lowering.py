"""A lowered run (:mod:`hrnnc.lowered`) as a stream of abstract native ops (no pytket here).

Each diagonal block goes through
:func:`~hrnnc.targets.tket_target.phase_synthesis.synthesize_edges`, which merges its
monomials and picks the cheapest native plan. When the run is scheduled
(``schedule-layers``), each maximal stretch of diagonal natives (CnZ and single-qubit
phases, which all commute) is then ordered into layers of non-overlapping gates, so that
the circuit runs as few Rydberg layers as the colouring found.

Stabilizer lowerings (``measure``):

* ``inplace``: ``U_κ†; H_v; measure v; H_v; U_κ``.
* ``ancilla``: ``U_κ†; H_a; H_v; CZ(a, v); H_v; H_a; measure a; reset a; U_κ`` (``U_κ``
  commutes with the ancilla's gates, so it joins the next block while the ancilla is clean
  again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from hrnnc.diagnostics import InternalError
from hrnnc.ir import MeasureStab
from hrnnc.lowered import Action, DiagBlock, LoweredRun
from hrnnc.passes.transform.schedule_layers import colour
from hrnnc.targets.tket_target.phase_synthesis import Op, SynthesisOptions, synthesize_edges

if TYPE_CHECKING:
    from hrnnc.ir import Cell

_DIAGONAL_OPS = frozenset({"cnz", "p"})


@dataclass
class Lowering:
    """Accumulates ops for a run on ``n`` sites (plus an ancilla at index ``n``)."""

    n: int
    synthesis: SynthesisOptions
    measure: str = "inplace"
    schedule: bool = False
    """Order each stretch of diagonal natives into layers of non-overlapping gates."""
    ops: list[Op] = field(default_factory=list)
    bits: int = 0
    """Classical bits used so far (one per measurement, in time order)."""

    @property
    def ancilla(self) -> int:
        return self.n

    def run(self, run: LoweredRun) -> None:
        for item in run.items:
            if isinstance(item, DiagBlock):
                ops = synthesize_edges(item.terms, self.synthesis)
                self.ops.extend(layered(ops) if self.schedule else ops)
            else:
                self.action(item)

    def _measure(self, qubit: int) -> None:
        self.ops.append(("measure", qubit, self.bits))
        self.bits += 1

    def action(self, action: Action) -> None:
        v = action.site
        if action.kind == "measure-z":
            self._measure(v)
        elif action.kind == "reset":
            self.ops += [("reset", v), ("h", v)]
        elif action.kind == "stab" and self.measure == "ancilla":
            a = self.ancilla
            self.ops += [("h", a), ("h", v), ("cnz", (min(a, v), max(a, v))), ("h", v), ("h", a)]
            self._measure(a)
            self.ops.append(("reset", a))
        elif action.kind in ("measure-x", "stab"):
            self.ops.append(("h", v))
            self._measure(v)
            self.ops.append(("h", v))
        else:
            raise InternalError(f"action {action.kind} on a qubit model")


def layered(ops: list[Op]) -> list[Op]:
    """``ops`` with every maximal stretch of diagonal natives ordered into layers (:func:`colour`)."""
    out: list[Op] = []
    stretch: list[Op] = []

    def flush() -> None:
        if len(stretch) > 1:
            by_sites = {}
            for op in stretch:
                by_sites.setdefault(_sites(op), []).append(op)
            for layer in colour(tuple((sites, None) for sites in by_sites)):
                for sites, _ in layer:
                    out.extend(by_sites.pop(sites))
        else:
            out.extend(stretch)
        stretch.clear()

    for op in ops:
        if op[0] in _DIAGONAL_OPS:
            stretch.append(op)
        else:
            flush()
            out.append(op)
    flush()
    return out


def _sites(op: Op) -> tuple[int, ...]:
    return tuple(op[1]) if op[0] == "cnz" else (op[1],)


def uses_stabilizers(cells: Sequence[Cell]) -> bool:
    return any(isinstance(s, MeasureStab) for c in cells for s in c.body)

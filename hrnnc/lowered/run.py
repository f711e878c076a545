"""The lowered run: maximal diagonal blocks separated by non-diagonal actions.

Every statement of a k-HRNN is either *diagonal* (a ``phase`` edge, or the frame
``U_κ†``/``U_κ`` of a stabilizer measurement: ``exp(iγ ∏ n̂_j)`` on qubits, ``exp(iγ ∏ q_j)``
on qumodes) or a *non-diagonal action on one site* (a measurement, a reset, a shift, or the
X/p split inside a stabilizer measurement). A :class:`LoweredRun` is that sequence: the
shared representation below the targets and the qubit simulator (``docs/architecture.md``).

Angles are whatever the caller's :class:`~hrnnc.ir.Bindings` produce: floats, or symbolic
values (Qiskit ``ParameterExpression``, sympy) that support ``+``, unary ``-`` and, once no
free symbol is left, ``float()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Union

from hrnnc.diagnostics import InternalError
from hrnnc.ir import RegisterKind

Angle = Any
"""A float, or a symbolic angle (see the module docstring)."""

Monomial = tuple[int, ...]
"""Sorted sites of a diagonal term; qumode monomials may repeat a site (``q_0² q_1``)."""

Term = tuple[Monomial, Angle]
"""``(monomial, angle)``: the unitary ``exp(i·angle·∏ n̂_j)`` (qubits) or ``exp(i·angle·∏ q_j)``."""

QUBIT_ACTIONS = frozenset({"measure-x", "measure-z", "stab", "reset"})
QUMODE_ACTIONS = frozenset({"measure-p", "measure-q", "stab", "reset", "shift"})
COMMUTING_ACTIONS = frozenset({"measure-z"})
"""Actions that commute with every diagonal term, even one on their own site (a Z measurement)."""


@dataclass(frozen=True, slots=True)
class DiagBlock:
    """A product of commuting diagonal terms."""

    terms: tuple[Term, ...]
    """The terms in emission order (any order gives the same unitary)."""
    layers: tuple[int, ...] = ()
    """Sizes of consecutive groups of ``terms`` with pairwise disjoint supports, as set by
    ``schedule-layers``; empty when the block is not scheduled."""

    @property
    def edges(self) -> tuple[Term, ...]:
        """The terms (the qubit simulators' name: each term is a weighted hyperedge)."""
        return self.terms


@dataclass(frozen=True, slots=True)
class Action:
    """A non-diagonal operation on one site.

    Kinds: ``measure-x``/``measure-z`` (qubits), ``measure-p``/``measure-q`` (qumodes, with
    the re-preparation of docs/semantics.md §2), ``stab`` (the X or p split inside ``measure stab``,
    between its frames), ``reset`` and ``shift``.
    """

    kind: str
    site: int
    output: str | None = None
    """Name of the recorded output, or None (reset, shift)."""
    value: Angle = 0.0
    """The amount of a ``shift``."""

    def __post_init__(self) -> None:
        if self.kind not in QUBIT_ACTIONS | QUMODE_ACTIONS:
            raise InternalError(f"unknown action kind {self.kind!r}")

    @property
    def basis(self) -> str:
        """``x``, ``z``, ``p`` or ``q``: the basis the site is measured in (a reset measures X/p, unrecorded)."""
        if self.kind in ("measure-z", "measure-q"):
            return self.kind[-1]
        if self.kind == "measure-p":
            return "p"
        return "x"

    @property
    def recorded(self) -> bool:
        return self.output is not None

    @property
    def reset(self) -> bool:
        return self.kind == "reset"

    def blocks(self, monomial: Monomial) -> bool:
        """True if a diagonal term on ``monomial`` cannot be moved across this action."""
        return self.kind not in COMMUTING_ACTIONS and self.site in monomial


Item = Union[DiagBlock, Action]


@dataclass(frozen=True, slots=True)
class LoweredRun:
    """A run (or one unit cell) in time order."""

    kind: RegisterKind
    size: int
    """Number of sites."""
    items: tuple[Item, ...]
    notes: tuple[str, ...] = ()
    """What the optimizer could not do (for ``--report``)."""

    @property
    def periodic(self) -> bool:
        """Qubit angles are defined mod 2π (``∏ n̂_j`` has eigenvalues 0 and 1)."""
        return self.kind is RegisterKind.QUBITS

    @property
    def outputs(self) -> tuple[str, ...]:
        """Recorded output names in time order."""
        return tuple(a.output for a in self.actions() if a.output is not None)

    def actions(self) -> Iterator[Action]:
        return (item for item in self.items if isinstance(item, Action))

    def blocks(self) -> Iterator[DiagBlock]:
        return (item for item in self.items if isinstance(item, DiagBlock))


def multi_site_depth(run: LoweredRun) -> int:
    """Layers of multi-site diagonal gates: the longest path counting only terms on ≥ 2 sites.

    Terms are taken in emission order, so the result is the multi-qubit depth of the circuit
    a target emits from ``run``; an action orders the gates on its site.
    """
    level: dict[int, int] = {}
    for block in run.blocks():
        for mono, _ in block.terms:
            support = set(mono)
            if len(support) < 2:
                continue
            depth = 1 + max(level.get(s, 0) for s in support)
            for s in support:
                level[s] = depth
    return max(level.values(), default=0)


def run_stats(run: LoweredRun) -> dict[str, int]:
    """Counts for ``--report``: diagonal gates (all and multi-site), blocks, actions, layers."""
    terms = [mono for block in run.blocks() for mono, _ in block.terms]
    return {
        "diagonal_gates": len(terms),
        "multi_site_gates": sum(1 for m in terms if len(set(m)) >= 2),
        "diagonal_blocks": sum(1 for _ in run.blocks()),
        "actions": sum(1 for _ in run.actions()),
        "multi_site_layers": multi_site_depth(run),
    }


__all__ = [
    "COMMUTING_ACTIONS", "QUBIT_ACTIONS", "QUMODE_ACTIONS", "Action", "Angle", "DiagBlock", "Item",
    "LoweredRun", "Monomial", "Term", "multi_site_depth", "optimizer_report", "run_stats",
]


def optimizer_report(raw: LoweredRun, optimized: LoweredRun) -> dict[str, Any]:
    """``--report``'s ``optimizer`` section: counts before and after, and the optimizer's notes."""
    out: dict[str, Any] = {"before": run_stats(raw), "after": run_stats(optimized)}
    if optimized.notes:
        out["notes"] = {str(i + 1): note for i, note in enumerate(optimized.notes)}
    return out

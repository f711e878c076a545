"""The ``sf`` target: qumode k-HRNNs as Strawberry Fields programs and Blackbird text."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from hrnnc.diagnostics import ConfigurationError
from hrnnc.ir import Bindings, RegisterKind, unroll_steps
from hrnnc.sim.conventions import DEFAULT_SQUEEZING, SF_DEFAULT_HBAR
from hrnnc.targets.base import Target
from hrnnc.targets.sf_target.check_sf_degree import CheckSfDegree
from hrnnc.targets.sf_target.files import TOKEN_HEADER, load_cells
from hrnnc.lowered import lower_run, optimizer_report
from hrnnc.targets.sf_target.lowering import CellLowering, lower_cell, lower_items, preparation_ops
from hrnnc.targets.sf_target.sdk import INSTALL_HINT, bind_program, build_program, load_sf, to_blackbird
from hrnnc.targets.sympy_angles import angle_bindings, argument_symbols

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Model
    from hrnnc.passes import Pass, PropertySet


REPORT_ATTRIBUTE = "_hrnnc_report"
"""Attribute of an emitted ``sf.Program`` holding its resource numbers (read by :meth:`SFTarget.report`)."""


@dataclass(frozen=True)
class SFTarget(Target):
    """Strawberry Fields (qumodes): CZ/P/Z gates, exact cubic phases, homodyne with feed-forward.

    Trainable params stay free: each is the program's free parameter of the same name
    (``prog.free_params``), so ``eng.run(prog, args={"g": 0.3})`` or :meth:`bind_params`
    sets them without recompiling; ``bind=True`` substitutes their initial values instead.
    Cubic monomials with a param-dependent weight take the per-monomial polarization
    identity (:mod:`.cubic`), whose gates are linear in the weight.
    """

    name: ClassVar[str] = "sf"
    description: ClassVar[str] = "Strawberry Fields program / Blackbird (qumodes, degree <= 3)"
    register_kinds: ClassVar[frozenset[RegisterKind]] = frozenset({RegisterKind.QUMODES})
    default_suffix: ClassVar[str] = ".xbb"
    install_hint: ClassVar[str] = INSTALL_HINT
    bytes_per_site: ClassVar[int] = 1024
    """Measured: an sf.Program of 2·10⁵ modes holds about 1,030 bytes a mode (E0630)."""

    squeezing: float = DEFAULT_SQUEEZING
    """Momentum squeezing r of the initial and re-prepared modes (``Sgate(-r)`` on vacuum)."""
    hbar: float = SF_DEFAULT_HBAR
    """SF's hbar the gate parameters are written for; SF 0.23 keeps it in the global ``sf.hbar``."""
    bind: bool = False
    """Substitute the params' initial values instead of keeping SF free parameters."""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.hbar) and self.hbar > 0):
            raise ConfigurationError(f"the sf target's hbar must be a positive number, not {self.hbar}")
        if not (math.isfinite(self.squeezing) and self.squeezing >= 0):
            raise ConfigurationError(f"squeezing must be a non-negative number, not {self.squeezing}")
        if not isinstance(self.bind, bool):
            raise ConfigurationError(f"the sf target's bind must be True or False, not {self.bind!r}")

    @classmethod
    def add_arguments(cls, group: argparse._ArgumentGroup) -> None:
        group.add_argument("--hbar", type=float, default=None, metavar="H",
                           help=f"Strawberry Fields' hbar for the gate parameters (default {SF_DEFAULT_HBAR:g})")

    def passes(self) -> Sequence[Pass]:
        return (CheckSfDegree(),)

    # -- lowering --------------------------------------------------------------------------

    def _bindings(self, model: Model, params: Mapping[str, float] | None = None,
                  arguments: bool = False) -> Bindings[Any]:
        """Params at ``params`` (or, with ``bind``, their initial values), else SymPy symbols;
        over SymPy's arithmetic whenever ``arguments`` (unit cells' arguments) are symbols."""
        return angle_bindings(model, symbolic=params is None and not self.bind, arguments=arguments,
                              params=params)

    def lower(self, model: Model, params: Mapping[str, float] | None = None) -> dict[str, CellLowering]:
        """Every token's lowered unit cell (no SF import); params at ``params`` when given,
        else symbolic (or at their initial values with ``bind``). A cell's arguments are free
        parameters named after them."""
        values = self._bindings(model, params, arguments=any(cell.args for cell in model.cells))
        done: dict[int, CellLowering] = {}
        out: dict[str, CellLowering] = {}
        for cell in model.cells:
            lowered = done.get(id(cell))
            if lowered is None:
                value = functools.partial(values, args=dict(argument_symbols(cell))) if cell.args else values
                lowered = done[id(cell)] = lower_cell(model, cell, value, self.hbar, self.squeezing)
            for tok in cell.tokens:
                out.setdefault(tok.name, lowered)
        return out

    def emit(self, model: Model, props: PropertySet, inputs: tuple[str, ...] | None) -> Any:
        """One ``sf.Program`` for ``inputs`` (initial squeezed vacuum, then every cell), or
        ``{token: program}`` of unit cells (no preparation: run them on an engine that holds
        the latent state, after :meth:`preparation`)."""
        load_sf()
        if inputs is None:
            cells = self.lower(model)
            programs = {}
            for token, lowered in cells.items():
                prog = build_program(model.size, lowered.ops, f"{model.name}_{token}")
                setattr(prog, REPORT_ATTRIBUTE, _cell_report(lowered))
                programs[token] = prog
            return programs
        if self.optimize:
            return self._optimized(model, inputs)
        steps = unroll_steps(model, inputs)
        values = self._bindings(model)
        lowered: dict[tuple[int, tuple[tuple[str, float], ...]], CellLowering] = {}
        run: list[CellLowering] = []
        for step in steps:
            key = (id(step.cell), step.args)
            if key not in lowered:
                lowered[key] = lower_cell(model, step.cell, functools.partial(values, args=dict(step.args)),
                                          self.hbar, self.squeezing)
            run.append(lowered[key])
        ops = list(preparation_ops(model.size, self.squeezing))
        for cell_ops in run:
            ops.extend(cell_ops.ops)
        prog = build_program(model.size, ops, model.name)
        setattr(prog, REPORT_ATTRIBUTE, _sequence_report(inputs, run, len(ops)))
        return prog

    def _optimized(self, model: Model, inputs: tuple[str, ...]) -> Any:
        """The run with its phases merged across cells before the cubic decomposition."""
        from hrnnc.passes.pipelines import optimize

        raw = lower_run(model, inputs, self._bindings(model))
        run = optimize(raw, schedule=False)
        lowered = lower_items(raw, run, self.hbar, self.squeezing)
        ops = [*preparation_ops(model.size, self.squeezing), *lowered.ops]
        prog = build_program(model.size, ops, model.name)
        counts = Counter(op.name for op in ops)
        setattr(prog, REPORT_ATTRIBUTE, {
            "tokens": len(inputs),
            "operations": len(ops),
            "gates": dict(sorted(counts.items())),
            "cubic_phase_gates": lowered.cubic_phase_gates,
            "cubic_phase_gates_naive": lowered.naive_cubic_phase_gates,
            "optimizer": optimizer_report(raw, run),
        })
        return prog

    def preparation(self, model: Model) -> Any:
        """The initial state alone: ``Sgate(-r)`` on every mode."""
        return build_program(model.size, preparation_ops(model.size, self.squeezing), f"{model.name}_prep")

    # -- output ----------------------------------------------------------------------------

    def dump(self, obj: Any) -> str:
        """Blackbird text after a ``# hrnnc: …`` comment giving ``hbar`` and ``squeezing``.

        For the unit-cell mapping, one program per token, each after a ``# token: NAME``
        comment line (:func:`load_cells` splits on those lines)."""
        header = (f"# hrnnc sf target: hbar = {self.hbar:g} (run with sf.hbar = {self.hbar:g}), "
                  f"squeezing r = {self.squeezing:g}; homodyne outcomes are in SF units "
                  f"(language value = outcome / sqrt({self.hbar:g}))\n")
        if isinstance(obj, dict):
            parts = [f"{TOKEN_HEADER}{token}\n{to_blackbird(prog)}" for token, prog in obj.items()]
            return header + "\n".join(parts)
        return header + to_blackbird(obj)

    def numeric(self) -> SFTarget:
        return dataclasses.replace(self, bind=True)

    def bind_params(self, obj: Any, values: Mapping[str, float]) -> Any:
        """A new program (or one per unit cell) with the named free parameters replaced by
        numbers; the gates are the emitted ones, nothing is lowered or decomposed again.
        (``eng.run(prog, args=values)`` binds the same values at run time.)"""
        if isinstance(obj, dict):
            return {token: self.bind_params(prog, values) for token, prog in obj.items()}
        bound = bind_program(obj, values)
        if hasattr(obj, REPORT_ATTRIBUTE):
            setattr(bound, REPORT_ATTRIBUTE, getattr(obj, REPORT_ATTRIBUTE))
        return bound

    def report(self, obj: Any) -> dict[str, Any]:
        if isinstance(obj, dict):
            return {"cells": {token: _stored_report(prog) for token, prog in obj.items()}}
        return _stored_report(obj)


def _stored_report(prog: Any) -> dict[str, Any]:
    stored = getattr(prog, REPORT_ATTRIBUTE, None)
    if stored is not None:
        return dict(stored)
    counts = Counter(cmd.op.__class__.__name__ for cmd in prog.circuit)
    return {"gates": dict(sorted(counts.items()))}


def _cell_report(lowered: CellLowering) -> dict[str, Any]:
    counts = Counter(op.name for op in lowered.ops)
    return {
        "operations": len(lowered.ops),
        "gates": dict(sorted(counts.items())),
        "cubic_phase_gates": lowered.cubic_phase_gates,
        "cubic_phase_gates_naive": lowered.naive_cubic_phase_gates,
    }


def _sequence_report(inputs: Sequence[str], run: Sequence[CellLowering], total: int) -> dict[str, Any]:
    """Gate counts of a run; the per-cell counts are keyed by the input as written (``t(0.75)``)."""
    counts: Counter[str] = Counter()
    cubic = naive = 0
    for lowered in run:
        counts.update(op.name for op in lowered.ops)
        cubic += lowered.cubic_phase_gates
        naive += lowered.naive_cubic_phase_gates
    counts["Sgate"] += total - sum(counts.values())  # the initial squeezers
    if counts["Sgate"] == 0:
        del counts["Sgate"]
    return {
        "tokens": len(run),
        "operations": total,
        "gates": dict(sorted(counts.items())),
        "cubic_phase_gates": cubic,
        "cubic_phase_gates_naive": naive,
        "cubic_phase_gates_per_cell": {t: c.cubic_phase_gates for t, c in zip(inputs, run)},
    }


__all__ = ["SFTarget", "load_cells"]

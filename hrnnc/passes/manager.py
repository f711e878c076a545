"""Runs passes in order, schedules their requirements, and enforces the pass contract."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hrnnc.diagnostics import InternalError
from hrnnc.passes.base import AnalysisPass, Pass, PropertySet, TransformPass

if TYPE_CHECKING:
    from hrnnc.passes.base import Program


class PassManager:
    """A pipeline of passes.

    After each *top-level* pass, the manager stops if the property set holds any error
    diagnostic (``stop_on_error``), so later passes never see a model an earlier one
    rejected. Required analyses run first and are skipped while still valid.
    """

    def __init__(self, passes: Iterable[Pass] = (), stop_on_error: bool = True):
        self.passes: list[Pass] = list(passes)
        self.stop_on_error = stop_on_error

    def append(self, pass_: Pass) -> PassManager:
        self.passes.append(pass_)
        return self

    def run(self, model: Program, props: PropertySet | None = None) -> tuple[Program, PropertySet]:
        """Run the pipeline on a :class:`~hrnnc.ir.Model` or a :class:`~hrnnc.lowered.LoweredRun`."""
        props = PropertySet() if props is None else props
        for pass_ in self.passes:
            model = self._run_one(pass_, model, props, depth=0)
            if self.stop_on_error and props.has_errors:
                break
        return model, props

    def _run_one(self, pass_: Pass, model: Program, props: PropertySet, depth: int) -> Program:
        if depth > 32:
            raise InternalError(f"pass requirements nest too deeply at {pass_.name}")
        for required in pass_.requires:
            if required not in props.valid:
                model = self._run_one(required(), model, props, depth + 1)
        if isinstance(pass_, AnalysisPass):
            result = pass_.run(model, props)
            if result is not None:
                raise InternalError(f"analysis pass {pass_.name} returned a value")
            props.valid.add(type(pass_))
            return model
        if isinstance(pass_, TransformPass):
            new = pass_.run(model, props)
            if type(new) is not type(model):
                raise InternalError(f"transform pass {pass_.name} returned a {type(new).__name__}, "
                                    f"not a {type(model).__name__}")
            if new is not model:
                props.valid &= set(pass_.preserves)
            return new
        raise InternalError(f"{pass_!r} is neither an analysis nor a transform pass")

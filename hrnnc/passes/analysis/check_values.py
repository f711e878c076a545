"""Every expression has a finite value at the params' initial values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrnnc.diagnostics import Code, error
from hrnnc.ir import FLOAT, EvaluationError, Param, evaluate
from hrnnc.passes.analysis.check_names import CheckNames, statement_expressions
from hrnnc.passes.base import AnalysisPass, PropertyKey, PropertySet

if TYPE_CHECKING:
    from hrnnc.ir import Model

INITIAL_VALUES: PropertyKey[dict[str, float]] = PropertyKey("initial-values")
"""Value of every param and const at the params' initial values."""


@dataclass(frozen=True)
class CheckValues(AnalysisPass):
    """Reports E0216 for division by zero, overflow or a domain error; writes INITIAL_VALUES."""

    name = "check-values"
    requires = (CheckNames,)

    def run(self, model: Model, props: PropertySet) -> None:
        values: dict[str, float] = {}
        broken: set[str] = set()

        def lookup(name: str) -> float:
            if name in broken or name not in values:
                raise LookupError(name)
            return values[name]

        for decl in model.decls:
            expr = decl.init if isinstance(decl, Param) else decl.value
            try:
                values[decl.name] = evaluate(expr, lookup, FLOAT)
            except EvaluationError as exc:
                broken.add(decl.name)
                props.report(error(Code.E0216, f"'{decl.name}' has no finite value: {exc}",
                                   exc.node.span or decl.span))
            except LookupError:
                broken.add(decl.name)  # undefined or broken name: already reported
        for expr in statement_expressions(model):
            try:
                evaluate(expr, lookup, FLOAT)
            except EvaluationError as exc:
                props.report(error(Code.E0216, f"this expression has no finite value: {exc}",
                                   exc.node.span or expr.span))
            except LookupError:
                pass
        props[INITIAL_VALUES] = values

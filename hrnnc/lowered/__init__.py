"""The lowered run shared by the targets and the qubit simulator (see ``docs/architecture.md``)."""

from __future__ import annotations

from hrnnc.lowered.lower import Args, cell_items, evaluator, lower_cell, lower_run, lower_steps, steps
from hrnnc.lowered.run import (
    Action,
    Angle,
    DiagBlock,
    Item,
    LoweredRun,
    Monomial,
    Term,
    multi_site_depth,
    optimizer_report,
    run_stats,
)

__all__ = [
    "Action", "Angle", "Args", "DiagBlock", "Item", "LoweredRun", "Monomial", "Term", "cell_items", "evaluator",
    "lower_cell", "lower_run", "lower_steps", "multi_site_depth", "optimizer_report", "run_stats", "steps",
]

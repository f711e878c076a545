"""The standard pass lists that ``check``, ``compile`` and ``simulate`` run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hrnnc.passes.analysis import CheckDegree, CheckNames, CheckSites, CheckValues
from hrnnc.passes.base import Pass

if TYPE_CHECKING:
    from hrnnc.lowered import LoweredRun


def semantic_passes() -> list[Pass]:
    """What every model must pass before anything reads it: docs/semantics.md §4 semantic + degree."""
    return [CheckNames(), CheckSites(), CheckValues(), CheckDegree()]


def check_passes(strict: bool = False, **options: Any) -> list[Pass]:
    """What ``hrnnc check`` adds once the semantic passes are clean."""
    from hrnnc.passes.analysis.lie_closure import LieClosure

    return [LieClosure(strict=strict, **options)]


def optimize_passes(schedule: bool = True, **merge_options: Any) -> list[Pass]:
    """The optimizer on a lowered run: merge-phases, then (``schedule``) schedule-layers."""
    from hrnnc.passes.transform import MergePhases, ScheduleLayers

    passes: list[Pass] = [MergePhases(**merge_options)]
    if schedule:
        passes.append(ScheduleLayers())
    return passes


def optimize(run: LoweredRun, schedule: bool = True, **merge_options: Any) -> LoweredRun:
    """``run`` through :func:`optimize_passes`."""
    from hrnnc.passes.manager import PassManager

    out, _ = PassManager(optimize_passes(schedule, **merge_options)).run(run)
    return out  # type: ignore[return-value]

"""The standard pass lists that ``check``, ``compile`` and ``simulate`` run."""

from __future__ import annotations

from typing import Any

from hrnnc.passes.analysis import CheckDegree, CheckNames, CheckSites, CheckValues
from hrnnc.passes.base import Pass


def semantic_passes() -> list[Pass]:
    """What every model must pass before anything reads it: docs/semantics.md §4 semantic + degree."""
    return [CheckNames(), CheckSites(), CheckValues(), CheckDegree()]


def check_passes(strict: bool = False, **options: Any) -> list[Pass]:
    """What ``hrnnc check`` adds once the semantic passes are clean."""
    from hrnnc.passes.analysis.lie_closure import LieClosure

    return [LieClosure(strict=strict, **options)]

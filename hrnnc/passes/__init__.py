"""Pass machinery and the standard pipelines."""

from __future__ import annotations

from hrnnc.passes.base import AnalysisPass, Pass, PropertyKey, PropertySet, TransformPass
from hrnnc.passes.manager import PassManager
from hrnnc.passes.pipelines import semantic_passes

__all__ = ["AnalysisPass", "Pass", "PassManager", "PropertyKey", "PropertySet", "TransformPass", "semantic_passes"]

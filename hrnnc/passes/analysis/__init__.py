"""Analysis passes: each reads the model and writes the property set."""

from __future__ import annotations

from hrnnc.passes.analysis.check_degree import MAX_EDGE_DEGREE, CheckDegree
from hrnnc.passes.analysis.check_names import CheckNames
from hrnnc.passes.analysis.check_sites import CheckSites
from hrnnc.passes.analysis.check_values import INITIAL_VALUES, CheckValues
from hrnnc.passes.analysis.lie_closure import CLOSURE, LieClosure

__all__ = ["CLOSURE", "INITIAL_VALUES", "LieClosure", "MAX_EDGE_DEGREE", "CheckDegree", "CheckNames", "CheckSites", "CheckValues"]

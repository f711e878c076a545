"""Transformation passes: each returns a new program (a model, or a lowered run)."""

from __future__ import annotations

from hrnnc.passes.transform.merge_phases import MergePhases
from hrnnc.passes.transform.schedule_layers import ScheduleLayers

__all__ = ["MergePhases", "ScheduleLayers"]

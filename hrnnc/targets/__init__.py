"""Code generators, one module per SDK, found through the ``hrnnc.targets`` entry points."""

from __future__ import annotations

from hrnnc.targets.base import Target, make_target, target_class, target_names

__all__ = ["Target", "make_target", "target_class", "target_names"]

"""tket target (neutral atoms): native CnZ with a checked arity; pytket is imported lazily."""

from __future__ import annotations

from hrnnc.targets.tket_target.check_native_arity import CheckNativeArity
from hrnnc.targets.tket_target.target import TketTarget

__all__ = ["CheckNativeArity", "TketTarget"]

"""Transformation passes: each returns a new model."""

from __future__ import annotations

__all__: list[str] = []

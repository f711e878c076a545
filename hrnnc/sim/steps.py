"""The input sequence as (cell, arguments) pairs: the one place the moments engine unrolls inputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from hrnnc.ir import unroll_steps

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Model


def input_steps(model: Model, inputs: str | Iterable[Any]) -> list[tuple[Cell, dict[str, float]]]:
    """Each input's cell and the token arguments it binds (``{}`` for a plain token).

    Raises:
        ParseFailedError: As :func:`hrnnc.ir.unroll_steps` (E0218, E0222–E0224).
    """
    if not isinstance(inputs, str):  # ("name", ()) is a plain token, as hrnnc.data records it
        inputs = [item if isinstance(item, str) or tuple(item[1]) else item[0] for item in inputs]
    return [(step.cell, dict(step.args)) for step in unroll_steps(model, inputs)]


def input_labels(model: Model, inputs: str | Iterable[Any]) -> tuple[str, ...]:
    """Each input as one would type it: ``z0``, ``w01(0.37)``."""
    if not isinstance(inputs, str):
        inputs = [item if isinstance(item, str) or tuple(item[1]) else item[0] for item in inputs]
    return tuple(step.token if not step.args else f"{step.token}({', '.join(repr(v) for _, v in step.args)})"
                 for step in unroll_steps(model, inputs))


__all__ = ["input_labels", "input_steps"]

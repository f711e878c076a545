"""The ``qiskit`` target: k-HRNN unit cells and sequences as Qiskit circuits and OpenQASM 3.

Importing this package does not import Qiskit; every function that needs it imports it when
called. See ``docs/targets/qiskit.md`` for the layout of the emitted circuits.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrnnc.results import from_qiskit
from hrnnc.targets.qiskit_target.derived import derived_inputs, input_values
from hrnnc.targets.qiskit_target.lowering import MEASURE_MODES, Lowering, assemble
from hrnnc.targets.qiskit_target.qasm import dumps, dumps_cells, loads, split_programs
from hrnnc.targets.qiskit_target.report import circuit_report, report
from hrnnc.targets.qiskit_target.target import QiskitTarget, parse_transpile

if TYPE_CHECKING:
    from qiskit import QuantumCircuit

    from hrnnc.ir import Model


def unit_cells(model: Model | str | Path, **options: Any) -> dict[str, QuantumCircuit]:
    """One circuit per token of the model's alphabet, for assembling sequences yourself.

    Args:
        model: A qubit model, or its text or path.
        options: :class:`QiskitTarget` options (``measure``, ``bind``, ``transpile``, ``opt``).

    Returns:
        ``{token: QuantumCircuit}``; each cell acts on register ``q`` (plus ``anc`` with
        ``measure="ancilla"``) and has one one-bit register per measured output. Start a
        sequence with ``|+⟩`` on ``q``, or use :func:`assemble`.
    """
    from hrnnc.api import compile

    return compile(model, target="qiskit", inputs=None, **options)  # type: ignore[no-any-return]


def time_ordered(counts: dict[str, Any]) -> dict[str, Any]:
    """Qiskit counts (``"1 0 1"`` or ``"101"``, last clbit leftmost) keyed by time-order strings.

    The same as :func:`hrnnc.results.from_qiskit` on counts; kept here beside the emitter.
    """
    return from_qiskit(counts)  # type: ignore[return-value]


__all__ = [
    "MEASURE_MODES", "Lowering", "QiskitTarget", "assemble", "circuit_report", "derived_inputs", "dumps",
    "dumps_cells", "input_values", "loads", "parse_transpile", "report", "split_programs", "time_ordered", "unit_cells",
]

"""Each SDK's measurement results, back in hrnnc's time order.

hrnnc numbers a run's outputs in time order: output ``t`` is the ``t``-th measurement of the
input sequence (``SimulationResult.outputs``), and a qubit outcome string has output 0 leftmost.
The targets record them differently:

* **Qiskit** gives every measurement its own one-bit classical register ``m<t>_<name>``
  (``t`` zero-padded), so a circuit's registers name its outputs. Qiskit prints counts and
  memory with the *last* register leftmost, registers separated by spaces: ``"1 0 0"`` is
  outputs (0, 0, 1). :func:`from_qiskit` reverses them.
* **tket** uses one register ``c``: measurement ``t`` writes bit ``c[t]``. A pytket
  ``BackendResult.get_shots()`` row lists ``c[0], c[1], …``, i.e. already time order;
  :func:`from_pytket` joins each row into a string.
* **Strawberry Fields** keeps, per mode, the list of homodyne values measured on it
  (``Result.samples_dict``; ``Result.samples`` holds only the last value per mode), in SF's units (``x = √ħ · q``). :func:`from_sf` walks the
  program's measurements in order to interleave the modes in time order, and divides by
  ``√ħ`` to return hrnnc's units (ħ = 1).

The functions take plain data or the SDK's result objects and import no SDK.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterable, Mapping, Sequence


def _qiskit_key(key: str) -> str:
    return key.replace(" ", "")[::-1]


def from_qiskit(results: Mapping[str, int] | Sequence[str]) -> dict[str, int] | list[str]:
    """Qiskit counts (``{"1 0 0": 7, …}``) or memory (``["1 0 0", …]``) in hrnnc's time order.

    Returns:
        For counts, ``{time-order bits: count}`` (keys that differ only in spacing are merged);
        for memory, one time-order string per shot.
    """
    if isinstance(results, Mapping):
        merged: Counter[str] = Counter()
        for key, count in results.items():
            merged[_qiskit_key(key)] += int(count)
        return dict(merged)
    return [_qiskit_key(key) for key in results]


def from_pytket(result: Any) -> list[str]:
    """pytket shots (a ``BackendResult``, or its ``get_shots()`` array of rows ``c[0], c[1], …``)
    as one time-order bit string per shot."""
    rows = result.get_shots() if hasattr(result, "get_shots") else result
    return ["".join(str(int(bit)) for bit in row) for row in rows]


def from_sf(results: Any, program: Any, hbar: float | None = None) -> list[tuple[float, ...]]:
    """Strawberry Fields homodyne values in hrnnc's time order and units, one tuple per run.

    Args:
        results: A ``strawberryfields.Result`` or an iterable of them (one per run; SF's
            homodyne simulations take one shot per run).
        program: The ``sf.Program`` that was run (as compiled by hrnnc), for the order of its
            measurements.
        hbar: SF's ħ in the run (default: ``strawberryfields.hbar``, read from the result's
            module only if it is loaded, else 2, SF's default).
    """
    order = _measured_modes(program)
    scale = 1.0 / math.sqrt(_hbar(hbar))
    runs = [results] if _per_mode(results) is not None else list(results)
    out: list[tuple[float, ...]] = []
    for run in runs:
        per_mode = _per_mode(run)
        if per_mode is None:
            raise TypeError(f"not a strawberryfields Result: {type(run).__name__}")
        seen: Counter[int] = Counter()
        values: list[float] = []
        for mode in order:
            values.append(float(_real(per_mode[mode][seen[mode]])) * scale)
            seen[mode] += 1
        out.append(tuple(values))
    return out


def _per_mode(result: Any) -> Mapping[int, Sequence[Any]] | None:
    """Every value measured on each mode: ``samples_dict`` (SF 0.23), ``all_samples`` (older SF)."""
    for name in ("samples_dict", "all_samples"):
        table = getattr(result, name, None)
        if isinstance(table, Mapping):
            return table
    return None


def _measured_modes(program: Any) -> list[int]:
    """The mode of each measurement of an SF program, in program order."""
    modes: list[int] = []
    for command in program.circuit:
        if type(command.op).__name__.startswith("Measure"):
            modes.extend(r.ind for r in command.reg)
    return modes


def _real(value: Any) -> float:
    try:
        return float(value)
    except TypeError:  # a 0-d or 1-element array
        return float(next(iter(value)))


def _hbar(hbar: float | None) -> float:
    if hbar is not None:
        return float(hbar)
    import sys

    sf = sys.modules.get("strawberryfields")
    return float(getattr(sf, "hbar", 2.0)) if sf is not None else 2.0


def distribution(samples: Iterable[str]) -> dict[str, float]:
    """Relative frequencies of time-order bit strings (to compare with ``SimulationResult.distribution``)."""
    counts = Counter(samples)
    total = sum(counts.values())
    return {bits: count / total for bits, count in counts.items()} if total else {}


__all__ = ["distribution", "from_pytket", "from_qiskit", "from_sf"]

"""Registers too large for an SDK's objects are refused before anything is built (issue #16, item 8)."""

from __future__ import annotations

import pytest

import hrnnc
from hrnnc.diagnostics import Code, TargetError
from hrnnc.frontend import parse_text
from hrnnc.sim.memory import MEMORY_LIMIT_ENV

QUBITS = "hrnn m {{ qubits {n}; degree 2; on a {{ phase(1) 0 1; measure stab(0) -> y; }} }}"
QUMODES = "hrnn m {{ qumodes {n}; degree 2; on a {{ phase(1) 0 1; measure stab(0) -> y; }} }}"


@pytest.mark.parametrize("target, text, per_site", [("qiskit", QUBITS, 256), ("tket", QUBITS, 1536), ("sf", QUMODES, 1024)])
def test_register_beyond_memory_is_e0630_with_the_sizes(target: str, text: str, per_site: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """With 10⁹ bytes available, 10⁷ sites need per_site·10⁷ bytes: refused, with both numbers
    (before: qiskit reached 3.3 GB building 999,999,999 Qubit objects, then a MemoryError)."""
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1e9")
    with pytest.raises(TargetError) as info:
        hrnnc.compile(parse_text(text.format(n=10_000_000)), target=target, inputs="a")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code is Code.E0630
    assert f"{per_site * 10_000_000:,} bytes" in diagnostic.message and "1,000,000,000 bytes" in diagnostic.message
    span = diagnostic.span
    assert span is not None and span.source.text[span.start:span.end].startswith(("qubits", "qumodes"))


def test_register_within_memory_compiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1e9")
    circuit = hrnnc.compile(parse_text(QUBITS.format(n=3)), target="qiskit", inputs="a")
    assert circuit.num_qubits >= 3

"""``make_target``: by name, or a configured target with further options (never dropped)."""

from __future__ import annotations

import pytest

import hrnnc
from hrnnc.diagnostics import ConfigurationError
from hrnnc.targets import make_target
from hrnnc.targets.qiskit_target import QiskitTarget


def test_options_beside_a_configured_target_are_applied_to_a_copy():
    configured = QiskitTarget(opt=2)
    changed = make_target(configured, measure="ancilla")
    assert (changed.measure, changed.opt) == ("ancilla", 2)
    assert configured.measure == "inplace"  # the caller's target is not changed
    assert make_target(configured) is configured


def test_unknown_or_invalid_options_of_a_configured_target_are_configuration_errors():
    with pytest.raises(ConfigurationError, match="target 'qiskit' has no option"):
        make_target(QiskitTarget(), colour="red")
    with pytest.raises(ConfigurationError):
        make_target(QiskitTarget(), measure="sideways")


def test_compile_applies_options_given_with_a_target_object():
    pytest.importorskip("qiskit")
    text = "hrnn b { qubits 2; degree 2; param a = 0.5; on w { phase(a) 0 1; } }"
    assert sorted(p.name for p in hrnnc.compile(text, QiskitTarget())["w"].parameters) == ["a"]
    assert not hrnnc.compile(text, QiskitTarget(), bind=True)["w"].parameters

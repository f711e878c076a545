"""Regressions of the qubit simulator, each checked against an independent evaluation."""

from __future__ import annotations

import os
import sys

import pytest

import hrnnc
from hrnnc.sim.qubit import exact_distribution

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "targets"))

VANISHING = """hrnn r { qubits 6; degree 2;
  on t0 { measure stab(0; pi: 0) -> s; phase(pi) 0; phase(0.5) 0; }
  on t1 { measure stab(1) -> s; }
  on t3 { reset 0; phase(pi) 0; } }"""


def test_exactly_zero_branches_do_not_survive_as_rounding_noise() -> None:
    """Regression (found by the Qiskit target's property tests): an exactly-zero branch came out
    at 1.7e-13 because probabilities were taken as 1 - p against a drifting tracked norm; it
    survived pruning and then vanished, raising E0601 on a valid model. The distribution must
    equal an independent instruction-by-instruction evaluation of the Qiskit circuit."""
    pytest.importorskip("qiskit")
    from test_qiskit_evaluator import assert_same_distribution
    from test_qiskit_evaluator import exact_distribution as circuit_distribution

    model = hrnnc.parse(VANISHING)
    tokens = "t0 t0 t0 t0 t1 t3 t0".split()
    got = exact_distribution(model, tokens)
    want = circuit_distribution(hrnnc.compile(model, target="qiskit", inputs=tokens))
    assert_same_distribution(got, want)
    assert abs(sum(got.values()) - 1.0) < 1e-12

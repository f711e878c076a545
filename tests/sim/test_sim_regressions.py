"""Regressions of the qubit simulator, each checked against an independent evaluation."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


MERMIN = Path(__file__).resolve().parent.parent.parent / "examples" / "mermin_peres.hrnn"
CV = "hrnn cv { qumodes 1; degree 2; on a { phase(0.3) 0; } on s { measure p 0 -> y; } }"


@pytest.mark.parametrize("seed", [-1, 1.5, True])
def test_bad_seed_is_a_configuration_error(seed: object) -> None:
    """Regression (review): a negative seed reached numpy and surfaced as a bare ValueError traceback."""
    with pytest.raises(hrnnc.ConfigurationError):
        hrnnc.simulate(MERMIN, "prep s0", shots=10, seed=seed)  # type: ignore[arg-type]


@pytest.mark.parametrize("squeezing", [-1.0, float("nan"), float("inf")])
def test_bad_squeezing_is_a_configuration_error(squeezing: float) -> None:
    """Regression (review): the squeezing check ran after option parsing, outside its error mapping."""
    with pytest.raises(hrnnc.ConfigurationError):
        hrnnc.simulate(CV, "a s", squeezing=squeezing)


def test_too_many_shots_is_refused_before_sampling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (review): 10^12 shots were expanded into a list until the OS killed the process."""
    monkeypatch.setenv("HRNNC_SIM_MEMORY", str(10**6))
    with pytest.raises(hrnnc.SimulationError) as info:
        hrnnc.simulate(MERMIN, "prep s0", shots=10**5)
    assert info.value.diagnostics[0].code.value == "E0601"

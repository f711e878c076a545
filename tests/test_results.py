"""hrnnc.results: each SDK's simulator output mapped back to hrnnc's time order (issue 16, item 17).

The models are built so that the time order is visible in the answer: a deterministic first
output 1 followed by outputs 0 (qubits), or means 0, -0.7, 1.5 in time order (qumodes). The
expected values come from the model by hand (the docstrings) and from hrnnc's exact simulator;
the samples come from Aer (Qiskit and, through OpenQASM 2, tket's circuit) and from Strawberry
Fields' Gaussian backend.
"""

from __future__ import annotations

import math

import pytest

import hrnnc
from hrnnc.results import distribution, from_pytket, from_qiskit, from_sf

QUBITS = """hrnn q { qubits 2; degree 2;
  on f { reset 1; phase(pi) 1; measure x 1 -> y; }
  on z { reset 0; measure z 0 -> y; }
  on a { reset 0; measure x 0 -> y; }
}"""
"""`f` measures X on Z|+⟩ = |−⟩: 1 surely; `z` a fair coin; `a` X on |+⟩: 0 surely.
So "f z a" gives 100 or 110, each with probability 1/2 (output 0 leftmost)."""
INPUTS = "f z a"
EXPECTED = {"100": 0.5, "110": 0.5}
SHOTS = 2000


def test_hrnnc_simulator_agrees_with_the_hand_derivation() -> None:
    assert hrnnc.simulate(QUBITS, INPUTS).distribution == pytest.approx(EXPECTED)


def _close(freqs: dict[str, float]) -> None:
    assert set(freqs) == set(EXPECTED)
    sigma = math.sqrt(0.25 / SHOTS)
    assert all(abs(freqs[k] - EXPECTED[k]) < 6 * sigma for k in EXPECTED)


def test_qiskit_counts_and_memory_map_to_time_order() -> None:
    pytest.importorskip("qiskit_aer")
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    circuit = hrnnc.compile(QUBITS, target="qiskit", inputs=INPUTS)
    backend = AerSimulator(seed_simulator=7)
    result = backend.run(transpile(circuit, backend), shots=SHOTS, memory=True).result()
    counts, memory = result.get_counts(), result.get_memory()
    assert all(" " in key for key in counts)  # one register per measurement
    _close(distribution(from_qiskit(memory)))
    mapped = from_qiskit(counts)
    assert sum(mapped.values()) == SHOTS
    _close({k: v / SHOTS for k, v in mapped.items()})


def test_pytket_shots_map_to_time_order() -> None:
    """tket's circuit (CZ gate set, so OpenQASM 2 can carry it) sampled by Aer; the samples are
    put into a pytket BackendResult over the circuit's own bits c[0], c[1], …"""
    pytest.importorskip("pytket")
    pytest.importorskip("qiskit_aer")
    from pytket.backends.backendresult import BackendResult
    from pytket.utils.outcomearray import OutcomeArray
    from qiskit import QuantumCircuit, transpile
    from qiskit_aer import AerSimulator

    from hrnnc.targets import make_target

    target = make_target("tket", gateset="cz", format="qasm")
    circuit = hrnnc.compile(QUBITS, target=target, inputs=INPUTS)
    assert [b.reg_name for b in circuit.bits] == ["c"] * 3
    qiskit_circuit = QuantumCircuit.from_qasm_str(target.dump(circuit))
    backend = AerSimulator(seed_simulator=11)
    memory = backend.run(transpile(qiskit_circuit, backend), shots=SHOTS, memory=True).result().get_memory()
    rows = [[int(ch) for ch in reversed(word)] for word in memory]  # Qiskit prints c[0] rightmost
    result = BackendResult(shots=OutcomeArray.from_readouts(rows), c_bits=circuit.bits)
    _close(distribution(from_pytket(result)))


def test_sf_samples_map_to_time_order_and_units() -> None:
    """Squeezing 0 (vacuum, Var q = Var p = 1/2 at ħ = 1). Input "b a": `b` measures p of mode 1
    (mean 0), shifts mode 1 by -0.7 and measures its q (mean -0.7); `a` shifts mode 0 by 1.5 and
    measures q (mean 1.5). SF reports mode 1's two values before mode 0's, in its ħ = 2 units."""
    sf = pytest.importorskip("hrnnc.targets.sf_target").import_strawberryfields()
    model = hrnnc.parse("hrnn c { qumodes 2; degree 2; on a { shift(1.5) 0; measure q 0 -> x; }"
                        " on b { measure p 1 -> y; shift(-0.7) 1; measure q 1 -> z; } }")
    program = hrnnc.compile(model, target="sf", inputs="b a", squeezing=0.0)
    runs = []
    for _ in range(100):
        engine = sf.Engine("gaussian")
        runs.append(engine.run(program))
    samples = from_sf(runs, program, hbar=sf.hbar)
    assert all(len(s) == 3 for s in samples)
    means = [sum(s[t] for s in samples) / len(samples) for t in range(3)]
    tolerance = 6 * math.sqrt(0.5 / len(samples))
    assert means == pytest.approx([0.0, -0.7, 1.5], abs=tolerance)
    assert hrnnc.simulate(model, "b a", squeezing=0.0).outputs == ("y", "z", "x")

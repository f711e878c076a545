"""Cross-check of compiled circuits against the reference simulator on Qiskit Aer (skips without Aer).

Two independent routes: (1) exact — every mid-circuit measurement becomes a CX onto a fresh
record qubit and every reset a swap with a fresh ``|0⟩`` qubit (deferred measurement), and
Aer's statevector gives the records' exact joint distribution; (2) sampled — the circuit as
emitted, mid-circuit measurements and all, run for many shots with a fixed seed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("qiskit")
aer = pytest.importorskip("qiskit_aer")
from qiskit import QuantumCircuit, QuantumRegister, transpile  # noqa: E402
from test_qiskit_evaluator import assert_same_distribution, time_order  # noqa: E402

import hrnnc  # noqa: E402
from hrnnc.ir import initial_param_values  # noqa: E402
from hrnnc.sim import qubit as ref  # noqa: E402
from hrnnc.targets.qiskit_target import time_ordered  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

def _cases() -> list[tuple[str, str]]:
    """Each qubit example with its alphabet, then the alphabet reversed (≤ 8 tokens)."""
    out = []
    for path in sorted((ROOT / "examples").glob("*.hrnn")):
        model = hrnnc.parse(path)
        if model.kind.value == "qubits":
            alphabet = list(model.alphabet)
            out.append((path.stem, " ".join((alphabet + alphabet[::-1])[:8])))
    return out


CASES = _cases()


def deferred(circuit: QuantumCircuit) -> tuple[QuantumCircuit, list[int]]:
    """A measurement-free equivalent: returns the circuit and its record qubits in time order."""
    order = {bit: i for i, bit in enumerate(time_order(circuit))}
    splits = sum(1 for inst in circuit.data if inst.operation.name in ("measure", "reset"))
    work = QuantumRegister(circuit.num_qubits, "w")
    extra = QuantumRegister(splits, "x")
    out = QuantumCircuit(work, extra)
    where = {q: work[i] for i, q in enumerate(circuit.qubits)}
    fresh = iter(extra)
    records: dict[int, int] = {}
    for inst in circuit.data:
        name = inst.operation.name
        if name == "measure":
            record = next(fresh)
            out.cx(where[inst.qubits[0]], record)
            records[order[inst.clbits[0]]] = out.find_bit(record).index
        elif name == "reset":
            where[inst.qubits[0]] = next(fresh)  # the old qubit is discarded, a fresh |0⟩ takes over
        else:
            out.append(inst.operation, [where[q] for q in inst.qubits])
    return out, [records[t] for t in sorted(records)]


def aer_exact(circuit: QuantumCircuit) -> dict[str, float]:
    flat, records = deferred(circuit)
    flat.save_probabilities_dict(records)
    sim = aer.AerSimulator(method="statevector")
    data = sim.run(transpile(flat, sim, optimization_level=0)).result().data()
    probs = data["probabilities"]
    # Keys are integers over the record list, record i as bit i; the time-order string reads bit 0 first.
    return {format(int(k, 16) if isinstance(k, str) else int(k), f"0{len(records)}b")[::-1]: float(v)
            for k, v in probs.items()}


@pytest.mark.parametrize("measure", ("inplace", "ancilla"))
@pytest.mark.parametrize("name, tokens", CASES, ids=[c[0] for c in CASES])
def test_aer_exact_distribution_matches_simulator(name: str, tokens: str, measure: str) -> None:
    model = hrnnc.parse(ROOT / "examples" / f"{name}.hrnn")
    qc = hrnnc.compile(model, target="qiskit", inputs=tokens, measure=measure, bind=True)
    assert_same_distribution(aer_exact(qc), ref.exact_distribution(model, tokens))


@pytest.mark.parametrize("name, tokens", CASES, ids=[c[0] for c in CASES])
def test_aer_shots_match_simulator(name: str, tokens: str) -> None:
    """Sampled counts of the emitted circuit, mid-circuit measurements included, within 4 sigma."""
    model = hrnnc.parse(ROOT / "examples" / f"{name}.hrnn")
    qc = hrnnc.compile(model, target="qiskit", inputs=tokens, measure="ancilla")
    qc = qc.assign_parameters({p: initial_param_values(model)[p.name] for p in qc.parameters})
    shots = 20_000
    sim = aer.AerSimulator(method="statevector", seed_simulator=11)
    counts = time_ordered(sim.run(transpile(qc, sim, optimization_level=0), shots=shots).result().get_counts())
    want = ref.exact_distribution(model, tokens)
    assert set(counts) <= set(want)
    for bits, p in want.items():
        sigma = (p * (1 - p) / shots) ** 0.5
        assert abs(counts.get(bits, 0) / shots - p) <= 4 * sigma + 1e-12, bits

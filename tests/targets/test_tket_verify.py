"""The tket target against the reference simulator: exact unitaries (global phase included) of
measurement-free runs, output distributions with measurements, the predicate on every output."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytket")

import hrnnc  # noqa: E402
from hrnnc.sim.qubit import exact_distribution, phase_diagonal  # noqa: E402
from hrnnc.targets.tket_target.evaluate import circuit_distribution, circuit_unitary  # noqa: E402
from hrnnc.targets.tket_target.predicate import satisfies_gate_set  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [p for p in sorted((ROOT / "examples").glob("*.hrnn")) if hrnnc.parse(p).kind.value == "qubits"]
H = np.array([[1, 1], [1, -1]]) / math.sqrt(2)


def random_model(seed: int, n: int, k: int, tokens: int = 3, edges: int = 4, stabs: bool = False) -> str:
    """A random weighted k-HRNN: edges of every size 1…k, weights random, π, or trainable."""
    rng = random.Random(seed)
    lines = [f"hrnn r{seed} {{", f"  qubits {n};", f"  degree {k};", f"  param w = {rng.uniform(-3, 3):.6f};"]
    for t in range(tokens):
        body = []
        for _ in range(edges):
            size = rng.randint(2, k) if rng.random() < 0.85 else 1
            sites = " ".join(map(str, sorted(rng.sample(range(n), size))))
            angle = rng.choice(["pi", "w", f"{rng.uniform(-6, 6):.6f}", "w / 2 + 0.3"])
            body.append(f"phase({angle}) {sites};")
        if stabs:
            v = rng.randrange(n)
            kappa = []
            for _ in range(rng.randint(0, 2)):
                others = sorted(rng.sample([j for j in range(n) if j != v], rng.randint(1, k - 1)))
                kappa.append(f"{rng.choice(['pi', 'w', '0.9'])}: {' '.join(map(str, sorted([v, *others])))}")
            body.append(f"measure stab({v}{'; ' + ', '.join(kappa) if kappa else ''}) -> y;")
            if rng.random() < 0.5:
                body.append(f"measure {rng.choice('xz')} {rng.randrange(n)} -> y;")
            if rng.random() < 0.3:
                body.append(f"reset {rng.randrange(n)};")
        lines.append(f"  on t{t} {{ {' '.join(body)} }}")
    lines.append("}")
    return "\n".join(lines)


def register_unitary(circ, n: int) -> np.ndarray:
    """The circuit's unitary restricted to the register, any ancilla (q[n]) in |0⟩ in and out."""
    u = circuit_unitary(circ)
    block = u[: 2 ** n, : 2 ** n]
    if circ.n_qubits > n:  # the ancilla must come back clean: no leakage into |1⟩_a
        assert np.allclose(np.abs(u[2 ** n:, : 2 ** n]), 0, atol=1e-9)
    return block


def plus_layer(n: int) -> np.ndarray:
    out = np.ones((1, 1))
    for _ in range(n):
        out = np.kron(out, H)
    return out


def tv(p: dict[str, float], q: dict[str, float]) -> float:
    return max((abs(p.get(b, 0.0) - q.get(b, 0.0)) for b in set(p) | set(q)), default=0.0)


CONFIGS = [
    {}, {"plan": "design"}, {"phase_ancilla": True}, {"gateset": "cz"},
]


@pytest.mark.parametrize("k", [2, 3, 4])
@pytest.mark.parametrize("seed", range(3))
def test_unit_cells_equal_simulator_unitary(k, seed):
    """Each unit cell's unitary is exactly diag(phase_diagonal) for every arity 2…k (A < k decomposes)."""
    n = k + 1
    model = hrnnc.parse(random_model(100 * k + seed, n, k))
    for arity in range(2, k + 1):
        for config in CONFIGS:
            cells = hrnnc.compile(model, "tket", arity=arity, **config, bind=True)
            gateset = config.get("gateset", "native")
            for token, circ in cells.items():
                assert satisfies_gate_set(circ, gateset, arity)
                want = np.diag(phase_diagonal(model, [token]))
                got = register_unitary(circ, n)  # global phase included, for both gate sets
                assert np.allclose(got, want, atol=1e-8), (token, arity, config)


@pytest.mark.parametrize("k", [3, 4])
def test_runs_merge_across_cells_and_stay_exact(k):
    """A measurement-free run (blocks merged across cell boundaries) equals D · H^n exactly."""
    n = k + 2
    model = hrnnc.parse(random_model(7 + k, n, k, tokens=3, edges=5))
    tokens = ["t0", "t1", "t2", "t0", "t1"]
    want = np.diag(phase_diagonal(model, tokens)) @ plus_layer(n)
    for arity in (k - 1, k):
        for config in ({}, {"phase_ancilla": True}, {"plan": "design"}):
            circ = hrnnc.compile(model, "tket", inputs=tokens, arity=arity, **config, bind=True)
            assert satisfies_gate_set(circ, "native", arity)
            assert np.allclose(register_unitary(circ, n), want, atol=1e-8), (arity, config)


def test_evaluator_agrees_with_pytket_unitary_and_order():
    """pytket's get_unitary is big-endian (ILO-BE); reversing qubit axes gives the simulator's order."""
    model = hrnnc.parse(random_model(5, 4, 3))
    circ = hrnnc.compile(model, "tket", inputs="t0 t1", bind=True)
    n = circ.n_qubits
    tk = circ.get_unitary().reshape((2,) * (2 * n))
    perm = list(reversed(range(n))) + [n + i for i in reversed(range(n))]
    little = tk.transpose(perm).reshape(2 ** n, 2 ** n)
    assert np.allclose(little, circuit_unitary(circ), atol=1e-9)
    want = np.diag(phase_diagonal(model, "t0 t1")) @ plus_layer(4)
    assert np.allclose(little, want, atol=1e-9)


def test_trainable_params_use_initial_values():
    """With ``bind=True`` angles are evaluated at the params' initial values."""
    text = "hrnn p { qubits 3; degree 3; param g = 0.4; on a { phase(g * 2) 0 1 2; phase(g) 1 2; } }"
    model = hrnnc.parse(text)
    circ = hrnnc.compile(model, "tket", bind=True)["a"]
    assert np.allclose(register_unitary(circ, 3), np.diag(phase_diagonal(model, ["a"])), atol=1e-9)
    assert not np.allclose(register_unitary(circ, 3), np.diag(phase_diagonal(model, ["a"], {"g": 0.5})))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("measure", ["inplace", "ancilla"])
@pytest.mark.parametrize("gateset", ["native", "cz"])
def test_examples_distributions_match_simulator(path, measure, gateset):
    """Every example, both stabilizer lowerings, both gate sets: the exact output distribution."""
    model = hrnnc.parse(path)
    tokens = list(model.alphabet)
    for seq in (tokens, tokens[::-1]):
        circ = hrnnc.compile(model, "tket", inputs=seq, measure=measure, gateset=gateset, bind=True)
        assert satisfies_gate_set(circ, gateset, min(model.k, model.size))
        splits = sum(circ.n_gates_of_type(getattr(__import__("pytket").OpType, t)) for t in ("Measure", "Reset"))
        if circ.n_qubits > 10 or splits > 12:  # too large for the branching evaluator: predicate only
            continue
        assert tv(circuit_distribution(circ), exact_distribution(model, seq)) < 1e-9


@pytest.mark.parametrize("seed", range(6))
def test_random_models_with_measurements(seed):
    """Random weighted models with stabilizer, Pauli measurements and resets; arity A ≤ k."""
    rng = random.Random(seed)
    k = rng.choice([2, 3, 4])
    n = k + rng.randint(0, 1)
    model = hrnnc.parse(random_model(1000 + seed, n, k, tokens=3, edges=3, stabs=True))
    seq = [f"t{rng.randrange(3)}" for _ in range(3)]
    want = exact_distribution(model, seq)
    for arity in sorted({2, k}):
        for config in ({}, {"measure": "ancilla"}, {"phase_ancilla": True}, {"plan": "design"}):
            circ = hrnnc.compile(model, "tket", inputs=seq, arity=arity, **config, bind=True)
            assert satisfies_gate_set(circ, "native", arity)
            assert tv(circuit_distribution(circ), want) < 1e-9, (arity, config)


def test_examples_unit_cells_hold_the_predicate():
    for path in EXAMPLES:
        model = hrnnc.parse(path)
        for arity in range(2, min(model.k, model.size) + 1):
            for circ in hrnnc.compile(model, "tket", arity=arity, bind=True).values():
                assert satisfies_gate_set(circ, "native", arity)


def test_z_measurement_leaves_the_diagonal_block_open():
    """Diagonal gates commute with a Z measurement: phases on both sides merge (here they cancel)."""
    text = """hrnn z { qubits 3; degree 3;
      on a { phase(0.3) 0 1 2; measure z 0 -> y; phase(-0.3) 0 1 2; phase(pi) 1 2; measure x 1 -> y; } }"""
    model = hrnnc.parse(text)
    circ = hrnnc.compile(model, "tket", inputs="a a", bind=True)
    assert circ.n_gates_of_type(__import__("pytket").OpType.CnZ) == 0
    assert tv(circuit_distribution(circ), exact_distribution(model, "a a")) < 1e-9

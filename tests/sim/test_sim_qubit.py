"""The exact qubit simulator against closed forms of docs/semantics.md §2 and a dense reference."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest

import hrnnc
from hrnnc.diagnostics import Code, ParseFailedError, SimulationError
from hrnnc.sim import qubit
from hrnnc.sim.memory import MEMORY_LIMIT_ENV
from sim_dense_reference import run_distribution

THREE = """
hrnn three {
  qubits 3; degree 3;
  param g = 1.1;
  on ccz { phase(pi) 0 1 2; }
  on x0 { measure stab(0) -> y; }
  on s0 { measure stab(0; pi: 0 1 2) -> y; }
  on cp { phase(g) 0 1; }
  on r0 { reset 0; }
  on r2 { reset 2; }
  on z0 { measure z 0 -> y; }
  on z2 { measure z 2 -> z; }
  on x1 { measure x 1 -> y; }
  on w { phase(0.3) 0; phase(-0.8) 1 2; phase(2.0) 0 2; }
}
"""

MERMIN_PERES = """
hrnn mp {
  qubits 2; degree 2;
  param a = 0.9;
  param b = -2.1;
  on prep { phase(a) 0; phase(b) 0 1; phase(0.4) 1; }
  on cz { phase(pi) 0 1; }
  on xz { measure stab(0; pi: 0 1) -> y; }
  on zx { measure stab(1; pi: 0 1) -> y; }
  on x0 { measure x 0 -> y; }
  on x1 { measure x 1 -> y; }
  on z0 { measure z 0 -> y; }
  on z1 { measure z 1 -> y; }
}
"""


@pytest.fixture(scope="module")
def three() -> hrnnc.Model:
    return hrnnc.parse(THREE)


@pytest.fixture(scope="module")
def mp() -> hrnnc.Model:
    return hrnnc.parse(MERMIN_PERES)


def test_ccz_plus_stab_without_edges(three: hrnnc.Model) -> None:
    """CCZ|+++⟩ has ⟨X_0⟩ = 1/2, so stab(0) with no edges gives P(0) = 3/4."""
    dist = qubit.exact_distribution(three, "ccz x0")
    assert dist.keys() == {"0", "1"}
    assert dist["0"] == pytest.approx(0.75, abs=1e-12)


@pytest.mark.parametrize("gamma", [0.0, 0.4, math.pi / 2, 2.5, math.pi])
def test_controlled_phase_x_expectation(gamma: float) -> None:
    """CP(γ)|++⟩: ⟨X_0⟩ = (1 + cos γ)/2, so P(0) = (1 + ⟨X_0⟩)/2."""
    model = hrnnc.parse(f"hrnn c {{ qubits 2; degree 2; on cp {{ phase({gamma!r}) 0 1; }} "
                        "on x0 { measure stab(0) -> y; } }")
    dist = qubit.exact_distribution(model, "cp x0")
    assert dist.get("0", 0.0) == pytest.approx((1 + (1 + math.cos(gamma)) / 2) / 2, abs=1e-12)


def _random_weighted_model(n: int, seed: int) -> tuple[str, list[str]]:
    rng = random.Random(seed)
    edges = [tuple(sorted(rng.sample(range(n), rng.randint(1, 3)))) for _ in range(6)]
    weights = [rng.uniform(-math.pi, math.pi) for _ in edges]
    phases = " ".join(f"phase({w!r}) {' '.join(map(str, e))};" for e, w in zip(edges, weights))
    cells = [f"on prep {{ {phases} }}"]
    for v in range(n):
        through = [f"{w!r}: {' '.join(map(str, e))}" for e, w in zip(edges, weights) if v in e]
        body = f"measure stab({v}; {', '.join(through)}) -> y;" if through else f"measure stab({v}) -> y;"
        cells.append(f"on s{v} {{ {body} }}")
    return f"hrnn r {{ qubits {n}; degree 3; {' '.join(cells)} }}", [f"s{v}" for v in range(n)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matching_stabilizers_return_zero(seed: int) -> None:
    """S_v(κ) on the state built with the same weights gives y = 0 with probability 1, for every v."""
    text, stabs = _random_weighted_model(4, seed)
    model = hrnnc.parse(text)
    assert qubit.exact_distribution(model, ["prep", *stabs, *stabs]) == {"0" * 8: pytest.approx(1.0)}


@pytest.mark.parametrize("prep", ["", "cz", "prep", "prep cz"])
def test_mermin_peres_parities_hold_in_every_shot(mp: hrnnc.Model, prep: str) -> None:
    """Row (X⊗Z, X⊗I, I⊗Z) and column (Z⊗X, Z⊗I, I⊗X) of the square: outcome products are +1."""
    for row in (["xz", "x0", "z1"], ["z1", "xz", "x0"], ["zx", "z0", "x1"], ["x1", "zx", "z0"]):
        tokens = prep.split() + row
        shots = qubit.sample(mp, tokens, 300, seed=11)
        assert all(s.count("1") % 2 == 0 for s in shots)
        dist = qubit.exact_distribution(mp, tokens)
        assert all(bits.count("1") % 2 == 0 for bits in dist)
        assert sum(dist.values()) == pytest.approx(1.0)


SEQUENCES = [
    "ccz x0 x0", "ccz s0 x1 z0", "w ccz x0 z2 x1 x0", "cp r0 x0 z0", "ccz r0 x0 z0 r2 z2",
    "w x1 r0 ccz x0 cp x1 z2", "", "w cp",
]


@pytest.mark.parametrize("tokens", SEQUENCES)
def test_matches_dense_density_matrix_reference(three: hrnnc.Model, tokens: str) -> None:
    """Branching on outcomes equals a brute-force density-operator computation (resets included)."""
    expected = run_distribution(three, tokens.split())
    got = qubit.exact_distribution(three, tokens)
    assert got.keys() == {k for k, p in expected.items() if p > 1e-12}
    for bits, p in got.items():
        assert p == pytest.approx(expected[bits], abs=1e-10)
    assert sum(got.values()) == pytest.approx(1.0, abs=1e-12)


def test_sampled_frequencies_pass_chi_square(three: hrnnc.Model) -> None:
    """Frequencies of 4,000 seeded shots agree with the exact distribution (χ², p > 0.001)."""
    scipy_stats = pytest.importorskip("scipy.stats")
    tokens = "w ccz x0 cp x1 r0 x0 z2"
    dist = qubit.exact_distribution(three, tokens)
    shots = 4000
    counts = Counter(qubit.sample(three, tokens, shots, seed=1234))
    assert set(counts) <= set(dist)
    keys = sorted(dist)
    observed = np.array([counts[k] for k in keys])
    expected = np.array([dist[k] * shots for k in keys])
    assert scipy_stats.chisquare(observed, expected).pvalue > 1e-3


def test_sampling_is_reproducible_and_shuffled(three: hrnnc.Model) -> None:
    a = qubit.sample(three, "ccz x0 x1 z0", 200, seed=5)
    assert a == qubit.sample(three, "ccz x0 x1 z0", 200, seed=5)
    assert len(a) == 200 and all(len(s) == 3 for s in a)
    assert a != sorted(a)


def test_empty_input(three: hrnnc.Model) -> None:
    """No tokens: the empty outcome with probability 1."""
    assert qubit.exact_distribution(three, []) == {"": 1.0}
    assert qubit.sample(three, "", 3, seed=0) == ["", "", ""]


def test_unknown_token_names_token_and_alphabet(three: hrnnc.Model) -> None:
    with pytest.raises(ParseFailedError) as info:
        qubit.exact_distribution(three, "ccz nope")
    (diag,) = info.value.diagnostics
    assert diag.code is Code.E0218
    assert "'nope'" in diag.message and "ccz, x0" in diag.message


def test_phase_diagonal_closed_form(three: hrnnc.Model) -> None:
    """Entry x is exp(i Σ γ_e ∏ x_j) with site j = bit j."""
    diag = qubit.phase_diagonal(three, "w cp ccz")
    for x in range(8):
        b = [(x >> j) & 1 for j in range(3)]
        f = 0.3 * b[0] - 0.8 * b[1] * b[2] + 2.0 * b[0] * b[2] + 1.1 * b[0] * b[1] + math.pi * b[0] * b[1] * b[2]
        assert diag[x] == pytest.approx(np.exp(1j * f), abs=1e-12)
    with pytest.raises(ValueError):
        qubit.phase_diagonal(three, "w x0")


def test_final_state_after_stabilizer_outcome(three: hrnnc.Model) -> None:
    """CCZ|+++⟩ after X_0 = −1: site 0 is |−⟩ and sites 1, 2 are |11⟩ (hand-derived)."""
    psi = qubit.final_state(three, "ccz x0", "1")
    expected = np.zeros(8, dtype=complex)
    expected[0b110], expected[0b111] = 2 ** -0.5, -(2 ** -0.5)
    assert abs(np.vdot(expected, psi)) == pytest.approx(1.0, abs=1e-12)
    plus = qubit.final_state(three, "ccz x0", [0])
    assert np.linalg.norm(plus) == pytest.approx(1.0)
    assert np.vdot(psi, plus) == pytest.approx(0.0, abs=1e-12)


def test_final_state_without_measurement_is_hypergraph_state(three: hrnnc.Model) -> None:
    psi = qubit.final_state(three, "w ccz")
    expected = qubit.phase_diagonal(three, "w ccz") / math.sqrt(8)
    assert np.allclose(psi, expected, atol=1e-12)


def test_final_state_errors(three: hrnnc.Model) -> None:
    with pytest.raises(ValueError, match="measures 1"):
        qubit.final_state(three, "ccz x0")
    with pytest.raises(ValueError, match="probability 0"):
        qubit.final_state(three, "ccz s0", "1")
    with pytest.raises(ValueError, match="mixed"):
        qubit.final_state(three, "ccz r0")
    # a reset of a site measured just before is pure
    psi = qubit.final_state(three, "ccz z0 r0", "1")
    assert np.linalg.norm(psi) == pytest.approx(1.0)


def test_too_large_model_is_refused_before_allocation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 40-qubit register would need 16 TiB: E0601 stating bytes needed and available."""
    big = hrnnc.parse("hrnn big { qubits 40; degree 2; on a { phase(1) 0 1; } on m { measure z 0 -> y; } }")
    with pytest.raises(SimulationError) as info:
        qubit.exact_distribution(big, "a m")
    (diag,) = info.value.diagnostics
    assert diag.code is Code.E0601
    assert "needs" in diag.message and "available" in diag.message and "TiB" in diag.message
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1000")
    small = hrnnc.parse("hrnn s { qubits 8; degree 2; on m { measure z 0 -> y; } }")
    with pytest.raises(SimulationError, match="1,000 bytes are available|only 1,000 bytes"):
        qubit.sample(small, "m", 10, seed=1)


def _random_program(seed: int) -> tuple[hrnnc.Model, list[str]]:
    rng = random.Random(seed)
    n = 3

    def edge(v: int | None = None) -> str:
        sites = set(rng.sample(range(n), rng.randint(1, 3)))
        if v is not None:
            sites.add(v)
        return " ".join(map(str, sorted(sites)))

    cells = [f"on p{i} {{ phase({rng.uniform(-3, 3)!r}) {edge()}; phase({rng.uniform(-3, 3)!r}) {edge()}; }}"
             for i in range(3)]
    for i in range(3):
        v = rng.randrange(n)
        cells.append(f"on s{i} {{ measure stab({v}; {rng.uniform(-3, 3)!r}: {edge(v)}) -> y; }}")
    cells += [f"on x{v} {{ measure x {v} -> y; }} on z{v} {{ measure z {v} -> y; }} on r{v} {{ reset {v}; }}"
              for v in range(n)]
    model = hrnnc.parse(f"hrnn rand {{ qubits {n}; degree 3; {' '.join(cells)} }}")
    tokens = [rng.choice(model.alphabet) for _ in range(9)]
    return model, tokens


@pytest.mark.parametrize("seed", range(8))
def test_random_programs_match_dense_reference(seed: int) -> None:
    """Random phases, stabilizers, Pauli measurements and resets: branching = density operators."""
    model, tokens = _random_program(seed)
    expected = {k: p for k, p in run_distribution(model, tokens).items() if p > 1e-12}
    got = qubit.exact_distribution(model, tokens)
    assert got.keys() == expected.keys()
    for bits, p in got.items():
        assert p == pytest.approx(expected[bits], abs=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_final_state_matches_dense_projections(seed: int) -> None:
    """Conditioned final states equal products of dense projectors (I ± S)/2 on |+⟩^n."""
    from functools import reduce

    from sim_dense_reference import PLUS, X, Z, phase_matrix, single

    from hrnnc.ir import Basis, Measure, MeasureStab, Phase, float_bindings, unroll

    model, tokens = _random_program(100 + seed)
    tokens = [t for t in tokens if not t.startswith("r")]
    dist = qubit.exact_distribution(model, tokens)
    bits = max(dist, key=dist.__getitem__)
    value = float_bindings(model)
    n = model.size
    psi = reduce(np.kron, [PLUS] * n)
    position = 0
    for cell in unroll(model, tokens):
        for stmt in cell.body:
            if isinstance(stmt, Phase):
                psi = phase_matrix(stmt.indices, value(stmt.angle), n) @ psi
                continue
            if isinstance(stmt, MeasureStab):
                u = reduce(lambda a, b: a @ b, [phase_matrix(e.indices, value(e.weight), n) for e in stmt.edges],
                           np.eye(2 ** n, dtype=complex))
                obs = u @ single(X, stmt.vertex.index, n) @ u.conj().T
            else:
                assert isinstance(stmt, Measure)
                obs = single(X if stmt.basis is Basis.X else Z, stmt.site.index, n)
            sign = 1 - 2 * int(bits[position])
            position += 1
            psi = (np.eye(2 ** n) + sign * obs) / 2 @ psi
            psi = psi / np.linalg.norm(psi)
    got = qubit.final_state(model, tokens, bits)
    assert abs(np.vdot(psi, got)) == pytest.approx(1.0, abs=1e-10)


def test_exact_distribution_refuses_too_many_branches(monkeypatch: pytest.MonkeyPatch, three: hrnnc.Model) -> None:
    monkeypatch.setattr(qubit, "MAX_OUTCOMES", 8)
    with pytest.raises(SimulationError, match=r"more than 8 branches \(.*\); sample shots"):
        qubit.exact_distribution(three, "x1 x1 z0 x0 z2 x1 x0 z0")

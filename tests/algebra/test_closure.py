"""Lie closures against closed forms: su(2), TFIM so(2n), Heisenberg, complete k-uniform CV sets."""

from __future__ import annotations

import random
from itertools import combinations
from math import comb

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hrnnc.algebra import QI, Echelon, PauliSum, commutator, format_chain, lie_closure, p, pauli, q, q_monomial


def tfim(n: int) -> list[PauliSum]:
    return [pauli({j: "Z", j + 1: "Z"}) for j in range(n - 1)] + [pauli({j: "X"}) for j in range(n)]


def complete_uniform(n: int, k: int) -> list:
    return [p(j) for j in range(n)] + [q_monomial(e) for e in combinations(range(n), k)]


def test_su2_from_x_and_y() -> None:
    """{X, Y} on one qubit generates su(2): dimension 3."""
    closure = lie_closure([pauli("X"), pauli("Y")])
    assert closure.dimension == 3 and not closure.capped
    assert {str(b) for b in closure.basis()} == {"X0", "Y0", "Z0"}


@pytest.mark.parametrize("n", range(3, 11))
def test_tfim_open_chain_is_so_2n(n: int) -> None:
    """{Z_i Z_{i+1}, X_i} generates so(2n): dimension n(2n − 1)."""
    closure = lie_closure(tfim(n))
    assert closure.path == "fast"
    assert closure.dimension == n * (2 * n - 1)


@pytest.mark.parametrize("n", [3, 4, 5])
def test_tfim_general_path_agrees(n: int) -> None:
    """Row reduction (no fast path) gives the same so(2n)."""
    closure = lie_closure(tfim(n), fast=False)
    assert closure.path == "general"
    assert closure.dimension == n * (2 * n - 1)


def test_heisenberg_chain_on_four_qubits() -> None:
    """Isotropic Heisenberg chain, 4 qubits: dimension 12 (docs/semantics.md §7); sums take the general path."""
    gens = [pauli({j: "X", j + 1: "X"}) + pauli({j: "Y", j + 1: "Y"}) + pauli({j: "Z", j + 1: "Z"})
            for j in range(3)]
    closure = lie_closure(gens)
    assert closure.path == "general"
    assert closure.dimension == 12


@pytest.mark.parametrize("n,k", [(n, k) for n in range(2, 9) for k in range(1, 5) if k <= n])
def test_complete_uniform_cv_sets(n: int, k: int) -> None:
    """{p_i} ∪ {q_e : |e| = k}: dim = n + Σ_{j=0}^{k} C(n, j) (momenta, 1, multilinear q-monomials)."""
    closure = lie_closure(complete_uniform(n, k))
    assert closure.dimension == n + sum(comb(n, j) for j in range(k + 1))
    assert all(b.in_hk(k) for b in closure.elements)


@pytest.mark.parametrize("n,k", [(3, 2), (4, 3), (5, 2)])
def test_complete_uniform_general_path_agrees(n: int, k: int) -> None:
    closure = lie_closure(complete_uniform(n, k), fast=False)
    assert closure.path == "general"
    assert closure.dimension == n + sum(comb(n, j) for j in range(k + 1))


def test_quadratic_weyl_algebras() -> None:
    """{q², p²} gives sl(2) (dim 3); adding q, p gives the Jacobi algebra h(1) ⋊ sl(2) (dim 6)."""
    sl2 = lie_closure([q(0) ** 2, p(0) ** 2])
    assert sl2.dimension == 3 and sl2.path == "general"
    jacobi = lie_closure([q(0), p(0), q(0) ** 2, p(0) ** 2])
    assert jacobi.dimension == 6


def test_degree_cap_stops_an_infinite_algebra() -> None:
    """{p², q³} generates an infinite-dimensional algebra: the degree cap stops it and says so."""
    closure = lie_closure([p(0) ** 2, q(0) ** 3], max_degree=6)
    assert closure.capped and closure.cap_reason == "degree"
    assert closure.dropped is not None and closure.dropped[1].degree > 6
    assert all(e.degree <= 6 for e in closure.elements)


def test_dimension_cap_reports_lower_bound() -> None:
    closure = lie_closure(tfim(10), max_dim=50)
    assert closure.capped and closure.cap_reason == "dimension" and closure.dimension == 50


def test_dependent_and_zero_generators_are_skipped() -> None:
    closure = lie_closure([pauli("X"), pauli("X", 3), PauliSum(), pauli("Y")])
    assert closure.dimension == 3
    assert closure.generator_of[:2] == (0, 3)


@pytest.mark.parametrize("fast", [True, False])
def test_every_element_is_its_commutator_chain(fast: bool) -> None:
    """elements[i] is exactly the nested commutator its chain names (recomputed here)."""
    gens = tfim(4)
    closure = lie_closure(gens, fast=fast)

    def evaluate(chain: object) -> PauliSum:
        if isinstance(chain, tuple):
            return commutator(evaluate(chain[0]), evaluate(chain[1]))
        return gens[chain]  # type: ignore[index]

    for i in range(closure.dimension):
        assert closure.element(i) == evaluate(closure.chain(i))
    last = closure.dimension - 1
    assert format_chain(closure.chain(last), [str(g) for g in gens]).startswith("[")


def test_identity_generator_is_counted_when_given() -> None:
    """The algebra layer keeps what it is given: an identity generator is one more (central) dimension."""
    assert lie_closure([pauli("X"), pauli("Y"), pauli("I")]).dimension == 4


# -- exact rank against sympy -----------------------------------------------------------------------

rows = st.lists(st.lists(st.integers(-2, 2), min_size=5, max_size=5), min_size=1, max_size=7)


@settings(max_examples=60)
@given(rows, rows)
def test_echelon_rank_matches_sympy(real: list[list[int]], imag: list[list[int]]) -> None:
    """Incremental sparse rank over Q(i) equals sympy's exact rank."""
    m = min(len(real), len(imag))
    matrix = sp.Matrix([[real[r][c] + sp.I * imag[r][c] for c in range(5)] for r in range(m)])
    echelon: Echelon[int] = Echelon()
    for r in range(m):
        rem = echelon.reduce({c: QI(real[r][c], imag[r][c]) for c in range(5) if real[r][c] or imag[r][c]})
        if rem:
            echelon.add(rem)
    assert len(echelon) == matrix.rank()


# -- PennyLane cross-checks (optional) --------------------------------------------------------------


def _random_words(rng: random.Random, n: int, count: int) -> list[dict[int, str]]:
    words = []
    while len(words) < count:
        word = {j: rng.choice("XYZ") for j in rng.sample(range(n), rng.randint(1, 2))}
        if word not in words:
            words.append(word)
    return words


@pytest.mark.parametrize("seed", range(6))
def test_random_pauli_words_match_pennylane(seed: int) -> None:
    qml = pytest.importorskip("pennylane")
    from pennylane.pauli import PauliWord

    rng = random.Random(seed)
    words = _random_words(rng, 4, rng.randint(2, 4))
    ours = lie_closure([pauli(w) for w in words]).dimension
    theirs = len(qml.lie_closure([PauliWord(w) for w in words], pauli=True))
    assert ours == theirs


@pytest.mark.parametrize("seed", range(3))
def test_random_pauli_sums_match_pennylane(seed: int) -> None:
    qml = pytest.importorskip("pennylane")
    from pennylane.pauli import PauliSentence, PauliWord

    rng = random.Random(100 + seed)
    gens, sentences = [], []
    for _ in range(2):
        words = _random_words(rng, 3, 2)
        coefs = [rng.choice([1, -1, 2]) for _ in words]
        total = PauliSum()
        for w, c in zip(words, coefs):
            total = total + pauli(w, c)
        gens.append(total)
        sentences.append(PauliSentence({PauliWord(w): float(c) for w, c in zip(words, coefs)}))
    assert lie_closure(gens).dimension == len(qml.lie_closure(sentences, pauli=True))


# -- a matrix oracle that needs no PennyLane ----------------------------------------------------------


def _matrix_dla_dimension(mats: list, tol: float = 1e-9) -> int:
    """Real dimension of the Lie algebra generated by i·H (dense matrices, SVD rank; a test oracle)."""
    import numpy as np

    def vec(m: "np.ndarray") -> "np.ndarray":
        return np.concatenate([m.real.ravel(), m.imag.ravel()])

    basis: list = []
    gens = [1j * m for m in mats]

    def try_add(m: "np.ndarray") -> bool:
        stack = np.array([vec(b) for b in basis] + [vec(m)])
        if np.linalg.matrix_rank(stack, tol=tol) > len(basis):
            basis.append(m)
            return True
        return False

    frontier = [g for g in gens if try_add(g)]
    while frontier:
        new = []
        for b in frontier:
            for g in gens:
                c = g @ b - b @ g
                if np.abs(c).max() > tol and try_add(c):
                    new.append(c)
        frontier = new
    return len(basis)


@pytest.mark.parametrize("seed", range(4))
def test_random_pauli_sums_match_a_matrix_oracle(seed: int) -> None:
    """Complex dimension over Q(i) equals the real dimension of span_R{iH} computed from matrices."""
    import numpy as np

    mats = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
            "Z": np.diag([1, -1])}
    rng = random.Random(seed)
    gens, dense = [], []
    for _ in range(rng.randint(2, 3)):
        total, matrix = PauliSum(), np.zeros((8, 8), dtype=complex)
        for _ in range(2):
            label = "".join(rng.choice("IXYZ") for _ in range(3))
            c = rng.choice([1, 2, -1])
            total = total + pauli(label, c)
            matrix = matrix + c * np.kron(np.kron(mats[label[0]], mats[label[1]]), mats[label[2]])
        gens.append(total)
        dense.append(matrix)
    assert lie_closure(gens).dimension == _matrix_dla_dimension(dense)


def test_two_mode_heisenberg_type_weyl_algebra() -> None:
    """{p0, p1, q0 q1}: adds q1, q0 and the constant — dimension 6 = 2 + Σ_{j≤2} C(2, j)."""
    closure = lie_closure([p(0), p(1), q(0) * q(1)])
    assert closure.dimension == 6
    assert {str(b) for b in closure.basis()} == {"p0", "p1", "q0*q1", "q0", "q1", "1"}

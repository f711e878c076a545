"""Pauli strings: exact phases against explicit matrices, any number of qubits."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrnnc.algebra import QI, PauliSum, commutator, parse_string, pauli, string_product

MATS = {"I": np.eye(2, dtype=complex), "X": np.array([[0, 1], [1, 0]], dtype=complex),
        "Y": np.array([[0, -1j], [1j, 0]]), "Z": np.diag([1, -1]).astype(complex)}


def matrix(label: str) -> np.ndarray:
    out = np.array([[1]], dtype=complex)
    for letter in label:
        out = np.kron(out, MATS[letter])
    return out


def sum_matrix(s: PauliSum, n: int) -> np.ndarray:
    out = np.zeros((2 ** n, 2 ** n), dtype=complex)
    for key, c in s:
        x, z = key
        label = "".join({(0, 0): "I", (1, 0): "X", (1, 1): "Y", (0, 1): "Z"}[((x >> j) & 1, (z >> j) & 1)]
                        for j in range(n))
        out += (float(c.real) + 1j * float(c.imag)) * matrix(label)
    return out


LABELS = ["".join(t) for t in product("IXYZ", repeat=2)]


@pytest.mark.parametrize("a", LABELS)
def test_products_and_commutators_match_matrices(a: str) -> None:
    """All 256 products of two-qubit strings: exact phase equals the matrix product."""
    for b in LABELS:
        assert np.allclose(sum_matrix(pauli(a) * pauli(b), 2), matrix(a) @ matrix(b))
        assert np.allclose(sum_matrix(commutator(pauli(a), pauli(b)), 2),
                           matrix(a) @ matrix(b) - matrix(b) @ matrix(a))


def test_single_qubit_table() -> None:
    """XY = iZ, YZ = iX, ZX = iY; [X, Y] = 2iZ."""
    i = QI(0, 1)
    assert pauli("X") * pauli("Y") == pauli("Z", i)
    assert pauli("Y") * pauli("Z") == pauli("X", i)
    assert pauli("Z") * pauli("X") == pauli("Y", i)
    assert commutator(pauli("X"), pauli("Y")) == pauli("Z", 2 * i)
    assert string_product(parse_string("Y"), parse_string("Y")) == (0, (0, 0))


def test_beyond_64_qubits() -> None:
    """Masks are Python ints: qubits 100 and 300 behave like qubit 0."""
    i = QI(0, 1)
    assert pauli({300: "X"}) * pauli({300: "Y"}) == pauli({300: "Z"}, i)
    assert commutator(pauli("X100 Z300"), pauli("Z100 Z300")) == pauli("Y100", -2 * i) * pauli("I")
    assert not commutator(pauli("X100 X300"), pauli("Z100 Z300"))
    assert str(pauli({300: "X", 5: "Y"})) == "Y5 X300"


def test_parsing_forms_agree() -> None:
    assert parse_string("XIZ") == parse_string("X0 Z2") == parse_string({0: "X", 2: "Z"}) == (1, 4)
    with pytest.raises(ValueError):
        parse_string("X0 Z0")
    with pytest.raises(ValueError):
        parse_string("Q")


def test_sum_arithmetic_and_printing() -> None:
    h = pauli("ZZ") - pauli("ZI") - pauli("IZ")
    assert str(h) == "-Z0 - Z1 + Z0 Z1"
    assert h - h == PauliSum() and not (h - h)
    assert np.allclose(sum_matrix(h * h, 2), matrix("ZZ") @ matrix("ZZ") * 0 + sum_matrix(h, 2) @ sum_matrix(h, 2))


small_sums = st.lists(st.tuples(st.sampled_from(["".join(t) for t in product("IXYZ", repeat=3)]),
                                st.integers(-2, 2)), max_size=4).map(
    lambda terms: sum((pauli(label, c) for label, c in terms), PauliSum()))


@settings(max_examples=60)
@given(small_sums, small_sums, small_sums)
def test_jacobi_and_associativity_for_sums(a: PauliSum, b: PauliSum, c: PauliSum) -> None:
    total = commutator(a, commutator(b, c)) + commutator(b, commutator(c, a)) + commutator(c, commutator(a, b))
    assert not total
    assert (a * b) * c == a * (b * c)

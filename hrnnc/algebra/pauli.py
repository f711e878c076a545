"""Pauli strings as symplectic bit masks (any number of qubits) and exact sums of them.

A string is a pair of Python ints ``(x, z)``: bit ``j`` of ``x`` / ``z`` says whether qubit
``j`` carries an X / Z factor; both set means Y. The string denotes the Hermitian operator
``P(x, z) = i^{|x∧z|} X^x Z^z``, so products carry an exact phase ``i^e``:
``P1 P2 = i^e P(x1⊕x2, z1⊕z2)`` with ``e = |x1∧z1| + |x2∧z2| + 2|z1∧x2| − |x3∧z3| (mod 4)``.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from hrnnc.algebra.numbers import QI, Scalar, format_terms, i_power
from hrnnc.algebra.sparse import SparseSum

Key = tuple[int, int]
"""A Pauli string ``(x, z)``."""

_LETTERS = {(0, 0): "I", (1, 0): "X", (1, 1): "Y", (0, 1): "Z"}
_BITS = {"I": (0, 0), "X": (1, 0), "Y": (1, 1), "Z": (0, 1)}


def string_product(k1: Key, k2: Key) -> tuple[int, Key]:
    """``P1 P2 = i^e P3``: returns ``(e mod 4, P3)``."""
    x1, z1 = k1
    x2, z2 = k2
    x3, z3 = x1 ^ x2, z1 ^ z2
    e = (x1 & z1).bit_count() + (x2 & z2).bit_count() + 2 * (z1 & x2).bit_count() - (x3 & z3).bit_count()
    return e % 4, (x3, z3)


def strings_commute(k1: Key, k2: Key) -> bool:
    """Two Pauli strings commute iff their symplectic product is even."""
    return (((k1[0] & k2[1]) ^ (k1[1] & k2[0])).bit_count() & 1) == 0


def string_commutator(k1: Key, k2: Key) -> tuple[tuple[Key, QI], ...]:
    """``[P1, P2]``: empty when they commute, else ``((P3, 2·i^e),)``."""
    x1, z1 = k1
    x2, z2 = k2
    if (((x1 & z2) ^ (z1 & x2)).bit_count() & 1) == 0:
        return ()
    e, k3 = string_product(k1, k2)
    return ((k3, i_power(e) * 2),)


def string_str(k: Key) -> str:
    """Sparse label, qubit index after each letter: ``X0 Y3 Z7``; ``I`` for the identity."""
    x, z = k
    support = x | z
    if not support:
        return "I"
    parts = []
    j = 0
    while support:
        if support & 1:
            parts.append(f"{_LETTERS[((x >> j) & 1, (z >> j) & 1)]}{j}")
        support >>= 1
        j += 1
    return " ".join(parts)


def string_support(k: Key) -> list[int]:
    """Qubits on which the string acts non-trivially."""
    support = k[0] | k[1]
    out = []
    while support:
        low = support & -support
        out.append(low.bit_length() - 1)
        support ^= low
    return out


def string_weight(k: Key) -> int:
    return (k[0] | k[1]).bit_count()


class PauliSum(SparseSum):
    """An immutable sum of Pauli strings with exact Q(i) coefficients."""

    __slots__ = ()
    unit_key = (0, 0)

    @classmethod
    def _canonical_key(cls, key: Key) -> Key:
        x, z = key
        if x < 0 or z < 0:
            raise ValueError("Pauli masks are non-negative")
        return (x, z)

    def _product_terms(self, other: PauliSum) -> dict[Key, QI]:
        out: dict[Key, QI] = {}
        for k1, c1 in self.terms.items():
            for k2, c2 in other.terms.items():
                e, k3 = string_product(k1, k2)
                out[k3] = out.get(k3, QI()) + c1 * c2 * i_power(e)
        return out

    def _bracket(self, other: PauliSum) -> dict[Key, QI]:
        return bracket_terms(self.terms, other.terms)

    @property
    def num_terms(self) -> int:
        return len(self.terms)

    def __str__(self) -> str:
        return format_terms(self.terms, string_str, key=lambda k: (string_weight(k), string_support(k), k))


def bracket_terms(t1: Mapping[Key, QI], t2: Mapping[Key, QI]) -> dict[Key, QI]:
    """``[A, B]`` of two term dictionaries (the closure's hot path)."""
    out: dict[Key, QI] = {}
    for k1, c1 in t1.items():
        x1, z1 = k1
        for k2, c2 in t2.items():
            if (((x1 & k2[1]) ^ (z1 & k2[0])).bit_count() & 1) == 0:
                continue
            e, k3 = string_product(k1, k2)
            c = c1 * c2 * i_power(e) * 2
            value = out.get(k3)
            out[k3] = c if value is None else value + c
    return {k: v for k, v in out.items() if v}


def pauli(label: str | Mapping[int, str], coef: Scalar = 1) -> PauliSum:
    """One Pauli string as a sum.

    Args:
        label: Dense letters with qubit 0 first (``"XZI"``), sparse ``"X0 Z2"``, or a
            mapping ``{0: "X", 2: "Z"}``.
        coef: Its exact coefficient.
    """
    return PauliSum._from_dict({parse_string(label): QI.coerce(coef)})


def parse_string(label: str | Mapping[int, str]) -> Key:
    """``"XZI"``, ``"X0 Z2"`` or ``{0: "X", 2: "Z"}`` → ``(x, z)`` masks."""
    if isinstance(label, Mapping):
        items = list(label.items())
    elif any(ch.isdigit() for ch in label):
        items = [(int(tok[1:]), tok[0]) for tok in label.split()]
    else:
        items = list(enumerate(label))
    x = z = 0
    for j, letter in items:
        if letter.upper() not in _BITS or j < 0:
            raise ValueError(f"bad Pauli factor {letter!r} on qubit {j}")
        bx, bz = _BITS[letter.upper()]
        if (x | z) >> j & 1:
            raise ValueError(f"qubit {j} appears twice")
        x |= bx << j
        z |= bz << j
    return (x, z)


def z_string(qubits: Iterable[int]) -> Key:
    """The string ``∏ Z_j``."""
    z = 0
    for j in qubits:
        z |= 1 << j
    return (0, z)


def commutator(a: PauliSum, b: PauliSum) -> PauliSum:
    """``[a, b] = ab − ba``."""
    return a.commutator(b)

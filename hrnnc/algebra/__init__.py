"""Exact symbolic algebra for Lie closures: Q(i) numbers, the Weyl algebra, Pauli strings.

Pure mathematics: nothing here imports the IR. The passes in :mod:`hrnnc.passes.analysis`
turn a model into generators and call :func:`lie_closure`.
"""

from __future__ import annotations

from hrnnc.algebra.closure import PAULI, WEYL, AlgebraOps, Closure, format_chain, lie_closure
from hrnnc.algebra.echelon import Echelon
from hrnnc.algebra.numbers import I, QI, gaussian, i_power
from hrnnc.algebra.pauli import PauliSum, parse_string, pauli, string_commutator, string_product, z_string
from hrnnc.algebra.weyl import WeylPoly, const, mono_in_hk, p, q, q_monomial
from hrnnc.algebra.weyl import commutator as weyl_commutator


def commutator(a: WeylPoly | PauliSum, b: WeylPoly | PauliSum) -> WeylPoly | PauliSum:
    """``[a, b] = ab − ba`` in either algebra."""
    return a.commutator(b)  # type: ignore[arg-type]


__all__ = [
    "I", "PAULI", "QI", "WEYL", "AlgebraOps", "Closure", "Echelon", "PauliSum", "WeylPoly", "commutator",
    "const", "format_chain", "gaussian", "i_power", "lie_closure", "mono_in_hk", "p", "parse_string",
    "pauli", "q", "q_monomial", "string_commutator", "string_product", "weyl_commutator", "z_string",
]

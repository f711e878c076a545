"""Exact Gaussian rationals: field laws against Python's Fraction arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrnnc.algebra import QI, I

fractions = st.fractions(max_denominator=50).filter(lambda f: abs(f) < 1000)
gaussians = st.builds(QI, fractions, fractions)


def as_pair(z: QI) -> tuple[Fraction, Fraction]:
    return z.real, z.imag


@given(gaussians, gaussians)
def test_product_matches_fraction_formula(a: QI, b: QI) -> None:
    """(a+bi)(c+di) = (ac−bd) + (ad+bc)i, computed with Fractions independently."""
    (ar, ai), (br, bi) = as_pair(a), as_pair(b)
    assert as_pair(a * b) == (ar * br - ai * bi, ar * bi + ai * br)
    assert as_pair(a + b) == (ar + br, ai + bi)
    assert as_pair(a - b) == (ar - br, ai - bi)


@given(gaussians, gaussians.filter(bool))
def test_division_inverts_multiplication(a: QI, b: QI) -> None:
    assert (a / b) * b == a
    assert b * b.inverse() == QI(1)


def test_imaginary_unit_and_normal_form() -> None:
    assert I * I == QI(-1)
    assert QI(2, 4, 6) == QI(Fraction(1, 3), Fraction(2, 3))
    assert QI(1, 0, -2) == QI(Fraction(-1, 2))
    assert hash(QI(2, 0, 4)) == hash(QI(Fraction(1, 2)))
    assert str(QI(0, -1)) == "-i" and str(QI(Fraction(1, 2), 3)) == "(1/2+3i)"


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        QI(0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        QI(1) * 0.5  # type: ignore[operator]
    with pytest.raises(ZeroDivisionError):
        QI(1) / QI(0)

"""Exact Gaussian rationals Q(i): the coefficient field of both algebras (no floats anywhere)."""

from __future__ import annotations

from fractions import Fraction
from math import gcd
from typing import Callable, Mapping, TypeVar, Union

K = TypeVar("K")

Scalar = Union[int, Fraction, "QI"]
"""What the algebras accept as a coefficient."""


class QI:
    """An exact element ``(re + im·i) / den`` of Q(i), kept in lowest terms with ``den > 0``.

    Immutable and hashable; ``QI(0, 1)`` is the imaginary unit. Arithmetic with ``int`` and
    :class:`~fractions.Fraction` is exact; floats and ``complex`` are refused on purpose.
    """

    __slots__ = ("re", "im", "den")

    re: int
    im: int
    den: int

    def __init__(self, re: int | Fraction = 0, im: int | Fraction = 0, den: int = 1):
        if isinstance(re, Fraction) or isinstance(im, Fraction):
            fre, fim = Fraction(re), Fraction(im)
            common = fre.denominator * fim.denominator // gcd(fre.denominator, fim.denominator)
            re = fre.numerator * (common // fre.denominator)
            im = fim.numerator * (common // fim.denominator)
            den *= common
        if not (type(re) is int and type(im) is int and type(den) is int):
            raise TypeError("QI takes integers or Fractions (no floats: the algebra is exact)")
        if den == 0:
            raise ZeroDivisionError("QI with zero denominator")
        _set(self, re, im, den)

    @staticmethod
    def coerce(value: Scalar) -> QI:
        """``value`` as a :class:`QI` (int, Fraction or QI)."""
        if isinstance(value, QI):
            return value
        if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
            return QI(value)
        raise TypeError(f"not an exact scalar: {value!r}")

    # -- arithmetic (hot paths build results through _make) -------------------------------

    def __add__(self, other: Scalar) -> QI:
        o = other if isinstance(other, QI) else _maybe(other)
        if o is None:
            return NotImplemented
        if self.den == o.den:
            return _make(self.re + o.re, self.im + o.im, self.den)
        return _make(self.re * o.den + o.re * self.den, self.im * o.den + o.im * self.den, self.den * o.den)

    __radd__ = __add__

    def __neg__(self) -> QI:
        return _raw(-self.re, -self.im, self.den)

    def __sub__(self, other: Scalar) -> QI:
        o = other if isinstance(other, QI) else _maybe(other)
        if o is None:
            return NotImplemented
        return self + (-o)

    def __rsub__(self, other: Scalar) -> QI:
        return QI.coerce(other) - self

    def __mul__(self, other: Scalar) -> QI:
        o = other if isinstance(other, QI) else _maybe(other)
        if o is None:
            return NotImplemented
        return _make(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re, self.den * o.den)

    __rmul__ = __mul__

    def inverse(self) -> QI:
        norm = self.re * self.re + self.im * self.im
        if norm == 0:
            raise ZeroDivisionError("QI division by zero")
        return _make(self.re * self.den, -self.im * self.den, norm)

    def __truediv__(self, other: Scalar) -> QI:
        o = other if isinstance(other, QI) else _maybe(other)
        if o is None:
            return NotImplemented
        return self * o.inverse()

    def __rtruediv__(self, other: Scalar) -> QI:
        return QI.coerce(other) * self.inverse()

    def conjugate(self) -> QI:
        return _raw(self.re, -self.im, self.den)

    def __bool__(self) -> bool:
        return self.re != 0 or self.im != 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (int, Fraction)) and not isinstance(other, bool):
            other = QI(other)
        if not isinstance(other, QI):
            return NotImplemented
        return self.re == other.re and self.im == other.im and self.den == other.den

    def __hash__(self) -> int:
        return hash((self.re, self.im, self.den))

    @property
    def real(self) -> Fraction:
        return Fraction(self.re, self.den)

    @property
    def imag(self) -> Fraction:
        return Fraction(self.im, self.den)

    def __repr__(self) -> str:
        return f"QI({self})"

    def __str__(self) -> str:
        re, im = self.real, self.imag
        if not im:
            return str(re)
        ims = "i" if im == 1 else "-i" if im == -1 else f"{im}i"
        if not re:
            return ims
        return f"({re}{'+' if im > 0 else ''}{ims})"


def _maybe(value: object) -> QI | None:
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        return QI(value)
    return None


def _set(z: QI, re: int, im: int, den: int) -> None:
    if den < 0:
        re, im, den = -re, -im, -den
    g = gcd(re, im, den)
    if g > 1:
        re //= g
        im //= g
        den //= g
    z.re = re
    z.im = im
    z.den = den


def _make(re: int, im: int, den: int) -> QI:
    z = QI.__new__(QI)
    _set(z, re, im, den)
    return z


def _raw(re: int, im: int, den: int) -> QI:
    """Build without normalising (the caller guarantees lowest terms)."""
    z = QI.__new__(QI)
    z.re = re
    z.im = im
    z.den = den
    return z


ZERO = _raw(0, 0, 1)
ONE = _raw(1, 0, 1)
I = _raw(0, 1, 1)
"""The imaginary unit."""

_POWERS_OF_I = (ONE, I, _raw(-1, 0, 1), _raw(0, -1, 1))


def i_power(e: int) -> QI:
    """``i**e`` exactly."""
    return _POWERS_OF_I[e % 4]


def gaussian(re: int, im: int) -> QI:
    """The Gaussian integer ``re + im·i``."""
    return _raw(re, im, 1)


def format_terms(terms: Mapping[K, QI], name: Callable[[K], str], key: Callable[[K], object]) -> str:
    """``2*q0*p0 - i*q1 + 3``: one signed term per monomial, in a stable order."""
    if not terms:
        return "0"
    parts = []
    for mono in sorted(terms, key=key):  # type: ignore[arg-type]
        coef, label = terms[mono], name(mono)
        text, sign = _coef_text(coef)
        if label == "1":
            body = text or "1"
        else:
            body = f"{text}*{label}" if text else label
        parts.append((sign, body))
    first_sign, first = parts[0]
    out = ("-" if first_sign < 0 else "") + first
    for sign, body in parts[1:]:
        out += f" {'-' if sign < 0 else '+'} {body}"
    return out


def _coef_text(c: QI) -> tuple[str, int]:
    """Magnitude text (empty for 1) and sign, so that terms read ``- 3i*q0`` rather than ``+ -3i*q0``."""
    re, im = c.real, c.imag
    if im == 0:
        return ("" if abs(re) == 1 else str(abs(re))), (1 if re > 0 else -1)
    if re == 0:
        return ("i" if abs(im) == 1 else f"{abs(im)}i"), (1 if im > 0 else -1)
    return str(c), 1

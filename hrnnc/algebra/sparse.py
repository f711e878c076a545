"""The vector-space part shared by Weyl polynomials and Pauli sums: sparse exact linear combinations."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Hashable, Iterable, Iterator, Mapping, TypeVar

from hrnnc.algebra.numbers import QI, Scalar

S = TypeVar("S", bound="SparseSum")


class SparseSum(ABC):
    """An immutable linear combination ``Σ c_k e_k`` with exact Q(i) coefficients.

    Subclasses fix what a key is (``_canonical_key``), which key is the unit
    (``unit_key``), how two keys multiply (``_product_terms``) and the Lie bracket
    (``_bracket``); addition, scaling, equality and hashing live here once.
    """

    __slots__ = ("terms", "_hash")

    unit_key: ClassVar[Hashable]
    """The key of the identity element (scalars embed as multiples of it)."""

    terms: Mapping[Any, QI]
    """Nonzero coefficient of each key (treat as read-only)."""

    def __init__(self, terms: Mapping[Any, Scalar] | Iterable[tuple[Any, Scalar]] = ()):
        items = terms.items() if isinstance(terms, Mapping) else terms
        acc: dict[Any, QI] = {}
        for raw, coef in items:
            key = self._canonical_key(raw)
            value = acc.get(key, QI()) + QI.coerce(coef)
            if value:
                acc[key] = value
            else:
                acc.pop(key, None)
        self.terms = acc
        self._hash: int | None = None

    @classmethod
    def _canonical_key(cls, key: Any) -> Any:
        return key

    @classmethod
    def _from_dict(cls: type[S], terms: dict[Any, QI]) -> S:
        """Wrap an already canonical dictionary of nonzero coefficients (no copy, no checks)."""
        out = cls.__new__(cls)
        out.terms = terms
        out._hash = None
        return out

    @classmethod
    def lift(cls: type[S], x: S | Scalar) -> S:
        """An element as is, or a scalar as that multiple of the unit."""
        if isinstance(x, cls):
            return x
        c = QI.coerce(x)  # type: ignore[arg-type]
        return cls._from_dict({cls.unit_key: c} if c else {})

    @abstractmethod
    def _product_terms(self, other: Any) -> dict[Any, QI]:
        """Coefficients of ``self·other`` (zeros allowed; they are dropped by the caller)."""

    @abstractmethod
    def _bracket(self, other: Any) -> dict[Any, QI]:
        """Nonzero coefficients of ``[self, other]``."""

    # -- vector space --------------------------------------------------------------------------

    def __add__(self: S, other: S | Scalar) -> S:
        out = dict(self.terms)
        for key, coef in type(self).lift(other).terms.items():
            value = out.get(key, QI()) + coef
            if value:
                out[key] = value
            else:
                out.pop(key, None)
        return type(self)._from_dict(out)

    __radd__ = __add__

    def __neg__(self: S) -> S:
        return type(self)._from_dict({k: -c for k, c in self.terms.items()})

    def __sub__(self: S, other: S | Scalar) -> S:
        return self + (-type(self).lift(other))

    def __rsub__(self: S, other: Scalar) -> S:
        return type(self).lift(other) - self

    def __mul__(self: S, other: S | Scalar) -> S:
        if not isinstance(other, type(self)):
            c = QI.coerce(other)  # type: ignore[arg-type]
            return type(self)._from_dict({k: v * c for k, v in self.terms.items()} if c else {})
        return type(self)._from_dict({k: v for k, v in self._product_terms(other).items() if v})

    def __rmul__(self: S, other: Scalar) -> S:
        return self * other

    def commutator(self: S, other: S) -> S:
        """``[self, other] = self·other − other·self``."""
        return type(self)._from_dict(self._bracket(other))

    # -- inspection ----------------------------------------------------------------------------

    def __iter__(self) -> Iterator[tuple[Any, QI]]:
        return iter(self.terms.items())

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.terms == other.terms

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self.terms.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self})"

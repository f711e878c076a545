"""Exact sparse row reduction: an incrementally grown reduced row-echelon basis over Q(i)."""

from __future__ import annotations

from typing import Generic, Hashable, Iterator, Mapping, TypeVar

from hrnnc.algebra.numbers import QI

K = TypeVar("K", bound=Hashable)


class Echelon(Generic[K]):
    """A basis in reduced row-echelon form over sparse vectors ``{key: QI}``.

    Every row has coefficient 1 at its pivot key, and no row holds another row's pivot, so
    reducing a vector subtracts each row at most once and no tolerance is ever needed.
    Pivots are chosen to minimise fill-in (the key held by the fewest existing rows).
    """

    __slots__ = ("rows", "_holders")

    def __init__(self) -> None:
        self.rows: dict[K, dict[K, QI]] = {}
        """Pivot key → row (pivot coefficient 1)."""
        self._holders: dict[K, set[K]] = {}
        """Non-pivot key → pivots of the rows that contain it."""

    def __len__(self) -> int:
        return len(self.rows)

    def reduce(self, vector: Mapping[K, QI]) -> dict[K, QI]:
        """The remainder of ``vector`` modulo the span of the rows (empty if it lies in the span)."""
        rows = self.rows
        out = dict(vector)
        for pivot in [k for k in vector if k in rows]:
            c = out.pop(pivot)
            for key, value in rows[pivot].items():
                if key == pivot:
                    continue
                old = out.get(key)
                new = -(c * value) if old is None else old - c * value
                if new:
                    out[key] = new
                else:
                    del out[key]
        return out

    def add(self, remainder: dict[K, QI]) -> K:
        """Add a nonzero remainder returned by :meth:`reduce`; returns its pivot key."""
        holders = self._holders
        pivot = min(remainder, key=lambda k: len(holders.get(k, ())))
        inv = remainder[pivot].inverse()
        row = {k: v * inv for k, v in remainder.items()}
        for other in holders.pop(pivot, set()):
            target = self.rows[other]
            c = target.pop(pivot)
            for key, value in row.items():
                if key == pivot:
                    continue
                old = target.get(key)
                new = -(c * value) if old is None else old - c * value
                if new:
                    if old is None:
                        holders.setdefault(key, set()).add(other)
                    target[key] = new
                else:
                    del target[key]
                    holders[key].discard(other)
        for key in row:
            if key != pivot:
                holders.setdefault(key, set()).add(pivot)
        self.rows[pivot] = row
        return pivot

    def __iter__(self) -> Iterator[dict[K, QI]]:
        return iter(self.rows.values())

"""Exact moments of commuting outputs ``Y_t = B_t·p + F_t(q)`` on a product of squeezed sources.

The sources' Wigner function is a product of centred Gaussians (``u_j`` for ``q_j``, ``v_j`` for
``p_j``, variances from :func:`source_variances`). For ``A = B·p + F(q)`` the Weyl symbol of
``e^{iA}`` is ``exp(i(B·v + ∫_{−1/2}^{1/2} F(u + σB) dσ))`` (``B·p`` translates ``q``), so with
``Z(λ) = Σ_t λ_t Y_t`` the characteristic function is a classical Gaussian expectation, and
the Taylor series of the segment average ends at degree k−1. Differentiating gives, for a
product of commuting outputs,

    E[Y_{t_1} ⋯ Y_{t_m}] = Σ_{partitions of {1..m} into odd blocks} E_cl[ ∏_blocks K_block ],

``K_{t} = B_t·v + F_t(u)`` (the classical symbol) and, for a block of size ``2j+1``,
``K = (−1)^j / (4^j (2j+1)) · Σ_{x ∈ block} (∏_{y ∈ block∖x} B_y·∇_u) F_x(u)``.
Blocks of size ≥ 3 are the ``[q, p] = i`` ordering corrections; they vanish for m ≤ 2 and
for k = 2, so means and covariances are classical Gaussian moments of the symbols.

Classical expectations use orthonormal Hermite coordinates: a polynomial in independent
centred Gaussians is a sparse vector over ``∏ He_{n_j}(x_j/σ_j)/√(n_j!)``, its mean is the
constant coordinate and ``E[AB]`` is a dot product. Polynomials here map a sorted tuple of
variable ids (``2j`` for ``u_j``, ``2j+1`` for ``v_j``) to a dual coefficient.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Iterator, Sequence

import numpy as np

from hrnnc.sim import dual
from hrnnc.sim.heisenberg import HeisenbergRun, Linear, Output, QPoly

SMALL_ALLOCATION = 64 << 20
"""Arrays below this size are allocated without asking the memory check (it reads /proc)."""

Poly = dict[tuple[int, ...], np.ndarray]
"""A classical polynomial: sorted tuple of variable ids → dual coefficient."""
Hermite = dict[tuple[tuple[int, int], ...], np.ndarray]
"""Orthonormal Hermite coordinates: ``((var, n), …)`` with ``n ≥ 1`` → dual coefficient."""


def source_variances(sources: Sequence[str], squeezing: float) -> tuple[np.ndarray, np.ndarray]:
    """``(Var q_j, Var p_j)`` of every source: ``e^{±2r}/2`` by its kind."""
    wide, narrow = math.exp(2 * squeezing) / 2, math.exp(-2 * squeezing) / 2
    p_kind = np.array([kind == "p" for kind in sources], dtype=bool)
    return np.where(p_kind, wide, narrow), np.where(p_kind, narrow, wide)


def variable_sigmas(sources: Sequence[str], squeezing: float) -> np.ndarray:
    """Standard deviation of every classical variable, indexed by variable id."""
    var_q, var_p = source_variances(sources, squeezing)
    out = np.empty(2 * len(sources))
    out[0::2], out[1::2] = np.sqrt(var_q), np.sqrt(var_p)
    return out


def symbol(out: Output) -> Poly:
    """The classical symbol ``B·v + F(u)`` of an output."""
    poly: Poly = {(2 * j + 1,): b for j, b in out.momenta.items()}
    for mono, c in out.positions.items():
        poly[tuple(2 * j for j in mono)] = c
    return poly


@lru_cache(maxsize=4096)
def _hermite_row(e: int) -> tuple[tuple[int, float], ...]:
    """``x^e = Σ_n c_n He_n(x)/√(n!)`` for a unit Gaussian: pairs ``(n, c_n)``."""
    return tuple((e - 2 * m, math.factorial(e) / (2 ** m * math.factorial(m) * math.sqrt(math.factorial(e - 2 * m))))
                 for m in range(e // 2 + 1))


def _powers(mono: tuple[int, ...]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for var in mono:
        if out and out[-1][0] == var:
            out[-1] = (var, out[-1][1] + 1)
        else:
            out.append((var, 1))
    return out


def hermite(poly: Poly, sigmas: np.ndarray) -> Hermite:
    """Orthonormal Hermite coordinates of a classical polynomial."""
    out: Hermite = {}
    for mono, c in poly.items():
        terms: list[tuple[tuple[tuple[int, int], ...], float]] = [((), 1.0)]
        for var, e in _powers(mono):
            scale = sigmas[var] ** e
            terms = [(key + (((var, n),) if n else ()), w * scale * h) for key, w in terms for n, h in _hermite_row(e)]
        for key, w in terms:
            prev = out.get(key)
            out[key] = w * c if prev is None else prev + w * c
    return out


def expectation(poly: Poly, sigmas: np.ndarray, size: int) -> np.ndarray:
    """``E_cl[poly]``: Isserlis per variable, ``E[x^e] = (e−1)!! σ^e`` for even ``e``."""
    total = dual.seed(0.0, size)
    for mono, c in poly.items():
        w = 1.0
        for var, e in _powers(mono):
            if e % 2:
                w = 0.0
                break
            w *= sigmas[var] ** e * _double_factorial(e - 1)
        if w:
            total = total + w * c
    return total


def _double_factorial(n: int) -> int:
    return math.prod(range(n, 0, -2)) if n > 0 else 1


def product(a: Poly, b: Poly) -> Poly:
    out: Poly = {}
    for ka, ca in a.items():
        for kb, cb in b.items():
            key = tuple(sorted(ka + kb))
            term = dual.mul(ca, cb)
            prev = out.get(key)
            out[key] = term if prev is None else prev + term
    return out


def inner(a: Hermite, b: Hermite, size: int) -> np.ndarray:
    """``E[AB]`` from Hermite coordinates."""
    if len(b) < len(a):
        a, b = b, a
    total = dual.seed(0.0, size)
    for key, ca in a.items():
        cb = b.get(key)
        if cb is not None:
            total = total + dual.mul(ca, cb)
    return total


def expectation_of_product(polys: Sequence[Poly], sigmas: np.ndarray, size: int) -> np.ndarray:
    """``E_cl[∏ polys]``: each half multiplied out, then one Hermite inner product."""
    if not polys:
        return dual.seed(1.0, size)
    if len(polys) == 1:
        return expectation(polys[0], sigmas, size)
    half = len(polys) // 2
    left, right = polys[0], polys[half]
    for p in polys[1:half]:
        left = product(left, p)
    for p in polys[half + 1:]:
        right = product(right, p)
    return inner(hermite(left, sigmas), hermite(right, sigmas), size)


def directional(poly: QPoly, direction: Linear) -> QPoly:
    """``(b·∇) F`` of a q-polynomial along a linear form ``b``."""
    out: QPoly = {}
    for mono, c in poly.items():
        for src, e in _powers(mono):
            b = direction.get(src)
            if b is None:
                continue
            i = mono.index(src)
            key = mono[:i] + mono[i + 1:]
            term = e * dual.mul(c, b)
            prev = out.get(key)
            out[key] = term if prev is None else prev + term
    return out


def odd_partitions(items: tuple[int, ...]) -> Iterator[list[tuple[int, ...]]]:
    """Every set partition of ``items`` into blocks of odd size."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for extra in range(0, len(rest) + 1, 2):
        for companions in _subsets(rest, extra):
            remaining = tuple(x for x in rest if x not in companions)
            for tail in odd_partitions(remaining):
                yield [(first,) + companions] + tail


def _subsets(items: tuple[int, ...], size: int) -> Iterator[tuple[int, ...]]:
    from itertools import combinations

    return combinations(items, size)


class MomentEngine:
    """Joint moments of the outputs of one :class:`HeisenbergRun` at squeezing ``r``."""

    def __init__(self, run: HeisenbergRun, squeezing: float):
        self.run = run
        self.size = run.size
        self.sigmas = variable_sigmas(run.sources, squeezing)
        self.outputs: list[Output] = list(run.outputs)
        self._symbols: dict[int, Poly] = {}

    def add_output(self, out: Output) -> int:
        """Register an extra commuting operator (e.g. ``Σ x_t Y_t``); returns its index."""
        self.outputs.append(out)
        return len(self.outputs) - 1

    def symbol(self, t: int) -> Poly:
        cached = self._symbols.get(t)
        if cached is None:
            cached = self._symbols[t] = symbol(self.outputs[t])
        return cached

    def block(self, members: Sequence[int]) -> Poly:
        """``K_block`` of the partition formula (``members`` are output indices)."""
        if len(members) == 1:
            return self.symbol(members[0])
        j = (len(members) - 1) // 2
        if 2 * j > self.run.degree - 1:
            return {}
        scale = (-1) ** j / (4 ** j * (2 * j + 1))
        total: QPoly = {}
        for i, x in enumerate(members):
            deriv = self.outputs[x].positions
            for y in members[:i] + members[i + 1:]:
                deriv = directional(deriv, self.outputs[y].momenta)
                if not deriv:
                    break
            for key, c in deriv.items():
                prev = total.get(key)
                total[key] = c if prev is None else prev + c
        return {tuple(2 * s for s in key): scale * c for key, c in total.items() if c.any()}

    def moment(self, members: Sequence[int]) -> np.ndarray:
        """``E[Y_{t_1} ⋯ Y_{t_m}]`` (a dual) for output indices ``members`` (repeats allowed)."""
        total = dual.seed(0.0, self.size)
        for partition in odd_partitions(tuple(range(len(members)))):
            blocks = [self.block([members[i] for i in b]) for b in partition]
            if any(not b for b in blocks):
                continue
            total = total + expectation_of_product(blocks, self.sigmas, self.size)
        return total

    def means_and_covariance(self) -> tuple[np.ndarray, np.ndarray]:
        """Means ``(T, D)`` and covariance ``(T, T, D)`` of all outputs (classical: exact for m ≤ 2)."""
        rows = [hermite(self.symbol(t), self.sigmas) for t in range(len(self.run.outputs))]
        columns: dict[tuple[tuple[int, int], ...], int] = {}
        for row in rows:
            for key in row:
                if key:
                    columns.setdefault(key, len(columns))
        count = len(rows)
        needed = 8 * self.size * (count * max(1, len(columns)) + 3 * count * count)
        if needed > SMALL_ALLOCATION:
            from hrnnc.sim.memory import require_memory

            require_memory(needed, f"the Hermite coordinates of {count} outputs ({len(columns)} columns)")
        matrix = np.zeros((count, len(columns), self.size))
        means = np.zeros((count, self.size))
        for t, row in enumerate(rows):
            for key, c in row.items():
                if key:
                    matrix[t, columns[key]] = c
                else:
                    means[t] = c
        base = matrix[:, :, 0]
        half = np.tensordot(matrix, base, axes=([1], [1])).transpose(0, 2, 1)  # (T, T, D): Σ_m H_tm,d H_sm,0
        cov = half + half.transpose(1, 0, 2)
        cov[:, :, 0] = half[:, :, 0]
        return means, cov


__all__ = ["Hermite", "MomentEngine", "Poly", "directional", "expectation", "expectation_of_product", "hermite",
           "inner", "odd_partitions", "product", "source_variances", "symbol", "variable_sigmas"]

"""An independent brute-force qubit reference: dense matrices and density operators.

Written from docs/semantics.md §2 directly (Kronecker products, projectors ``(I ± S)/2`` with
``S = U X_v U†``, reset as a partial trace followed by ``|+⟩``), sharing no code with
``hrnnc.sim``. Only for a handful of qubits.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from hrnnc.ir import Basis, Measure, MeasureStab, Phase, Reset, float_bindings, unroll

I2 = np.eye(2)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Z = np.diag([1.0, -1.0]).astype(complex)
PLUS = np.full(2, 2 ** -0.5, dtype=complex)


def single(op: np.ndarray, site: int, n: int) -> np.ndarray:
    """``op`` on ``site`` (bit ``site`` of the index, little-endian) as a 2^n matrix."""
    factors = [op if j == site else I2 for j in reversed(range(n))]
    return reduce(np.kron, factors)


def phase_matrix(sites: tuple[int, ...], angle: float, n: int) -> np.ndarray:
    diag = np.ones(2 ** n, dtype=complex)
    for x in range(2 ** n):
        if all((x >> j) & 1 for j in sites):
            diag[x] = np.exp(1j * angle)
    return np.diag(diag)


def run_distribution(model, tokens, params=None) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Exact output distribution by branching density operators."""
    n = model.size
    value = float_bindings(model, params)
    plus = reduce(np.kron, [PLUS] * n)
    branches = {"": np.outer(plus, plus.conj())}
    for cell in unroll(model, tokens):
        for stmt in cell.body:
            new: dict[str, np.ndarray] = {}
            if isinstance(stmt, Phase):
                u = phase_matrix(stmt.indices, value(stmt.angle), n)
                new = {k: u @ rho @ u.conj().T for k, rho in branches.items()}
            elif isinstance(stmt, (MeasureStab, Measure)):
                if isinstance(stmt, MeasureStab):
                    u = reduce(lambda a, b: a @ b, [phase_matrix(e.indices, value(e.weight), n)
                                                    for e in stmt.edges], np.eye(2 ** n, dtype=complex))
                    obs = u @ single(X, stmt.vertex.index, n) @ u.conj().T
                else:
                    obs = single(X if stmt.basis is Basis.X else Z, stmt.site.index, n)
                for k, rho in branches.items():
                    for y, sign in ((0, 1), (1, -1)):
                        proj = (np.eye(2 ** n) + sign * obs) / 2
                        out = proj @ rho @ proj
                        if np.trace(out).real > 1e-12:
                            new[k + str(y)] = new.get(k + str(y), 0) + out
            elif isinstance(stmt, Reset):
                v = stmt.site.index
                for k, rho in branches.items():
                    new[k] = reset(rho, v, n)
            branches = new
    return {k: float(np.trace(rho).real) for k, rho in sorted(branches.items())}


def reset(rho: np.ndarray, v: int, n: int) -> np.ndarray:
    """Trace out site ``v`` and put it back into ``|+⟩⟨+|``."""
    p0 = single(np.diag([1.0, 0.0]).astype(complex), v, n)
    p1 = single(np.diag([0.0, 1.0]).astype(complex), v, n)
    flip = single(X, v, n)
    traced = p0 @ rho @ p0 + flip @ p1 @ rho @ p1 @ flip  # site v now |0⟩, rest = partial trace
    h = single(np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2), v, n)
    return h @ traced @ h

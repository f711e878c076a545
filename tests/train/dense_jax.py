"""An independent dense implementation of qubit k-HRNN likelihoods in JAX, for the gradient tests.

Written from docs/semantics.md §2 directly (no hrnnc.sim, no hrnnc.train): a density matrix over
``2^n`` basis states (site ``j`` is bit ``j``), ``phase(γ) e`` as the diagonal
``exp(iγ ∏ n_j)``, a stabilizer measurement as ``U_κ†; H_v; project Z_v; H_v; U_κ``, Pauli
measurements as projectors, ``reset v`` as the channel with Kraus operators
``|+⟩⟨+|_v`` and ``|+⟩⟨−|_v``. Expressions are evaluated by a small recursive walker in
``jax.numpy``. ``P(y | x) = Tr ρ_T`` for the unnormalised conditional state, and
``jax.grad`` differentiates ``-log P`` through all of it.
"""

from __future__ import annotations

from functools import reduce

import jax
import jax.numpy as jnp
import numpy as np

from hrnnc.ir import BinOp, Call, Measure, MeasureStab, Name, Neg, Num, Phase, Reset

jax.config.update("jax_enable_x64", True)

H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)


def expr_value(expr, env):
    if isinstance(expr, Num):
        return jnp.asarray(expr.value, dtype=jnp.float64)
    if isinstance(expr, Name):
        return {"pi": jnp.pi, "e": jnp.e}.get(expr.id, env.get(expr.id))
    if isinstance(expr, Neg):
        return -expr_value(expr.operand, env)
    if isinstance(expr, BinOp):
        a, b = expr_value(expr.left, env), expr_value(expr.right, env)
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[expr.op]
    if isinstance(expr, Call):
        return {"sin": jnp.sin, "cos": jnp.cos, "exp": jnp.exp, "sqrt": jnp.sqrt}[expr.func](expr_value(expr.arg, env))
    raise TypeError(expr)


def _bits(n):
    return np.array([[(x >> j) & 1 for j in range(n)] for x in range(1 << n)])


def _one_site(n, site, matrix):
    """The ``2^n`` matrix acting with ``matrix`` on ``site`` (site j = bit j, so kron order is reversed)."""
    mats = [matrix if j == site else np.eye(2) for j in reversed(range(n))]
    return reduce(np.kron, mats)


def log_prob(model, tokens, outputs, values):
    """``log P(outputs | tokens)`` as a JAX function of the param dict ``values``."""
    n = model.size
    bits = _bits(n)
    env = dict(values)
    for decl in model.decls:
        if decl.name not in env:
            env[decl.name] = expr_value(decl.value, env)
    plus = np.full((1 << n, 1), 2.0 ** (-n / 2), dtype=complex)
    rho = jnp.asarray(plus @ plus.conj().T)
    p0, p1 = np.array([[1, 0], [0, 0]], dtype=complex), np.array([[0, 0], [0, 1]], dtype=complex)
    plus1 = np.array([[1, 1], [1, 1]], dtype=complex) / 2
    flip = np.array([[1, -1], [1, -1]], dtype=complex) / 2  # |+><-|
    outs = iter(outputs)

    def diag(edges, sign):
        phase = jnp.zeros(1 << n)
        for sites, angle in edges:
            mask = np.all(bits[:, list(sites)] == 1, axis=1).astype(float)
            phase = phase + sign * angle * mask
        return jnp.exp(1j * phase)

    def conj_diag(r, d):
        return d[:, None] * r * jnp.conj(d)[None, :]

    def apply(r, m):
        return m @ r @ m.conj().T

    base = env
    for item in tokens:
        token, values = (item, ()) if isinstance(item, str) else item
        cell = model.cell_for(token)
        env = {**base, **dict(zip(cell.arg_names, values))}  # the step's token arguments are in scope
        for stmt in cell.body:
            if isinstance(stmt, Phase):
                rho = conj_diag(rho, diag([(stmt.indices, expr_value(stmt.angle, env))], 1.0))
            elif isinstance(stmt, MeasureStab):
                v = stmt.vertex.index
                edges = [(e.indices, expr_value(e.weight, env)) for e in stmt.edges]
                rho = conj_diag(rho, diag(edges, -1.0))
                y = next(outs)
                m = _one_site(n, v, H @ (p0 if y == 0 else p1) @ H)
                rho = apply(rho, m)
                rho = conj_diag(rho, diag(edges, 1.0))
            elif isinstance(stmt, Measure):
                y = next(outs)
                p = p0 if y == 0 else p1
                m = _one_site(n, stmt.site.index, H @ p @ H if stmt.basis.value == "x" else p)
                rho = apply(rho, m)
            elif isinstance(stmt, Reset):
                v = stmt.site.index
                rho = apply(rho, _one_site(n, v, plus1)) + apply(rho, _one_site(n, v, flip))
    return jnp.log(jnp.real(jnp.trace(rho)))


def nll_and_grad(model, records, values):
    """Mean ``-log P`` over ``(tokens, outputs)`` records and its gradient, by ``jax.grad``."""
    names = [p.name for p in model.params]

    def loss(vec):
        env = dict(zip(names, vec))
        return -sum(log_prob(model, t, o, env) for t, o in records) / len(records)

    vec = jnp.array([values[name] for name in names], dtype=jnp.float64)
    value, grad = jax.value_and_grad(loss)(vec)
    return float(value), np.asarray(grad)

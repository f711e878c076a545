"""An independent implementation of the qumode grid likelihood in JAX, for the gradient tests and the benchmark.

Written from docs/semantics.md §2 and docs/simulator.md directly (no hrnnc.sim.qumode, no hrnnc.train):
the state on the grid ``q_i = −L + i·dq`` is held as a purification ``ψ[k, q_0, …]`` whose leading
axis lists *unnormalised* branches. ``phase(γ) e`` multiplies by ``exp(iγ ∏ q_j)``; ``shift(t) v`` is
``exp(−i t k)`` in the DFT basis of axis ``v``; ``measure p v -> y`` contracts axis ``v`` with
``e^{−i y q} dq/√(2π)`` and ``measure q v -> y`` with the band-limited interpolation kernel
``(1/P) Re Σ_k e^{i k (y − q)}``, then re-prepares ``v`` (p-squeezed at momentum ``y``, or
q-squeezed at position ``y``, normalised on the grid); a stabilizer is ``U_κ†; measure p v; U_κ``;
``reset v`` moves axis ``v`` into the branch axis (times ``√dq``, no compression: the branches
multiply by ``P``) and re-prepares ``v`` undisplaced. Nothing is renormalised, so
``p(y | x) = Σ |ψ_T|² dq^n`` and ``jax.grad`` differentiates its log (reverse mode) through all of it.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from dense_jax import expr_value

from hrnnc.ir import Measure, MeasureStab, Phase, Reset, Shift

jax.config.update("jax_enable_x64", True)


def _mode(values: np.ndarray, dq: float) -> jnp.ndarray:
    return values / math.sqrt(float(np.sum(np.abs(values) ** 2)) * dq)


def _p_squeezed(q: np.ndarray, r: float, momentum, dq: float):
    """``exp(−q²/(2e^{2r}) + i y q)`` normalised on the grid (Var q = e^{2r}/2)."""
    envelope = np.exp(-q * q / (2 * math.exp(2 * r)))
    return _mode(envelope, dq) * jnp.exp(1j * momentum * q)


def _q_squeezed(q: np.ndarray, r: float, position, dq: float):
    """``exp(−(q − y)²/(2e^{−2r}))`` normalised on the grid (Var q = e^{−2r}/2)."""
    values = jnp.exp(-(q - position) ** 2 / (2 * math.exp(-2 * r)))
    return values / jnp.sqrt(jnp.sum(jnp.abs(values) ** 2) * dq)


def _insert(rest, mode, axis):
    return jnp.moveaxis(jnp.multiply.outer(mode, rest), 0, axis)


def _broadcast(vector, axis: int, ndim: int):
    shape = [1] * ndim
    shape[axis] = vector.shape[0]
    return vector.reshape(shape)


def log_density(model, tokens, outputs, values, r: float, half_width: float, points: int):
    """``log p(outputs | tokens)`` on the grid as a JAX function of the param dict ``values``."""
    n = model.size
    dq = 2 * half_width / points
    q = -half_width + dq * np.arange(points)
    k = 2 * np.pi * np.fft.fftfreq(points, dq)
    env = dict(values)
    for decl in model.decls:
        if decl.name not in env:
            env[decl.name] = expr_value(decl.value, env)
    psi = jnp.ones((1,) * (n + 1), dtype=jnp.complex128)
    for j in range(n):
        psi = psi * _broadcast(_p_squeezed(q, r, 0.0, dq), j + 1, n + 1)
    outs = iter(outputs)

    def phase(state, edges, sign):
        f = 0.0
        for sites, angle in edges:
            mono = angle
            for j in sites:
                mono = mono * _broadcast(q, j + 1, n + 1)
            f = f + sign * mono
        return state * jnp.exp(1j * f)

    def measure(state, v, basis, y):
        axis = v + 1
        if basis == "p":
            kernel = jnp.exp(-1j * y * q) * dq / math.sqrt(2 * math.pi)
            mode = _p_squeezed(q, r, y, dq)
        else:
            kernel = jnp.real(jnp.exp(1j * jnp.outer(y - q, k)).sum(axis=1)) / points
            mode = _q_squeezed(q, r, y, dq)
        rest = jnp.sum(state * _broadcast(kernel, axis, n + 1), axis=axis)
        return _insert(rest, mode, axis)

    base = env
    for item in tokens:
        token, args = (item, ()) if isinstance(item, str) else item
        cell = model.cell_for(token)
        env = {**base, **dict(zip(cell.arg_names, args))}
        for stmt in cell.body:
            if isinstance(stmt, Phase):
                psi = phase(psi, [(stmt.indices, expr_value(stmt.angle, env))], 1.0)
            elif isinstance(stmt, Shift):
                axis = stmt.site.index + 1
                t = expr_value(stmt.amount, env)
                spectrum = jnp.fft.fft(psi, axis=axis) * _broadcast(jnp.exp(-1j * k * t), axis, n + 1)
                psi = jnp.fft.ifft(spectrum, axis=axis)
            elif isinstance(stmt, MeasureStab):
                edges = [(e.indices, expr_value(e.weight, env)) for e in stmt.edges]
                psi = phase(measure(phase(psi, edges, -1.0), stmt.vertex.index, "p", next(outs)), edges, 1.0)
            elif isinstance(stmt, Measure):
                psi = measure(psi, stmt.site.index, stmt.basis.value, next(outs))
            elif isinstance(stmt, Reset):
                axis = stmt.site.index + 1
                moved = jnp.moveaxis(psi, axis, 1)
                rest = moved.reshape((moved.shape[0] * points, *moved.shape[2:])) * math.sqrt(dq)
                psi = _insert(rest, _p_squeezed(q, r, 0.0, dq), axis)
    return jnp.log(jnp.sum(jnp.abs(psi) ** 2) * dq ** n)


def nll_and_grad(model, records, values, r: float, half_width: float, points: int):
    """Mean ``−log p`` over ``(tokens, outputs)`` records and its gradient, by ``jax.value_and_grad``."""
    names = [p.name for p in model.params]

    def loss(vec):
        env = dict(zip(names, vec))
        return -sum(log_density(model, t, o, env, r, half_width, points) for t, o in records) / len(records)

    vec = jnp.array([values[name] for name in names], dtype=jnp.float64)
    value, grad = jax.value_and_grad(loss)(vec)
    return float(value), np.asarray(grad)

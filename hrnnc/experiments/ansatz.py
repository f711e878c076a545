"""The generic comparison ansatz for the trainability experiment, in PennyLane.

A hardware-efficient ansatz of ``n`` qubits and ``n`` layers: ``RY, RZ`` on every qubit, then a
``CZ`` ladder, with the global cost ``⟨Z⊗…⊗Z⟩``. Its gradients concentrate exponentially in
``n`` at random initialisation (McClean et al. 2018; Cerezo et al. 2021, global costs), which
is what the k-HRNN's Lie-algebraic constraint is claimed to avoid.
"""

from __future__ import annotations

import math

import numpy as np


def hea_gradient_samples(n: int, samples: int, seed: int, layers: int | None = None) -> np.ndarray:
    """``∂C/∂θ_1`` (the first RY angle) at ``samples`` uniform random initialisations.

    The derivative is the exact parameter-shift difference ``(C(θ+π/2) − C(θ−π/2))/2``,
    evaluated for all samples at once with PennyLane's parameter broadcasting.
    """
    import pennylane as qml

    layers = n if layers is None else layers
    device = qml.device("default.qubit", wires=n)

    @qml.qnode(device)
    def cost(theta):
        for layer in range(layers):
            for wire in range(n):
                qml.RY(theta[:, layer, wire, 0], wires=wire)
                qml.RZ(theta[:, layer, wire, 1], wires=wire)
            for wire in range(n - 1):
                qml.CZ(wires=[wire, wire + 1])
        return qml.expval(qml.prod(*[qml.PauliZ(w) for w in range(n)]))

    rng = np.random.default_rng(seed)
    theta = rng.uniform(0.0, 2.0 * math.pi, size=(samples, layers, n, 2))
    plus, minus = theta.copy(), theta.copy()
    plus[:, 0, 0, 0] += math.pi / 2
    minus[:, 0, 0, 0] -= math.pi / 2
    return (np.asarray(cost(plus), dtype=float) - np.asarray(cost(minus), dtype=float)) / 2.0


def fit_power_law(xs, ys) -> tuple[float, float]:
    """Least-squares ``log y = a + b log x``; returns ``(b, a)`` (the exponent first)."""
    lx, ly = np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float))
    b, a = np.polyfit(lx, ly, 1)
    return float(b), float(a)


def fit_exponential(xs, ys) -> tuple[float, float]:
    """Least-squares ``log y = a + b x``; returns ``(b, a)`` (the rate first, per unit of x)."""
    b, a = np.polyfit(np.asarray(xs, float), np.log(np.asarray(ys, float)), 1)
    return float(b), float(a)


__all__ = ["fit_exponential", "fit_power_law", "hea_gradient_samples"]

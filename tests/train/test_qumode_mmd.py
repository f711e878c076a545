"""Qumode training: polynomial-kernel MMD through the exact moment simulator (docs/semantics.md §10)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hrnnc
from hrnnc.data import dataset_from
from hrnnc.diagnostics import Code, TrainingError
from hrnnc.train.losses import Kernel, make_loss

pytest.importorskip("hrnnc.sim.mmd")

MODEL = "hrnn q { qumodes 2; degree 3; param g = 0.2; param t = 0.1; " \
        "on a { shift(t) 1; phase(g) 0 1 1; measure p 0 -> y; measure q 1 -> z; } }"
R = 1.0  # the default squeezing of both simulators (hrnnc.sim.conventions)
DATA = [("a", [1.9, 0.2]), ("a", [2.4, 0.5]), ("a", [0.7, 0.35])]


def means(g: float, t: float) -> tuple[float, float]:
    """docs/semantics.md §10: after shift(t) on mode 1, q_1 → q_1 + t and y = p_0 + g q_1², so
    E[y] = g (e^{2r}/2 + t²) and E[z] = E[q_1] = t (Var q = e^{2r}/2, E[p_0] = 0)."""
    return g * (math.exp(2 * R) / 2 + t * t), t


def test_degree_one_mmd_is_the_squared_mean_difference() -> None:
    """With k(y, y') = 1 + y·y', MMD² = ‖E[Y] − ȳ‖²; its gradient follows from the closed-form means."""
    model = hrnnc.parse(MODEL)
    loss = make_loss(model, dataset_from(model, DATA), "mmd", Kernel("polynomial", degree=1))
    g, t = 0.45, 0.25
    value, grad = loss({"g": g, "t": t})
    ey, ez = means(g, t)
    ybar = np.mean([y for _, (y, _) in DATA])
    zbar = np.mean([z for _, (_, z) in DATA])
    assert value == pytest.approx((ey - ybar) ** 2 + (ez - zbar) ** 2, rel=1e-10)
    d_g = 2 * (ey - ybar) * (math.exp(2 * R) / 2 + t * t)
    d_t = 2 * (ey - ybar) * 2 * g * t + 2 * (ez - zbar)
    assert grad == pytest.approx([d_g, d_t], rel=1e-9)


def test_degree_two_gradient_agrees_with_central_differences() -> None:
    model = hrnnc.parse(MODEL)
    loss = make_loss(model, dataset_from(model, DATA), "mmd")
    point = {"g": 0.31, "t": -0.4}
    _, grad = loss(point)
    h = 1e-3
    for i, name in enumerate(loss.names):
        def f(x, name=name):
            return loss({**point, name: x})[0]
        x = point[name]
        fd = (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)
        assert grad[i] == pytest.approx(fd, rel=1e-6)


def test_training_matches_the_data_means() -> None:
    """The degree-1 MMD is minimal where the model's means equal the data's: t = z̄ and
    g = ȳ / (e^{2r}/2 + t²)."""
    model = hrnnc.parse(MODEL)
    result = hrnnc.train(model, DATA, loss="mmd", kernel="polynomial", degree=1, epochs=400, lr=0.02,
                         validation=0.0, patience=0)
    zbar = np.mean([z for _, (_, z) in DATA])
    ybar = np.mean([y for _, (y, _) in DATA])
    assert result.params["t"] == pytest.approx(zbar, abs=2e-3)
    assert result.params["g"] == pytest.approx(ybar / (math.exp(2 * R) / 2 + zbar ** 2), abs=2e-3)


def test_gaussian_mmd_is_a_clear_error() -> None:
    """The Gaussian kernel depends on every moment (the qumode NLL is tests/train/test_qumode_nll.py)."""
    model = hrnnc.parse(MODEL)
    data = dataset_from(model, DATA)
    with pytest.raises(TrainingError) as info:
        make_loss(model, data, "mmd", Kernel("gaussian"))
    assert info.value.diagnostics[0].code is Code.E0723


def test_squeezing_reaches_the_moment_simulator() -> None:
    """At squeezing r the degree-1 MMD is (E[y] − ȳ)² + (E[z] − z̄)² with E[y] = g (e^{2r}/2 + t²)."""
    model = hrnnc.parse(MODEL)
    r, g, t = 0.3, 0.45, 0.25
    loss = make_loss(model, dataset_from(model, DATA), "mmd", Kernel("polynomial", degree=1), squeezing=r)
    ybar = np.mean([y for _, (y, _) in DATA])
    zbar = np.mean([z for _, (_, z) in DATA])
    expected = (g * (math.exp(2 * r) / 2 + t * t) - ybar) ** 2 + (t - zbar) ** 2
    assert loss({"g": g, "t": t})[0] == pytest.approx(expected, rel=1e-10)

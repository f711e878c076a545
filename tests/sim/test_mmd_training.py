"""MMD training of a qumode model on data recovers the generating moments (issue 13, "done when").

Data come from an independent sampler: with inputs ``g m`` the model below has outputs
``y = p_0 + a q_1² + c`` and ``z = q_1 + d`` (sources 0 and 1, so ``y`` and ``z`` commute and are
jointly distributed as the classical variables ``p_0 ~ N(0, τ²)``, ``q_1 ~ N(0, σ²)`` with
``σ² = e^{2r}/2``, ``τ² = e^{−2r}/2``). The degree-2 polynomial kernel's MMD² is
``2‖μ − x̄‖² + ‖M₂ − M̂₂‖²_F`` (first and second raw moments), so its minimiser matches the
data's means and second moments, which pins ``d``, ``|a|`` and ``c``. Plain Adam on the exact
gradient of :func:`hrnnc.sim.moments.mmd` from a wrong start must land there.
"""

from __future__ import annotations

import math

import numpy as np

import hrnnc
from hrnnc.sim.moments import mmd, output_moments

MODEL = """hrnn gen { qumodes 2; degree 3; param a = 0.2; param c = 0.0; param d = 0.0;
  on g { phase(a) 0 1 1; phase(c) 0; shift(d) 1; }
  on m { measure p 0 -> y; measure q 1 -> z; } }"""
TRUE = {"a": 0.6, "c": -0.4, "d": 0.7}
R = 0.3


def sample(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    q1 = rng.normal(0.0, math.sqrt(math.exp(2 * R) / 2), count)
    p0 = rng.normal(0.0, math.sqrt(math.exp(-2 * R) / 2), count)
    return np.column_stack([p0 + TRUE["a"] * q1 ** 2 + TRUE["c"], q1 + TRUE["d"]])


def test_mmd_training_recovers_generating_moments() -> None:
    model = hrnnc.parse(MODEL)
    xs = sample(4000, seed=7)
    data = [{"inputs": ["g", "m"], "outputs": list(row)} for row in xs]
    names = ("a", "c", "d")
    theta = np.array([0.2, 0.0, 0.0])
    m, v = np.zeros(3), np.zeros(3)
    first = None
    for step in range(1, 401):  # Adam, lr 0.02
        res = mmd(model, data, degree=2, squeezing=R, params=dict(zip(names, theta)))
        first = res.value if first is None else first
        g = np.array([res.gradient[k] for k in names])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        theta -= 0.02 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-12)
    final = mmd(model, data, degree=2, squeezing=R, params=dict(zip(names, theta)))
    assert final.value < 1e-2 * first
    learned = output_moments(model, "g m", squeezing=R, params=dict(zip(names, theta)))
    se_mean = np.sqrt(np.diag(np.cov(xs.T)) / len(xs))
    assert np.all(np.abs(learned.means - xs.mean(axis=0)) < 4 * se_mean)
    assert np.allclose(learned.covariance, np.cov(xs.T), atol=0.08 * np.cov(xs.T).max())
    assert abs(theta[0] - TRUE["a"]) < 0.05 and abs(theta[1] - TRUE["c"]) < 0.1 and abs(theta[2] - TRUE["d"]) < 0.05

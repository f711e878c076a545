"""Exact moments against the position-grid simulator's densities (its means and covariances).

The grid gives the density of the first output and of each later output *given* earlier
values (``qumode.outcome_density``). Marginal moments of two outputs follow by quadrature over
the first: ``E[y2] = ∫ p(y1) E[y2|y1] dy1``, ``E[y1 y2] = ∫ p(y1) y1 E[y2|y1] dy1``, and so on
(trapezoid over the whole support of the first density: cubic terms give it exponential, not
Gaussian, tails, so a window of a few standard deviations is not enough). The
tolerance is the grid's own accuracy (window truncation and the 8× density interpolation), far
looser than the Heisenberg engine's rounding.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hrnnc
from hrnnc.sim import qumode
from hrnnc.sim.moments import output_moments
from hrnnc.sim.qumode import Grid
from moment_models import random_model

SMALL = (-0.3, -0.2, -0.1, 0.1, 0.2, 0.3)
"""Angles small enough that every phase gradient stays inside the grid's momentum window."""


def _stats(values: np.ndarray, dens: np.ndarray) -> tuple[float, float]:
    step = values[1] - values[0]
    mass = dens.sum() * step
    return float((values * dens).sum() * step / mass), float((values ** 2 * dens).sum() * step / mass)


def grid_moments(model: hrnnc.Model, inputs: str, r: float, grid: Grid, outputs: int,
                 nodes: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """Means and covariance of the first one or two outputs from the grid's densities."""
    values, dens = qumode.outcome_density(model, inputs, squeezing=r, grid=grid)
    m1, s1 = _stats(values, dens)
    if outputs == 1:
        return np.array([m1]), np.array([[s1 - m1 * m1]])
    support = values[dens > 1e-13 * dens.max()]
    ys = np.linspace(support[0], support[-1], nodes)
    w = np.interp(ys, values, dens, left=0.0, right=0.0)
    w /= w.sum()
    cond = np.array([_stats(*qumode.outcome_density(model, inputs, (y,), squeezing=r, grid=grid)) for y in ys])
    mu2, s2 = float(w @ cond[:, 0]), float(w @ cond[:, 1])
    cross = float(w @ (ys * cond[:, 0]))
    return np.array([m1, mu2]), np.array([[s1 - m1 * m1, cross - m1 * mu2], [cross - m1 * mu2, s2 - mu2 * mu2]])


def _compare(model: hrnnc.Model, inputs: str, r: float, grid: Grid, rel: float) -> None:
    exact = output_moments(model, inputs, squeezing=r)
    count = min(2, len(exact.outputs))
    means, cov = grid_moments(model, inputs, r, grid, count)
    scale = np.sqrt(np.diag(exact.covariance)[:count])
    assert np.allclose(means, exact.means[:count], atol=rel * scale.max())
    assert np.allclose(cov, exact.covariance[:count, :count], atol=rel * scale.max() ** 2)


@pytest.mark.parametrize("inputs, r", [("a b", 0.5), ("a b", 0.25), ("a b b", 0.5), ("b b", 0.4), ("a read", 0.5)])
def test_cubic_modes_example(inputs: str, r: float) -> None:
    """examples/cubic_modes.hrnn (the repository's qumode example) against the grid."""
    model = hrnnc.parse(Path("examples/cubic_modes.hrnn"))
    _compare(model, inputs, r, Grid(64), 2e-3)


@pytest.mark.parametrize("r", [0.25, 0.5])
@pytest.mark.parametrize("seed", range(5))
def test_random_two_mode_models(seed: int, r: float) -> None:
    """Random 2-mode models (phases up to degree 3, shifts, stabilizers, p/q homodynes), two outputs.

    Larger squeezing spreads q so far that cubic phase gradients leave the 128-point grid's
    momentum window (the grid's error then grows: it converges as points are added); the
    quadratic family below covers r = 1.
    """
    text, inputs = random_model(seed, 2, values=SMALL, reset=False, max_outputs=2)
    _compare(hrnnc.parse(text), inputs, r, Grid(128), 2e-3)


@pytest.mark.parametrize("r", [0.75, 1.0])
@pytest.mark.parametrize("seed", range(3))
def test_random_two_mode_quadratic_models(seed: int, r: float) -> None:
    """Random 2-mode degree-2 models at stronger squeezing, two outputs."""
    text, inputs = random_model(20 + seed, 2, degree=2, values=SMALL, reset=False, max_outputs=2)
    _compare(hrnnc.parse(text), inputs, r, Grid(128), 2e-3)


@pytest.mark.parametrize("r", [0.3, 0.45])
@pytest.mark.parametrize("seed", range(3))
def test_random_three_mode_models(seed: int, r: float) -> None:
    """Random 3-mode models, first output (its grid density is the marginal)."""
    text, inputs = random_model(50 + seed, 3, values=SMALL, reset=False, max_outputs=1)
    _compare(hrnnc.parse(text), inputs, r, Grid(128), 2e-3)


def test_reset_after_measurement() -> None:
    """A reset of a just-measured (hence unentangled) mode: the grid can condition through it."""
    model = hrnnc.parse("""hrnn rs { qumodes 2; degree 2;
      on a { phase(0.3) 0 1; phase(0.2) 1; }
      on m { measure p 0 -> y; reset 0; phase(0.5) 0 1; shift(0.5) 1; measure stab(0; 0.1: 0 1) -> y; } }""")
    exact = output_moments(model, "a m", squeezing=0.5)
    means, cov = grid_moments(model, "a m", 0.5, Grid(128), 2, nodes=16)  # each conditioning runs an SVD
    assert np.allclose(means, exact.means, atol=2e-3) and np.allclose(cov, exact.covariance, atol=2e-3)
    assert exact.covariance[0, 1] == pytest.approx(0.3 * 0.4 * np.exp(1.0) / 2)  # y1 = p_0 + 0.3 q_1, y2 ∋ 0.4 q_1

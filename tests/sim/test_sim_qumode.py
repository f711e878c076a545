"""The qumode grid simulator against Gaussian closed forms (ħ = 1, squeezing r)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hrnnc
from hrnnc.sim import qumode
from hrnnc.sim.qumode import Grid

MODEL = """
hrnn cv {
  qumodes 2; degree 2;
  param g = 0.7;
  on p0 { measure p 0 -> y; }
  on q0 { measure q 0 -> y; }
  on ph { phase(g) 0; }
  on cz { phase(g) 0 1; }
  on sq { phase(0.2) 0 0; }
  on s { measure stab(0; g: 0 1) -> y; }
  on s0 { measure stab(0) -> y; }
  on sh { shift(1.5) 0; }
  on r0 { reset 0; }
}
"""


@pytest.fixture(scope="module")
def cv() -> hrnnc.Model:
    return hrnnc.parse(MODEL)


def _moments(values: np.ndarray, density: np.ndarray) -> tuple[float, float, float]:
    step = values[1] - values[0]
    mass = float(density.sum() * step)
    mean = float((values * density).sum() * step / mass)
    var = float(((values - mean) ** 2 * density).sum() * step / mass)
    return mass, mean, var


@pytest.mark.parametrize("r", [0.5, 1.0])
def test_p_density_of_squeezed_vacuum_is_gaussian(cv: hrnnc.Model, r: float) -> None:
    """No phases: p is Gaussian with mean 0 and variance e^{-2r}/2, pointwise."""
    values, density = qumode.outcome_density(cv, "p0", squeezing=r)
    var = math.exp(-2 * r) / 2
    gauss = np.exp(-values ** 2 / (2 * var)) / math.sqrt(2 * math.pi * var)
    assert np.max(np.abs(density - gauss)) < 1e-5 * gauss.max()  # window truncation only
    mass, mean, v = _moments(values, density)
    assert mass == pytest.approx(1.0, abs=1e-9) and mean == pytest.approx(0.0, abs=1e-9)
    assert v == pytest.approx(var, rel=1e-6)


def test_degree_one_phase_shifts_momentum(cv: hrnnc.Model) -> None:
    """phase(γ) on q_0 multiplies by e^{iγ q_0}: the p outcome mean moves by γ."""
    _, mean, var = _moments(*qumode.outcome_density(cv, "ph p0"))
    assert mean == pytest.approx(0.7, abs=1e-8)
    assert var == pytest.approx(math.exp(-2) / 2, rel=1e-6)


def test_shift_translates_position(cv: hrnnc.Model) -> None:
    """shift(1.5): q_0 has mean 1.5 and variance e^{2r}/2."""
    _, mean, var = _moments(*qumode.outcome_density(cv, "sh q0"))
    assert mean == pytest.approx(1.5, abs=1e-6)
    assert var == pytest.approx(math.exp(2) / 2, rel=1e-6)


def test_matching_stabilizer_concentrates_at_zero() -> None:
    """N_0 with the prepared weights: mean 0, width e^{-r}/√2, shrinking as r grows."""
    model = hrnnc.parse("hrnn m { qumodes 2; degree 2; on cz { phase(0.7) 0 1; } "
                        "on s { measure stab(0; 0.7: 0 1) -> y; } }")
    widths = []
    for r in (0.5, 1.0, 1.5):
        grid = Grid(points=192)
        _, mean, var = _moments(*qumode.outcome_density(model, "cz s", squeezing=r, grid=grid))
        assert mean == pytest.approx(0.0, abs=1e-8)
        assert math.sqrt(var) == pytest.approx(math.exp(-r) / math.sqrt(2), rel=1e-5)
        widths.append(math.sqrt(var))
    assert widths[0] > widths[1] > widths[2]


def test_mismatched_stabilizer_sees_the_edge(cv: hrnnc.Model) -> None:
    """stab(0) with no edges on e^{iγ q0 q1}: p_0 = γ q_1 + p_0', variance γ² e^{2r}/2 + e^{-2r}/2."""
    _, mean, var = _moments(*qumode.outcome_density(cv, "cz s0"))
    assert mean == pytest.approx(0.0, abs=1e-8)
    assert var == pytest.approx(0.49 * math.exp(2) / 2 + math.exp(-2) / 2, rel=1e-5)


def test_final_wavefunction_closed_form(cv: hrnnc.Model) -> None:
    """Unitary runs: ψ(q0, q1) = χ(q0) χ(q1) e^{iγ q0 q1 + 0.2 i q0²}, normalized with dq."""
    r, grid = 1.0, Grid()
    psi = qumode.final_wavefunction(cv, "cz sq", squeezing=r, grid=grid)
    q = grid.positions(r)
    dq = grid.spacing(r)
    s = math.exp(r)
    chi = (math.pi * s * s) ** -0.25 * np.exp(-q ** 2 / (2 * s * s))
    expected = np.outer(chi, chi) * np.exp(1j * (0.7 * np.outer(q, q) + 0.2 * (q ** 2)[:, None]))
    assert psi.shape == (128, 128)
    assert np.sum(np.abs(psi) ** 2) * dq ** 2 == pytest.approx(1.0, abs=1e-12)
    assert np.max(np.abs(psi - expected)) < 1e-6


def test_post_measurement_state_is_re_prepared(cv: hrnnc.Model) -> None:
    """After p_0 → y the measured mode is the p-squeezed state at momentum y; mode 1 is untouched."""
    r, grid, y = 1.0, Grid(), 0.37
    psi = qumode.final_wavefunction(cv, "p0", squeezing=r, grid=grid, outcomes=[y])
    q, dq = grid.positions(r), grid.spacing(r)
    s = math.exp(r)
    chi = (math.pi * s * s) ** -0.25 * np.exp(-q ** 2 / (2 * s * s))
    expected = np.outer(chi * np.exp(1j * y * q), chi)
    overlap = np.vdot(expected, psi) * dq ** 2
    assert abs(overlap) == pytest.approx(1.0, abs=1e-9)


def test_stabilizer_post_state_conditions_the_partner() -> None:
    """Measuring p_1 = y on e^{iγ q0 q1}: mode 0 is left ∝ χ(q0) χ̃(y − γ q0) (Gaussian in q0)."""
    model = hrnnc.parse("hrnn m { qumodes 2; degree 2; on cz { phase(0.7) 0 1; } on p1 { measure p 1 -> y; } }")
    r, grid, y = 0.5, Grid(), 0.2
    psi = qumode.final_wavefunction(model, "cz p1", squeezing=r, grid=grid, outcomes=[y])
    q, dq = grid.positions(r), grid.spacing(r)
    s = math.exp(r)
    # p_1 density given q0: Gaussian in (y − γ q0) with variance 1/(2 s²); mode 0 amplitude:
    mode0 = np.exp(-q ** 2 / (2 * s * s)) * np.exp(-(y - 0.7 * q) ** 2 * s * s / 2)
    mode1 = np.exp(-q ** 2 / (2 * s * s) + 1j * y * q)
    expected = np.outer(mode0, mode1)
    expected /= math.sqrt(np.sum(np.abs(expected) ** 2) * dq ** 2)
    assert abs(np.vdot(expected, psi) * dq ** 2) == pytest.approx(1.0, abs=1e-8)


def test_samples_follow_the_densities(cv: hrnnc.Model) -> None:
    """Seeded samples: stabilizer outcomes have the closed-form spread; χ² against the density."""
    scipy_stats = pytest.importorskip("scipy.stats")
    samples = qumode.sample(cv, "cz s s0", 400, seed=3)
    assert samples.shape == (400, 2)
    np.testing.assert_array_equal(samples[:50], qumode.sample(cv, "cz s s0", 50, seed=3)[:50])
    first = samples[:, 0]
    std = math.exp(-1) / math.sqrt(2)
    edges = np.array([-np.inf, -std, -0.3 * std, 0.3 * std, std, np.inf])
    observed, _ = np.histogram(first, edges)
    cdf = scipy_stats.norm(0, std).cdf(edges)
    assert scipy_stats.chisquare(observed, 400 * np.diff(cdf)).pvalue > 1e-3
    # then p_0 = y_1 + γ q_1 + δ (δ: re-prepared p-noise): variance e^{-2r}/2 + γ² e^{2r}/2 + e^{-2r}/2
    second = samples[:, 1]
    spread = math.sqrt(0.49 * math.exp(2) / 2 + math.exp(-2))
    edges2 = np.array([-np.inf, -spread, 0.0, spread, np.inf])
    observed2, _ = np.histogram(second, edges2)
    cdf2 = scipy_stats.norm(0, spread).cdf(edges2)
    assert scipy_stats.chisquare(observed2, 400 * np.diff(cdf2)).pvalue > 1e-3


def test_reset_rules(cv: hrnnc.Model) -> None:
    """A reset of an entangled mode has no pure final state; of a product mode it re-prepares it."""
    with pytest.raises(ValueError, match="mixed"):
        qumode.final_wavefunction(cv, "cz r0")
    psi = qumode.final_wavefunction(cv, "ph sh r0")
    plain = qumode.final_wavefunction(cv, "")
    assert abs(np.vdot(plain, psi)) * Grid().spacing(1.0) ** 2 == pytest.approx(1.0, abs=1e-9)
    after = qumode.sample(cv, "cz r0 p0", 200, seed=1)[:, 0]
    assert abs(after.mean()) < 5 * math.exp(-1) / math.sqrt(2) / math.sqrt(200)


def test_grid_options() -> None:
    assert Grid().half_width(1.0) == pytest.approx(math.sqrt(math.pi * 64))
    assert Grid().half_width(2.0) == pytest.approx(7 * math.exp(2) / math.sqrt(2))
    assert Grid(points=64, extent=5.0).positions(1.0)[32] == pytest.approx(0.0)
    with pytest.raises(ValueError):
        Grid(points=7)
    with pytest.raises(ValueError):
        Grid(extent=-1.0)


def test_outcome_count_is_checked(cv: hrnnc.Model) -> None:
    with pytest.raises(ValueError, match="measures 2"):
        qumode.final_wavefunction(cv, "s s0", outcomes=[0.1])
    with pytest.raises(ValueError, match="fewer than 2"):
        qumode.outcome_density(cv, "p0", outcomes=[0.0])


def test_three_modes_middle_stabilizer() -> None:
    """Three modes, chain e^{i(g q0 q1 + h q1 q2)}: N_1 matching has width e^{-r}/√2; p_1 alone sees
    variance (g² + h²) e^{2r}/2 + e^{-2r}/2."""
    model = hrnnc.parse("hrnn t { qumodes 3; degree 2; on c { phase(0.4) 0 1; phase(-0.3) 1 2; } "
                        "on s { measure stab(1; 0.4: 0 1, -0.3: 1 2) -> y; } on p1 { measure p 1 -> y; } }")
    grid = Grid(points=64)
    _, mean, var = _moments(*qumode.outcome_density(model, "c s", grid=grid))
    assert mean == pytest.approx(0.0, abs=1e-8)
    assert math.sqrt(var) == pytest.approx(math.exp(-1) / math.sqrt(2), rel=1e-4)
    _, _, var = _moments(*qumode.outcome_density(model, "c p1", grid=grid))
    assert var == pytest.approx(0.25 * math.exp(2) / 2 + math.exp(-2) / 2, rel=1e-4)
    samples = qumode.sample(model, "c s p1", 40, seed=2, grid=grid)
    assert samples.shape == (40, 2) and np.all(np.isfinite(samples))


def test_q_measurement_conditions_partner_and_re_prepares() -> None:
    """e^{iγ q0 q1}, q_0 → y: mode 1 carries momentum γy (e^{iγ y q1} χ(q1)); mode 0 is q-squeezed at y."""
    model = hrnnc.parse("hrnn m { qumodes 2; degree 2; on cz { phase(0.7) 0 1; } on q0 { measure q 0 -> y; } }")
    r, y = 0.5, 0.83
    grid = Grid(points=128)
    psi = qumode.final_wavefunction(model, "cz q0", squeezing=r, grid=grid, outcomes=[y])
    q, dq = grid.positions(r), grid.spacing(r)
    narrow, wide = math.exp(-r), math.exp(r)
    mode0 = np.exp(-(q - y) ** 2 / (2 * narrow ** 2))
    mode1 = np.exp(-q ** 2 / (2 * wide ** 2) + 1j * 0.7 * y * q)
    expected = np.outer(mode0, mode1)
    expected /= math.sqrt(np.sum(np.abs(expected) ** 2) * dq ** 2)
    assert abs(np.vdot(expected, psi) * dq ** 2) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(("edge", "derivative"), [("0 0", "2 q0"), ("0 1", "q1"), ("0 0 1", "2 q0 q1")])
def test_nullifier_differentiates_the_edge(edge: str, derivative: str) -> None:
    """docs/language.md (issue #10): ``stab(0; κ: e)`` measures ``p_0 − κ ∂_0 ∏_{j∈e} q_j`` on the
    squeezed vacuum, not ``p_0 − κ ∏_{e∖0} q``. Zero means; variances ``τ² + κ² Var ∂_0 m``:
    ``4σ²`` for ``q0²`` (not ``σ²``), ``σ²`` for ``q0 q1``, ``4σ⁴`` for ``q0² q1``."""
    kappa, r = 0.3, 0.5
    sigma2, tau2 = math.exp(2 * r) / 2, math.exp(-2 * r) / 2
    var_derivative = {"2 q0": 4 * sigma2, "q1": sigma2, "2 q0 q1": 4 * sigma2 * sigma2}[derivative]
    model = hrnnc.parse(f"hrnn n {{ qumodes 2; degree 3; on s {{ measure stab(0; {kappa}: {edge}) -> y; }} }}")
    _, mean, var = _moments(*qumode.outcome_density(model, "s", squeezing=r))
    assert mean == pytest.approx(0.0, abs=1e-7)  # heavy (Bessel) tails of q0 q1 meet the window
    assert var == pytest.approx(tau2 + kappa ** 2 * var_derivative, rel=1e-6)


def test_params_move_consts_but_not_other_params_initial_values() -> None:
    """docs/language.md (issue #10): with ``params={"a": 1}``, ``param b = 2 * a`` keeps its initial
    value 1 while ``const c = 3 * a`` becomes 3; ``phase(b + c)`` on ``q_0`` moves ``<p_0>`` by 4."""
    model = hrnnc.parse("hrnn d { qumodes 1; degree 1; param a = 0.5; param b = 2 * a; const c = 3 * a;"
                        " on t { phase(b) 0; phase(c) 0; measure p 0 -> y; } }")
    _, mean, _ = _moments(*qumode.outcome_density(model, "t", params={"a": 1.0}))
    assert mean == pytest.approx(2 * 0.5 + 3 * 1.0, abs=1e-8)
    _, moved, _ = _moments(*qumode.outcome_density(model, "t", params={"a": 1.0, "b": 2.0}))
    assert moved == pytest.approx(2.0 + 3.0, abs=1e-8)

"""Exact qumode densities after ``reset`` of an entangled mode: the mixture, not a branch (issue #10).

Every model here is Gaussian, so the laws are closed forms (ħ = 1, squeezing r, ``σ² = e^{2r}/2``
the q variance and ``τ² = e^{−2r}/2`` the p variance of a fresh mode). A phase ``g q_a q_b``
sends ``p_a → p_a + g q_b``; ``reset b`` traces mode ``b`` out and re-prepares it, so the
other modes keep their reduced state and the fresh ``q_b`` is independent of everything before.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import hrnnc
from hrnnc.cli import main
from hrnnc.diagnostics import Code, SimulationError
from hrnnc.sim import cvgrid, qumode

G, H, K = 0.8, 0.5, 0.3
MODEL = f"""hrnn reset_entangled {{ qumodes 2; degree 2;
  on a {{ phase({G}) 0 1; }}
  on b {{ phase({H}) 0 1; }}
  on k {{ phase({K}) 0 0; }}
  on r {{ reset 1; }}
  on mq {{ measure q 0 -> y; }}
  on mp {{ measure p 0 -> z; }}
  on mp1 {{ measure p 1 -> w; }}
}}"""
R = 1.0
SIGMA2, TAU2 = math.exp(2 * R) / 2, math.exp(-2 * R) / 2


@pytest.fixture(scope="module")
def model() -> hrnnc.Model:
    return hrnnc.parse(MODEL)


def gaussian(values: np.ndarray, mean: float, var: float) -> np.ndarray:
    return np.exp(-(values - mean) ** 2 / (2 * var)) / math.sqrt(2 * math.pi * var)


def test_issue_command_reports_the_marginal_law(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """Issue #10's command: after ``phase(0.8) 0 1; reset 1`` the law of ``q_0`` is untouched,
    N(0, e^{2r}/2), std ``e^r/√2 = 1.9221`` (it reported 0.3206, a conditional density)."""
    path = tmp_path / "reset.hrnn"
    path.write_text(MODEL)
    assert main(["simulate", str(path), "--input", "a r mq", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["exact"] is True
    (dens,) = out["densities"]
    assert dens["std"] == pytest.approx(math.exp(R) / math.sqrt(2), rel=1e-9)
    assert dens["mean"] == pytest.approx(0.0, abs=1e-9)
    values = np.array(dens["values"])
    # The 21-point table is linearly interpolated from the fine grid: agreement to ~1e-5 of the peak.
    np.testing.assert_allclose(dens["density"], gaussian(values, 0.0, SIGMA2), atol=2e-5)


def test_momentum_of_the_kept_mode_averages_over_the_hidden_outcome(model: hrnnc.Model) -> None:
    """``p_0`` after ``a r``: ``p_0 + g q_1`` with ``q_1`` traced out, N(0, τ² + g² σ²), pointwise."""
    values, density = qumode.outcome_density(model, "a r mp")
    np.testing.assert_allclose(density, gaussian(values, 0.0, TAU2 + G * G * SIGMA2), atol=1e-8)
    (table,) = qumode.output_densities(model, "a r mp")[1]
    assert table.std == pytest.approx(math.sqrt(TAU2 + G * G * SIGMA2), rel=1e-9)


def test_mixture_is_carried_through_later_entangling_gates(model: hrnnc.Model) -> None:
    """``a r b mp``: ``p_0 + g q_1 + h q_1'`` with independent ``q_1`` (traced) and ``q_1'`` (fresh):
    variance ``τ² + (g² + h²) σ²``; without the reset it would be ``τ² + (g + h)² σ²``."""
    (table,) = qumode.output_densities(model, "a r b mp")[1]
    assert table.std == pytest.approx(math.sqrt(TAU2 + (G * G + H * H) * SIGMA2), rel=1e-9)
    (plain,) = qumode.output_densities(model, "a b mp")[1]
    assert plain.std == pytest.approx(math.sqrt(TAU2 + (G + H) ** 2 * SIGMA2), rel=1e-6)  # wider: window tails


@pytest.mark.parametrize("w", [0.4, -1.3])
def test_conditioning_on_a_later_output_updates_the_mixture(model: hrnnc.Model, w: float) -> None:
    """``a r b k mp1 mp`` given ``w``: after the reset ``A = p_1 + h q_0`` and
    ``B = p_0 + g q_1 + h q_1' + 2k q_0`` are jointly Gaussian (they commute) with
    ``Var A = τ² + h² σ²``, ``Var B = τ² + (g² + h² + 4k²) σ²``, ``Cov = 2hk σ²``, so
    ``B | A = w`` has mean ``Cov/Var A · w`` and variance ``Var B − Cov²/Var A``."""
    var_a = TAU2 + H * H * SIGMA2
    var_b = TAU2 + (G * G + H * H + 4 * K * K) * SIGMA2
    cov = 2 * H * K * SIGMA2
    used, (first, second) = qumode.output_densities(model, "a r b k mp1 mp", condition=[w])
    assert used == [w]
    assert first.std == pytest.approx(math.sqrt(var_a), rel=1e-9)
    assert second.mean == pytest.approx(cov / var_a * w, abs=1e-9)
    assert second.std == pytest.approx(math.sqrt(var_b - cov * cov / var_a), rel=1e-9)
    values, density = qumode.outcome_density(model, "a r b k mp1 mp", outcomes=[w])
    np.testing.assert_allclose(density, gaussian(values, cov / var_a * w, var_b - cov * cov / var_a), atol=1e-8)


def test_sampling_and_the_exact_density_agree(model: hrnnc.Model) -> None:
    """Seeded samples (which draw the hidden outcome) have the exact density's spread."""
    samples = qumode.sample(model, "a r mp", 800, seed=3)[:, 0]
    sigma = math.sqrt(TAU2 + G * G * SIGMA2)
    assert np.std(samples) == pytest.approx(sigma, rel=0.1)  # the std's standard error is 2.5%


def test_a_pure_reset_keeps_one_branch(model: hrnnc.Model) -> None:
    """Resetting a mode in a product state leaves a pure state; the wavefunction is still defined."""
    psi = qumode.final_wavefunction(model, "k r")
    again = qumode.final_wavefunction(model, "k")
    assert abs(np.vdot(again, psi)) * qumode.Grid().spacing(R) ** 2 == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(ValueError, match="mixed"):
        qumode.final_wavefunction(model, "a r")


def test_too_large_a_mixture_is_refused_with_e0620(model: hrnnc.Model, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """Over the budget the exact path stops with E0620 at the ``reset`` (never a conditional density)."""
    monkeypatch.delenv("HRNNC_SIM_MEMORY", raising=False)
    monkeypatch.setattr(qumode, "MIXTURE_BUDGET", 1 << 20)
    with pytest.raises(SimulationError) as info:
        qumode.output_densities(model, "a r mq")
    (diag,) = info.value.diagnostics
    assert diag.code is Code.E0620 and "branches" in diag.message
    assert MODEL[diag.span.start:diag.span.end] == "reset 1;"
    path = tmp_path / "reset.hrnn"
    path.write_text(MODEL)
    assert main(["simulate", str(path), "--input", "a r mq"]) == 1
    err = capsys.readouterr().err
    assert "error[E0620]" in err and "reset.hrnn:5:10:" in err and "Traceback" not in err
    # Samples need no mixture.
    assert qumode.sample(model, "a r mq", 3, seed=1).shape == (3, 1)


# -- the kernel --------------------------------------------------------------------------------


def partial_trace(psi: np.ndarray, site: int, dq: float) -> np.ndarray:
    """``Σ_k Tr_site ψ_k ψ_k†`` as a matrix over the other modes (numpy einsum, dq per traced mode)."""
    moved = np.moveaxis(psi, site, 1)
    rows = moved.reshape(moved.shape[0], moved.shape[1], -1)
    return np.einsum("kia,kib->ab", rows, rows.conj()) * dq


@settings(max_examples=40, deadline=None)
@given(data=st.data(), branches=st.integers(1, 4), modes=st.integers(2, 3), site=st.integers(1, 3))
def test_trace_out_is_an_exact_purification(data: st.DataObject, branches: int, modes: int, site: int) -> None:
    """``Σ_j b_j b_j† = Tr_site ρ`` for random mixtures (both Gram sides: rows ≤ or > columns)."""
    site = min(site, modes)
    shape = (branches, *(5,) * modes)
    parts = data.draw(hnp.arrays(np.float64, (2, *shape), elements=st.floats(-1, 1)))
    psi = parts[0] + 1j * parts[1]
    dq = 0.37
    rest = cvgrid.trace_out(psi, site, dq, tolerance=0.0)
    flat = rest.reshape(rest.shape[0], -1)
    np.testing.assert_allclose(flat.T @ flat.conj(), partial_trace(psi, site, dq), atol=1e-10)
    assert rest.shape[0] <= min(branches * 5, 5 ** (modes - 1))


def test_trace_out_of_a_product_mode_is_one_branch() -> None:
    """``u ⊗ v`` traced over ``u``'s mode is the single branch ``|u|·v``."""
    rng = np.random.default_rng(4)
    u, v = rng.normal(size=6) + 1j * rng.normal(size=6), rng.normal(size=(6, 6)) + 1j * rng.normal(size=(6, 6))
    psi = np.einsum("i,ab->iab", u, v)[None]
    rest = cvgrid.trace_out(psi, 1, dq=0.5)
    assert rest.shape == (1, 6, 6)
    np.testing.assert_allclose(np.abs(np.vdot(rest[0], v)), np.linalg.norm(v) ** 2 * np.linalg.norm(u) * math.sqrt(0.5),
                               rtol=1e-10)


def test_heisenberg_moments_agree_with_the_mixture(model: hrnnc.Model) -> None:
    """A second, independent computation: :mod:`hrnnc.sim.moments` (Heisenberg picture, no grid)
    gives the covariance of ``(w, z)`` in ``a r b k mp1 mp``; Gaussian conditioning on it equals
    the grid mixture's conditional law of ``z`` given ``w``."""
    moments = pytest.importorskip("hrnnc.sim.moments")
    cov = moments.output_moments(model, "a r b k mp1 mp", squeezing=R).covariance
    w = 0.7
    (_, second) = qumode.output_densities(model, "a r b k mp1 mp", condition=[w])[1]
    assert second.mean == pytest.approx(cov[0, 1] / cov[0, 0] * w, abs=1e-9)
    assert second.std == pytest.approx(math.sqrt(cov[1, 1] - cov[0, 1] ** 2 / cov[0, 0]), rel=1e-9)

"""sf target against wavefunctions: SF's Fock backend vs the reference grid simulator.

States are compared in the language's position representation: a Fock ket ``c_{n...}``
is ``psi(q) = sum c_n phi_n(q)`` with the ħ = 1 Hermite functions (SF's Fock basis does not
depend on its hbar, and ``x = sqrt(hbar) q``). The reference is the grid simulator
(:mod:`hrnnc.sim.qumode`) and, for unitary cells, also the closed form of docs/semantics.md §2 (the
cell multiplies the shifted squeezed vacuum by ``exp(i f(q))``), so a wrong sign or scale
in either the emitter or the simulator shows up as a fidelity drop.

Costs: three modes at cutoff 12 (D^3 = 1728 amplitudes); squeezing r = 0.3 and small cubic
weights keep the truncation error below 1%, which is what makes 0.99 a meaningful bar (each
test also asserts that the cell moves the state well away from its input).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import hrnnc
from hrnnc.ir import Phase, Shift, float_bindings, initial_param_values, unroll
from hrnnc.sim import qumode

sf = pytest.importorskip("hrnnc.targets.sf_target.sdk").load_sf()

from hrnnc.targets.sf_target import SFTarget  # noqa: E402

R = 0.3
EXTENT = 7.0


def hermite_functions(count: int, q: np.ndarray) -> np.ndarray:
    """``phi_n(q)`` for n < count (ħ = 1), by the stable three-term recurrence."""
    out = np.zeros((count, len(q)))
    out[0] = np.pi ** -0.25 * np.exp(-q * q / 2)
    if count > 1:
        out[1] = math.sqrt(2) * q * out[0]
    for n in range(2, count):
        out[n] = math.sqrt(2 / n) * q * out[n - 1] - math.sqrt((n - 1) / n) * out[n - 2]
    return out


def fock_to_grid(ket: np.ndarray, q: np.ndarray) -> np.ndarray:
    H = hermite_functions(ket.shape[0], q)
    psi = ket.astype(complex)
    for _ in range(ket.ndim):  # contract the leading Fock index, append the grid axis
        psi = np.tensordot(psi, H, axes=([0], [0]))
    return psi


def fidelity(a: np.ndarray, b: np.ndarray) -> float:
    overlap = np.vdot(a, b)
    return float(abs(overlap) ** 2 / (np.vdot(a, a).real * np.vdot(b, b).real))


def squeezed_vacuum(q: np.ndarray, r: float) -> np.ndarray:
    s = math.exp(r)
    return (math.pi * s * s) ** -0.25 * np.exp(-q * q / (2 * s * s))


def closed_form(model: hrnnc.Model, tokens: list[str], q: np.ndarray, r: float) -> np.ndarray:
    """docs/semantics.md §2 for cells of phases and shifts: psi(q) = prod psi_r(q_j - T_j) * exp(i sum phases)."""
    values = float_bindings(model)
    n = model.size
    grids = np.meshgrid(*([q] * n), indexing="ij")
    phase = np.zeros(grids[0].shape)
    offset = [0.0] * n
    # Walk backwards so each phase sees the shifts applied after it: a phase exp(i g m(q)) followed
    # by a shift by t becomes exp(i g m(q - t)).
    for cell in reversed(unroll(model, tokens)):
        for stmt in reversed(cell.body):
            if isinstance(stmt, Shift):
                offset[stmt.site.index] += values(stmt.amount)
            elif isinstance(stmt, Phase):
                term = np.ones(grids[0].shape)
                for j in stmt.indices:
                    term = term * (grids[j] - offset[j])
                phase += values(stmt.angle) * term
            else:
                raise AssertionError("closed form covers phases and shifts only")
    amplitude = np.ones(grids[0].shape)
    for j in range(n):
        amplitude = amplitude * squeezed_vacuum(grids[j] - offset[j], r)
    return amplitude * np.exp(1j * phase)


GRID = qumode.Grid(points=64, extent=EXTENT)


def simulate(model: hrnnc.Model, tokens: list[str], r: float = R, outcomes: list[float] | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """``(q, psi)`` from the reference simulator on a 64-point grid over [-7, 7)."""
    psi = qumode.final_wavefunction(model, tokens, squeezing=r, grid=GRID, outcomes=outcomes)
    return GRID.positions(r), psi


def sf_state(model: hrnnc.Model, tokens: list[str], cutoff: int, r: float = R, **run_options: object):
    """The program keeps its params free; they are bound to their initial values at run time."""
    prog = hrnnc.compile(model, target=SFTarget(squeezing=r), inputs=tokens)
    eng = sf.Engine("fock", backend_options={"cutoff_dim": cutoff})
    return eng.run(prog, args=initial_param_values(model), **run_options).state


UNITARY = {
    "one_mode": ("hrnn one { qumodes 1; degree 3; on a { phase(0.15) 0 0 0; phase(0.2) 0 0; shift(0.5) 0; "
                 "phase(-0.4) 0; } }", 24),
    "two_modes": ("hrnn two { qumodes 2; degree 3; on a { phase(0.12) 0 0 1; phase(0.3) 0 1; shift(0.2) 0; "
                  "phase(-0.1) 1 1 1; } }", 16),
    # Cell 'a' of examples/cubic_modes.hrnn (inlined so that edits to the example keep this test's cost).
    "three_modes": ("hrnn three { qumodes 3; degree 3; param t = 0.2; param s = 0.5; on a { phase(t) 0 1 2; "
                    "phase(t / 2) 0 0 1; phase(s) 1 2; } }", 12),
}


@pytest.mark.parametrize("name", sorted(UNITARY))
def test_unit_cell_state_matches_reference(name: str) -> None:
    """After one unit cell the SF Fock state and the reference wavefunction have fidelity >= 0.99."""
    source, cutoff = UNITARY[name]
    model = hrnnc.parse(source)
    tokens = ["a"]
    state = sf_state(model, tokens, cutoff)
    assert state.is_pure and state.trace() > 0.99
    q, psi_sim = simulate(model, tokens)
    psi_sf = fock_to_grid(state.ket(), q)
    assert fidelity(psi_sim, psi_sf) >= 0.99
    # The closed form agrees too, and the cell moves the state far from its input.
    assert fidelity(closed_form(model, tokens, q, R), psi_sf) >= 0.99
    before = closed_form(hrnnc.parse(f"hrnn z {{ qumodes {model.size}; degree 1; on a {{ }} }}"), tokens, q, R)
    assert fidelity(before, psi_sf) < 0.9, "the cell must change the state for the test to mean anything"


def test_feed_forward_re_preparation_matches_closed_form() -> None:
    """stab(0; g: 0 1) with outcome y (post-selected) leaves psi_r(q0) psi_r(q1) exp(i (y q0 + g q0 q1))."""
    g, y, hbar = 0.4, 0.7, 2.0
    model = hrnnc.parse(f"hrnn m {{ qumodes 2; degree 2; on a {{ phase({g}) 0 1; measure stab(0; {g}: 0 1) -> y; }} }}")
    prog = hrnnc.compile(model, target=SFTarget(squeezing=R), inputs="a")
    (measure,) = [cmd for cmd in prog.circuit if cmd.op.__class__.__name__ == "MeasureHomodyne"]
    measure.op.select = y * math.sqrt(hbar)
    state = sf.Engine("fock", backend_options={"cutoff_dim": 16}).run(prog).state
    q, psi_sim = simulate(model, ["a"], outcomes=[y])
    psi_sf = fock_to_grid(state.ket(), q)
    assert fidelity(psi_sim, psi_sf) >= 0.99
    q0, q1 = np.meshgrid(q, q, indexing="ij")
    expected = squeezed_vacuum(q0, R) * squeezed_vacuum(q1, R) * np.exp(1j * (y * q0 + g * q0 * q1))
    assert fidelity(expected, psi_sf) >= 0.99


@pytest.mark.parametrize("hbar", [2.0, 1.0])
def test_cubic_cell_with_feed_forward_matches_simulator(hbar: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cubic edge, a CZ and stab(1; g: 0 1) post-selected at y, for SF's default hbar and hbar = 1."""
    y, g = -0.5, 0.3
    monkeypatch.setattr(sf, "hbar", hbar)  # SF 0.23 reads the global at run time
    model = hrnnc.parse(f"hrnn m {{ qumodes 2; degree 3; on a {{ phase(0.15) 0 0 1; phase({g}) 0 1; "
                        f"shift(0.2) 1; measure stab(1; {g}: 0 1) -> y; phase(0.1) 1 1 1; }} }}")
    prog = hrnnc.compile(model, target=SFTarget(squeezing=R, hbar=hbar), inputs="a")
    (measure,) = [cmd for cmd in prog.circuit if cmd.op.__class__.__name__ == "MeasureHomodyne"]
    measure.op.select = y * math.sqrt(hbar)
    state = sf.Engine("fock", backend_options={"cutoff_dim": 16}).run(prog).state
    q, psi_sim = simulate(model, ["a"], outcomes=[y])
    assert fidelity(psi_sim, fock_to_grid(state.ket(), q)) >= 0.99


def test_measure_q_re_preparation_matches_simulator() -> None:
    """measure q 0 (post-selected at x) leaves mode 0 q-squeezed at x; the rest conditioned, as simulated."""
    x, hbar = -0.4, 2.0
    model = hrnnc.parse("hrnn m { qumodes 2; degree 3; on a { phase(0.3) 0 1; phase(0.1) 0 0 1; "
                        "measure q 0 -> x; phase(0.2) 0 1; } }")
    prog = hrnnc.compile(model, target=SFTarget(squeezing=R), inputs="a")
    (measure,) = [cmd for cmd in prog.circuit if cmd.op.__class__.__name__ == "MeasureHomodyne"]
    measure.op.select = x * math.sqrt(hbar)
    state = sf.Engine("fock", backend_options={"cutoff_dim": 16}).run(prog).state
    q, psi_sim = simulate(model, ["a"], outcomes=[x])
    assert fidelity(psi_sim, fock_to_grid(state.ket(), q)) >= 0.99


# -- homodyne statistics -----------------------------------------------------------------------


def p_marginal_samples(psi: np.ndarray, q: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Seeded samples of the momentum of a one-mode grid wavefunction (exact FFT marginal)."""
    pad = 8 * len(q)
    dq = q[1] - q[0]
    amplitude = np.fft.fftshift(np.fft.fft(psi, n=pad))
    p = np.fft.fftshift(np.fft.fftfreq(pad, d=dq)) * 2 * math.pi
    density = np.abs(amplitude) ** 2
    cdf = np.cumsum(density) / density.sum()
    return np.interp(np.random.default_rng(seed).random(size), cdf, p)


@pytest.fixture
def coarse_fock_homodyne(monkeypatch: pytest.MonkeyPatch) -> None:
    """SF's Fock homodyne bins [-10, 10] into 100,000 bins (about 1 s per sample at cutoff 30) and
    ``Engine.run`` does not forward ``num_bins``; 4,000 bins (width 0.005) keep the law, not the cost."""
    from strawberryfields.backends.fockbackend import backend as fock

    original = fock.FockBackend.measure_homodyne

    def measure_homodyne(self, phi, mode, shots=1, select=None, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("num_bins", 4000)
        return original(self, phi, mode, shots=shots, select=select, **kwargs)

    monkeypatch.setattr(fock.FockBackend, "measure_homodyne", measure_homodyne)


def sf_outcomes(model: hrnnc.Model, tokens: list[str], backend: str, shots: int, seed: int,
                hbar: float = 2.0, cutoff: int = 30) -> np.ndarray:
    prog = hrnnc.compile(model, target=SFTarget(squeezing=R), inputs=tokens)
    np.random.seed(seed)
    out = []
    for _ in range(shots):
        options = {"cutoff_dim": cutoff} if backend == "fock" else {}
        result = sf.Engine(backend, backend_options=options).run(prog)
        out.append(float(np.ravel(result.samples)[0]) / math.sqrt(hbar))
    return np.array(out)


def test_homodyne_statistics_gaussian_cell() -> None:
    """Gaussian cell on the Gaussian backend: outcomes follow N(0, Var p0 + (c q1)^2 + (2 a q0)^2)."""
    model = hrnnc.parse("hrnn g { qumodes 2; degree 2; on a { phase(0.8) 0 1; phase(0.3) 0 0; "
                        "measure stab(0; 0.5: 0 1) -> y; } }")
    ours = sf_outcomes(model, ["a"], "gaussian", 400, seed=11)
    reference = qumode.sample(model, ["a"], 400, seed=12, squeezing=R)[:, 0]
    assert stats.ks_2samp(ours, reference).pvalue > 0.01
    var_q, var_p = math.exp(2 * R) / 2, math.exp(-2 * R) / 2
    sigma = math.sqrt(var_p + 0.3 ** 2 * var_q + 0.6 ** 2 * var_q)
    assert np.std(ours) == pytest.approx(sigma, rel=0.15)


@pytest.mark.usefixtures("coarse_fock_homodyne")
def test_homodyne_statistics_cubic_cell() -> None:
    """Cubic cell on the Fock backend: the skewed outcome law of p0 after U_kappa^† (two-sample KS)."""
    model = hrnnc.parse("hrnn c { qumodes 1; degree 3; on a { phase(0.25) 0 0 0; phase(0.3) 0 0; "
                        "measure stab(0; 0.1: 0 0) -> y; } }")
    ours = sf_outcomes(model, ["a"], "fock", 200, seed=21, cutoff=24)
    reference = qumode.sample(model, ["a"], 400, seed=22, squeezing=R)[:, 0]
    assert stats.ks_2samp(ours, reference).pvalue > 0.01
    # The simulator agrees with the exact FFT marginal, and the law is visibly skewed.
    q = np.linspace(-10, 10, 512)
    after_dagger = squeezed_vacuum(q, R) * np.exp(1j * (0.25 * q ** 3 + (0.3 - 0.1) * q ** 2))
    exact = p_marginal_samples(after_dagger, q, 400, seed=23)
    assert stats.ks_2samp(reference, exact).pvalue > 0.01
    assert stats.skew(exact) > 0.3


@pytest.mark.filterwarnings("ignore:The circuit consists of 2 disconnected components")
def test_unit_cells_on_one_engine_reproduce_the_sequence() -> None:
    """preparation() then the {token: Program} cells on one engine give the sequence program's state."""
    model = hrnnc.parse("hrnn two { qumodes 2; degree 3; on a { phase(0.12) 0 0 1; phase(0.3) 0 1; shift(0.2) 0; }"
                        " on b { phase(-0.1) 1 1 1; shift(0.3) 1; } }")
    target = SFTarget(squeezing=R)
    cells = hrnnc.compile(model, target=target)
    engine = sf.Engine("fock", backend_options={"cutoff_dim": 14})
    engine.run(target.preparation(model))
    engine.run(cells["a"])
    stepwise = engine.run(cells["b"]).state
    whole = sf.Engine("fock", backend_options={"cutoff_dim": 14}).run(
        hrnnc.compile(model, target=target, inputs="a b")).state
    assert abs(np.vdot(stepwise.ket(), whole.ket())) ** 2 >= 0.999
    q, psi_sim = simulate(model, ["a", "b"])
    assert fidelity(psi_sim, fock_to_grid(stepwise.ket(), q)) >= 0.99


# -- register order of two-mode gates (issue #10) ----------------------------------------------


def descending_pairs_without_reordering(model: hrnnc.Model, monkeypatch: pytest.MonkeyPatch) -> set[tuple[int, int]]:
    """The descending register pairs the Givens chains produce before :func:`lowering.ascending`."""
    from hrnnc.targets.sf_target import lowering

    with monkeypatch.context() as patch:
        patch.setattr(lowering, "ascending", lambda op: op)
        ops = SFTarget(squeezing=R).lower(model)["a"].ops
    return {op.modes for op in ops if len(op.modes) == 2 and op.modes[0] > op.modes[1]}


def test_binary_cubic_on_a_descending_pair_has_the_closed_form_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #10: ``exp(i(a q0² q1 + b q0 q1²))`` on the squeezed vacuum (r = 0.2, ħ = 1 units).

    Heisenberg: ``p0 -> p0 + 2a q0 q1 + b q1²`` and ``p1 -> p1 + a q0² + 2b q0 q1``; the
    modes are independent with zero means, so ``<p0> = b Var q1`` and ``<p1> = a Var q0`` with
    ``Var q = e^{2r}/2``. The Givens chain of this form runs on the pair (1, 0); with that order
    SF's Fock backend gave ``<p0> = +0.19`` instead of ``-0.097`` and fidelity 0.904.
    """
    a, b, r = 0.09, -0.13, 0.2
    model = hrnnc.parse(f"hrnn c {{ qumodes 2; degree 3; on a {{ phase({a}) 0 0 1; phase({b}) 0 1 1; }} }}")
    assert (1, 0) in descending_pairs_without_reordering(model, monkeypatch)
    prog = hrnnc.compile(model, target=SFTarget(squeezing=r), inputs="a")
    state = sf.Engine("fock", backend_options={"cutoff_dim": 28}).run(prog).state
    var_q = math.exp(2 * r) / 2
    p0 = state.quad_expectation(0, math.pi / 2)[0] / math.sqrt(sf.hbar)
    p1 = state.quad_expectation(1, math.pi / 2)[0] / math.sqrt(sf.hbar)
    assert p0 == pytest.approx(b * var_q, abs=2e-4)
    assert p1 == pytest.approx(a * var_q, abs=2e-4)
    q = np.linspace(-8, 8, 96)
    assert fidelity(closed_form(model, ["a"], q, r), fock_to_grid(state.ket(), q)) >= 0.9999
    assert all([reg.ind for reg in cmd.reg] == sorted(reg.ind for reg in cmd.reg) for cmd in prog.circuit)


def test_three_mode_cubes_on_descending_pairs_match_the_exact_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """``exp(i(0.1 q0 q1 q2 + 0.08 q0 q2²))``: chains on (2, 1) and (2, 0) before reordering.

    On three modes SF's Fock backend ran ``[2, 0]`` on modes 1 and 2; the emitted program must
    give the exact state ``psi_r(q0) psi_r(q1) psi_r(q2) exp(i f(q))`` and its first moments
    ``<p0> = 0.08 Var q2``, ``<p2> = 0`` (``∂f/∂q2 = 0.1 q0 q1 + 0.16 q0 q2`` has mean zero).
    """
    model = hrnnc.parse("hrnn c { qumodes 3; degree 3; on a { phase(0.1) 0 1 2; phase(0.08) 2 2 0; } }")
    assert {(2, 0), (2, 1)} <= descending_pairs_without_reordering(model, monkeypatch)
    state = sf_state(model, ["a"], cutoff=12)
    q, psi_sf = GRID.positions(R), fock_to_grid(state.ket(), GRID.positions(R))
    assert fidelity(closed_form(model, ["a"], q, R), psi_sf) >= 0.99
    var_q = math.exp(2 * R) / 2
    assert state.quad_expectation(0, math.pi / 2)[0] / math.sqrt(sf.hbar) == pytest.approx(0.08 * var_q, abs=3e-3)
    assert state.quad_expectation(2, math.pi / 2)[0] / math.sqrt(sf.hbar) == pytest.approx(0.0, abs=3e-3)


@pytest.mark.parametrize(("theta", "phi"), [(0.7, 0.0), (-1.1, 0.4)])
def test_ascending_beamsplitter_is_the_descending_one_on_the_gaussian_backend(theta: float, phi: float) -> None:
    """``BSgate(θ, φ) | (1, 0)`` (the Gaussian backend honours the order) equals
    ``ascending(...)`` = ``BSgate(-θ, -φ) | (0, 1)`` on both backends: same means and covariance."""
    from hrnnc.targets.sf_target.lowering import Op, ascending

    def run(backend: str, modes: tuple[int, int], args: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
        prog = sf.Program(2)
        with prog.context as reg:
            sf.ops.Dgate(0.4, 0.3) | reg[0]
            sf.ops.Sgate(0.25, 0.0) | reg[1]
            sf.ops.BSgate(*args) | (reg[modes[0]], reg[modes[1]])
        options = {"cutoff_dim": 20} if backend == "fock" else {}
        state = sf.Engine(backend, backend_options=options).run(prog).state
        means = np.array([state.quad_expectation(m, angle)[0] for m in (0, 1) for angle in (0.0, math.pi / 2)])
        variances = np.array([state.quad_expectation(m, angle)[1] for m in (0, 1) for angle in (0.0, math.pi / 2)])
        return means, variances

    fixed = ascending(Op("BSgate", (theta, phi), (1, 0)))
    assert fixed.modes == (0, 1)
    reference = run("gaussian", (1, 0), (theta, phi))
    moved = run("gaussian", (0, 1), (theta, phi))
    assert not np.allclose(reference[0], moved[0], atol=1e-3), "the order must matter for the test to mean anything"
    for backend in ("gaussian", "fock"):
        means, variances = run(backend, fixed.modes, fixed.args)  # type: ignore[arg-type]
        np.testing.assert_allclose(means, reference[0], atol=1e-6)
        np.testing.assert_allclose(variances, reference[1], atol=1e-6)

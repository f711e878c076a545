"""Qumode NLL on the position grid (n ≤ 3): closed forms, the moment simulator, the grid simulator's own
densities, central finite differences (hypothesis), training recovery, and its errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hrnnc
from hrnnc.data import dataset_from
from hrnnc.diagnostics import Code, ConfigurationError, TrainingError
from hrnnc.sim.cvgrid import Grid
from hrnnc.sim.moments import output_moments
from hrnnc.sim.qumode import outcome_density
from hrnnc.train.losses import QumodeNegativeLogLikelihood, make_loss

R = 0.5
"""Squeezing of the closed-form tests: the default 128-point window then holds the initial state to
amplitude e^{-37} (docs/training.md, grid accuracy)."""
VAR_Q, VAR_P = math.exp(2 * R) / 2, math.exp(-2 * R) / 2

GAUSSIAN = """hrnn gauss { qumodes 2; degree 2;
  param g = 0.3; param w = 0.1; param t = 0.2;
  const c = g * 1;
  on a(x) { shift(t) 1; phase(c * x) 0 1; measure stab(0; w: 0 1) -> y; measure q 1 -> z; }
}"""
RECORDS = [([["a", [1.5]]], [0.4, 1.1]), ([["a", [0.7]]], [-0.3, -0.8]), ([["a", [-1.0]]], [0.9, 2.0])]


def gaussian_log_density(x: float, y: float, z: float, g: float, w: float, t: float) -> tuple[float, np.ndarray]:
    """``log p(y, z)`` of :data:`GAUSSIAN` and its gradient in ``(g, w, t)``, by hand.

    Both modes start momentum-squeezed (sources ``q_j, p_j`` independent, ``Var q = e^{2r}/2``,
    ``Var p = e^{-2r}/2``, zero means). ``shift(t) 1`` makes ``q_1 → q_1 + t``; ``phase(c x) 0 1``
    adds ``c x q_1`` to ``p_0``; the stabilizer outcome is the nullifier ``p_0 − w q_1``
    (docs/semantics.md §2), so ``y = p_0 + (g x − w)(q_1 + t)`` and, after it, ``z = q_1 + t``
    (phases commute with ``q``). With ``k = g x − w``: ``z ~ N(t, Var q)`` and, given ``z``,
    ``y = p_0 + k z ~ N(k z, Var p)``. Hence
    ``log p = log N(z; t, Var q) + log N(y; k z, Var p)``, ``∂/∂t = (z − t)/Var q``,
    ``∂/∂k = (y − k z) z / Var p``, ``∂k/∂g = x``, ``∂k/∂w = −1``.
    """
    k = g * x - w
    value = (-0.5 * math.log(2 * math.pi * VAR_Q) - (z - t) ** 2 / (2 * VAR_Q)
             - 0.5 * math.log(2 * math.pi * VAR_P) - (y - k * z) ** 2 / (2 * VAR_P))
    d_k = (y - k * z) * z / VAR_P
    return value, np.array([d_k * x, -d_k, (z - t) / VAR_Q])


def test_gaussian_nll_and_gradient_equal_the_closed_form() -> None:
    model = hrnnc.parse(GAUSSIAN)
    loss = make_loss(model, dataset_from(model, RECORDS), "nll", squeezing=R)
    assert isinstance(loss, QumodeNegativeLogLikelihood)
    for g, w, t in ((0.3, 0.1, 0.2), (-0.45, 0.25, -0.6)):
        value, grad = loss({"g": g, "w": w, "t": t})
        terms = [gaussian_log_density(x[0][1][0], y, z, g, w, t) for x, (y, z) in RECORDS]
        assert value == pytest.approx(-np.mean([v for v, _ in terms]), rel=1e-9)
        assert grad == pytest.approx(-np.mean([d for _, d in terms], axis=0), rel=1e-8, abs=1e-12)


def test_gaussian_closed_form_agrees_with_the_moment_simulator() -> None:
    """The means and covariance of the hand derivation are those of hrnnc.sim.moments (Heisenberg
    picture, a separate engine), and the bivariate normal built from *those* moments has the
    grid NLL's value."""
    model = hrnnc.parse(GAUSSIAN)
    g, w, t, x = 0.35, -0.2, 0.45, 1.3
    k = g * x - w
    moments = output_moments(model, [["a", [x]]], 2, squeezing=R, params={"g": g, "w": w, "t": t})
    assert moments.means == pytest.approx([k * t, t], rel=1e-12)
    cov = np.array([[VAR_P + k * k * VAR_Q, k * VAR_Q], [k * VAR_Q, VAR_Q]])
    assert np.allclose(moments.covariance, cov, rtol=1e-12)
    y, z = 0.8, -0.3
    loss = make_loss(model, dataset_from(model, [([["a", [x]]], [y, z])]), "nll", squeezing=R)
    diff = np.array([y, z]) - moments.means
    log_normal = (-math.log(2 * math.pi) - 0.5 * math.log(np.linalg.det(moments.covariance))
                  - 0.5 * diff @ np.linalg.solve(moments.covariance, diff))
    assert loss({"g": g, "w": w, "t": t})[0] == pytest.approx(-log_normal, rel=1e-9)


def test_one_mode_quadratic_phase_is_the_gaussian_with_the_kicked_variance() -> None:
    """``phase(s) 0 0`` is ``e^{i s q²}``: ``p → p + 2 s q``, so ``y ~ N(0, Var p + 4 s² Var q)`` with
    ``s = sqrt(a)·cos(b)`` (through a const); ``∂/∂s log N = −s·4Var q/V + y²·4 s Var q/V²``."""
    model = hrnnc.parse("hrnn one { qumodes 1; degree 2; param a = 0.2; param b = 0.3; const s = sqrt(a) * cos(b); "
                        "on go { phase(s) 0 0; measure p 0 -> y; } }")
    ys = [0.3, -1.4, 2.2]
    loss = make_loss(model, dataset_from(model, [("go", [y]) for y in ys]), "nll", squeezing=R)
    a, b = 0.35, -0.4
    s = math.sqrt(a) * math.cos(b)
    var = VAR_P + 4 * s * s * VAR_Q
    value, grad = loss({"a": a, "b": b})
    assert value == pytest.approx(np.mean([0.5 * math.log(2 * math.pi * var) + y * y / (2 * var) for y in ys]),
                                  rel=1e-9)
    d_s = -np.mean([-s * 4 * VAR_Q / var + y * y * 4 * s * VAR_Q / var ** 2 for y in ys])
    assert grad == pytest.approx([d_s * math.cos(b) / (2 * math.sqrt(a)), d_s * -math.sqrt(a) * math.sin(b)],
                                 rel=1e-8)


def test_densities_are_the_grid_simulators_own_through_a_hidden_reset() -> None:
    """On values of the simulator's fine density grid, exp(−NLL) is the product of
    hrnnc.sim.qumode.outcome_density's conditional densities (padded FFTs and its own eigh-compressed
    mixture after the reset of an entangled mode, a separate code path)."""
    model = hrnnc.parse("hrnn mix { qumodes 2; degree 3; param g = 0.5; param b = 0.2; "
                        "on go { phase(g) 0 1; phase(b) 0 0 1; reset 1; measure p 0 -> y; phase(g) 0 1; "
                        "measure p 1 -> z; } }")
    grid = Grid(32)
    values = {"g": 0.5, "b": 0.2}
    ys, dens_y = outcome_density(model, "go", (), squeezing=R, grid=grid, params=values)
    y = float(ys[int(np.argmax(dens_y)) + 7])
    zs, dens_z = outcome_density(model, "go", (y,), squeezing=R, grid=grid, params=values)
    i = int(np.argmax(dens_z)) - 5
    data = dataset_from(model, [("go", [y, float(zs[i])])])
    loss = make_loss(model, data, "nll", squeezing=R, grid_points=32)
    expected = dens_y[int(np.argmax(dens_y)) + 7] * dens_z[i]
    assert math.exp(-loss(values)[0]) == pytest.approx(expected, rel=1e-9)


# -- random models: central finite differences -------------------------------------------------

FUNCS = ("sin", "cos", "exp", "sqrt")


@st.composite
def qumode_models(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A random qumode model (1–3 modes, degree ≤ 3) with params in consts, token arguments and
    sin/cos/exp/sqrt, shifts, stabilizers, homodynes, and resets of entangled modes."""
    n = draw(st.integers(1, 3))
    func = draw(st.sampled_from(FUNCS))
    arg = "p0 * p0 + 0.5" if func == "sqrt" else "p0 - p1"
    lines = [f"hrnn r {{ qumodes {n}; degree 3;", "param p0 = 0.1; param p1 = 0.2; param p2 = 0.3;",
             f"const c = 0.3 * {func}({arg});"]
    angles = ["0.3 * p0", "0.2 * p1", "c", "0.3 * p2 * c", "0.1 * x * p1", "c * x", "0.2 * (x + p2)"]
    site = st.integers(0, n - 1)
    tokens = []
    for t in range(draw(st.integers(1, 2))):
        edges = [draw(st.lists(site, min_size=1, max_size=3)) for _ in range(draw(st.integers(1, 3)))]
        body = [f"phase({draw(st.sampled_from(angles))}) {' '.join(map(str, e))};" for e in edges]
        if draw(st.booleans()):
            body.append(f"shift({draw(st.sampled_from(angles))}) {draw(site)};")
        v = draw(site)
        kind = draw(st.sampled_from(["stab", "p", "q", "reset"]))
        if kind == "stab":
            extra = draw(st.lists(site, max_size=2))
            body.append(f"measure stab({v}; {draw(st.sampled_from(angles))}: {' '.join(map(str, [v, *extra]))}) -> y;")
        elif kind == "reset":
            body.append(f"reset {(v + 1) % n}; measure p {v} -> y;")
        else:
            body.append(f"measure {kind} {v} -> y;")
        lines.append(f"on t{t}(x) {{ {' '.join(body)} }}")
        tokens.append(f"t{t}")
    lines.append("}")
    return "\n".join(lines), tokens


def _five_point(f, x, h=1e-3):
    """Central finite difference of fourth order: (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h."""
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


angles = st.floats(min_value=-1.5, max_value=1.5, allow_nan=False)
POINTS = 16
JAX_POINTS = 12


def _records(model, tokens, values, seed, points) -> list:
    """Two random input sequences (token arguments in [−1, 1]), each with outputs sampled by the
    grid simulator at ``values`` (squeezing 0.3, ``points`` per mode), so they have density there."""
    rng = np.random.default_rng(seed)
    records = []
    for i in range(2):
        inputs = [[str(rng.choice(tokens)), [float(rng.uniform(-1, 1))]] for _ in range(int(rng.integers(1, 3)))]
        outputs = hrnnc.simulate(model, inputs, shots=1, seed=seed + i, params=values, squeezing=0.3,
                                 grid_points=points).samples[0]
        records.append((inputs, [float(v) for v in outputs]))
    return records


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=qumode_models(), point=st.tuples(angles, angles, angles), seed=st.integers(0, 2**16))
def test_gradient_agrees_with_central_differences(spec, point, seed) -> None:
    text, tokens = spec
    model = hrnnc.parse(text)
    values = dict(zip(("p0", "p1", "p2"), point))
    records = _records(model, tokens, values, seed, POINTS)
    loss = make_loss(model, dataset_from(model, records), "nll", squeezing=0.3, grid_points=POINTS)
    _, grad = loss(values)
    for i, name in enumerate(loss.names):
        fd = _five_point(lambda v, name=name: loss({**values, name: v})[0], values[name])
        assert grad[i] == pytest.approx(fd, rel=1e-6, abs=1e-8), name


def test_cubic_edge_non_gaussian_gradient_agrees_with_central_differences() -> None:
    """A degree-3 edge makes y = p_0 + a q_1 + b q_1² non-Gaussian; three modes, the default grid width."""
    model = hrnnc.parse("hrnn cubic { qumodes 3; degree 3; param a = 0.4; param b = 0.15; param t = 0.3; "
                        "on go { shift(t) 1; phase(a) 0 1; phase(b / 2) 0 1 1; phase(a * b) 0 1 2; measure p 0 -> y; "
                        "measure q 1 -> z; measure p 2 -> u; } }")
    data = dataset_from(model, [("go", [0.7, 0.5, -0.2]), ("go", [-0.4, 1.9, 0.6])])
    loss = make_loss(model, data, "nll", squeezing=R, grid_points=24)
    values = {"a": 0.4, "b": 0.15, "t": 0.3}
    _, grad = loss(values)
    for i, name in enumerate(loss.names):
        fd = _five_point(lambda v, name=name: loss({**values, name: v})[0], values[name])
        assert grad[i] == pytest.approx(fd, rel=1e-6), name


# -- training ----------------------------------------------------------------------------------

RECOVER = """hrnn rec { qumodes 2; degree 3;
  param a = 0.1; param b = 0.0; param t = 0.0;
  on go { shift(t) 1; phase(a) 0 1; phase(b) 0 0 1; measure p 0 -> y; measure q 1 -> z; }
}"""


def test_training_recovers_the_generating_distribution() -> None:
    """Data from hidden params; NLL training from the file's values reaches, on held-out data, a
    loss within 1 % of the loss at the hidden params."""
    model = hrnnc.parse(RECOVER)
    hidden = {"a": 0.6, "b": 0.15, "t": 0.4}

    def data(seed: int, shots: int) -> list:
        samples = hrnnc.simulate(model, "go", shots=shots, seed=seed, params=hidden, squeezing=R,
                                 grid_points=64).samples
        return [("go", list(s)) for s in samples]

    result = hrnnc.train(model, data(1, 200), epochs=80, lr=0.05, patience=15, seed=2, squeezing=R,
                         grid_points=32)
    held_out = make_loss(model, dataset_from(model, data(99, 400)), "nll", squeezing=R, grid_points=32)
    trained, truth = held_out(result.params)[0], held_out(hidden)[0]
    assert held_out({"a": 0.1, "b": 0.0, "t": 0.0})[0] > truth * 1.05  # the start is measurably worse
    assert trained <= truth * 1.01


def test_cli_trains_a_qumode_model_from_simulated_data(tmp_path, capsys) -> None:
    from hrnnc.cli import main

    path = tmp_path / "rec.hrnn"
    path.write_text(RECOVER)
    data = tmp_path / "d.jsonl"
    assert main(["simulate", str(path), "--input", "go", "--shots", "60", "--seed", "3", "--squeezing", "0.5",
                 "--param", "a=0.6", "--param", "t=0.4", "--format", "jsonl", "-o", str(data)]) == 0
    out = tmp_path / "trained.json"
    assert main(["train", str(path), str(data), "--squeezing", "0.5", "--grid-points", "32", "--epochs", "3",
                 "--params-out", str(out)]) == 0
    assert set(json.loads(out.read_text())) == {"a", "b", "t"}
    capsys.readouterr()
    assert main(["train", str(path), str(data), "--squeezing", "0.5", "--grid-points", "32", "--report", "json",
                 "--samples", "3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["samples"] + report["skipped"] == 3 and set(report["params"]) == {"a", "b", "t"}


# -- errors ------------------------------------------------------------------------------------

def test_more_than_three_modes_is_e0723_naming_the_count() -> None:
    model = hrnnc.parse("hrnn big { qumodes 4; degree 2; param g = 0.1; on a { phase(g) 0 1; measure p 0 -> y; } }")
    with pytest.raises(TrainingError) as info:
        make_loss(model, dataset_from(model, [("a", [0.1])]), "nll")
    diag = info.value.diagnostics[0]
    assert diag.code is Code.E0723 and "4 qumodes" in diag.message and "--loss mmd" in diag.message


def test_outputs_outside_the_window_or_without_density_are_e0720() -> None:
    """A q outcome beyond the position window ``[−L, L)`` has no density on the grid; after
    ``measure p 0 -> 0``, the mode is p-squeezed at 0 (Var p = e^{−1}/2), so p = 10 has density
    e^{−272}, far below the rounding floor."""
    q_model = hrnnc.parse("hrnn one { qumodes 1; degree 2; param g = 0.1; on a { phase(g) 0 0; measure q 0 -> y; } }")
    p_model = hrnnc.parse("hrnn two { qumodes 1; degree 2; param g = 0.1; "
                          "on a { phase(g) 0 0; measure p 0 -> y; measure p 0 -> z; } }")
    half = Grid.for_squeezing(R).half_width(R)
    cases = [(q_model, [("a", [0.0]), ("a", [half + 1.0])], "outside the grid's position window"),
             (p_model, [("a", [0.0, 1.0]), ("a", [0.0, 10.0])], "density on the grid")]
    for model, records, fragment in cases:
        loss = make_loss(model, dataset_from(model, records), "nll", squeezing=R)
        with pytest.raises(TrainingError) as info:
            loss({"g": 0.1})
        diag = info.value.diagnostics[0]
        assert diag.code is Code.E0720 and fragment in diag.message and "--loss mmd" in diag.message
        assert "output 2" in diag.message if model is p_model else "output 1" in diag.message


def test_a_too_large_hidden_mixture_is_e0724_at_the_reset(monkeypatch) -> None:
    model = hrnnc.parse("hrnn mix { qumodes 2; degree 2; param g = 0.9;\n"
                        "on go { phase(g) 0 1; reset 1; measure p 0 -> y; } }")
    loss = make_loss(model, dataset_from(model, [("go", [0.1])]), "nll", squeezing=R, grid_points=32)
    monkeypatch.setenv("HRNNC_SIM_MEMORY", str(2 << 20))
    with pytest.raises(TrainingError) as info:
        loss({"g": 0.9})
    diag = info.value.diagnostics[0]
    assert diag.code is Code.E0724 and "--loss mmd" in diag.message
    assert diag.span is not None and diag.span.start_line_col[0] == 2


def test_grid_options_are_checked() -> None:
    qumode = hrnnc.parse(RECOVER)
    qubit = hrnnc.parse("hrnn b { qubits 1; degree 1; param g = 0.1; on a { phase(g) 0; measure x 0 -> y; } }")
    bad = [(qubit, "nll", {"squeezing": 0.5}), (qumode, "nll", {"grid_points": 7}),
           (qumode, "nll", {"squeezing": -1.0}), (qumode, "mmd", {"grid_points": 32})]
    for model, name, options in bad:
        data = dataset_from(model, [("a" if model is qubit else "go", [0] if model is qubit else [0.1, 0.2])])
        with pytest.raises(ConfigurationError) as info:
            make_loss(model, data, name, **options)
        assert info.value.diagnostics[0].code is Code.E0722


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=qumode_models(), point=st.tuples(angles, angles, angles), seed=st.integers(0, 2**16))
def test_loss_and_gradient_agree_with_jax_reverse_mode(spec, point, seed) -> None:
    """tests/train/grid_jax.py: the same discretised likelihood written separately (uncompressed
    branches for resets), differentiated by jax.value_and_grad."""
    from grid_jax import nll_and_grad  # tests/train is not a package; conftest puts tests/ on the path

    text, tokens = spec
    model = hrnnc.parse(text)
    values = dict(zip(("p0", "p1", "p2"), point))
    records = _records(model, tokens, values, seed, JAX_POINTS)
    loss, grad = make_loss(model, dataset_from(model, records), "nll", squeezing=0.3, grid_points=JAX_POINTS)(values)
    half = Grid.for_squeezing(0.3, JAX_POINTS).half_width(0.3)
    ref_loss, ref_grad = nll_and_grad(model, records, values, 0.3, half, JAX_POINTS)
    assert loss == pytest.approx(ref_loss, rel=1e-10, abs=1e-12)
    assert np.allclose(grad, ref_grad, rtol=1e-8, atol=1e-10)

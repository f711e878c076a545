"""Exact losses and gradients: closed forms, central finite differences (hypothesis), and an
independent autodiff (JAX through a dense density-matrix implementation, tests/train/dense_jax.py)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hrnnc
from hrnnc.data import dataset_from
from hrnnc.diagnostics import Code, ConfigurationError, TrainingError
from hrnnc.sim.qubit import exact_distribution
from hrnnc.train.losses import Kernel, MaximumMeanDiscrepancy, NegativeLogLikelihood

CP = "hrnn cp { qubits 2; degree 2; param g = 0.3; on a { phase(g) 0 1; measure x 0 -> y; } }"


def test_nll_closed_form_two_qubits() -> None:
    """On CP(g)|++⟩ measured in X on site 0, P(0) = (3 + cos g)/4 and P(1) = (1 − cos g)/4 (docs/semantics.md §2:
    ⟨X_0⟩ = (1 + cos g)/2). With 3 zeros and 2 ones, NLL = −(3 log P(0) + 2 log P(1))/5 and
    dNLL/dg = (3 sin g/(3 + cos g) − 2 sin g/(1 − cos g))/5."""
    model = hrnnc.parse(CP)
    data = dataset_from(model, [("a", [0])] * 3 + [("a", [1])] * 2)
    for g in (0.9, 2.5, -1.2):
        loss, grad = NegativeLogLikelihood(model, data)({"g": g})
        p0, p1 = (3 + math.cos(g)) / 4, (1 - math.cos(g)) / 4
        assert loss == pytest.approx(-(3 * math.log(p0) + 2 * math.log(p1)) / 5, rel=1e-13)
        expected = (3 * math.sin(g) / (3 + math.cos(g)) - 2 * math.sin(g) / (1 - math.cos(g))) / 5
        assert grad[0] == pytest.approx(expected, rel=1e-12)


def test_mmd_closed_form_one_bit() -> None:
    """For one output bit, MMD² = (P − D)ᵀ K (P − D) with K = [[1, κ], [κ, 1]], κ = exp(−1/(2σ²)),
    so MMD² = 2(1 − κ)(P(0) − D(0))² and its derivative 4(1 − κ)(P(0) − D(0)) dP(0)/dg."""
    model = hrnnc.parse(CP)
    data = dataset_from(model, [("a", [0])] * 3 + [("a", [1])] * 1)
    sigma, g = 0.8, 1.4
    kappa = math.exp(-1 / (2 * sigma ** 2))
    loss, grad = MaximumMeanDiscrepancy(model, data, Kernel("gaussian", sigma))({"g": g})
    diff = (3 + math.cos(g)) / 4 - 0.75
    assert loss == pytest.approx(2 * (1 - kappa) * diff ** 2, rel=1e-12)
    assert grad[0] == pytest.approx(4 * (1 - kappa) * diff * (-math.sin(g) / 4), rel=1e-10)


def test_polynomial_kernel_mmd_matches_direct_sum() -> None:
    """MMD² = E k(y,y') − 2 E k(y,z) + E k(z,z') summed by hand over the simulator's exact distribution."""
    model = hrnnc.parse(Path("examples/weighted.hrnn"))
    inputs = "left mix end"
    samples = hrnnc.simulate(model, inputs, shots=40, seed=3).samples
    data = dataset_from(model, [(inputs, [int(c) for c in s]) for s in samples])
    values = {"a": 0.4, "b": -0.2, "c": 0.9}
    kernel = Kernel("polynomial", degree=3)
    loss, _ = MaximumMeanDiscrepancy(model, data, kernel)(values)
    dist = exact_distribution(model, inputs, values)

    def k(y, z):
        return (1 + sum(int(a) * int(b) for a, b in zip(y, z))) ** 3

    mm = sum(p * q * k(y, z) for y, p in dist.items() for z, q in dist.items())
    md = sum(p * k(y, z) for y, p in dist.items() for z in samples) / len(samples)
    dd = sum(k(y, z) for y in samples for z in samples) / len(samples) ** 2
    assert loss == pytest.approx(mm - 2 * md + dd, rel=1e-10, abs=1e-12)


# -- random models -----------------------------------------------------------------------------

FUNCS = ("sin", "cos", "exp", "sqrt")


@st.composite
def trainable_models(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A random qubit model text using params, a const, and sin/cos/exp/sqrt, with 2–3 tokens."""
    n = draw(st.integers(2, 4))
    k = draw(st.integers(2, min(3, n)))
    edge = st.lists(st.integers(0, n - 1), min_size=1, max_size=k, unique=True)
    func = draw(st.sampled_from(FUNCS))
    arg = "p0 * p0 + 0.5" if func == "sqrt" else "p0 - p1"
    lines = [f"hrnn r {{ qubits {n}; degree {k};", "param p0 = 0.1; param p1 = 0.2; param p2 = 0.3;",
             f"const c = {func}({arg});"]
    angles = ["p0", "p1", "c", "p2 * c", "2 * p1 - p0", "c / 2 + p2"]
    tokens = []
    for t in range(draw(st.integers(2, 3))):
        body = []
        for _ in range(draw(st.integers(1, 3))):
            body.append(f"phase({draw(st.sampled_from(angles))}) {' '.join(map(str, draw(edge)))};")
        kind = draw(st.sampled_from(["stab", "x", "z", "reset", "none"]))
        v = draw(st.integers(0, n - 1))
        if kind == "stab":
            others = [j for j in range(n) if j != v]
            extra = draw(st.lists(st.sampled_from(others), max_size=k - 1, unique=True)) if others else []
            w = draw(st.sampled_from(angles))
            body.append(f"measure stab({v}; {w}: {' '.join(map(str, sorted([v, *extra])))}) -> y;")
        elif kind in ("x", "z"):
            body.append(f"measure {kind} {v} -> y;")
        elif kind == "reset":
            body.append(f"measure x {v} -> y; reset {(v + 1) % n};")
        lines.append(f"on t{t} {{ {' '.join(body)} }}")
        tokens.append(f"t{t}")
    lines.append("}")
    return "\n".join(lines), tokens


def _record(model, tokens, seed, values):
    """A random input sequence and one outcome string sampled at ``values`` (so it is possible there)."""
    rng = np.random.default_rng(seed)
    inputs = [str(rng.choice(tokens)) for _ in range(int(rng.integers(1, 5)))]
    bits = hrnnc.simulate(model, inputs, shots=1, seed=seed, params=values).samples[0]
    return inputs, [int(c) for c in bits]


def _five_point(f, x, h=1e-4):
    """Central finite difference of fourth order: (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h."""
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


def _point(draw_values):
    return {"p0": draw_values[0], "p1": draw_values[1], "p2": draw_values[2]}


angles = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=trainable_models(), point=st.tuples(angles, angles, angles), seed=st.integers(0, 2**16))
def test_nll_gradient_agrees_with_central_differences(spec, point, seed) -> None:
    text, tokens = spec
    model = hrnnc.parse(text)
    values = _point(point)
    records = [_record(model, tokens, seed + i, values) for i in range(3)]
    data = dataset_from(model, records)
    loss = NegativeLogLikelihood(model, data)
    _, grad = loss(values)
    for i, name in enumerate(loss.names):
        def f(x, name=name):
            return loss({**values, name: x})[0]
        fd = _five_point(f, values[name])
        assert grad[i] == pytest.approx(fd, rel=1e-6, abs=1e-8), name


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=trainable_models(), point=st.tuples(angles, angles, angles), seed=st.integers(0, 2**16))
def test_nll_and_gradient_agree_with_jax_dense_density_matrix(spec, point, seed) -> None:
    from dense_jax import nll_and_grad  # tests/train is not a package; conftest puts tests/ on the path

    text, tokens = spec
    model = hrnnc.parse(text)
    values = _point(point)
    records = [_record(model, tokens, seed + i, values) for i in range(2)]
    data = dataset_from(model, records)
    loss, grad = NegativeLogLikelihood(model, data)(values)
    ref_loss, ref_grad = nll_and_grad(model, records, values)
    assert loss == pytest.approx(ref_loss, rel=1e-9, abs=1e-11)
    assert np.allclose(grad, ref_grad, rtol=1e-8, atol=1e-10)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=trainable_models(), point=st.tuples(angles, angles, angles), seed=st.integers(0, 2**16))
def test_mmd_gradient_agrees_with_central_differences(spec, point, seed) -> None:
    text, tokens = spec
    model = hrnnc.parse(text)
    values = _point(point)
    data = dataset_from(model, [_record(model, tokens, seed + i, values) for i in range(4)])
    loss = MaximumMeanDiscrepancy(model, data, Kernel("gaussian", 0.7))
    _, grad = loss(values)
    for i, name in enumerate(loss.names):
        fd = _five_point(lambda x, name=name: loss({**values, name: x})[0], values[name])
        assert grad[i] == pytest.approx(fd, rel=1e-6, abs=1e-9), name


def test_reset_branches_are_summed() -> None:
    """A reset of an entangled site: P(y) sums both hidden outcomes. Checked against the JAX
    density-matrix channel and against the simulator's exact distribution."""
    from dense_jax import nll_and_grad

    model = hrnnc.parse("hrnn r { qubits 2; degree 2; param g = 0.3; on a { phase(g) 0 1; reset 0; "
                        "phase(2 * g) 0 1; measure x 1 -> y; } }")
    values = {"g": 1.1}
    for bit in (0, 1):
        data = dataset_from(model, [("a", [bit])])
        loss, grad = NegativeLogLikelihood(model, data)(values)
        assert math.exp(-loss) == pytest.approx(exact_distribution(model, "a", values)[str(bit)], rel=1e-12)
        ref_loss, ref_grad = nll_and_grad(model, [(["a"], [bit])], values)
        assert loss == pytest.approx(ref_loss, rel=1e-12) and grad == pytest.approx(ref_grad, rel=1e-10)


def test_zero_probability_names_the_sequence_and_suggests_mmd(tmp_path) -> None:
    """measure stab(0; g: 0 1) on the state prepared with the same weight gives y = 0 with probability 1."""
    model = hrnnc.parse("hrnn s { qubits 2; degree 2; param g = 0.7; on p { phase(g) 0 1; } "
                        "on s { measure stab(0; g: 0 1) -> y; } }")
    path = tmp_path / "d.jsonl"
    path.write_text('{"inputs": ["p", "s"], "outputs": [0]}\n{"inputs": ["p", "s"], "outputs": [1]}\n')
    from hrnnc.data import load_data

    with pytest.raises(TrainingError) as info:
        NegativeLogLikelihood(model, load_data(str(path), model))({"g": 0.7})
    diag = info.value.diagnostics[0]
    assert diag.code is Code.E0720 and "line 2" in diag.message and "--loss mmd" in diag.message


ARGS_MODEL = """hrnn args { qubits 3; degree 3; param a = 0.4; param b = -0.3; const c = exp(a * b);
  on w(x) { phase(a * x) 0 1; phase(sin(x) * b + c) 0 1 2; measure stab(0; a * x: 0 1) -> y; }
  on v(s, t) { phase(s * b - t) 1 2; measure x 2 -> y; }
  on z { measure z 1 -> y; } }"""


def test_gradients_flow_through_token_arguments() -> None:
    """Angles that depend on token arguments: central differences and JAX agree with the adjoint gradient."""
    from dense_jax import nll_and_grad

    model = hrnnc.parse(ARGS_MODEL)
    values = {"a": 0.9, "b": -1.4}
    sequences = [[("w", (0.37,)), ("v", (1.0, -2.5)), "z"], [("v", (0.2, 0.1)), ("w", (-1.3,)), ("w", (2.0,))]]
    records = []
    for i, inputs in enumerate(sequences):
        bits = hrnnc.simulate(model, inputs, shots=1, seed=i, params=values).samples[0]
        records.append((inputs, [int(c) for c in bits]))
    data = dataset_from(model, [{"inputs": [t if isinstance(t, str) else [t[0], list(t[1])] for t in x],
                                 "outputs": y} for x, y in records])
    loss = NegativeLogLikelihood(model, data)
    value, grad = loss(values)
    for i, name in enumerate(loss.names):
        fd = _five_point(lambda x, name=name: loss({**values, name: x})[0], values[name])
        assert grad[i] == pytest.approx(fd, rel=1e-6, abs=1e-9)
    ref_value, ref_grad = nll_and_grad(model, records, values)
    assert value == pytest.approx(ref_value, rel=1e-10) and np.allclose(grad, ref_grad, rtol=1e-9, atol=1e-12)


def test_bad_kernel_options() -> None:
    for kwargs in ({"name": "rbf"}, {"bandwidth": 0.0}, {"degree": 0}):
        with pytest.raises(ConfigurationError):
            Kernel(**kwargs)

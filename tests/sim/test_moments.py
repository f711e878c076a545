"""Exact qumode moments (hrnnc.sim.moments) against closed forms derived by hand, and gradients.

Conventions (docs/simulator.md): every preparation is momentum-squeezed with
``Var q = σ² = e^{2r}/2`` and ``Var p = τ² = e^{−2r}/2``; after ``measure q`` the mode is
re-prepared position-squeezed (``Var q = τ²``, ``Var p = σ²``). Subscripts ``_j`` below are
source modes (``q_j``, ``p_j``), numbered in order of preparation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import hrnnc
from hrnnc.diagnostics import Code, HrnncError, SimulationError
from hrnnc.sim.moments import MAX_MOMENT_ORDER, Observable, mmd, observable_value, output_moments

DESIGN = """
hrnn design { qumodes 2; degree 3; param g = 0.7;
  on a { phase(g) 0 1 1; }
  on m { measure p 0 -> y; }
}
"""

FEED = """
hrnn feed { qumodes 2; degree 2;
  param g = 0.8; param h = 0.3; param t = 0.5;
  on s  { shift(t) 0; }
  on a  { phase(g) 0 1; }
  on st { measure stab(0; h: 0 1) -> y; }
  on m0 { measure p 0 -> y; }
  on m1 { measure p 1 -> y; }
  on r0 { reset 0; }
}
"""

CUBIC = """
hrnn cubic { qumodes 1; degree 3; param a = 0.3; param t = 0.4;
  on sh { shift(t) 0; }
  on mq { measure q 0 -> y; }
  on c  { phase(a) 0 0 0; }
  on mp { measure p 0 -> y; }
}
"""


def _variances(r: float) -> tuple[float, float]:
    return math.exp(2 * r) / 2, math.exp(-2 * r) / 2


@pytest.mark.parametrize("r", [0.0, 0.5, 1.0, 2.0])
def test_design_closed_form(r: float) -> None:
    """docs/semantics.md §10: y = p_0 + γ q_1², so E[y] = γ e^{2r}/2 and Var y = e^{−2r}/2 + γ² e^{4r}/2."""
    g = 0.7
    res = output_moments(hrnnc.parse(DESIGN), "a m", squeezing=r)
    assert res.means[0] == pytest.approx(g * math.exp(2 * r) / 2, rel=1e-12)
    assert res.covariance[0, 0] == pytest.approx(math.exp(-2 * r) / 2 + g * g * math.exp(4 * r) / 2, rel=1e-12)


@pytest.mark.parametrize("r", [0.3, 1.0])
def test_stabilizer_feed_forward_and_reset(r: float) -> None:
    """Shift, stabilizer with feed-forward, reset; derived by hand (σ² = Var q, τ² = Var p).

    Inputs ``s a st m1 m0 r0 a m0``. After ``s a``: q0 = q_0 + t, p0 = p_0 + g q_1,
    p1 = p_1 + g(q_0 + t). ``st`` = U_h†, measure p 0, U_h (U_h = e^{ih q0 q1}):
    U_h† gives p0 = p_0 + (g−h) q_1, p1 = p_1 + (g−h)(q_0 + t); y1 = p_0 + (g−h) q_1;
    mode 0 is re-prepared from source 2 displaced by y1 (q0 = q_2, p0 = p_2 + y1); U_h adds
    h q_1 to p0 and h q_2 to p1. So y2 (m1) = p_1 + (g−h)(q_0 + t) + h q_2, and
    y3 (m0) = p_2 + p_0 + g q_1 (the feed-forward carries y1). ``r0`` replaces mode 0 by a
    fresh source 5 and ``a`` adds g q1 = g q_3 (mode 1 was re-prepared from source 3):
    y4 = p_5 + g q_3. Hence

    E = (0, (g−h)t, 0, 0); Var y1 = τ² + (g−h)²σ², Var y2 = τ² + ((g−h)² + h²)σ²,
    Var y3 = 2τ² + g²σ², Var y4 = τ² + g²σ²; Cov(y1, y3) = τ² + g(g−h)σ², others 0.
    """
    g, h, t = 0.8, 0.3, 0.5
    s2, tau2 = _variances(r)
    res = output_moments(hrnnc.parse(FEED), "s a st m1 m0 r0 a m0", squeezing=r)
    assert np.allclose(res.means, [0, (g - h) * t, 0, 0], atol=1e-14)
    expected = np.diag([tau2 + (g - h) ** 2 * s2, tau2 + ((g - h) ** 2 + h * h) * s2,
                        2 * tau2 + g * g * s2, tau2 + g * g * s2])
    expected[0, 2] = expected[2, 0] = tau2 + g * (g - h) * s2
    assert np.allclose(res.covariance, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("r", [0.2, 0.8])
def test_measure_q_feed_forward_and_ordering(r: float) -> None:
    """``measure q`` re-prepares position-squeezed at the outcome; a cubic edge adds an ordering term.

    Inputs ``sh mq c mp``: y1 = q_0 + t. Mode 0 becomes source 1 (q-squeezed: Var q_1 = τ²,
    Var p_1 = σ²) displaced by y1, q0 = X + t with X = q_1 + q_0 ~ N(0, S²), S² = σ² + τ².
    ``phase(a) 0 0 0`` adds 3a q0² to p0 = p_1, so y2 = p_1 + c W², c = 3a, W = X + t.
    E[y1] = t, Var y1 = σ², E[y2] = c(S² + t²), Cov(y1, y2) = c E[q_0 · 2tX] = 2ctσ²,
    Var y2 = σ² + c²(2S⁴ + 4t²S²). Third moment: classically E[(P + cW²)³] =
    3σ²c E[W²] + c³E[W⁶], E[W⁶] = t⁶ + 15t⁴S² + 45t²S⁴ + 15S⁶; since p_1 and q_1 belong to one
    source, ordering adds −(1/12)·3·(∂_{q_1})²(cW²) = −c/2 (checked against sympy in
    test_moments_weyl.py).
    """
    a, t = 0.3, 0.4
    c = 3 * a
    s2, tau2 = _variances(r)
    big = s2 + tau2
    res = output_moments(hrnnc.parse(CUBIC), "sh mq c mp", order=3, squeezing=r)
    assert res.means == pytest.approx([t, c * (big + t * t)], rel=1e-12)
    assert res.covariance[0, 0] == pytest.approx(s2, rel=1e-12)
    assert res.covariance[0, 1] == pytest.approx(2 * c * t * s2, rel=1e-12)
    assert res.covariance[1, 1] == pytest.approx(s2 + c * c * (2 * big ** 2 + 4 * t * t * big), rel=1e-12)
    w6 = t ** 6 + 15 * t ** 4 * big + 45 * t * t * big ** 2 + 15 * big ** 3
    third = 3 * s2 * c * (big + t * t) + c ** 3 * w6 - c / 2
    assert res.joint[(1, 1, 1)] == pytest.approx(third, rel=1e-12)


def test_observable_closed_forms() -> None:
    """⟨q0 p0 − p0 q0⟩ = i always; after ``a`` (DESIGN model), ⟨p0²⟩ = τ² + g²·3σ⁴ (E[q⁴] = 3σ⁴)."""
    model = hrnnc.parse(DESIGN)
    value, _ = observable_value(model, "a", "q0*p0 - p0*q0", squeezing=0.4)
    assert value == pytest.approx(1j, abs=1e-14)
    s2, tau2 = _variances(0.4)
    value, grad = observable_value(model, "a", "p0^2", squeezing=0.4, gradient=True)
    assert value == pytest.approx(tau2 + 0.49 * 3 * s2 * s2, rel=1e-12)
    assert grad["g"] == pytest.approx(2 * 0.7 * 3 * s2 * s2, rel=1e-12)
    obs = Observable(((2.0, (("p", 0),)),))
    assert observable_value(model, "a", obs, squeezing=0.4)[0] == pytest.approx(2 * 0.7 * s2, rel=1e-12)


def _central(f, x: float, h: float = 1e-5) -> float:  # type: ignore[no-untyped-def]
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("name", ["g", "h", "t"])
def test_gradients_match_central_differences(name: str) -> None:
    """Forward-mode derivatives of means, covariance and third moments vs central differences."""
    model = hrnnc.parse(FEED.replace("degree 2", "degree 3").replace("phase(g) 0 1;", "phase(g) 0 1; phase(h * g) 1 1 0;"))
    inputs = "s a st m1 m0 a m1"
    base = {"g": 0.8, "h": 0.3, "t": 0.5}
    res = output_moments(model, inputs, order=3, squeezing=0.3, params=base, gradient=True)
    d = res.directions.index(name)

    def at(x: float):  # type: ignore[no-untyped-def]
        return output_moments(model, inputs, order=3, squeezing=0.3, params={**base, name: x})

    hi, lo = at(base[name] + 1e-5), at(base[name] - 1e-5)
    assert np.allclose(res.means_gradient[:, d], (hi.means - lo.means) / 2e-5, rtol=1e-6, atol=1e-7)
    assert np.allclose(res.covariance_gradient[:, :, d], (hi.covariance - lo.covariance) / 2e-5, rtol=1e-6, atol=1e-7)
    for key, grad in res.joint_gradient.items():
        assert grad[d] == pytest.approx((hi.joint[key] - lo.joint[key]) / 2e-5, rel=1e-5, abs=1e-6)
    assert np.any(res.covariance_gradient[:, :, d] != 0)


def test_token_argument_gradients() -> None:
    """``w(x)`` applies phase(a·x) 0 1 1, so after ``w(x1) m w(x2) m``: y1 = p_0 + a x1 q_1² and
    y2 = p_2 + y1 + a x2 q_1² (feed-forward): E[y1] = a x1 σ², E[y2] = a (x1 + x2) σ²;
    ∂E[y2]/∂x1 = ∂E[y2]/∂x2 = a σ², ∂E[y1]/∂x2 = 0."""
    model = hrnnc.parse("hrnn w { qumodes 2; degree 3; param a = 0.5; on w(x) { phase(a * x) 0 1 1; } "
                        "on m { measure p 0 -> y; } }")
    r, a = 0.5, 0.5
    s2 = math.exp(2 * r) / 2
    res = output_moments(model, [("w", (0.4,)), "m", "w(-1.5)", "m"], squeezing=r, gradient=True,
                         argument_gradient=True)
    assert res.inputs == ("w(0.4)", "m", "w(-1.5)", "m") and res.directions == ("a", "0:x", "2:x")
    assert res.means == pytest.approx([a * 0.4 * s2, a * (0.4 - 1.5) * s2], rel=1e-12)
    assert np.allclose(res.means_gradient, [[0.4 * s2, a * s2, 0.0], [-1.1 * s2, a * s2, a * s2]], rtol=1e-12)
    f = lambda x: output_moments(model, f"w({x!r}) m w(-1.5) m", squeezing=r).covariance[1, 1]  # noqa: E731
    assert res.covariance_gradient[1, 1, 1] == pytest.approx(_central(f, 0.4), rel=1e-6)


def test_mmd_value_and_gradient() -> None:
    """Degree-1 MMD² with c = 0 is |E[y] − mean(x)|² (closed form); its gradient matches differences."""
    model = hrnnc.parse(DESIGN)
    data = [("a m", [0.5]), ("a m", [1.5])]
    res = mmd(model, data, degree=1, offset=0.0, squeezing=0.5)
    mean = 0.7 * math.exp(1.0) / 2
    assert res.value == pytest.approx((mean - 1.0) ** 2, rel=1e-12)
    assert res.gradient["g"] == pytest.approx(2 * (mean - 1.0) * math.exp(1.0) / 2, rel=1e-12)
    for degree in (2, 3):
        res = mmd(model, data, degree=degree, squeezing=0.5)
        f = lambda g: mmd(model, data, degree=degree, squeezing=0.5, params={"g": g}).value  # noqa: E731
        assert res.gradient["g"] == pytest.approx(_central(f, 0.7), rel=1e-6)


def test_mmd_weights_count_sequences() -> None:
    """A weight of 2 is the same as the sequence given twice; hrnnc.data records are accepted as they are."""
    from hrnnc.data import Record

    model = hrnnc.parse(DESIGN)
    a = Record(inputs=(("a", ()), ("m", ())), outputs=(0.3,))
    b = Record(inputs=(("a", ()), ("m", ())), outputs=(1.1,))
    weighted = mmd(model, [a, b], degree=3, weights=[2, 1], squeezing=0.4)
    repeated = mmd(model, [a, a, b], degree=3, squeezing=0.4)
    assert weighted.value == pytest.approx(repeated.value, rel=1e-12)
    assert weighted.gradient["g"] == pytest.approx(repeated.gradient["g"], rel=1e-12)


def test_mmd_degree_two_closed_form() -> None:
    """Degree 2, one output, one data point x: E(c+YY')² − 2E(c+xY)² + (c+x²)² = (c² + 2cμ² + m2²) − 2(c² + 2cxμ + x²m2) + (c+x²)²."""
    model = hrnnc.parse(DESIGN)
    r, g, x, c = 0.5, 0.7, 0.9, 1.5
    s2, tau2 = _variances(r)
    mu = g * s2
    m2 = tau2 + g * g * 3 * s2 * s2
    expected = (c * c + 2 * c * mu * mu + m2 * m2) - 2 * (c * c + 2 * c * x * mu + x * x * m2) + (c + x * x) ** 2
    assert mmd(model, [("a m", [x])], degree=2, offset=c, squeezing=r).value == pytest.approx(expected, rel=1e-12)


# -- bad input ---------------------------------------------------------------------------------


def _code(exc: HrnncError) -> Code:
    return exc.diagnostics[0].code


def test_order_cap() -> None:
    with pytest.raises(SimulationError) as info:
        output_moments(hrnnc.parse(DESIGN), "a m", order=MAX_MOMENT_ORDER + 1)
    assert _code(info.value) is Code.E0610
    with pytest.raises(SimulationError) as info:
        mmd(hrnnc.parse(DESIGN), [("a m", [0.0])], degree=0)
    assert _code(info.value) is Code.E0610


def test_overflow_names_the_moment_and_suggests_r() -> None:
    with pytest.raises(SimulationError) as info:
        output_moments(hrnnc.parse(DESIGN), "a m", order=4, squeezing=120.0)
    diag = info.value.diagnostics[0]
    assert diag.code is Code.E0611 and "y0" in diag.message and "smaller squeezing" in diag.message
    with pytest.raises(SimulationError) as info:
        output_moments(hrnnc.parse(DESIGN), "a m", squeezing=400.0)
    assert _code(info.value) is Code.E0611


def test_qubit_model_is_refused() -> None:
    model = hrnnc.parse("hrnn b { qubits 1; degree 2; on m { measure z 0 -> y; } }")
    with pytest.raises(SimulationError) as info:
        output_moments(model, "m")
    assert _code(info.value) is Code.E0612


@pytest.mark.parametrize("text, column", [("exp(q0)", 1), ("q0 / p1", 4), ("q0^0.5", 4), ("q0 + x1", 6),
                                           ("q7", 1), ("(q0", 1), ("", 1)])
def test_observable_outside_the_algebra(text: str, column: int) -> None:
    with pytest.raises(SimulationError) as info:
        observable_value(hrnnc.parse(DESIGN), "a", text)
    diag = info.value.diagnostics[0]
    assert diag.code is Code.E0613
    assert diag.span is not None and diag.span.start_line_col == (1, column)


def test_too_many_joint_moments_and_data_mismatch() -> None:
    model = hrnnc.parse(DESIGN)
    with pytest.raises(SimulationError) as info:
        output_moments(model, " ".join(["a m"] * 40), order=8)
    assert _code(info.value) is Code.E0614
    with pytest.raises(SimulationError) as info:
        mmd(model, [("a m", [0.1, 0.2])])
    assert _code(info.value) is Code.E0615

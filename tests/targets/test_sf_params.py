"""The sf target keeps params as free program parameters: binding after compiling equals compiling with values.

References: SF's Gaussian backend (exact) and Fock backend for the numeric compile, SF's own
run-time binding (``eng.run(prog, args=…)``), and closed forms written out here, independent
of the emitter: after ``exp(i f(q))`` on the squeezed vacuum and a shift ``t`` of mode ``j``,
``⟨q_j⟩ = t`` and ``⟨p_j⟩ = c_j`` (the linear coefficient of ``f``; ``⟨q⟩ = 0`` before the
phases), in SF units ``x = √ħ q``, ``p_SF = √ħ p``; with cubic phases, the wavefunction
``ψ_r(q_0) ψ_r(q_1) exp(i f(q))`` on a grid.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sf = pytest.importorskip("hrnnc.targets.sf_target.sdk").load_sf()

import hrnnc  # noqa: E402
from hrnnc.cli import main  # noqa: E402
from hrnnc.diagnostics import Code, HrnncError  # noqa: E402
from hrnnc.params import rewrite_param_inits  # noqa: E402
from hrnnc.targets import make_target  # noqa: E402
from hrnnc.targets.sf_target import load_cells, loads_blackbird  # noqa: E402
from test_sf_fock import fidelity, fock_to_grid, squeezed_vacuum  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CUBIC = ROOT / "examples/cubic_modes.hrnn"
R = 0.3

GAUSSIAN = """hrnn gq {
  qumodes 2;
  degree 2;
  param a = 0.4;
  param b = -0.7;
  const w = sin(a) * exp(b / 2);
  const v = sqrt(a * a + 1) + cos(b);
  on g {
    phase(w) 0;
    phase(v) 1;
    phase(a * b) 0 1;
    phase(b) 1 1;
    shift(2 * a - v) 0;
  }
}
"""

CUBIC_ANGLES = """hrnn cq {
  qumodes 2;
  degree 3;
  param a = 0.06;
  param b = -0.08;
  const w = sin(a) * exp(b);
  const v = sqrt(a * a + 0.0004) * cos(b);
  on c {
    phase(w) 0 0 1;
    phase(v) 0 1 1;
    phase(0.03) 0 0 0;
    phase(b) 0 1;
    phase(a + b) 0;
  }
}
"""

small = st.floats(min_value=-1.5, max_value=1.5, allow_nan=False, allow_infinity=False)


def gaussian_moments(prog, args=None):
    state = sf.Engine("gaussian").run(prog, args=args or {}).state
    return state.means(), state.cov()


def expected_means(a: float, b: float, hbar: float = 2.0) -> np.ndarray:
    """SF's means ``(x0, x1, p0, p1)`` after cell ``g`` (closed form of the module docstring)."""
    w = math.sin(a) * math.exp(b / 2)
    v = math.sqrt(a * a + 1) + math.cos(b)
    root = math.sqrt(hbar)
    return np.array([(2 * a - v) * root, 0.0, w * root, v * root])


def test_params_are_the_programs_free_parameters() -> None:
    prog = hrnnc.compile(GAUSSIAN, "sf", inputs="g")
    assert set(prog.free_params) == {"a", "b"}
    cells = hrnnc.compile(GAUSSIAN, "sf")
    assert set(cells["g"].free_params) == {"a", "b"}
    assert not hrnnc.compile(GAUSSIAN, "sf", inputs="g", bind=True).free_params
    # each program has its own parameters (SymPy would otherwise share one cached symbol)
    other = hrnnc.compile(GAUSSIAN, "sf", inputs="g")
    assert prog.free_params["a"] is not other.free_params["a"]


@settings(max_examples=25, deadline=None)
@given(a=small, b=small)
def test_gaussian_bind_after_compile_equals_compile_with_values(a, b) -> None:
    target = make_target("sf", squeezing=R)
    symbolic = hrnnc.compile(GAUSSIAN, target, inputs="g g")
    values = {"a": a, "b": b}
    numeric = hrnnc.compile(GAUSSIAN, target, inputs="g g", params=values)
    want_means, want_cov = gaussian_moments(numeric)
    for means, cov in (gaussian_moments(symbolic, values), gaussian_moments(target.bind_params(symbolic, values))):
        assert np.allclose(means, want_means, atol=1e-9) and np.allclose(cov, want_cov, atol=1e-9)
    one = hrnnc.compile(GAUSSIAN, target, inputs="g")
    means, _ = gaussian_moments(one, values)
    # SF's Gaussian backend applies Pgate(s) through a decomposition that moves ⟨x⟩ by ~1e-9·⟨p⟩
    assert np.allclose(means, expected_means(a, b), atol=1e-7)


def cubic_state(prog, args=None, cutoff: int = 18):
    eng = sf.Engine("fock", backend_options={"cutoff_dim": cutoff})
    return eng.run(prog, args=args or {}).state.ket()


def closed_form_cubic(a: float, b: float, q: np.ndarray) -> np.ndarray:
    w = math.sin(a) * math.exp(b)
    v = math.sqrt(a * a + 0.0004) * math.cos(b)
    q0, q1 = np.meshgrid(q, q, indexing="ij")
    f = w * q0 * q0 * q1 + v * q0 * q1 * q1 + 0.03 * q0 ** 3 + b * q0 * q1 + (a + b) * q0
    return squeezed_vacuum(q0, R) * squeezed_vacuum(q1, R) * np.exp(1j * f)


@pytest.mark.parametrize("a, b", [(0.06, -0.08), (-0.09, 0.05), (0.1, 0.1)])
def test_cubic_bind_after_compile_equals_compile_with_values(a, b) -> None:
    """Symbolic cubic weights go through the polarization identity; bound, the state is the numeric
    compile's (which may use other cubes) and the closed form's."""
    target = make_target("sf", squeezing=R)
    symbolic = hrnnc.compile(CUBIC_ANGLES, target, inputs="c")
    values = {"a": a, "b": b}
    numeric = hrnnc.compile(CUBIC_ANGLES, target, inputs="c", params=values)
    run_time = cubic_state(symbolic, values)
    bound = cubic_state(target.bind_params(symbolic, values))
    want = cubic_state(numeric)
    assert fidelity(run_time.ravel(), bound.ravel()) > 1 - 1e-12
    assert fidelity(bound.ravel(), want.ravel()) > 0.9999  # measured ≥ 0.99999 (truncation at cutoff 18)
    q = np.linspace(-7, 7, 281)
    on_grid = fock_to_grid(bound, q).ravel()
    assert fidelity(on_grid, closed_form_cubic(a, b, q).ravel()) > 0.9995  # measured ≥ 0.9998
    assert fidelity(on_grid, closed_form_cubic(a, -b, q).ravel()) < 0.99  # measured ≤ 0.983
    assert target.report(symbolic)["cubic_phase_gates"] >= target.report(numeric)["cubic_phase_gates"]


def test_blackbird_keeps_free_parameters_and_derived_ones_read_back() -> None:
    """``{a}`` and ``{derived0}`` in the text; hrnnc's reader restores ``sin``/``exp`` so the loaded
    program binds by the params' names and runs like the API program (Gaussian backend, exact)."""
    target = make_target("sf", squeezing=R)
    prog = hrnnc.compile(GAUSSIAN, target, inputs="g")
    text = target.dump(prog)
    assert "{a}" in text and "{derived0}" in text and "# hrnnc derived parameter: {derived0} = " in text
    assert '"' not in text.split("version 1.0", 1)[1]  # no quoted (string) arguments
    loaded = loads_blackbird(text)
    assert set(loaded.free_params) == {"a", "b"}
    values = {"a": 0.37, "b": -1.1}
    want = gaussian_moments(prog, values)
    got = gaussian_moments(loaded, values)
    assert np.allclose(got[0], want[0], atol=1e-12) and np.allclose(got[1], want[1], atol=1e-12)
    cells = load_cells(target.dump(hrnnc.compile(GAUSSIAN, target)))
    assert set(cells["g"].free_params) == {"a", "b"}


def test_a_malformed_derived_declaration_is_e0705() -> None:
    text = "# hrnnc derived parameter: {derived0} = __import__('os')\nname p\nversion 1.0\n\nZgate({derived0}) | 0\n"
    with pytest.raises(HrnncError) as info:
        loads_blackbird(text)
    assert info.value.diagnostics[0].code is Code.E0705


@pytest.mark.parametrize("extra", [[], ["--squeezing", "0.5"]])
def test_cli_param_equals_compiling_the_edited_file(tmp_path, capsys, extra) -> None:
    model = hrnnc.parse(CUBIC)
    edited = tmp_path / "edited.hrnn"
    edited.write_text(rewrite_param_inits(CUBIC.read_text(), model, {"t": 0.3}))
    args = ["compile", "--target", "sf", "--input", "a b read r", *extra]
    assert main([*args, str(CUBIC), "--param", "t=0.3"]) == 0
    with_param = capsys.readouterr().out
    assert main([*args, str(edited), "--bind"]) == 0
    assert with_param == capsys.readouterr().out
    assert main([*args, str(edited)]) == 0
    plain = capsys.readouterr().out
    assert "{t}" in plain and "{s}" in plain and "{t}" not in with_param
    loaded = loads_blackbird(plain)
    assert set(loaded.free_params) == {"s", "t"}


T, U = (__import__("sympy").Symbol(name) for name in ("t", "u"))
monomials = st.tuples(*[st.integers(0, 2)] * 3).map(lambda m: tuple(sorted(m)))
reals = st.floats(-2, 2, allow_nan=False).filter(lambda x: abs(x) > 1e-3)
weights = st.one_of(
    reals,
    reals.map(lambda r: r * T),
    st.fractions(-3, 3, max_denominator=6).map(lambda r: __import__("sympy").Rational(r.numerator, r.denominator) * T),
    reals.map(lambda r: r * __import__("sympy").sin(U) + 0.5),
    st.just(T * U),
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(monomials, weights, min_size=1, max_size=6))
def test_symbolic_cubic_decomposition_is_a_polynomial_identity(form) -> None:
    """Σ λ_i (l_i·q)³ == Σ c_m m(q) as polynomials in q with symbolic c_m (SymPy, independent expansion)."""
    import sympy

    from hrnnc.targets.sf_target.cubic import decompose

    q = sympy.symbols("q0:3")
    cubes = decompose(form)
    total = sum((sympy.Rational(c.coefficient.numerator, c.coefficient.denominator)
                 if not getattr(c.coefficient, "free_symbols", None) else c.coefficient)
                * sum(v * q[m] for m, v in zip(c.modes, c.vector)) ** 3 for c in cubes)
    wanted = sum(sympy.sympify(c) * q[m[0]] * q[m[1]] * q[m[2]] for m, c in form.items())
    residue = sympy.Poly(sympy.expand(total - wanted), *q)
    for coefficient in residue.coeffs():
        for term in sympy.Add.make_args(sympy.expand(coefficient)):
            assert abs(float(term.as_coeff_Mul()[0])) < 1e-12
    assert all(isinstance(v, int) for c in cubes for v in c.vector)

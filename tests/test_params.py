"""Params from outside: ``--param``/``--params`` on every command that runs or compiles, API ``params=``,
and the in-place rewrite of ``param`` initialisers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hrnnc
from hrnnc.cli import main
from hrnnc.diagnostics import Code, TrainingError
from hrnnc.ir import initial_param_values
from hrnnc.params import parse_params_text, resolve_params, rewrite_param_inits, with_param_values

ROOT = Path(__file__).resolve().parent.parent
WEIGHTED = ROOT / "examples/weighted.hrnn"
CUBIC = ROOT / "examples/cubic_modes.hrnn"

CP_MODEL = """# CP(g)|++>, then X on site 0
hrnn cp {
  qubits 2;
  degree 2;
  param g = 0.3;   # the angle
  on a { phase(g) 0 1; measure x 0 -> y; }
}
"""

finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


def codes(capsys) -> list[str]:
    err = capsys.readouterr().err
    return [c for c in (c.value for c in Code) if f"[{c}]" in err]


def test_simulate_param_matches_closed_form(capsys) -> None:
    """On CP(γ)|++⟩, ⟨X_0⟩ = (1 + cos γ)/2 (docs/semantics.md §2), so P(y=0) = (1 + ⟨X_0⟩)/2."""
    gamma = 1.1
    result = hrnnc.simulate(CP_MODEL, "a", params={"g": gamma})
    expected = (1 + (1 + math.cos(gamma)) / 2) / 2
    assert result.distribution["0"] == pytest.approx(expected, abs=1e-12)


def test_cli_simulate_param_and_params_file(tmp_path, capsys) -> None:
    model = tmp_path / "cp.hrnn"
    model.write_text(CP_MODEL)
    pfile = tmp_path / "p.json"
    pfile.write_text(json.dumps({"g": 0.5}))
    assert main(["simulate", str(model), "--input", "a", "--params", str(pfile), "--param", "g=2.0",
                 "--format", "json"]) == 0
    dist = json.loads(capsys.readouterr().out)["distribution"]
    assert dist["0"] == pytest.approx((1 + (1 + math.cos(2.0)) / 2) / 2, abs=1e-9)
    assert main(["simulate", str(model), "--input", "a", "--params", str(pfile), "--format", "json"]) == 0
    dist = json.loads(capsys.readouterr().out)["distribution"]
    assert dist["0"] == pytest.approx((1 + (1 + math.cos(0.5)) / 2) / 2, abs=1e-9)


@pytest.mark.parametrize("argv, code", [
    (["--param", "zz=1"], "E0701"),
    (["--param", "g=abc"], "E0702"),
    (["--param", "g=nan"], "E0702"),
    (["--param", "g=inf"], "E0702"),
    (["--param", "g"], "E0704"),
    (["--param", "=1"], "E0704"),
])
def test_cli_bad_param_is_coded_exit_1(tmp_path, capsys, argv, code) -> None:
    model = tmp_path / "cp.hrnn"
    model.write_text(CP_MODEL)
    for command in (["simulate", str(model), "--input", "a"], ["compile", str(model), "-t", "qiskit"]):
        assert main(command + argv) == 1
        assert codes(capsys) == [code]


def test_malformed_params_file_points_at_line_and_column(tmp_path, capsys) -> None:
    model = tmp_path / "cp.hrnn"
    model.write_text(CP_MODEL)
    pfile = tmp_path / "p.json"
    pfile.write_text('{\n  "g": 0.5,\n  "h" 1\n}\n')
    assert main(["simulate", str(model), "--input", "a", "--params", str(pfile)]) == 1
    err = capsys.readouterr().err
    assert f"{pfile}:3:7: error[E0703]" in err and "^" in err


@pytest.mark.parametrize("text, code", [("[1, 2]", "E0703"), ('{"g": "1"}', "E0702"), ('{"g": true}', "E0702"),
                                        ('{"g": NaN}', "E0702")])
def test_params_document_errors(text, code) -> None:
    with pytest.raises(TrainingError) as info:
        parse_params_text(text, "p.json")
    assert [d.code.value for d in info.value.diagnostics] == [code]


def test_api_unknown_param_lists_declared_ones() -> None:
    model = hrnnc.parse(WEIGHTED)
    with pytest.raises(TrainingError) as info:
        resolve_params(model, {"a": 1.0, "nope": 2.0, "zz": 3.0})
    diags = info.value.diagnostics
    assert [d.code for d in diags] == [Code.E0701, Code.E0701]
    assert "a, b, c" in diags[0].message
    with pytest.raises(TrainingError):
        hrnnc.compile(model, "qiskit", inputs="left", params={"nope": 1.0})


def test_qiskit_bind_after_compile_equals_compile_with_values() -> None:
    """Operator of the symbolic circuit bound afterwards == Operator of the numeric lowering == the
    simulator's diagonal at the same values (an independent evaluation)."""
    qi = pytest.importorskip("qiskit.quantum_info")
    from hrnnc.sim.qubit import phase_diagonal
    from hrnnc.targets import make_target

    model = hrnnc.parse("hrnn w { qubits 3; degree 3; param a = 0.7; param b = -1.3; const ab = a * b; "
                        "on p { phase(a) 0 1; phase(sin(ab)) 0 1 2; phase(sqrt(a*a + 1)) 2; } }")
    values = {"a": 0.31, "b": 2.2}
    target = make_target("qiskit")
    symbolic = hrnnc.compile(model, target, inputs="p")
    assert {p.name for p in symbolic.parameters} == {"a", "b"}
    bound = target.bind_params(symbolic, values)
    direct = hrnnc.compile(model, "qiskit", inputs="p", params=values)
    assert not direct.parameters
    # strip the |+> preparation: compare the phase part through the unitary with H layers undone
    u_bound, u_direct = qi.Operator(bound).data, qi.Operator(direct).data
    assert np.allclose(u_bound, u_direct, atol=1e-12)
    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    hn = np.kron(np.kron(h, h), h)
    diag = np.diag(u_direct @ hn)
    assert np.allclose(diag, phase_diagonal(model, "p", values), atol=1e-12)
    cells = target.bind_params(hrnnc.compile(model, target), values)
    assert np.allclose(qi.Operator(cells["p"]).data, np.diag(phase_diagonal(model, "p", values)), atol=1e-12)


def test_tket_compile_with_values_matches_simulator() -> None:
    """pytket's unitary of a measurement-free unit cell (big-endian, reversed) == the simulator's diagonal."""
    pytest.importorskip("pytket")
    from hrnnc.sim.qubit import phase_diagonal

    model = hrnnc.parse("hrnn w { qubits 3; degree 3; param a = 0.7; on p { phase(a) 0 1; phase(2*a) 0 1 2; } }")
    values = {"a": -0.83}
    cells = hrnnc.compile(model, "tket", params=values)
    u = cells["p"].get_unitary()
    n = 3
    perm = [int(format(i, f"0{n}b")[::-1], 2) for i in range(1 << n)]
    diag = np.diag(u)[perm]
    expected = phase_diagonal(model, "p", values)
    ratio = diag / expected
    assert np.allclose(ratio, ratio[0], atol=1e-9) and abs(abs(ratio[0]) - 1) < 1e-9


@pytest.mark.parametrize("path, target, inputs", [(WEIGHTED, "qiskit", "left right mix end"),
                                                  (WEIGHTED, "tket", "left right mix end"),
                                                  (CUBIC, "sf", "a b read r")])
def test_compile_with_values_equals_compiling_the_rewritten_file(path, target, inputs) -> None:
    """``params=`` gives the same program text as a file whose initialisers say those values."""
    if target == "sf":
        pytest.importorskip("hrnnc.targets.sf_target.sdk").load_sf()
    else:
        pytest.importorskip("pytket" if target == "tket" else "qiskit")
    from hrnnc.targets import make_target

    text = path.read_text()
    model = hrnnc.parse(path)
    values = {p.name: 0.1 * (i + 1) - 0.77 for i, p in enumerate(model.params)}
    rewritten = hrnnc.parse(rewrite_param_inits(text, model, values), name=str(path))
    tgt = make_target(target, bind=True)
    plain = make_target(target)
    via_params = plain.dump(hrnnc.compile(model, plain, inputs=inputs, params=values))
    via_file = tgt.dump(hrnnc.compile(rewritten, tgt, inputs=inputs))
    assert via_params == via_file
    assert via_params != tgt.dump(hrnnc.compile(model, tgt, inputs=inputs))


@settings(max_examples=60, deadline=None)
@given(a=finite, b=finite, c=finite)
def test_rewrite_keeps_every_other_character(a, b, c) -> None:
    """Parsing the rewritten text gives exactly the new values, and the text outside the
    initialisers (comments, layout) is unchanged."""
    text = WEIGHTED.read_text()
    model = hrnnc.parse(text, name="weighted.hrnn")
    values = {"a": a, "b": b, "c": c}
    out = rewrite_param_inits(text, model, values)
    again = hrnnc.parse(out, name="weighted.hrnn")
    assert initial_param_values(again) == values
    assert hrnnc.check(again).ok
    assert out.splitlines()[9:] == text.splitlines()[9:]
    assert [line.split("#")[1] for line in out.splitlines()[6:9] if "#" in line] == \
           [line.split("#")[1] for line in text.splitlines()[6:9] if "#" in line]
    assert with_param_values(model, values) == again

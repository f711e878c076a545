"""Issue 16, items 3, 5, 6 and 17: inputs that `check` accepts (or API calls that look innocent)
gave tracebacks, wrong answers or read files; each is now a coded diagnostic with a fixed exit code.

Exit codes are the documented contract (0 ok, 1 diagnostics, 2 usage, 3 internal error); the
expected codes and messages follow from the inputs, not from hrnnc's code.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import hrnnc
from hrnnc.cli import main
from hrnnc.diagnostics import Code
from hrnnc.ir import from_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples/mermin_peres.hrnn"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _write(tmp_path: Path, text: str, name: str = "m.hrnn") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _codes(err: str) -> list[str]:
    return [line.split("[", 1)[1][:5] for line in err.splitlines() if "error[E" in line]


# -- item 3: text and paths are explicit -----------------------------------------------------


def test_a_string_is_never_read_as_a_file(tmp_path: Path) -> None:
    """An embedder passing untrusted text must not make hrnnc open a file the text names."""
    secret = tmp_path / "secret.hrnn"
    secret.write_text("TOP-SECRET-LINE\n")
    for call in (hrnnc.parse, hrnnc.check):
        with pytest.raises(hrnnc.ParseFailedError) as info:
            call(str(secret))
        assert "TOP-SECRET-LINE" not in str(info.value)
        assert info.value.diagnostics[0].span.source.name == "<string>"
    with pytest.raises(hrnnc.ParseFailedError) as info:
        hrnnc.simulate(str(secret), "a")
    assert "TOP-SECRET-LINE" not in str(info.value)
    assert "pathlib.Path" in str(info.value)  # the hint for someone who meant a file


def test_paths_are_read_when_said_so() -> None:
    by_text = hrnnc.parse(EXAMPLE.read_text())
    assert hrnnc.parse(EXAMPLE) == by_text
    assert hrnnc.parse(path=str(EXAMPLE)) == by_text
    assert hrnnc.parse(text=EXAMPLE.read_text()) == by_text
    assert hrnnc.check(EXAMPLE).ok
    with pytest.raises(hrnnc.ConfigurationError):
        hrnnc.parse(EXAMPLE.read_text(), path=str(EXAMPLE))
    with pytest.raises(hrnnc.ConfigurationError):
        hrnnc.parse()


# -- item 6: non-finite literals ---------------------------------------------------------------


@pytest.mark.parametrize("command", [["fmt"], ["ir"], ["check"], ["fmt", "--check"]])
def test_overflowing_literal_is_rejected_where_written(tmp_path: Path, command: list[str],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """1e400 > 1.8e308 = the largest double: no command may turn it into `inf` or `Infinity`."""
    text = "hrnn m { qubits 1; degree 1; param g = 1e400; on a { phase(g) 0; } }\n"
    path = _write(tmp_path, text)
    assert main([*command, path]) == 1
    captured = capsys.readouterr()
    assert "inf" not in captured.out.lower()
    assert "m.hrnn:1:40: error[E0216]" in captured.err
    assert Path(path).read_text() == text


def test_largest_finite_literal_still_round_trips(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _write(tmp_path, "hrnn m { qubits 1; degree 1; param g = 1.7e308; on a { phase(g) 0; } }\n")
    assert main(["ir", path]) == 0
    model = from_json(capsys.readouterr().out)
    assert model.decls[0].init.value == 1.7e308


@pytest.mark.parametrize("text", ['[]', '{}', 'nope', '1', '{"hrnnc_ir": 1}', '{"hrnnc_ir": 2}', "[" * 100000])
def test_malformed_ir_json_is_a_coded_error(text: str) -> None:
    with pytest.raises(hrnnc.ParseFailedError) as info:
        from_json(text)
    assert info.value.diagnostics[0].code is Code.E0007
    assert isinstance(info.value, ValueError)  # what callers caught before the code existed


def test_ir_json_with_infinity_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "hrnn m { qubits 1; degree 1; param g = 0.5; on a { phase(g) 0; } }\n")
    assert main(["ir", path]) == 0
    good = capsys.readouterr().out
    assert from_json(good).decls[0].init.value == 0.5
    for constant in ("Infinity", "NaN", "-Infinity", "1e400"):
        bad = good.replace('"value": 0.5', f'"value": {constant}')
        assert bad != good
        with pytest.raises(hrnnc.ParseFailedError) as info:
            from_json(bad)
        assert info.value.diagnostics[0].code is Code.E0007


# -- item 5: tracebacks and wrong answers --------------------------------------------------------


def test_qiskit_division_by_tiny_number_is_e0505(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """g / 1e-300 = 1e300 is a finite float (tket and the simulator take it); Qiskit's symbolic
    division treats 1e-300 as zero."""
    pytest.importorskip("qiskit")
    path = _write(tmp_path, "hrnn m { qubits 1; degree 1; param g = 1; on a { phase(g / 1e-300) 0; } }\n")
    assert main(["compile", path, "--target", "qiskit", "--input", "a"]) == 1
    err = capsys.readouterr().err
    assert "m.hrnn:1:56: error[E0505]" in err and "Traceback" not in err


def test_nan_is_never_printed_by_simulate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """phase(1e308) q0² overflows for |q| > 1: the state is not a number; say so instead of `mean +nan`."""
    path = _write(tmp_path, "hrnn m { qumodes 1; degree 2; on a { phase(1e308) 0 0; measure q 0 -> y; } }\n")
    for extra in ([], ["--format", "json"], ["--shots", "3", "--seed", "1"]):
        assert main(["simulate", path, "--input", "a", *extra]) == 1
        captured = capsys.readouterr()
        assert "nan" not in captured.out.lower()
        assert _codes(captured.err) == ["E0602"]


def test_vanished_conditional_state_is_e0603(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two q measurements at r = 3 on 32 points: the first collapses to a position-squeezed state of
    width e^-3/√2 ≈ 0.035, far below the grid step 2·7e^3/√2/32 ≈ 6.2; the second finds nothing."""
    path = _write(tmp_path, "hrnn m { qumodes 1; degree 2; on a { measure q 0 -> y; } }\n")
    code = main(["simulate", path, "--input", "a a", "--squeezing", "3", "--grid-points", "32",
                 "--shots", "5", "--seed", "0"])
    assert code == 1
    assert _codes(capsys.readouterr().err) == ["E0603"]


@pytest.mark.parametrize(("option", "value"), [("--squeezing", "710"), ("--squeezing", "30"),
                                               ("--squeezing", "nan"), ("--extent", "1e-300"),
                                               ("--extent", "1e300"), ("--extent", "inf")])
def test_grid_options_out_of_range_are_usage_errors(tmp_path: Path, option: str, value: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "hrnn m { qumodes 1; degree 2; on a { measure q 0 -> y; } }\n")
    try:
        code = main(["simulate", path, "--input", "a", option, value])
    except SystemExit as exc:  # argparse's own type errors
        code = exc.code
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("budget", ["nan", "inf", "-1", "0"])
def test_time_budget_must_be_a_positive_number(budget: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "--time-budget", budget, str(EXAMPLE)])
    assert info.value.code == 2


def test_huge_register_bound_is_summarised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """C(999999999, 700) has 4611 digits: more than Python prints (4300); log10 gives its size."""
    n, k = 999_999_999, 700
    path = _write(tmp_path, f"hrnn m {{ qubits {n}; degree {k}; on a {{ phase(1) 0 1; }} }}\n")
    assert main(["check", path]) == 0
    out = capsys.readouterr().out
    log10 = (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)) / math.log(10)
    power = math.floor(log10)
    assert f"e+{power})" in out and f"≈ {10 ** (log10 - power):.3f}" in out
    assert main(["check", "--format", "json", path]) == 0
    bound = json.loads(capsys.readouterr().out)[0]["closure"]["bound"]
    assert isinstance(bound, str) and bound.endswith(f"e+{power}")


def test_simulating_1100_qubits_is_e0601(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "hrnn m { qubits 1100; degree 2; on a { phase(1) 0 1; measure z 0 -> y; } }\n")
    assert main(["simulate", path, "--input", "a"]) == 1
    err = capsys.readouterr().err
    assert _codes(err) == ["E0601"] and "2^1100" in err


@pytest.mark.parametrize(("params", "code"), [({"g": float("nan")}, "E0702"), ({"g": float("inf")}, "E0702"),
                                              ({"g": -float("inf")}, "E0702"), ({"h": 1.0}, "E0701"),
                                              ({"g": "1"}, "E0702"), ({"g": True}, "E0702"),
                                              ({"g": 1j}, "E0702")])
def test_simulate_params_are_checked(params: object, code: str) -> None:
    model = hrnnc.parse(EXAMPLE)
    with pytest.raises(hrnnc.HrnncError) as info:
        hrnnc.simulate(model, "prep s0", params=params)  # type: ignore[arg-type]
    assert [d.code.value for d in info.value.diagnostics] == [code]


def test_simulate_params_take_effect() -> None:
    """At g = π, `prep` makes the graph state CZ|++⟩ and `s0` measures its stabilizer X₀Z₁: y = 0 surely.
    At g = 0 `prep` does nothing and the stabilizer of vertex 0 (edge weight 0) is X₀ on |+⟩: y = 0 too,
    while `z1` on |+⟩ is a fair coin."""
    model = hrnnc.parse(EXAMPLE)
    assert hrnnc.simulate(model, "prep s0", params={"g": math.pi}).distribution == pytest.approx({"0": 1.0})
    assert hrnnc.simulate(model, "prep z1", params={"g": 0}).distribution == pytest.approx({"0": 0.5, "1": 0.5})


def test_internal_error_exits_three_with_a_report_line() -> None:
    """A bug (simulated by breaking a pass) is exit 3 with one 'please report' line, no traceback."""
    script = ("import sys, hrnnc.api as api\n"
              "def broken(*a, **k): raise RuntimeError('boom')\n"
              "api.check = broken\n"
              "from hrnnc.cli import main\n"
              f"sys.exit(main(['check', {str(EXAMPLE)!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=ENV)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert "internal error: RuntimeError: boom" in proc.stderr and "please report" in proc.stderr
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**ENV, "HRNNC_TRACEBACK": "1"})
    assert proc.returncode == 3 and "Traceback" in proc.stderr


# -- item 17 -----------------------------------------------------------------------------------


def test_help_imports_neither_numpy_nor_a_target() -> None:
    code = ("import sys\nfrom hrnnc.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'qiskit', 'pytket', "
            "'strawberryfields', 'scipy') or m.startswith(('hrnnc.targets.sf_target', "
            "'hrnnc.targets.qiskit_target', 'hrnnc.targets.tket_target', 'hrnnc.sim')))\n"
            "print(heavy)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_unknown_input_token_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "hrnn m { qubits 1; degree 1; on a { reset 0; } }\n")
    assert main(["simulate", path, "--input", "a b"]) == 1
    assert f"{path}: error[E0218]: input token 'b' (position 2)" in capsys.readouterr().err


def test_seed_without_shots_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(EXAMPLE), "--input", "prep s0", "--seed", "3"]) == 2
    assert "seed applies only with shots" in capsys.readouterr().err
    with pytest.raises(hrnnc.ConfigurationError):
        hrnnc.simulate(hrnnc.parse(EXAMPLE), "prep s0", seed=3)
    assert hrnnc.simulate(hrnnc.parse(EXAMPLE), "prep s0", shots=4, seed=3).samples is not None


def test_api_errors_do_not_list_private_fields() -> None:
    pytest.importorskip("pytket")
    with pytest.raises(hrnnc.ConfigurationError) as info:
        hrnnc.compile(hrnnc.parse(EXAMPLE), target="tket", inputs="prep", bogus=1)
    message = str(info.value)
    assert "bogus" in message and "arity" in message
    assert "_json" not in message and "_notes" not in message


def test_long_runs_print_short_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """5,000 tokens, each measuring a fresh |+⟩ in X (outcome 0 surely): the text output stays
    readable (every line < 400 characters) while JSON keeps the 5,000-bit outcome whole."""
    path = _write(tmp_path, "hrnn m { qubits 1; degree 1; on a { measure x 0 -> y; } }\n")
    inputs = " ".join(["a"] * 5000)
    assert main(["simulate", path, "--input", inputs]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) < 400
    assert "5,000 in all" in out and "0" * 40 + "…" + "0" * 16 in out
    assert main(["simulate", path, "--input", inputs, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["distribution"] == {"0" * 5000: 1.0}


def test_tket_synthesis_of_huge_angles_matches_exp() -> None:
    """Finite angles near the float limit used to overflow inside the phase-polynomial synthesis.

    Expected: diag over (q0, q1) of exp(i·θ·x1) with θ = 1.7e308 (the two opposite CZ angles cancel),
    computed by cmath, compared with pytket's own unitary up to a global phase.
    """
    import cmath

    import numpy as np

    pytest.importorskip("pytket")
    model = hrnnc.parse("hrnn m { qubits 2; degree 2; on a { phase(1.7e308) 0 1; phase(-1.7e308) 0 1; "
                        "phase(1.7e308) 1; phase(1e300) 0 1; } }")
    circuit = hrnnc.compile(model, target="tket")["a"]
    unitary = circuit.get_unitary()  # ILO-BE: index = 2·q0 + q1
    t1, t01 = cmath.exp(1.7e308j), cmath.exp(1e300j)
    expected = np.diag([1, t1, 1, t1 * t01])
    phase = unitary[0, 0] / abs(unitary[0, 0])
    assert np.allclose(unitary, phase * expected, atol=1e-9)


def test_sf_argument_beyond_the_float_range_is_e0505(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """shift(1.5e308) is finite, but SF's Xgate takes x = √ħ·q = √2·1.5e308 > 1.8e308: not `Xgate(inf)`."""
    pytest.importorskip("hrnnc.targets.sf_target").import_strawberryfields()
    path = _write(tmp_path, "hrnn m { qumodes 1; degree 2; on a { shift(1.5e308) 0; measure q 0 -> y; } }\n")
    assert main(["compile", path, "--target", "sf", "--input", "a"]) == 1
    captured = capsys.readouterr()
    assert "inf" not in captured.out and _codes(captured.err) == ["E0505"]
    assert main(["compile", path, "--target", "sf", "--input", "a", "--hbar", "0.5"]) == 0  # √0.5·1.5e308 fits
    assert "inf" not in capsys.readouterr().out

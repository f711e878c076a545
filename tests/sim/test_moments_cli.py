"""``hrnnc simulate --moments`` and the automatic switch to exact moments on the 64-mode example."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import hrnnc
from hrnnc.cli import main
from hrnnc.sim.moments import Moments

ROOT = Path(__file__).resolve().parents[2]
RING = str(ROOT / "examples/ring64.hrnn")
CUBIC = str(ROOT / "examples/cubic_modes.hrnn")


def test_ring64_switches_to_moments_automatically(capsys: pytest.CaptureFixture[str]) -> None:
    """No --moments: the grid cannot hold 64 modes, so exact means and covariances come back, with a note.

    Closed forms (r = 1, σ² = e²/2, τ² = e⁻²/2): ``s0`` measures the stabilizer whose weights are
    exactly the edges through vertex 0, so y0 = p_0 of the initial source (mean 0, variance τ²);
    ``read`` measures q of mode 20 (y = q_20, variance σ²), re-prepares it q-squeezed at the
    outcome and shifts by 0.5; the second ``read`` gives y' = q_new + y + 0.5: mean 0.5,
    variance σ² + τ², Cov(y, y') = σ².
    """
    assert main(["simulate", RING, "--input", "even odd s0 read read", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "does not fit" in err and "Heisenberg picture" in err
    data = json.loads(out)
    s2, tau2 = math.exp(2) / 2, math.exp(-2) / 2
    assert data["method"] == "moments" and data["outputs"] == ["s", "y", "x", "y", "x"]
    assert data["means"][0] == pytest.approx(0.0, abs=1e-12) and data["covariance"][0][0] == pytest.approx(tau2)
    assert data["covariance"][2][2] == pytest.approx(s2)
    assert data["means"][4] == pytest.approx(0.5)
    assert data["covariance"][4][4] == pytest.approx(s2 + tau2)
    assert data["covariance"][2][4] == pytest.approx(s2)


def test_moments_flag_gives_joint_moments_and_observables(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", CUBIC, "--input", "a b read", "--moments", "3", "--moment-outputs", "1,2",
            "--observable", "q0*p0 - p0*q0", "--format", "json", "--squeezing", "0.5"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["moments"]) == 4  # (1,1,1) (1,1,2) (1,2,2) (2,2,2)
    assert data["observables"][0]["imag"] == pytest.approx(1.0) and data["observables"][0]["value"] == pytest.approx(0)
    direct = hrnnc.simulate(hrnnc.parse(Path(CUBIC)), "a b read", moments=3, moment_outputs=[1, 2], squeezing=0.5)
    assert isinstance(direct, Moments)
    assert [m["value"] for m in data["moments"]] == pytest.approx(list(direct.joint.values()))


@pytest.mark.parametrize("args, code", [
    (["--moments", "9"], "E0610"),
    (["--squeezing", "400"], "E0611"),
    (["--observable", "q0 / p0"], "E0613"),
    (["--observable", "q3"], "E0613"),
])
def test_bad_input_is_a_coded_diagnostic(args: list[str], code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", CUBIC, "--input", "a b", "--moments", "2", *args]) == 1
    err = capsys.readouterr().err
    assert f"error[{code}]" in err and "Traceback" not in err


def test_qubit_model_with_moments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(ROOT / "examples/mermin_peres.hrnn"), "--input", "prep s0", "--moments", "2"]) == 1
    err = capsys.readouterr().err
    assert "error[E0612]" in err and "mermin_peres.hrnn:3:3" in err


def test_moments_and_shots_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", CUBIC, "--input", "a b", "--moments", "2", "--shots", "3"]) == 2

"""run_simulation / hrnnc.simulate: dispatch, options, JSON and text shapes, bad input."""

from __future__ import annotations

import io
import json

import pytest

import hrnnc
from hrnnc.diagnostics import CheckFailedError, Code, ConfigurationError, ParseFailedError
from hrnnc.sim import run_simulation
from hrnnc.sim.progress import Progress

QUBITS = """
hrnn mermin_peres {
  qubits 2; degree 2;
  param g = pi;
  on prep { phase(g) 0 1; }
  on s0 { measure stab(0; g: 0 1) -> y; }
  on x0 { measure stab(0) -> y; }
  on z1 { measure z 1 -> z; }
}
"""

QUMODES = """
hrnn cv { qumodes 1; degree 1; on ph { phase(0.5) 0; } on p { measure p 0 -> y; } on q { measure q 0 -> x; } }
"""


def test_qubit_exact_json_shape() -> None:
    """Exact run: {"inputs": [...], "exact": true, "distribution": {bits: p}} in time order."""
    result = hrnnc.simulate(QUBITS, "prep s0 x0 z1")
    data = json.loads(json.dumps(result.to_json()))
    assert data["inputs"] == ["prep", "s0", "x0", "z1"]
    assert data["exact"] is True
    assert data["outputs"] == ["y", "y", "z"]
    # S_0 matches the CZ state (y_1 = 0); X_0 then Z_1 are perfectly correlated on the graph state.
    assert data["distribution"] == {"000": pytest.approx(0.5), "011": pytest.approx(0.5)}
    text = result.to_text()
    assert "000" in text and "0.500000" in text


def test_qubit_samples_json_shape() -> None:
    result = hrnnc.simulate(QUBITS, ["prep", "x0", "z1"], shots=50, seed=9)
    data = result.to_json()
    assert data["exact"] is False and data["shots"] == 50 and data["seed"] == 9
    assert len(data["samples"]) == 50 and set(data["samples"]) <= {"00", "11"}
    assert data == hrnnc.simulate(QUBITS, ["prep", "x0", "z1"], shots=50, seed=9).to_json()
    assert "50 shots" in result.to_text()


def test_empty_input_has_probability_one() -> None:
    assert hrnnc.simulate(QUBITS, "").to_json()["distribution"] == {"": 1.0}


def test_unknown_token_reports_token_and_alphabet() -> None:
    with pytest.raises(ParseFailedError) as info:
        hrnnc.simulate(QUBITS, "prep bogus")
    assert info.value.diagnostics[0].code is Code.E0218
    assert "bogus" in str(info.value) and "prep, s0, x0, z1" in str(info.value)


def test_out_of_range_site_is_stopped_by_the_checker() -> None:
    with pytest.raises(CheckFailedError):
        hrnnc.simulate("hrnn bad { qubits 2; degree 2; on m { measure z 5 -> y; } }", "m")


def test_qumode_density_table_json() -> None:
    """No shots: per output a coarse density table, conditioned on the earlier outputs."""
    model = hrnnc.parse(QUMODES)
    result = run_simulation(model, "ph p q", squeezing=1.0)
    data = json.loads(json.dumps(result.to_json()))
    assert data["kind"] == "qumodes" and data["exact"] is True
    assert data["squeezing"] == 1.0 and data["grid_points"] == 128 and data["extent"] > 0
    first, second = data["densities"]
    assert first["output"] == "y" and first["mean"] == pytest.approx(0.5, abs=1e-6)
    assert len(first["values"]) == len(first["density"]) == 21
    assert second["output"] == "x" and len(data["conditioned_on"]) == 1
    assert "output 1 'y'" in result.to_text()


def test_qumode_samples_json_and_options() -> None:
    model = hrnnc.parse(QUMODES)
    result = run_simulation(model, "ph p q", shots=20, seed=1, squeezing=0.5, grid_points=64, extent=10.0)
    data = result.to_json()
    assert data["grid_points"] == 64 and data["extent"] == 10.0 and data["squeezing"] == 0.5
    assert len(data["samples"]) == 20 and all(len(row) == 2 for row in data["samples"])
    assert all(isinstance(v, float) for row in data["samples"] for v in row)
    assert "20 shots" in result.to_text()


def test_qumode_options_are_ignored_for_qubits_and_unknown_ones_rejected() -> None:
    model = hrnnc.parse(QUBITS)
    assert run_simulation(model, "x0", squeezing=2.0, grid_points=None).distribution is not None
    with pytest.raises(ConfigurationError):
        run_simulation(model, "x0", bogus=1)
    with pytest.raises(ConfigurationError):
        run_simulation(hrnnc.parse(QUMODES), "p", grid_points=7)


def test_progress_bar_is_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    with Progress("x", True, stream) as bar:
        bar.update(0.5)
    assert stream.getvalue() == ""


def test_progress_bar_draws_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import hrnnc.sim.progress as progress_module

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(progress_module, "_DELAY", 0.0)
    monkeypatch.setattr(progress_module, "_INTERVAL", 0.0)
    stream = Tty()
    with Progress("sampling", True, stream) as bar:
        bar.update(0.25)
    assert "sampling [" in stream.getvalue() and "25.0%" in stream.getvalue()
    assert stream.getvalue().endswith("\r\x1b[K")

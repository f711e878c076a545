"""``hrnnc task`` and ``hrnnc experiment``: files written, numbers independent, errors coded."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

pytest.importorskip("dask.distributed")
pytest.importorskip("equinox")

from hrnnc.cli import main  # noqa: E402


def test_task_writes_splits_model_and_optimal_nll(tmp_path, capsys):
    from hrnnc.data import load_data
    from hrnnc.frontend import parse_file
    from hrnnc.train.losses import NegativeLogLikelihood

    out = tmp_path / "hsmt"
    assert main(["task", "hsmt", "--n", "2", "--k", "2", "--length", "6", "--sequences", "40", "-o", str(out)]) == 0
    summary = json.loads((out / "task.json").read_text())
    assert (summary["train"], summary["validation"], summary["test"]) == (28, 6, 6)
    lines = (out / "test.jsonl").read_text().splitlines()
    assert len(lines) == 6
    first = json.loads(lines[0])
    assert [tok if isinstance(tok, str) else tok[0] for tok in first["inputs"][:3]] == ["w0", "w1", "w0_1"]
    assert len(first["inputs"]) == 6 and len(first["outputs"]) == 3          # D = 3, ℓ − D = 3 queries
    model = parse_file(str(out / "model.hrnn"))
    test = load_data(str(out / "test.jsonl"), model)
    nll, _ = NegativeLogLikelihood(model, test)({})
    assert nll == pytest.approx(summary["optimal_nll"]["test"], abs=1e-9)
    assert main(["check", str(out / "model.hrnn")]) == 0


def test_task_length_without_queries_is_refused(tmp_path, capsys):
    out = tmp_path / "none"
    assert main(["task", "hsmt", "--n", "3", "--k", "2", "--length", "6", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "E0801" in err and "D = 6" in err and "Traceback" not in err
    assert not out.exists()


def test_task_too_many_qubits_is_refused(tmp_path, capsys):
    assert main(["task", "hsmt", "--n", "24", "--k", "2", "--length", "400", "-o", str(tmp_path / "x")]) == 1
    assert "E0802" in capsys.readouterr().err


def _png_is_drawn(path) -> bool:
    import matplotlib.image as mpimg

    pixels = mpimg.imread(path)
    return pixels.ndim == 3 and float(np.std(pixels[..., :3])) > 0.05


def test_cost_quick_fits_an_exponent_below_k_and_resumes(tmp_path, capsys):
    out = tmp_path / "cost"
    assert main(["experiment", "cost", "--quick", "-o", str(out), "--workers", "1"]) == 0
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert {(r["config"]["n"], r["config"]["k"]) for r in rows} >= {(8, 2), (64, 2), (16, 4)}
    assert all(r["result"]["seconds_per_cell"] > 0 and r["result"]["outputs"] == r["config"]["cells"] for r in rows)
    report = (out / "report.md").read_text()
    assert "paper 2.8k" in report and _png_is_drawn(out / "cost.png")
    capsys.readouterr()
    assert main(["experiment", "cost", "--quick", "-o", str(out), "--workers", "1"]) == 0
    assert "0 new run(s)" in capsys.readouterr().err


def test_trainability_quick_separates_the_ansatz_from_the_khrnn(tmp_path):
    """The HEA's gradient variance falls by a constant factor per qubit (≈ 0.45 here); over the
    same n the qumode 2-HRNN's falls at most polynomially."""
    from hrnnc.experiments.ansatz import fit_exponential, fit_power_law

    out = tmp_path / "train"
    assert main(["experiment", "trainability", "--quick", "-o", str(out), "--workers", "1"]) == 0
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    hea = sorted((r["config"]["n"], r["result"]["variance"]) for r in rows if r["config"]["model"] == "hea")
    rate, _ = fit_exponential(*zip(*hea))
    assert math.exp(rate) < 0.7                       # exponential concentration: < 0.7× per qubit
    qumode = sorted((r["config"]["n"], r["result"]["variance"]) for r in rows
                    if r["config"]["model"] == "khrnn-qumode-k2")
    exponent, _ = fit_power_law(*zip(*qumode))
    assert exponent > -3.0 and all(v > 1e-3 for _, v in qumode)
    assert _png_is_drawn(out / "trainability.png")


@pytest.mark.slow
def test_separation_quick_khrnn_beats_the_one_dimensional_gru(tmp_path):
    """The seed's first experiment: on (ℓ, 2, 2)-HSMT the 2-HRNN trained from random params comes
    close to the optimal test NLL; a GRU with a 1-dimensional latent state does not."""
    out = tmp_path / "sep"
    assert main(["experiment", "separation", "--quick", "-o", str(out), "--workers", "2"]) == 0
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    khrnn = [r["result"] for r in rows if r["config"]["model"] == "khrnn"]
    gru1 = [r["result"] for r in rows if r["config"]["model"] == "gru" and r["config"]["latent"] == 1]
    assert len(khrnn) == 1 and len(gru1) == 1
    assert khrnn[0]["excess_test_nll"] < 0.1
    assert gru1[0]["excess_test_nll"] > 0.3
    assert _png_is_drawn(out / "separation.png")


def test_unreachable_engine_is_a_coded_error(tmp_path, capsys):
    out = tmp_path / "nowhere"
    assert main(["experiment", "cost", "--quick", "-o", str(out), "--address", "tcp://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err
    assert "E0804" in err and "Traceback" not in err
    assert not (out / "report.md").exists()

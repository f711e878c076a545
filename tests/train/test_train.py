"""Training: recovery of generating distributions, the CLI and its outputs, stops (NaN, Ctrl-C),
bad input, and the trainability report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import hrnnc
from hrnnc.cli import main
from hrnnc.data import dataset_from
from hrnnc.diagnostics import Code, ConfigurationError, TrainingError
from hrnnc.ir import initial_param_values
from hrnnc.train.losses import NegativeLogLikelihood

ROOT = Path(__file__).resolve().parents[2]
WEIGHTED = ROOT / "examples/weighted.hrnn"
TRUE = {"a": 1.9, "b": 0.4, "c": -0.6}
INPUTS = ["left right mix end", "right left swap end", "left left right"]
CP = "# one edge\nhrnn cp { qubits 2; degree 2;\n  param g = 0.3;  # the angle\n  on a { phase(g) 0 1; measure x 0 -> y; } }\n"


def sample(model, shots: int, seed: int, params=TRUE) -> list[tuple[str, list[int]]]:
    records = []
    for i, inputs in enumerate(INPUTS):
        for bits in hrnnc.simulate(model, inputs, shots=shots, seed=seed + i, params=params).samples:
            records.append((inputs, [int(c) for c in bits]))
    return records


def write_jsonl(path: Path, records) -> None:
    path.write_text("".join(json.dumps({"inputs": x.split(), "outputs": y}) + "\n" for x, y in records))


def test_training_recovers_the_generating_distribution() -> None:
    """Held-out NLL of the trained params is within 1 % of the held-out NLL at the generating params."""
    model = hrnnc.parse(WEIGHTED)
    result = hrnnc.train(model, sample(model, 400, seed=10), epochs=150, lr=0.1, patience=40, seed=3)
    held_out = NegativeLogLikelihood(model, dataset_from(model, sample(model, 400, seed=1000)))
    trained, generating = held_out(result.params)[0], held_out(TRUE)[0]
    start = held_out(initial_param_values(model))[0]
    assert trained <= 1.01 * generating
    assert start > 1.03 * generating  # the file's values were far from the truth
    assert len(result.losses) == len(result.grad_norms) == len(result.history) >= 1
    assert result.losses[-1] < result.losses[0]


def test_mmd_training_recovers_the_distribution() -> None:
    """MMD (Gaussian kernel) on the CP model: P(0) = (3 + cos g)/4, so the fit must reach the data's P(0)."""
    model = hrnnc.parse(CP)
    records = [("a", [0])] * 700 + [("a", [1])] * 300
    result = hrnnc.train(model, records, loss="mmd", epochs=200, lr=0.05, validation=0.0, patience=0)
    assert (3 + math.cos(result.params["g"])) / 4 == pytest.approx(0.7, abs=2e-3)


def test_cli_writes_the_same_file_with_new_values(tmp_path, capsys) -> None:
    model = hrnnc.parse(WEIGHTED)
    data = tmp_path / "d.jsonl"
    write_jsonl(data, sample(model, 100, seed=5))
    out, pout, log = tmp_path / "t.hrnn", tmp_path / "p.json", tmp_path / "l.jsonl"
    assert main(["train", str(WEIGHTED), str(data), "--epochs", "4", "--lr", "0.1", "-o", str(out),
                 "--params-out", str(pout), "--log", str(log), "--patience", "0"]) == 0
    params = json.loads(pout.read_text())
    original, trained = WEIGHTED.read_text().splitlines(), out.read_text().splitlines()
    changed = [i for i, (a, b) in enumerate(zip(original, trained)) if a != b]
    assert len(original) == len(trained) and changed == [6, 7, 8]
    assert "# trainable edge weights" in trained[6]
    assert initial_param_values(hrnnc.parse(out)) == params
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["epoch"] for e in lines] == [1, 2, 3, 4]
    assert main(["check", str(out)]) == 0
    assert main(["compile", str(out), "-t", "qiskit", "--input", "left"]) == 0


def test_api_result_text_keeps_comments() -> None:
    model = hrnnc.parse(CP)
    result = hrnnc.train(model, [("a", [0])] * 8 + [("a", [1])] * 2, epochs=3, validation=0.0)
    assert result.text().startswith("# one edge\n") and "# the angle" in result.text()
    assert initial_param_values(hrnnc.parse(result.text())) == result.params
    assert initial_param_values(result.model) == result.params


def test_nan_loss_stops_and_keeps_the_last_good_params(tmp_path, capsys) -> None:
    """sqrt(p) has no value for p < 0; a large step drives p below zero."""
    text = "hrnn s { qubits 2; degree 2; param p = 0.05; on a { phase(sqrt(p) * 3) 0 1; measure x 0 -> y; } }"
    model_path = tmp_path / "s.hrnn"
    model_path.write_text(text)
    data = tmp_path / "d.jsonl"
    write_jsonl(data, [("a", [0])] * 10)  # the optimum is p = 0: Adam steps past it
    out = tmp_path / "t.hrnn"
    code = main(["train", str(model_path), str(data), "--lr", "1.0", "--epochs", "50", "--validation", "0",
                 "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "error[E0721]" in err and "after 1 optimiser step(s) (epoch 1)" in err
    kept = initial_param_values(hrnnc.parse(out))["p"]
    assert kept > 0


def test_interrupt_keeps_the_best_params(tmp_path, monkeypatch, capsys) -> None:
    model = hrnnc.parse(CP)
    calls = {"n": 0}
    original = NegativeLogLikelihood.__call__

    def interrupted(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 6:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(NegativeLogLikelihood, "__call__", interrupted)
    result = hrnnc.train(model, [("a", [0])] * 8 + [("a", [1])] * 2, epochs=100, validation=0.0)
    assert result.stopped == "interrupted" and result.diagnostics[0].code is Code.W0701
    assert result.best_epoch >= 1 and result.best_loss < result.initial_loss
    calls["n"] = 0
    path, data, out = tmp_path / "cp.hrnn", tmp_path / "d.jsonl", tmp_path / "t.hrnn"
    path.write_text(CP)
    write_jsonl(data, [("a", [0])] * 8 + [("a", [1])] * 2)
    assert main(["train", str(path), str(data), "--validation", "0", "-o", str(out)]) == 130
    assert "W0701" in capsys.readouterr().err and out.exists()


@pytest.mark.parametrize("content, code", [("", "E0715"), ('{"inputs": ["a"], "outputs": [1]}\n{', "E0710")])
def test_bad_data_writes_nothing(tmp_path, capsys, content, code) -> None:
    path, data, out = tmp_path / "cp.hrnn", tmp_path / "d.jsonl", tmp_path / "t.hrnn"
    path.write_text(CP)
    data.write_text(content)
    assert main(["train", str(path), str(data), "-o", str(out), "--params-out", str(tmp_path / "p.json")]) == 1
    assert f"error[{code}]" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cp.hrnn", "d.jsonl"]


def test_zero_probability_data_is_e0720_and_writes_nothing(tmp_path, capsys) -> None:
    path, data, out = tmp_path / "s.hrnn", tmp_path / "d.jsonl", tmp_path / "t.hrnn"
    path.write_text("hrnn s { qubits 2; degree 2; param g = 0.7; on p { phase(g) 0 1; } "
                    "on s { measure stab(0; g: 0 1) -> y; } }")
    data.write_text('{"inputs": ["p", "s"], "outputs": [1]}\n')
    assert main(["train", str(path), str(data), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "error[E0720]" in err and "line 1" in err and "--loss mmd" in err
    assert not out.exists()


def test_options_are_checked() -> None:
    model = hrnnc.parse(CP)
    for kwargs in ({"lr": 0.0}, {"epochs": 0}, {"batch": 0}, {"validation": 1.0}, {"loss": "l2"}):
        with pytest.raises(ConfigurationError) as info:
            hrnnc.train(model, [("a", [0])], **kwargs)
        assert info.value.diagnostics[0].code is Code.E0722


def test_qumode_nll_trains_a_three_mode_example() -> None:
    """The grid likelihood (tests/train/test_qumode_nll.py) drives hrnnc.train for a 3-mode model: the
    training loss after each epoch is the NLL at that epoch's params, recomputed independently."""
    from hrnnc.train.losses import make_loss

    model = hrnnc.parse(ROOT / "examples/cubic_modes.hrnn")
    data = [("a b read", [0.3, -0.2, 0.4]), ("a b read", [-0.5, 0.6, 0.1])]
    result = hrnnc.train(model, data, epochs=2, validation=0.0, grid_points=16, lr=0.01)
    assert set(result.params) == {"t", "s"} and len(result.history) == 2
    loss = make_loss(model, dataset_from(model, data), "nll", grid_points=16)
    assert result.history[1].train_loss == pytest.approx(loss(result.history[0].params)[0], rel=1e-12)


def test_trainability_report_matches_closed_form(capsys) -> None:
    """CP model, 3 zeros and 1 one: dNLL/dg = (3 sin g/(3 + cos g) − sin g/(1 − cos g))/4 at each random
    g drawn as the report draws them (uniform in [−π, π] from the seed)."""
    from hrnnc.train.report import trainability

    model = hrnnc.parse(CP)
    data = dataset_from(model, [("a", [0])] * 3 + [("a", [1])])
    report = trainability(model, data, samples=12, seed=5)
    rng = np.random.default_rng(5)
    gs = [rng.uniform(-math.pi, math.pi, 1)[0] for _ in range(12)]
    grads = np.array([(3 * math.sin(g) / (3 + math.cos(g)) - math.sin(g) / (1 - math.cos(g))) / 4 for g in gs])
    assert report.samples == 12 and report.mean_grad[0] == pytest.approx(grads.mean(), rel=1e-9)
    assert report.var_grad[0] == pytest.approx(grads.var(), rel=1e-9)
    assert report.var_norm == pytest.approx(np.abs(grads).var(), rel=1e-9)
    assert "pauli algebra" in report.to_text()

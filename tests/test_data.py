"""Sequence data: JSON Lines written by ``hrnnc simulate --format jsonl``, read as a stream, checked
against a model with coded diagnostics."""

from __future__ import annotations

import collections
import json
import os
import threading
from pathlib import Path

import pytest

import hrnnc
from hrnnc.cli import main
from hrnnc.data import dataset_from, load_data, read_records
from hrnnc.diagnostics import TrainingError, render

ROOT = Path(__file__).resolve().parent.parent
WEIGHTED = ROOT / "examples/weighted.hrnn"
CUBIC = ROOT / "examples/cubic_modes.hrnn"


def test_simulate_writes_data_that_loads_back(tmp_path) -> None:
    """The loader's counts are the sampler's counts (same seed → same samples as the API)."""
    out = tmp_path / "d.jsonl"
    assert main(["simulate", str(WEIGHTED), "--input", "left right mix end", "--shots", "300", "--seed", "4",
                 "--format", "jsonl", "-o", str(out)]) == 0
    samples = hrnnc.simulate(WEIGHTED, "left right mix end", shots=300, seed=4).samples
    data = load_data(str(out), hrnnc.parse(WEIGHTED))
    assert data.total == 300
    got = {"".join(map(str, r.outputs)): int(c) for r, c in zip(data.records, data.counts)}
    assert got == dict(collections.Counter(samples))
    assert all(r.inputs == (("left", ()), ("right", ()), ("mix", ()), ("end", ())) for r in data.records)


def test_qumode_data_are_reals(tmp_path) -> None:
    out = tmp_path / "d.jsonl"
    assert main(["simulate", str(CUBIC), "--input", "read read", "--shots", "3", "--seed", "1",
                 "--grid-points", "16", "--format", "jsonl", "-o", str(out)]) == 0
    data = load_data(str(out), hrnnc.parse(CUBIC))
    assert data.total == 3 and all(len(r.outputs) == 4 and all(isinstance(v, float) for v in r.outputs)
                                   for r in data.records)


def test_jsonl_needs_shots(capsys) -> None:
    assert main(["simulate", str(WEIGHTED), "--input", "left", "--format", "jsonl"]) == 2


def test_reading_streams(tmp_path) -> None:
    """The first record arrives before the rest of the file exists (a FIFO the writer holds open)."""
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    release = threading.Event()

    def writer() -> None:
        with open(fifo, "w") as handle:
            handle.write('{"inputs": ["left"], "outputs": [1]}\n')
            handle.flush()
            release.wait(30)
            handle.write('{"inputs": ["end"], "outputs": [0]}\n')

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        stream = read_records(str(fifo))
        first = next(stream)
        assert first.inputs == (("left", ()),) and first.outputs == (1,) and first.line == 1
        release.set()
        rest = list(stream)
        assert [r.line for r in rest] == [2]
    finally:
        release.set()
        thread.join()


BAD = [
    ('{"inputs": ["left"], "outputs": [1]}\n{"inputs": ["left"], "outputs": [1]\n', "E0710", (2, 36)),
    ('{"inputs": ["left", "nope"], "outputs": [1]}\n', "E0712", (1, 21)),
    ('{"inputs": ["left", "end"], "outputs": [1]}\n', "E0713", (1, 29)),
    ('{"inputs": ["left"], "outputs": [0.5]}\n', "E0714", (1, 22)),
    ('{"inputs": ["left"], "outputs": [1.0]}\n', "E0714", (1, 22)),
    ('{"inputs": ["left"], "outputs": [2]}\n', "E0714", (1, 22)),
    ('{"inputs": "left", "outputs": [1]}\n', "E0711", (1, 2)),
    ('{"inputs": [["left", "x"]], "outputs": [1]}\n', "E0711", None),
    ('[1, 2]\n', "E0711", (1, 1)),
    ('{"inputs": ["left"], "outputs": [1], "extra": 1}\n', "E0711", (1, 38)),
    ("", "E0715", None),
    ("\n  \n", "E0715", None),
]


@pytest.mark.parametrize("text, code, position", BAD)
def test_bad_data_is_a_coded_error_at_its_line(tmp_path, text, code, position) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(text)
    with pytest.raises(TrainingError) as info:
        load_data(str(path), hrnnc.parse(WEIGHTED))
    diag = info.value.diagnostics[0]
    assert diag.code.value == code
    if position is not None:
        assert diag.span is not None and diag.span.start_line_col == position
        assert render(diag).startswith(f"{path}:{position[0]}:{position[1]}: error[{code}]")


def test_qumode_output_must_be_a_number(tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"inputs": ["read"], "outputs": [0.5, "x"]}\n')
    with pytest.raises(TrainingError) as info:
        load_data(str(path), hrnnc.parse(CUBIC))
    assert info.value.diagnostics[0].code.value == "E0714"


def test_several_bad_lines_are_reported_together(tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(['{"inputs": ["left"], "outputs": [1]}', "{", '{"inputs": ["zz"], "outputs": []}',
                               '{"inputs": ["left"], "outputs": [3]}']) + "\n")
    with pytest.raises(TrainingError) as info:
        load_data(str(path), hrnnc.parse(WEIGHTED))
    assert [(d.code.value, d.span.start_line_col[0]) for d in info.value.diagnostics] == [("E0710", 2)]
    path.write_text("\n".join(['{"inputs": ["zz"], "outputs": []}', '{"inputs": ["left"], "outputs": [3]}']))
    with pytest.raises(TrainingError) as info:
        load_data(str(path), hrnnc.parse(WEIGHTED))
    assert [(d.code.value, d.span.start_line_col[0]) for d in info.value.diagnostics] == [("E0712", 1), ("E0714", 2)]


def test_in_memory_records() -> None:
    model = hrnnc.parse(WEIGHTED)
    data = dataset_from(model, [("left end", [1, 0]), ("left end", [1, 0]), ({"inputs": ["left"], "outputs": [0]})])
    assert data.total == 3 and len(data) == 2 and list(data.counts) == [2, 1]
    assert json.loads(data.records[0].to_json()) == {"inputs": ["left", "end"], "outputs": [1, 0]}


def test_token_arguments_in_data(tmp_path) -> None:
    model = hrnnc.parse("hrnn t { qubits 2; degree 2; param a = 0.5; on w(x) { phase(a * x) 0 1; "
                        "measure x 0 -> y; } on z { measure z 1 -> y; } }")
    out = tmp_path / "d.jsonl"
    model_path = tmp_path / "t.hrnn"
    model_path.write_text("hrnn t { qubits 2; degree 2; param a = 0.5; on w(x) { phase(a * x) 0 1; "
                          "measure x 0 -> y; } on z { measure z 1 -> y; } }")
    assert main(["simulate", str(model_path), "--input", "w(0.37) z", "--shots", "4", "--seed", "2",
                 "--format", "jsonl", "-o", str(out)]) == 0
    first = json.loads(out.read_text().splitlines()[0])
    assert first["inputs"] == [["w", [0.37]], "z"]
    data = load_data(str(out), model)
    assert data.total == 4 and data.records[0].inputs == (("w", (0.37,)), ("z", ()))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"inputs": ["w", "z"], "outputs": [0, 1]}\n')
    with pytest.raises(TrainingError) as info:
        load_data(str(bad), model)
    diag = info.value.diagnostics[0]
    assert diag.code.value == "E0711" and "takes 1 argument(s) (x)" in diag.message
    assert diag.span.start_line_col == (1, 13)

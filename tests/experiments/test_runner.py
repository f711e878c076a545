"""The sweep runner: every spec once, results as they land, a rerun skips finished keys."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("dask.distributed")

from hrnnc.experiments.runner import RESULTS_FILE, RunSpec, SweepError, finished_keys, read_results, run_sweep  # noqa: E402


def square(spec: RunSpec) -> dict:
    return {"value": spec.config["x"] ** 2 + spec.seed}


def test_keys_depend_on_config_and_seed_only():
    a = RunSpec("e", {"x": 1, "y": 2}, 0)
    assert a.key == RunSpec("e", {"y": 2, "x": 1}, 0).key
    assert a.key != RunSpec("e", {"x": 1, "y": 2}, 1).key != RunSpec("f", {"x": 1, "y": 2}, 0).key


def test_sweep_runs_each_spec_once_and_resumes(tmp_path):
    specs = [RunSpec("sq", {"x": x}, s) for x in range(3) for s in (0, 1)]
    first = list(run_sweep(specs[:4], square, tmp_path, workers=1))
    assert sorted(r["result"]["value"] for r in first) == sorted(x * x + s for x in range(2) for s in (0, 1))
    # An interrupted write leaves a torn line; it is ignored and its run is redone.
    with (tmp_path / RESULTS_FILE).open("a") as handle:
        handle.write('{"key": "torn')
    second = list(run_sweep(specs, square, tmp_path, workers=1))
    assert [r["config"]["x"] for r in second] == [2, 2]
    assert finished_keys(tmp_path) == {s.key for s in specs}
    assert list(run_sweep(specs, square, tmp_path, workers=1)) == []
    rows = read_results(tmp_path, "sq")
    assert {r["key"]: r["result"]["value"] for r in rows} == {s.key: s.config["x"] ** 2 + s.seed for s in specs}


def test_non_finite_results_stay_valid_json(tmp_path):
    def nan_run(spec):  # a local function still pickles with cloudpickle
        return {"value": float("nan"), "big": float("inf")}

    list(run_sweep([RunSpec("nan", {}, 0)], nan_run, tmp_path, workers=1))
    line = (tmp_path / RESULTS_FILE).read_text().strip()
    assert json.loads(line)["result"] == {"value": "nan", "big": "inf"}


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    with pytest.raises(SweepError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        list(run_sweep([RunSpec("sq", {"x": 1}, 0)], square, tmp_path, address="tcp://127.0.0.1:9"))
    assert not (tmp_path / RESULTS_FILE).exists()

"""``hrnnc task hsmt``: the task's data splits and ground-truth model, written to a folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hrnnc.experiments.hsmt import HsmtData, model_text
from hrnnc.experiments.separation import SPLIT_SEEDS, TaskSizes

BYTES_PER_OUTPUT = 24
"""Rough size of one output bit and its query token in a JSON line."""


def record_json(record) -> str:
    inputs: list[Any] = [tok if not args else [tok, list(args)] for tok, args in record.inputs]
    return json.dumps({"inputs": inputs, "outputs": list(record.outputs)}, separators=(",", ":"))


def estimated_bytes(sizes: TaskSizes) -> int:
    """Bytes of the three data files (a preparation token with its argument is about 30 bytes)."""
    per_sequence = 30 * sizes.edges + BYTES_PER_OUTPUT * sizes.length + 30
    return per_sequence * (sizes.train + sizes.validation + sizes.test)


def write_task(sizes: TaskSizes, out_dir: Path, write) -> dict[str, Any]:
    """Write ``train.jsonl``, ``validation.jsonl``, ``test.jsonl``, ``model.hrnn`` and ``task.json``.

    ``write(path, text)`` writes one file atomically. Returns the task's description (also
    written as ``task.json``): sizes, seeds and each split's optimal NLL (the ground-truth
    model's exact mean NLL per sequence, in nats).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"task": "hsmt", **sizes.as_config(), "edges": sizes.edges,
                               "split_seeds": SPLIT_SEEDS, "optimal_nll": {}}
    for name in SPLIT_SEEDS:
        data: HsmtData = sizes.split(name)
        write(str(out_dir / f"{name}.jsonl"), "\n".join(record_json(r) for r in data.records) + "\n")
        summary["optimal_nll"][name] = data.optimal_nll
    write(str(out_dir / "model.hrnn"), model_text(sizes.n, sizes.k))
    write(str(out_dir / "task.json"), json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return summary


__all__ = ["estimated_bytes", "record_json", "write_task"]

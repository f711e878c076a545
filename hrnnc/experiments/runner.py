"""Sweeps of independent runs on Dask, keyed by configuration, resumable.

Every run is a pure function of its :class:`RunSpec` (experiment name, configuration, seed).
Its key is a digest of the spec's canonical JSON; results are appended, one JSON line per
finished run, to ``results.jsonl`` in the output folder as each run completes, so an
interrupted sweep loses only the runs in flight and a rerun skips every key already there.

The runs go to a ``dask.distributed`` client: a local cluster of worker processes by default,
or the scheduler at ``address`` when one is given, so the same sweep runs unchanged on a
cluster.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

RESULTS_FILE = "results.jsonl"


@dataclass(frozen=True)
class RunSpec:
    experiment: str
    config: Mapping[str, Any] = field(hash=False)
    seed: int = 0

    @property
    def key(self) -> str:
        canonical = json.dumps({"experiment": self.experiment, "config": dict(self.config), "seed": self.seed},
                               sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def as_json(self) -> dict[str, Any]:
        return {"experiment": self.experiment, "config": dict(self.config), "seed": self.seed, "key": self.key}


class SweepError(Exception):
    """The sweep cannot start or its engine failed (message for the user)."""


def finished_keys(out_dir: Path) -> set[str]:
    """Keys of the runs already recorded (a torn last line from a crash is ignored)."""
    path = out_dir / RESULTS_FILE
    keys: set[str] = set()
    if not path.exists():
        return keys
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                keys.add(json.loads(line)["key"])
            except (ValueError, KeyError, TypeError):
                continue
    return keys


def read_results(out_dir: Path, experiment: str | None = None) -> list[dict[str, Any]]:
    path = out_dir / RESULTS_FILE
    rows: list[dict[str, Any]] = []
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if experiment is None or row.get("experiment") == experiment:
                    rows.append(row)
    return rows


def _finite(value: Any) -> Any:
    """JSON has no inf/NaN: write them as strings so every line stays valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _append(out_dir: Path, row: Mapping[str, Any]) -> None:
    line = json.dumps(_finite(dict(row)), sort_keys=True, allow_nan=False) + "\n"
    path = out_dir / RESULTS_FILE
    with path.open("ab") as handle:
        # A run killed mid-write leaves a torn last line: end it, so this record stands alone.
        if handle.tell() > 0:
            with path.open("rb") as reader:
                reader.seek(-1, os.SEEK_END)
                if reader.read(1) != b"\n":
                    line = "\n" + line
        handle.write(line.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())


def _client(address: str | None, workers: int | None):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - the extra declares it
        raise SweepError("the experiments need Dask: pip install 'hrnnc[experiments]'") from exc
    if address:
        try:
            return Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise SweepError(f"no Dask scheduler answers at {address}: {exc}") from None
    cluster = LocalCluster(n_workers=workers or max(1, min(4, os.cpu_count() or 1)), threads_per_worker=1,
                           processes=True, dashboard_address=None)
    return Client(cluster)


def run_sweep(
    specs: Iterable[RunSpec],
    run: Callable[[RunSpec], Mapping[str, Any]],
    out_dir: Path,
    *,
    address: str | None = None,
    workers: int | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Run every spec whose key is not yet in ``out_dir``; yield each new result row as it lands.

    ``run`` must be a module-level function (it is pickled to the workers).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    done = finished_keys(out_dir)
    todo = [s for s in specs if s.key not in done]
    if not todo:
        return
    client = _client(address, workers)
    try:
        from dask.distributed import as_completed

        futures = {client.submit(run, spec, key=f"hrnnc-{spec.key}", pure=False): spec for spec in todo}
        for future in as_completed(futures):
            spec = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the run's own error, raised again here by Dask
                raise SweepError(f"run {spec.key} ({spec.experiment}, {dict(spec.config)}, seed {spec.seed}) "
                                 f"failed: {type(exc).__name__}: {exc}; finished runs are kept, and a rerun "
                                 "resumes") from exc
            row = {**spec.as_json(), "result": result}
            _append(out_dir, row)
            if on_result:
                on_result(row)
            yield row
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and address is None:
            cluster.close()


__all__ = ["RESULTS_FILE", "RunSpec", "SweepError", "finished_keys", "read_results", "run_sweep"]

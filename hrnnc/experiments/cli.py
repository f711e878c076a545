"""``hrnnc task`` and ``hrnnc experiment``: argument parsing and rendering only.

This module imports nothing heavy at import time (``hrnnc --help`` loads it); the work and its
dependencies (the ``experiments`` extra) load when a command runs.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

EXPERIMENT_NAMES = ("separation", "trainability", "cost")
SPLIT_FRACTIONS = (0.7, 0.15, 0.15)
"""``--sequences S`` is split into train, validation and test in these proportions."""


def add_parsers(sub, natural_int, positive_int) -> None:
    p = sub.add_parser("task", help="write a task's data splits and ground-truth model (HSMT)")
    p.add_argument("task", choices=("hsmt",), help="the task (the (l, n, k) hypergraph-state measurement task)")
    p.add_argument("--n", type=positive_int, required=True, help="qubits")
    p.add_argument("--k", type=positive_int, required=True, help="largest hyperedge (2 ≤ k ≤ n)")
    p.add_argument("--length", type=positive_int, required=True,
                   help="sequence length l: D preparation tokens then l − D queries")
    p.add_argument("--sequences", type=positive_int, default=1000,
                   help="sequences in all, split 70/15/15 into train/validation/test (default 1000)")
    p.add_argument("--seed", type=natural_int, default=0, help="data seed (default 0)")
    p.add_argument("-o", "--output", metavar="DIR", required=True, help="folder for the files")

    p = sub.add_parser("experiment", help="run one of the k-HRNN experiments (a resumable Dask sweep)")
    p.add_argument("name", choices=EXPERIMENT_NAMES)
    p.add_argument("--quick", action="store_true", help="the small grid (a few minutes; what CI runs)")
    p.add_argument("-o", "--output", metavar="DIR", default=None,
                   help="results folder (default: experiments/NAME[-quick]); a rerun skips finished runs")
    p.add_argument("--address", metavar="HOST:PORT", default=None,
                   help="a Dask scheduler to run on (default: local worker processes)")
    p.add_argument("--workers", type=positive_int, default=None, help="local worker processes")
    p.add_argument("--tasks", type=_tasks, default=None, metavar="N:K,…",
                   help="separation only: the (n, k) pairs to run (default: the whole grid)")
    p.add_argument("--seeds", type=positive_int, default=None, help="seeds per configuration "
                   "(default: 1 with --quick, else 3)")


def _tasks(text: str) -> tuple[tuple[int, int], ...]:
    try:
        pairs = tuple(tuple(int(x) for x in item.split(":")) for item in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N:K pairs separated by commas, not {text!r}") from None
    if any(len(p) != 2 or not 2 <= p[1] <= p[0] for p in pairs):
        raise argparse.ArgumentTypeError(f"each pair needs 2 ≤ K ≤ N: {text!r}")
    return pairs  # type: ignore[return-value]


def _error(code: str, message: str):
    from hrnnc.diagnostics import Code, HrnncError, error

    return HrnncError([error(getattr(Code, code), message)])


def cmd_task(args: argparse.Namespace, write) -> int:
    from hrnnc.experiments.hsmt import MAX_QUBITS, hyperedges
    from hrnnc.experiments.separation import TaskSizes
    from hrnnc.experiments.task import estimated_bytes, write_task
    from hrnnc.sim.memory import available_bytes

    if not 2 <= args.k <= args.n:
        raise _error("E0801", f"the HSMT task needs 2 ≤ k ≤ n; got n = {args.n}, k = {args.k}")
    if args.n > MAX_QUBITS:
        raise _error("E0802", f"n = {args.n} needs 2^{args.n} amplitudes per sequence to sample; "
                              f"the task generator takes n ≤ {MAX_QUBITS}")
    edges = len(hyperedges(args.n, args.k))
    if args.length <= edges:
        raise _error("E0801", f"length {args.length} leaves no query: the preparation segment alone has "
                              f"D = {edges} tokens for n = {args.n}, k = {args.k}; use --length > {edges}")
    if args.sequences < 3:
        raise _error("E0801", "--sequences must be at least 3 (one per split)")
    train = max(1, math.floor(args.sequences * SPLIT_FRACTIONS[0]))
    validation = max(1, math.floor(args.sequences * SPLIT_FRACTIONS[1]))
    sizes = TaskSizes(args.n, args.k, args.length, train, validation, args.sequences - train - validation,
                      args.seed)
    need, have = estimated_bytes(sizes), available_bytes()
    if need > have:
        raise _error("E0802", f"the data would take about {need:,} bytes, but only {have:,} are available")
    summary = write_task(sizes, Path(args.output), write)
    print(f"wrote {args.output}: train {train}, validation {validation}, test {sizes.test} sequences; "
          f"optimal test NLL {summary['optimal_nll']['test']:.6f} nats/sequence", file=sys.stderr)
    return 0


def cmd_experiment(args: argparse.Namespace, write) -> int:
    try:
        from hrnnc.experiments.experiments import EXPERIMENTS
        from hrnnc.experiments.runner import SweepError, read_results, run_sweep
    except ImportError as exc:
        raise _error("E0803", f"the experiments need the 'experiments' extra ({exc.name} is missing): "
                              "pip install 'hrnnc[experiments]'") from None
    make_specs, run, report = EXPERIMENTS[args.name]
    out_dir = Path(args.output or f"experiments/{args.name}{'-quick' if args.quick else ''}")
    if args.tasks and args.name != "separation":
        raise _error("E0801", "--tasks selects (n, k) pairs of the separation experiment only")
    specs = make_specs(args.quick, args.tasks, args.seeds)
    total = len(specs)

    def progress(row) -> None:
        print(f"  done {row['key']} {row['config']} seed {row['seed']}", file=sys.stderr)

    try:
        new = list(run_sweep(specs, run, out_dir, address=args.address, workers=args.workers, on_result=progress))
    except SweepError as exc:
        raise _error("E0804", str(exc)) from None
    keys = {s.key for s in specs}
    rows = [r for r in read_results(out_dir, args.name) if r["key"] in keys]
    text = f"# hrnnc experiment {args.name}{' --quick' if args.quick else ''}\n\n" + report(rows, out_dir)
    write(str(out_dir / "report.md"), text)
    print(f"{args.name}: {len(new)} new run(s), {total - len(new)} already done; "
          f"report in {out_dir / 'report.md'}", file=sys.stderr)
    return 0


__all__ = ["EXPERIMENT_NAMES", "add_parsers", "cmd_experiment", "cmd_task"]

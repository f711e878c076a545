"""The (ℓ, n, k) hypergraph-state measurement task (HSMT), as hrnnc reconstructs it.

The paper's body was not available, so this is hrnnc's own, documented reconstruction
(docs/experiments.md): ``n`` qubits start in ``|+⟩^n``; a preparation segment gives every
hyperedge ``e`` with ``1 ≤ |e| ≤ k`` a weight ``x_e`` drawn uniformly from ``[0, 2π)``, one token
``w…(x)`` per edge in a fixed order (``D = Σ_{j=1}^{k} C(n, j)`` tokens); a query segment of
``ℓ`` tokens measures ``X_v`` or ``Z_v`` of uniformly random vertices, in sequence, on the
collapsing state. The query bits are the targets.

The sampler here is a small dense statevector of its own, independent of hrnnc's simulator, so
that the data and the ground-truth model's NLL can be checked against each other.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from hrnnc.experiments.baselines import Record

MAX_QUBITS = 20
"""The dense sampler holds ``2^n`` complex amplitudes per sequence."""


@dataclass(frozen=True, slots=True)
class HsmtConfig:
    n: int
    k: int
    queries: int
    """Query tokens per sequence (the sequence is ``D`` preparation tokens, then these)."""
    sequences: int
    seed: int = 0

    def __post_init__(self) -> None:
        if not 2 <= self.k <= self.n:
            raise ValueError(f"need 2 ≤ k ≤ n, got n = {self.n}, k = {self.k}")
        if self.n > MAX_QUBITS:
            raise ValueError(f"n = {self.n} needs 2^{self.n} amplitudes per sequence; "
                             f"the task sampler takes n ≤ {MAX_QUBITS}")
        if self.queries < 1 or self.sequences < 1:
            raise ValueError("the query length and the number of sequences must be positive")


def hyperedges(n: int, k: int) -> tuple[tuple[int, ...], ...]:
    """Every edge with ``1 ≤ |e| ≤ k``, by size, then lexicographically."""
    return tuple(e for size in range(1, k + 1) for e in itertools.combinations(range(n), size))


def edge_token(edge: tuple[int, ...]) -> str:
    return "w" + "_".join(map(str, edge))


def model_text(n: int, k: int) -> str:
    """The ground-truth k-HRNN of the task: it solves it exactly with ``n`` qubits."""
    lines = [f"# (l, {n}, {k})-HSMT ground truth: one weighted edge per preparation token,",
             "# X and Z queries on every vertex (hrnnc's reconstruction, docs/experiments.md).",
             f"hrnn hsmt_n{n}_k{k} {{", f"  qubits {n};", f"  degree {k};", ""]
    for edge in hyperedges(n, k):
        lines.append(f"  on {edge_token(edge)}(x) {{ phase(x) {' '.join(map(str, edge))}; }}")
    lines.append("")
    for v in range(n):
        lines.append(f"  on x{v} {{ measure x {v} -> y; }}")
        lines.append(f"  on z{v} {{ measure z {v} -> y; }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def trainable_model_text(n: int, k: int, seed: int, scale: tuple[float, float] = (0.5, 1.5),
                         offset: tuple[float, float] = (-0.5, 0.5)) -> str:
    """The k-HRNN that the separation experiment trains: ``phase(a_e * x + b_e) e`` per edge.

    Its params start at random: ``a_e ~ U(scale)``, ``b_e ~ U(offset)`` (seeded). The ground
    truth is ``a_e = 1, b_e = 0`` (and, as complex conjugation leaves X and Z statistics
    unchanged, ``a_e = −1, b_e = 0``).
    """
    rng = np.random.default_rng(seed)
    edges = hyperedges(n, k)
    scales = rng.uniform(*scale, size=len(edges))
    offsets = rng.uniform(*offset, size=len(edges))
    lines = [f"# Trainable k-HRNN for the (l, {n}, {k})-HSMT task, random initial params (seed {seed}).",
             f"hrnn hsmt_n{n}_k{k}_trainable {{", f"  qubits {n};", f"  degree {k};", ""]
    for edge, a, b in zip(edges, scales, offsets):
        name = edge_token(edge)[1:]
        lines.append(f"  param a{name} = {a:.6f};")
        lines.append(f"  param b{name} = {b:.6f};")
    lines.append("")
    for edge in edges:
        name = edge_token(edge)[1:]
        lines.append(f"  on {edge_token(edge)}(x) {{ phase(a{name} * x + b{name}) {' '.join(map(str, edge))}; }}")
    lines.append("")
    for v in range(n):
        lines.append(f"  on x{v} {{ measure x {v} -> y; }}")
        lines.append(f"  on z{v} {{ measure z {v} -> y; }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _bit_masks(n: int) -> np.ndarray:
    index = np.arange(1 << n)
    return ((index[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)


def _measure(psi: np.ndarray, bits: np.ndarray, v: int, basis: str, rng) -> tuple[np.ndarray, int, float]:
    """Measure ``X_v`` or ``Z_v``; returns the collapsed state, the bit and its probability."""
    if basis == "x":
        psi = _hadamard(psi, v)
    one = bits[:, v]
    p1 = float(np.sum(np.abs(psi[one]) ** 2))
    bit = int(rng.random() < p1)
    keep = one if bit else ~one
    psi = np.where(keep, psi, 0.0)
    prob = p1 if bit else 1.0 - p1
    psi = psi / math.sqrt(prob)
    if basis == "x":
        psi = _hadamard(psi, v)
    return psi, bit, prob


def _hadamard(psi: np.ndarray, v: int) -> np.ndarray:
    n = int(psi.size).bit_length() - 1
    shaped = psi.reshape((2,) * n)            # axis n-1-v is site v (little-endian index)
    axis = n - 1 - v
    a, b = np.take(shaped, 0, axis=axis), np.take(shaped, 1, axis=axis)
    return np.stack(((a + b) / math.sqrt(2), (a - b) / math.sqrt(2)), axis=axis).reshape(-1)


@dataclass(frozen=True)
class HsmtData:
    config: HsmtConfig
    records: tuple[Record, ...]
    log_likelihoods: tuple[float, ...]
    """Each sequence's exact log-probability under the ground-truth model (natural log)."""

    @property
    def optimal_nll(self) -> float:
        """Mean NLL per sequence of the ground-truth model on these sequences (nats)."""
        return -float(np.mean(self.log_likelihoods))


def sample(config: HsmtConfig) -> HsmtData:
    """Draw the task's sequences and their outcomes from an independent dense simulation."""
    rng = np.random.default_rng(config.seed)
    edges = hyperedges(config.n, config.k)
    bits = _bit_masks(config.n)
    records, logs = [], []
    for _ in range(config.sequences):
        weights = rng.uniform(0.0, 2.0 * math.pi, size=len(edges))
        f = np.zeros(1 << config.n)
        for edge, w in zip(edges, weights):
            f += w * np.all(bits[:, list(edge)], axis=1)
        psi = np.exp(1j * f) / math.sqrt(1 << config.n)
        inputs = [(edge_token(e), (float(w),)) for e, w in zip(edges, weights)]
        outputs, log = [], 0.0
        for _ in range(config.queries):
            v = int(rng.integers(config.n))
            basis = "x" if rng.random() < 0.5 else "z"
            psi, bit, prob = _measure(psi, bits, v, basis, rng)
            inputs.append((f"{basis}{v}", ()))
            outputs.append(bit)
            log += math.log(prob)
        records.append(Record(tuple(inputs), tuple(outputs)))
        logs.append(log)
    return HsmtData(config, tuple(records), tuple(logs))


__all__ = ["HsmtConfig", "HsmtData", "MAX_QUBITS", "edge_token", "hyperedges", "model_text", "sample", "trainable_model_text"]

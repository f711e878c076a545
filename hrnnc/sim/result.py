"""The simulator's result object and its JSON and text renderings.

JSON shapes (``SimulationResult.to_json()``):

* qubits, exact: ``{"model", "kind": "qubits", "inputs": [...], "outputs": [...],
  "exact": true, "distribution": {"0110": 0.25, ...}}`` — bit strings in time order,
  leftmost = first measurement, only outcomes of nonzero probability;
* qubits, shots: ``{..., "exact": false, "shots": N, "seed": S, "samples": ["0110", ...]}``;
* qumodes, shots: ``{..., "kind": "qumodes", "exact": false, "shots", "seed", "squeezing",
  "grid_points", "extent", "samples": [[y_1, ..., y_m], ...]}`` — one list of real
  homodyne/stabilizer outcomes per shot, in time order;
* qumodes, no shots: ``{..., "exact": true, "squeezing", "grid_points", "extent",
  "conditioned_on": [c_1, ..., c_{m-1}], "densities": [{"output": name, "mean": μ,
  "std": σ, "values": [...], "density": [...]}, ...]}`` — entry ``t`` is the density of
  ``y_t`` given ``y_s = c_s`` for ``s < t``, on a coarse grid of ``values`` (see
  :func:`hrnnc.sim.qumode.output_densities` for the choice of ``c``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping

COARSE_POINTS = 21
"""Points per output in the qumode density table."""


@dataclass(frozen=True)
class OutputDensity:
    """The density of one real output on a coarse grid."""

    output: str
    """The output's name."""
    values: tuple[float, ...]
    """Grid of outcome values (evenly spaced)."""
    density: tuple[float, ...]
    """Probability density at each value."""
    mean: float
    """Mean of the (fine-grid) density."""
    std: float
    """Standard deviation of the (fine-grid) density."""

    def to_json(self) -> dict[str, Any]:
        return {"output": self.output, "mean": self.mean, "std": self.std,
                "values": list(self.values), "density": list(self.density)}


@dataclass(frozen=True)
class SimulationResult:
    """What :func:`hrnnc.sim.run_simulation` returns."""

    model: str
    """Model name."""
    kind: str
    """``"qubits"`` or ``"qumodes"``."""
    inputs: tuple[str, ...]
    """The input tokens."""
    outputs: tuple[str, ...]
    """Output names of the measurements, in time order (names may repeat)."""
    shots: int | None = None
    """Number of shots, or None for the exact result."""
    seed: int | None = None
    """The sampling seed, if any."""
    distribution: Mapping[str, float] | None = None
    """Qubits, exact: ``{bits: probability}``."""
    samples: tuple[Any, ...] | None = None
    """Shots: bit strings (qubits) or tuples of floats (qumodes)."""
    densities: tuple[OutputDensity, ...] | None = None
    """Qumodes, no shots: the per-output density table."""
    conditioned_on: tuple[float, ...] = ()
    """Qumodes, no shots: the earlier outcome values the densities are conditioned on."""
    options: Mapping[str, float] = field(default_factory=dict)
    """Simulator options used (qumodes: ``squeezing``, ``grid_points``, ``extent``)."""

    @property
    def exact(self) -> bool:
        return self.shots is None

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready dict described in the module docstring."""
        out: dict[str, Any] = {"model": self.model, "kind": self.kind, "inputs": list(self.inputs),
                               "outputs": list(self.outputs), "exact": self.exact}
        out.update(self.options)
        if self.exact:
            if self.distribution is not None:
                out["distribution"] = dict(self.distribution)
            if self.densities is not None:
                out["conditioned_on"] = list(self.conditioned_on)
                out["densities"] = [d.to_json() for d in self.densities]
        else:
            out["shots"] = self.shots
            out["seed"] = self.seed
            samples = self.samples or ()
            out["samples"] = [s if isinstance(s, str) else list(s) for s in samples]
        return out

    def to_text(self) -> str:
        """A human-readable table (no plots)."""
        head = f"model {self.model} ({self.kind}); inputs: {_word_list(self.inputs)}"
        lines = [head, f"outputs (time order): {_word_list(self.outputs)}"]
        if self.options:
            lines.append("options: " + ", ".join(f"{k}={v:g}" for k, v in self.options.items()))
        if self.distribution is not None:
            lines.extend(_distribution_table(self.distribution))
        elif self.densities is not None:
            lines.extend(_density_tables(self.densities, self.conditioned_on))
        elif self.samples is not None and self.kind == "qubits":
            lines.extend(_counts_table(self.samples, self.seed))
        elif self.samples is not None:
            lines.extend(_real_samples_table(self.samples, self.outputs, self.seed))
        return "\n".join(lines)


MAX_WORDS_SHOWN = 24
"""Longer input/output lists are shown as their first and last words and a count (text only)."""
MAX_BITS_SHOWN = 64
"""Longer outcome strings are shown as their first 40 and last 16 bits (text only; JSON is complete)."""


def _word_list(words: tuple[Any, ...]) -> str:
    texts = [str(w) for w in words]
    if len(texts) <= MAX_WORDS_SHOWN:
        return " ".join(texts) or "(none)"
    return (f"{' '.join(texts[:16])} … {' '.join(texts[-6:])} ({len(texts):,} in all; "
            "--format json lists every one)")


def _bits_label(bits: str) -> str:
    if len(bits) > MAX_BITS_SHOWN:
        return f"{bits[:40]}…{bits[-16:]}"
    return bits if bits else "(empty)"


def _shortened_note(keys: Any) -> list[str]:
    if any(len(k) > MAX_BITS_SHOWN for k in keys):
        return [f"(outcomes longer than {MAX_BITS_SHOWN} bits show their first 40 and last 16 bits; "
                "--format json has them in full)"]
    return []


def _distribution_table(dist: Mapping[str, float]) -> list[str]:
    width = max([7] + [len(_bits_label(b)) for b in dist])
    lines = [f"{'outcome':<{width}}  probability"]
    lines += [f"{_bits_label(b):<{width}}  {p:.6f}" for b, p in dist.items()]
    return lines + _shortened_note(dist)


def _counts_table(samples: tuple[Any, ...], seed: int | None) -> list[str]:
    counts = Counter(samples)
    total = max(1, len(samples))
    width = max([7] + [len(_bits_label(b)) for b in counts])
    lines = [f"{len(samples)} shots, seed {seed}", f"{'outcome':<{width}}  {'count':>7}  frequency"]
    for bits, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"{_bits_label(bits):<{width}}  {c:>7}  {c / total:.4f}")
    return lines + _shortened_note(counts)


def _real_samples_table(samples: tuple[Any, ...], outputs: tuple[str, ...], seed: int | None) -> list[str]:
    lines = [f"{len(samples)} shots, seed {seed}", f"{'output':<10} {'mean':>10} {'std':>10}"]
    for t, name in enumerate(outputs):
        column = [float(s[t]) for s in samples]
        if not column:
            continue
        mean = sum(column) / len(column)
        var = sum((x - mean) ** 2 for x in column) / max(1, len(column) - 1)
        lines.append(f"{name:<10} {mean:>10.4f} {var ** 0.5:>10.4f}")
    shown = samples[:10]
    if shown:
        lines.append("first shots:")
        lines += ["  " + _word_list(tuple(f"{float(y):+.4f}" for y in s)) for s in shown]
    return lines


def _density_tables(densities: tuple[OutputDensity, ...], conditioned_on: tuple[float, ...]) -> list[str]:
    lines: list[str] = []
    for t, d in enumerate(densities):
        cond = ", ".join(f"{c:+.4f}" for c in conditioned_on[:t])
        given = f" given earlier outputs = ({cond})" if t else ""
        lines.append(f"output {t + 1} '{d.output}': mean {d.mean:+.4f}, std {d.std:.4f}{given}")
        lines.append(f"  {'value':>9}  {'density':>9}")
        lines += [f"  {v:+9.4f}  {p:9.5f}" for v, p in zip(d.values, d.density)]
    return lines


__all__ = ["COARSE_POINTS", "OutputDensity", "SimulationResult"]

"""Exact qubit k-HRNN simulator: output distributions, seeded shots, diagonals, final states.

Semantics are those of DESIGN §2 (see :mod:`hrnnc.sim.program` for the lowering).
Runs with mid-circuit measurements are walked as a *branch tree*, depth first:

* :func:`exact_distribution` follows every outcome with nonzero probability
  (conditional probability above :data:`PRUNE`) and adds up leaf probabilities;
* :func:`sample` carries a shot count down the tree and splits it binomially at
  each measurement, so each distinct outcome prefix is simulated once. The branch
  with fewer shots is explored first and the other is parked as a half-size
  vector, which bounds the parked vectors by ``log2(shots) + 1``.

Memory is checked before the statevector is allocated (E0601).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import numpy as np

from hrnnc.diagnostics import Code, SimulationError, error
from hrnnc.ir import RegisterKind
from hrnnc.sim.memory import format_bytes, require_memory
from hrnnc.sim.program import DiagBlock, Op, Split, count_recorded, lower_qubit_run
from hrnnc.sim.progress import Progress
from hrnnc.sim.statevector import ITEMSIZE, Branch, apply_diag, materialize, plus_state, split

if TYPE_CHECKING:
    from hrnnc.ir import Model

PRUNE = 1e-13
"""Branches whose conditional probability is at most this are treated as impossible."""
MAX_OUTCOMES = 1 << 20
"""Largest number of distinct outcome strings :func:`exact_distribution` will tabulate."""


def _state_bytes(n: int) -> int:
    return ITEMSIZE << n


def check_memory(n: int, parked_halves: int = 0) -> None:
    """Raise E0601 unless a working statevector, its split scratch and parked halves fit.

    Args:
        n: Number of qubits.
        parked_halves: Half-size vectors kept for pending branches.
    """
    needed = 2 * _state_bytes(n) + parked_halves * (_state_bytes(n) // 2)
    require_memory(needed, f"a {n}-qubit statevector (2^{n} amplitudes, {format_bytes(_state_bytes(n))} each)")


def _lower(model: Model, tokens: str | Iterable[str], params: Mapping[str, float] | None) -> tuple[Op, ...]:
    if model.kind is not RegisterKind.QUBITS:
        raise ValueError(f"model '{model.name}' has qumodes; use hrnnc.sim.qumode")
    return lower_qubit_run(model, tokens, params)


def _live(branches: list[Branch]) -> list[tuple[Branch, float]]:
    """Branches with their conditional probabilities, impossible ones removed."""
    total = sum(b.weight for b in branches)
    if total <= 0.0:
        raise SimulationError([error(Code.E0601, "the state vanished (norm 0); numerical underflow")])
    out = [(b, b.weight / total) for b in branches]
    return [(b, p) for b, p in out if p > PRUNE]


def _enter(psi: np.ndarray, op: Split, branch: Branch) -> None:
    materialize(psi, op, branch, 1.0 / math.sqrt(branch.weight))


def exact_distribution(
    model: Model,
    tokens: str | Iterable[str],
    params: Mapping[str, float] | None = None,
    *,
    progress: bool = False,
) -> dict[str, float]:
    """The exact output distribution ``P(y_1 … y_m | x_1 … x_ℓ)``.

    Args:
        model: A checked qubit model.
        tokens: Input tokens (a string is split on whitespace).
        params: Param values overriding the initial values.
        progress: Show a progress bar on stderr (only on a terminal).

    Returns:
        ``{bits: probability}`` with bits in time order (leftmost = first measurement),
        only outcomes with probability > 0, sorted by bit string; ``{"": 1.0}`` when
        nothing is measured.

    Raises:
        SimulationError: E0601 when the statevector does not fit in memory, or the
            table would exceed :data:`MAX_OUTCOMES` entries.
        ParseFailedError: An input token has no ``on`` block (E0218).
    """
    ops = _lower(model, tokens, params)
    n = model.size
    check_memory(n, parked_halves=min(count_splits(ops), 4))
    psi = plus_state(n)
    out: dict[str, float] = {}
    stack: list[tuple[int, str, float, Split | None, Branch | None]] = [(0, "", 1.0, None, None)]
    done = 0.0
    with Progress("exact", progress) as bar:
        while stack:
            start, bits, prob, op0, branch0 = stack.pop()
            if op0 is not None and branch0 is not None:
                _enter(psi, op0, branch0)
            for i in range(start, len(ops)):
                op = ops[i]
                if isinstance(op, DiagBlock):
                    apply_diag(psi, op)
                    continue
                live = _live(split(psi, op))
                for branch, p in live[1:]:
                    stack.append((i + 1, bits + (str(branch.bit) if op.recorded else ""), prob * p, op, branch))
                first, p = live[0]
                _enter(psi, op, first)
                prob *= p
                if op.recorded:
                    bits += str(first.bit)
            out[bits] = out.get(bits, 0.0) + prob
            if len(out) > MAX_OUTCOMES:
                raise SimulationError([error(
                    Code.E0601, f"the exact distribution has more than {MAX_OUTCOMES:,} outcomes; "
                    "sample shots instead")])
            done += prob
            bar.update(done)
    total = sum(out.values())
    return {k: v / total for k, v in sorted(out.items())}


def count_splits(ops: Sequence[Op]) -> int:
    return sum(1 for op in ops if isinstance(op, Split))


def sample(
    model: Model,
    tokens: str | Iterable[str],
    shots: int,
    seed: int | None = None,
    params: Mapping[str, float] | None = None,
    *,
    progress: bool = False,
) -> list[str]:
    """``shots`` independent output bit strings (time order), reproducible for a seed.

    The shot count is split binomially at each measurement (exactly the law of
    independent shots), each distinct outcome prefix is simulated once, and the
    result is shuffled so that the list order carries no information.

    Raises:
        SimulationError: E0601 when the statevectors do not fit in memory.
        ValueError: ``shots`` is negative.
    """
    if shots < 0:
        raise ValueError("shots must be non-negative")
    ops = _lower(model, tokens, params)
    n = model.size
    check_memory(n, parked_halves=min(count_splits(ops), int(math.log2(shots + 1)) + 1))
    rng = np.random.default_rng(seed)
    if shots == 0:
        return []
    psi = plus_state(n)
    results: list[str] = []
    stack: list[tuple[int, str, int, Split | None, Branch | None]] = [(0, "", shots, None, None)]
    with Progress("sampling", progress) as bar:
        while stack:
            start, bits, count, op0, branch0 = stack.pop()
            if op0 is not None and branch0 is not None:
                _enter(psi, op0, branch0)
            for i in range(start, len(ops)):
                op = ops[i]
                if isinstance(op, DiagBlock):
                    apply_diag(psi, op)
                    continue
                live = _live(split(psi, op))
                counts = _split_counts(rng, count, [p for _, p in live])
                chosen = [(c, b) for c, (b, _) in zip(counts, live) if c > 0]
                chosen.sort(key=lambda cb: cb[0])
                for c, branch in chosen[1:]:
                    stack.append((i + 1, bits + (str(branch.bit) if op.recorded else ""), c, op, branch))
                count, first = chosen[0]
                _enter(psi, op, first)
                if op.recorded:
                    bits += str(first.bit)
            results.extend([bits] * count)
            bar.update(len(results) / shots)
    order = rng.permutation(len(results))
    return [results[i] for i in order]


def _split_counts(rng: np.random.Generator, count: int, probs: list[float]) -> list[int]:
    if len(probs) == 1:
        return [count]
    p = np.asarray(probs, dtype=float)
    return [int(c) for c in rng.multinomial(count, p / p.sum())]


def phase_diagonal(
    model: Model, tokens: str | Iterable[str], params: Mapping[str, float] | None = None
) -> np.ndarray:
    """The diagonal of the unitary of a measurement- and reset-free run.

    Returns:
        Complex array of length ``2**n``; entry ``x`` is ``exp(i Σ γ_e ∏_{j∈e} x_j)``
        with site ``j`` as bit ``j`` of ``x``.

    Raises:
        ValueError: The run measures or resets.
        SimulationError: E0601 when the vector does not fit in memory.
    """
    ops = _lower(model, tokens, params)
    if any(isinstance(op, Split) for op in ops):
        raise ValueError("the run measures or resets; its map is not a diagonal unitary")
    n = model.size
    require_memory(_state_bytes(n), f"a {n}-qubit diagonal")
    diag = np.ones((2,) * n, dtype=np.complex128)
    for op in ops:
        apply_diag(diag, op)  # type: ignore[arg-type]
    return diag.reshape(-1)


def final_state(
    model: Model,
    tokens: str | Iterable[str],
    outcomes: str | Sequence[int] | None = None,
    params: Mapping[str, float] | None = None,
) -> np.ndarray:
    """The normalized statevector after the run, conditioned on the measured bits.

    Args:
        model: A checked qubit model.
        tokens: Input tokens.
        outcomes: The measured bits in time order (``"0110"`` or ``[0, 1, 1, 0]``);
            required iff the run measures.
        params: Param values overriding the initial values.

    Returns:
        Complex array of length ``2**n`` (index convention of :mod:`hrnnc.sim.conventions`),
        unit norm, global phase as produced by the lowering.

    Raises:
        ValueError: Wrong number of outcome bits, an outcome of probability 0, or a
            ``reset`` of a site entangled with the rest (the state would be mixed).
        SimulationError: E0601 when the statevector does not fit in memory.
    """
    ops = _lower(model, tokens, params)
    m = count_recorded(ops)
    bits = [] if outcomes is None else [int(c) for c in outcomes]
    if any(b not in (0, 1) for b in bits):
        raise ValueError("outcome bits must be 0 or 1")
    if len(bits) != m:
        raise ValueError(f"the run measures {m} time(s); got {len(bits)} outcome bit(s)")
    n = model.size
    check_memory(n)
    psi = plus_state(n)
    position = 0
    for op in ops:
        if isinstance(op, DiagBlock):
            apply_diag(psi, op)
            continue
        branches = split(psi, op)
        total = sum(b.weight for b in branches)
        if op.recorded:
            branch = branches[bits[position]]
            if branch.weight <= PRUNE * total:
                raise ValueError(f"outcome {position + 1} = {bits[position]} has probability 0")
            position += 1
        elif len(branches) == 1:
            branch = branches[0]
        else:
            raise ValueError(f"reset of site {op.site} entangled with the other sites leaves a mixed "
                             "state; final_state is undefined")
        _enter(psi, op, branch)
    return psi.reshape(-1)


__all__ = ["MAX_OUTCOMES", "PRUNE", "check_memory", "exact_distribution", "final_state", "phase_diagonal",
           "sample"]

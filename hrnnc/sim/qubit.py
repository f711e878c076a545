"""Exact qubit k-HRNN simulator: output distributions, seeded shots, diagonals, final states.

Semantics are those of docs/semantics.md §2 (see :mod:`hrnnc.sim.program` for the lowering).
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
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from hrnnc.diagnostics import Code, SimulationError, error
from hrnnc.ir import RegisterKind
from hrnnc.sim.memory import available_bytes, format_bytes, require_memory
from hrnnc.sim.program import DiagBlock, Op, Split, count_recorded, lower_qubit_run
from hrnnc.sim.progress import Progress
from hrnnc.sim.statevector import ITEMSIZE, Outcome, Parked, Register, block_diagonal

if TYPE_CHECKING:
    from hrnnc.ir import Model

PRUNE = 1e-13
"""Branches whose conditional probability is at most this are treated as impossible."""
MAX_OUTCOMES = 1 << 20
"""Largest number of branches (outcome strings, counting hidden reset outcomes apart) that
:func:`exact_distribution` will walk."""
CACHE_FRACTION = 0.25
"""Share of the available memory that cached phase diagonals may use (never more than what the
walk's own vectors leave)."""
PROBES = 32
"""Random paths behind :func:`estimated_leaves`."""
ESTIMATE_MARGIN = 1
"""The exact walk is refused up front when the estimated leaf count exceeds this many times
:data:`MAX_OUTCOMES`; below that the walk runs and stops at the cap itself. The estimate is
exact when every path branches alike (as in ``z1 r z1 r …``), and walking to the cap costs
about as long as the whole walk (2^20 leaves: minutes), so there is no margin."""


def _state_bytes(n: int) -> int:
    return ITEMSIZE << n


def check_memory(n: int, parked_halves: int = 0) -> int:
    """Raise E0601 unless a working statevector, its split scratch and parked halves fit.

    Args:
        n: Number of qubits.
        parked_halves: Half-size vectors kept for pending branches: the depth-first walk
            parks one per measurement or reset on the current path, so for the exact
            distribution this is the number of splits (issue #16, item 10).

    Returns:
        The bytes counted; cached phase diagonals get at most what is left (:class:`_Blocks`).
    """
    needed = 2 * _state_bytes(n) + parked_halves * (_state_bytes(n) // 2)
    require_memory(needed, f"simulating {n} qubits (2^{n} amplitudes: {format_bytes(_state_bytes(n))} per "
                           f"statevector, plus a working copy and {parked_halves} parked half-vectors)")
    return needed


def _lower(model: Model, tokens: str | Iterable[str], params: Mapping[str, float] | None) -> tuple[Op, ...]:
    if model.kind is not RegisterKind.QUBITS:
        raise ValueError(f"model '{model.name}' has qumodes; use hrnnc.sim.qumode")
    return lower_qubit_run(model, tokens, params)


def count_splits(ops: Sequence[Op]) -> int:
    return sum(1 for op in ops if isinstance(op, Split))


class _Blocks:
    """Applies phase blocks; a block met a second time gets its diagonal cached (within budget)."""

    def __init__(self, n: int, reserved: int = 0):
        self._n = n
        self._size = _state_bytes(n)
        available = available_bytes()
        self._budget = max(0, min(int(CACHE_FRACTION * available), available - reserved))
        """The cache never takes what the walk's vectors (``reserved`` bytes) need."""
        self._used = 0
        self._cache: dict[int, np.ndarray] = {}
        self._seen: set[int] = set()

    def apply(self, reg: Register, index: int, block: DiagBlock) -> None:
        diag = self._cache.get(index)
        if diag is None and index in self._seen and self._used + self._size <= self._budget:
            diag = self._cache[index] = block_diagonal(self._n, block)
            self._used += self._size
        self._seen.add(index)
        if diag is None:
            reg.apply_strided(block)
        else:
            reg.apply_diagonal(diag)


Divide = Callable[[list[Outcome], Any], list[tuple[Outcome, Any]]]


def _too_many_branches(how: str, max_leaves: int) -> SimulationError:
    return SimulationError([error(
        Code.E0601, f"the exact distribution has more than {max_leaves:,} branches ({how}); "
        "sample shots instead (--shots N, or hrnnc.sim.sample)")])


def estimated_leaves(ops: Sequence[Op], n: int, probes: int = PROBES, stop_above: float = math.inf) -> float:
    """Knuth's estimate of the number of leaves of the branch tree, from ``probes`` random paths.

    Each path takes a uniformly random live outcome at every split; the product of the numbers
    of live outcomes along it is an unbiased estimate of the leaf count (D. E. Knuth, "Estimating
    the efficiency of backtrack programs", Math. Comp. 29, 1975). The mean over the paths is
    returned; it stops early once it must exceed ``stop_above``. Seeded: the same run gives the
    same estimate.
    """
    last = max((i for i, op in enumerate(ops) if isinstance(op, Split)), default=-1)
    rng = np.random.default_rng(0)
    total = 0.0
    for _ in range(probes):
        reg = Register(n)
        product = 1.0
        for i in range(last + 1):
            op = ops[i]
            if isinstance(op, DiagBlock):
                reg.apply_strided(op)
                continue
            live = [o for o in reg.outcomes(op) if o.prob > PRUNE]
            if not live:
                break
            product *= len(live)
            if (total + product) / probes > stop_above:
                return (total + product) / probes
            reg.enter(op, live[int(rng.integers(len(live)))])
        total += product
    return total / probes


def _walk(ops: Sequence[Op], n: int, weight: Any, divide: Divide, bar: Progress,
          done: Callable[[Any], float], max_leaves: int | None = None, reserved: int = 0) -> list[tuple[str, Any]]:
    """Depth-first walk of the branch tree; returns ``(bits, weight)`` per leaf.

    ``divide`` maps the live outcomes of a split and the current weight to the
    branches to follow with their weights; the first is entered, the rest parked.
    Phase blocks after the last split cannot change the outputs and are skipped.
    Branches are counted as they are created (leaves found + branches pending), so the
    walk stops as soon as the count passes ``max_leaves``.

    Raises:
        SimulationError: More than ``max_leaves`` leaves (E0601).
    """
    last = max((i for i, op in enumerate(ops) if isinstance(op, Split)), default=-1)
    reg = Register(n)
    blocks = _Blocks(n, reserved)
    stack: list[tuple[int, str, Any, Parked | None]] = [(0, "", weight, None)]
    leaves: list[tuple[str, Any]] = []
    finished = 0.0
    while stack:
        start, bits, wt, parked = stack.pop()
        if parked is not None:
            reg.resume(parked)
        for i in range(start, last + 1):
            op = ops[i]
            if isinstance(op, DiagBlock):
                blocks.apply(reg, i, op)
                continue
            live = [o for o in reg.outcomes(op) if o.prob > PRUNE]
            if not live:
                raise SimulationError([error(Code.E0601, "the state vanished (norm 0); numerical underflow")])
            parts = divide(live, wt)
            if max_leaves is not None and len(leaves) + len(stack) + len(parts) > max_leaves:
                raise _too_many_branches("counted as the walk created them", max_leaves)
            for o, w2 in parts[1:]:
                stack.append((i + 1, bits + _bit(op, o), w2, reg.park(op, o)))
            first, wt = parts[0]
            reg.enter(op, first)
            bits += _bit(op, first)
        leaves.append((bits, wt))
        finished += done(wt)
        bar.update(finished)
    return leaves


def _bit(op: Split, outcome: Outcome) -> str:
    return str(outcome.bit) if op.recorded else ""


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
            walk would exceed :data:`MAX_OUTCOMES` branches.
        ParseFailedError: An input token has no ``on`` block (E0218).
    """
    ops = _lower(model, tokens, params)
    n = model.size
    reserved = check_memory(n, parked_halves=count_splits(ops))
    # Refuse before the walk when the tree is too large: a walk to the cap would take minutes.
    estimate = estimated_leaves(ops, n, stop_above=ESTIMATE_MARGIN * MAX_OUTCOMES)
    if estimate > ESTIMATE_MARGIN * MAX_OUTCOMES:
        raise _too_many_branches(f"estimated before walking, from {PROBES} random paths through the branch tree",
                                 MAX_OUTCOMES)

    def divide(live: list[Outcome], prob: float) -> list[tuple[Outcome, float]]:
        total = sum(o.prob for o in live)
        return [(o, prob * o.prob / total) for o in live]

    def done(prob: float) -> float:
        return prob

    with Progress("exact", progress) as bar:
        leaves = _walk(ops, n, 1.0, divide, bar, done, max_leaves=MAX_OUTCOMES, reserved=reserved)
    out: dict[str, float] = {}
    for bits, prob in leaves:
        out[bits] = out.get(bits, 0.0) + prob
    total = sum(out.values())
    return {k: v / total for k, v in sorted(out.items())}


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

    The shot count is split multinomially at each measurement (exactly the law of
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
    reserved = check_memory(n, parked_halves=min(count_splits(ops), int(math.log2(shots + 1)) + 1))
    rng = np.random.default_rng(seed)
    if shots == 0:
        return []

    def divide(live: list[Outcome], count: int) -> list[tuple[Outcome, int]]:
        if len(live) == 1:
            return [(live[0], count)]
        p = np.array([o.prob for o in live])
        counts = rng.multinomial(count, p / p.sum())
        chosen = sorted(((int(c), k) for k, c in enumerate(counts) if c > 0))
        return [(live[k], c) for c, k in chosen]

    def done(count: int) -> float:
        return count / shots

    with Progress("sampling", progress) as bar:
        leaves = _walk(ops, n, shots, divide, bar, done, reserved=reserved)
    results = [bits for bits, count in leaves for _ in range(count)]
    order = rng.permutation(len(results))
    return [results[i] for i in order]


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
    diag = np.ones(1 << n, dtype=np.complex128)
    for op in ops:
        diag *= block_diagonal(n, op)  # type: ignore[arg-type]
    return diag


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
    reg = Register(n)
    position = 0
    for op in ops:
        if isinstance(op, DiagBlock):
            reg.apply_strided(op)
            continue
        possible = reg.outcomes(op)
        if op.recorded:
            wanted = bits[position]
            match = [o for o in possible if o.bit == wanted and o.prob > PRUNE]
            if not match:
                raise ValueError(f"outcome {position + 1} = {wanted} has probability 0")
            position += 1
            chosen = match[0]
        elif len(possible) == 1:
            chosen = possible[0]
        else:
            raise ValueError(f"reset of site {op.site} entangled with the other sites leaves a mixed "
                             "state; final_state is undefined")
        reg.enter(op, chosen)
    return reg.physical_state()

"""Exact log-likelihood of one qubit outcome string and its gradient, by adjoint differentiation.

The probability of observed bits ``y`` for inputs ``x`` is ``p = ‖M_T D_T ⋯ M_1 D_1 ψ_0‖²``
with ``D_t`` the merged diagonal phase blocks and ``M_t`` the projectors of the observed
outcomes (docs/semantics.md §2 lowering, :mod:`hrnnc.sim.program`). Only this one branch is simulated,
never the whole outcome tree. A ``reset`` is a hidden X outcome: its two branches are summed
(``p = Σ_h p_h``), each walked separately; a hidden branch is dropped only below
:data:`HIDDEN_PRUNE` (an unentangled reset has one branch), and an observed outcome whose
conditional probability is ≤ :data:`~hrnnc.sim.qubit.PRUNE` makes the string impossible.

Gradient (adjoint method): with ``χ_t = D_t ψ_{t-1}`` the state after block ``t`` and
``λ_t = (M_T D_T ⋯ D_{t+1} M_{t+1})† ψ_T`` the adjoint state, each edge ``e`` of block ``t``
with angle ``γ`` gives ``∂p/∂γ = 2 Re⟨λ_t| i N_e |χ_t⟩ = -2 Im Σ_{x ⊇ e} λ̄_t(x) χ_t(x)``.
The forward pass stores ``χ_t`` (one vector per block, memory checked), the backward pass
walks ``λ`` from ``ψ_T`` with ``D_t†`` and the (Hermitian) projectors. The state is
renormalised after each projection and the scale is kept in ``log p``, so long sequences
do not underflow; the same scales divide ``λ``, which leaves ``∂ log p`` exact. Angles are
dual numbers (:mod:`.dual`), so ``∂ log p / ∂θ = Σ_e (∂ log p/∂γ_e) ∂γ_e/∂θ`` by the chain rule.

This is the adjoint method rather than parameter shift: one forward and one backward
pass give every derivative, where parameter shift would run two circuits per edge.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from hrnnc.sim.memory import require_memory
from hrnnc.sim.program import DiagBlock, Op, Split
from hrnnc.sim.qubit import PRUNE

HIDDEN_PRUNE = 1e-30
"""A hidden reset outcome is skipped only below this probability (rounding level of the
amplitudes). The simulator's :data:`PRUNE` would drop branches of probability ~θ² near θ = 0
whose *derivative* (~2θ) still counts."""
MAX_HIDDEN_BRANCHES = 1 << 12
"""Most branches of hidden reset outcomes summed for one sequence."""


@dataclass(frozen=True)
class BranchResult:
    """``log p`` of one outcome string and its gradient; ``log_prob = -inf`` when impossible."""

    log_prob: float
    grad: np.ndarray
    impossible_at: int | None = None
    """Index (0-based, time order) of the first observed output with probability zero."""


def _halves(flat: np.ndarray, site: int) -> tuple[np.ndarray, np.ndarray]:
    v = flat.reshape(-1, 2, 1 << site)
    return v[:, 0, :], v[:, 1, :]


@functools.lru_cache(maxsize=4096)
def _edge_index(n: int, sites: tuple[int, ...]) -> tuple[Any, ...]:
    idx: list[Any] = [slice(None)] * n
    for j in sites:
        idx[n - 1 - j] = 1
    return tuple(idx)


def _apply_block(psi: np.ndarray, n: int, block: DiagBlock, sign: float) -> None:
    tensor = psi.reshape((2,) * n)
    for sites, angle in block.edges:
        tensor[_edge_index(n, sites)] *= complex(math.cos(sign * angle[0]), math.sin(sign * angle[0]))


def _project(psi: np.ndarray, split: Split, bit: int) -> None:
    """``|b⟩⟨b|`` (Z) or ``|±⟩⟨±|`` (X) on the split's site, in place (Hermitian)."""
    a, b = _halves(psi, split.site)
    if split.basis == "z":
        (b if bit == 0 else a)[...] = 0.0
        return
    if bit == 0:
        np.add(a, b, out=a)
        a *= 0.5
        b[...] = a
    else:
        np.subtract(a, b, out=a)
        a *= 0.5
        np.negative(a, out=b)


def _flip_back(psi: np.ndarray, split: Split) -> None:
    """``Z`` on the site: after a hidden ``|−⟩`` outcome, ``reset`` puts it back into ``|+⟩``."""
    _, b = _halves(psi, split.site)
    np.negative(b, out=b)


def _norm2(psi: np.ndarray) -> float:
    """``‖ψ‖²`` by einsum: ``np.dot`` would call multithreaded BLAS, 20–50× slower on a shared machine."""
    flat = psi.view(np.float64)
    return float(np.einsum("i,i->", flat, flat))


class BranchWalker:
    """Log-likelihood and gradient of outcome strings of one lowered sequence.

    Args:
        n: Number of qubits.
        ops: The merged ops of the sequence; angles are :data:`hrnnc.sim.dual.Dual` arrays (value, then the gradient).
        size: Number of params (length of every gradient).
    """

    def __init__(self, n: int, ops: Sequence[Op], size: int):
        self.n = n
        last = max((i for i, op in enumerate(ops) if isinstance(op, Split)), default=-1)
        self.ops = tuple(ops[: last + 1])  # phases after the last split cannot change the outputs
        self.size = size
        blocks = sum(1 for op in self.ops if isinstance(op, DiagBlock))
        require_memory((blocks + 2) * (16 << n), f"the gradient of a {n}-qubit sequence "
                                                 f"({blocks} stored states of 2^{n} amplitudes)")

    def log_prob(self, bits: Sequence[int]) -> BranchResult:
        """``log P(bits)`` summed over hidden reset outcomes, and its gradient."""
        pending: list[tuple[int, ...]] = [()]
        results: list[BranchResult] = []
        first_zero: int | None = None
        while pending:
            hidden = pending.pop()
            result, more = self._branch(bits, hidden)
            pending.extend(more)
            if len(results) + len(pending) > MAX_HIDDEN_BRANCHES:
                from hrnnc.diagnostics import Code, TrainingError, error

                raise TrainingError([error(Code.E0723, f"more than {MAX_HIDDEN_BRANCHES} branches of hidden "
                                                       "reset outcomes in one sequence")])
            if not math.isinf(result.log_prob):
                results.append(result)
            elif result.impossible_at is not None and (first_zero is None or result.impossible_at > first_zero):
                first_zero = result.impossible_at
        if not results:
            return BranchResult(-math.inf, np.zeros(self.size), first_zero if first_zero is not None else 0)
        logs = np.array([r.log_prob for r in results])
        top = float(logs.max())
        weights = np.exp(logs - top)
        total = float(weights.sum())
        grad = sum((w / total) * r.grad for w, r in zip(weights, results))
        return BranchResult(top + math.log(total), np.asarray(grad, dtype=float))

    def _branch(self, bits: Sequence[int], hidden: tuple[int, ...]) -> tuple[BranchResult, list[tuple[int, ...]]]:
        """One branch: ``hidden`` fixes the first hidden outcomes, later ones take 0 (and their
        possible 1 is returned as a further branch to walk)."""
        n = self.n
        psi = np.full(1 << n, 2.0 ** (-n / 2), dtype=np.complex128)
        tape: list[tuple[Any, ...]] = []
        log_p = 0.0
        more: list[tuple[int, ...]] = []
        observed = 0
        taken: list[int] = []
        for op in self.ops:
            if isinstance(op, DiagBlock):
                _apply_block(psi, n, op, 1.0)
                tape.append((op, psi.copy()))
                continue
            if op.recorded:
                bit = int(bits[observed])
            elif len(taken) < len(hidden):
                bit = hidden[len(taken)]
            else:
                bit = 0
                other = psi.copy()
                _project(other, op, 1)
                if _norm2(other) > HIDDEN_PRUNE:
                    more.append((*taken, 1))
            _project(psi, op, bit)  # psi had unit norm: phases are unitary and each split renormalises
            after = _norm2(psi)
            if after <= (PRUNE if op.recorded else HIDDEN_PRUNE):
                return BranchResult(-math.inf, np.zeros(self.size), observed if op.recorded else None), more
            if not op.recorded:
                taken.append(bit)
                if bit:
                    _flip_back(psi, op)
            else:
                observed += 1
            scale = math.sqrt(after)
            psi /= scale
            log_p += math.log(after)
            tape.append((op, bit, scale))
        if observed != len(bits):
            raise ValueError(f"the sequence measures {observed} time(s); got {len(bits)} outcome bit(s)")
        return BranchResult(log_p, self._backward(psi, tape)), more

    def _backward(self, lam: np.ndarray, tape: list[tuple[Any, ...]]) -> np.ndarray:
        """``∂ log p`` from the adjoint state ``λ`` (``ψ_T`` has unit norm, so ``∂ log p = ∂p``)."""
        n = self.n
        grad = np.zeros(self.size)
        for entry in reversed(tape):
            if isinstance(entry[0], DiagBlock):
                block, chi = entry
                overlap = np.conj(lam) * chi
                tensor = overlap.reshape((2,) * n)
                for sites, angle in block.edges:
                    d_gamma = -2.0 * float(np.sum(tensor[_edge_index(n, sites)].imag))
                    grad += d_gamma * angle[1:]
                _apply_block(lam, n, block, -1.0)
            else:
                split, bit, scale = entry
                if not split.recorded and bit:
                    _flip_back(lam, split)
                _project(lam, split, bit)
                lam /= scale
        return grad


__all__ = ["MAX_HIDDEN_BRANCHES", "BranchResult", "BranchWalker"]

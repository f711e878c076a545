"""A qubit run as the simulator walks it: the shared lowered run (:mod:`hrnnc.lowered`), merged.

Every qubit statement is a diagonal unitary or a projective split on one site
(:class:`~hrnnc.lowered.Action`, here called :data:`Split`):

* ``phase(γ) e`` is diagonal: ``exp(iγ ∏_{j∈e} n̂_j)``.
* ``measure stab(v; κ)`` is the exact in-place lowering of docs/semantics.md §2,
  ``U_κ†; H_v; measure Z_v; H_v; U_κ``, i.e. a diagonal ``U_κ†``, an X-basis split
  on ``v`` and a diagonal ``U_κ``.
* ``measure x v`` is an X-basis split, ``measure z v`` a Z-basis split.
* ``reset v`` is an unrecorded X-basis split after which ``v`` is put back into
  ``|+⟩`` (the ``|−⟩`` branch is flipped by ``Z_v``); averaging over the hidden
  outcome gives exactly the reset channel.

The ``merge-phases`` pass then gathers the diagonals into maximal blocks with one angle
per hyperedge (``U_κ`` after one stabilizer and an equal ``U_κ†`` before the next cancel).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from hrnnc.ir import float_bindings
from hrnnc.lowered import Action, DiagBlock, Item, lower_run

if TYPE_CHECKING:
    from hrnnc.ir import Model

Split = Action
"""A projective split of one site (``basis``, ``recorded``, ``reset``)."""
Op = Item


def lower_qubit_run(
    model: Model, tokens: str | Iterable[str], params: Mapping[str, float] | None = None
) -> tuple[Op, ...]:
    """The ops of a qubit run, in time order, with diagonals merged.

    Raises:
        ParseFailedError: An input token has no ``on`` block (E0218).
    """
    from hrnnc.passes.pipelines import optimize

    return optimize(lower_run(model, tokens, float_bindings(model, params)), schedule=False).items


def count_recorded(ops: Sequence[Op]) -> int:
    """Number of recorded measurements (length of every output bit string)."""
    return sum(1 for op in ops if isinstance(op, Split) and op.recorded)


__all__ = ["DiagBlock", "Op", "Split", "count_recorded", "lower_qubit_run"]

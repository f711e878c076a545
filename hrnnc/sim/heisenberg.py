"""Heisenberg picture of a qumode run: every output as a polynomial over source modes (docs/semantics.md §10).

Each preparation gets its own *source* mode ``j`` (the initial state of every mode, and each
re-preparation after a measurement or ``reset``), in the squeezed state the grid simulator
documents (:mod:`hrnnc.sim.qumode`): ``"p"`` sources are momentum-squeezed
(``Var q = e^{2r}/2``, ``Var p = e^{−2r}/2``), ``"q"`` sources (re-preparation after
``measure q``) position-squeezed. At every time mode ``v`` has

* ``q_v = Σ_j a_j q_j + c``  (a linear form: one source, plus earlier ``measure q`` outcomes), and
* ``p_v = Σ_j b_j p_j + F(q)``  with ``F`` a polynomial of degree ≤ k−1 in source positions.

Conjugation rules: ``phase(γ) e`` adds ``γ ∂_v ∏_{j∈e} q_j`` to ``p_v``; ``shift(t) v`` adds
``t`` to ``q_v``. A homodyne of ``p_v`` (or ``q_v``) records the current operator as the
output ``Y_t``; the feed-forward re-preparation at the measured value is a fresh source
displaced by ``Y_t`` (``p_v = p_s + Y_t``, resp. ``q_v = q_s + Y_t``, ``p_v = p_s``). This is
the dilation of measurement plus feed-forward by a swap with a fresh mode and a displacement
controlled by the swapped-out mode, whose measured quadrature is conserved: hence the ``Y_t``
commute. ``reset v`` is a swap with a fresh undisplaced source. A stabilizer measurement is
``U_κ†``, ``measure p v``, ``U_κ``, exactly as the grid simulator lowers it.

Coefficients are :mod:`hrnnc.sim.dual` arrays, so every coefficient carries its gradient.
Polynomials are dicts: a linear form maps source → coefficient; a q-polynomial maps a sorted
tuple of sources (``(3, 3, 7)`` is ``q_3² q_7``; ``()`` the constant) → coefficient.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from hrnnc.ir import Basis, Measure, MeasureStab, Phase, RegisterKind, Reset, Shift, initial_param_values
from hrnnc.sim import dual
from hrnnc.sim.steps import input_steps

if TYPE_CHECKING:
    from hrnnc.ir import Model

Linear = dict[int, np.ndarray]
"""A linear form in source quadratures: source index → dual coefficient."""
QPoly = dict[tuple[int, ...], np.ndarray]
"""A polynomial in source positions: sorted tuple of source indices → dual coefficient."""


@dataclass(frozen=True)
class Output:
    """One measured value as an operator ``Y = Σ_j B_j p_j + F(q)`` over the sources."""

    name: str
    """The output's name in the model."""
    momenta: Linear
    """``B``: coefficient of each source momentum ``p_j``."""
    positions: QPoly
    """``F``: the polynomial in source positions (constant under ``()``)."""


@dataclass(frozen=True)
class ModeOperators:
    """The final ``q_v = Σ a_j q_j + c`` and ``p_v = Σ b_j p_j + F(q)`` of one mode."""

    q: QPoly
    """``q_v`` as a degree-≤1 q-polynomial."""
    p_momenta: Linear
    p_positions: QPoly


@dataclass(frozen=True)
class HeisenbergRun:
    """Every output of one run as an operator over source modes, with gradient directions."""

    sources: tuple[str, ...]
    """Kind of each source: ``"p"`` (momentum-squeezed) or ``"q"`` (position-squeezed)."""
    outputs: tuple[Output, ...]
    modes: tuple[ModeOperators, ...]
    """The mode operators after the run (for observables)."""
    directions: tuple[str, ...]
    """What each derivative component of a dual is taken with respect to."""
    degree: int
    """The model's degree bound k."""

    @property
    def size(self) -> int:
        """Components of every dual: 1 + number of directions."""
        return 1 + len(self.directions)


def _product(forms: Sequence[tuple[Linear, np.ndarray]], one: np.ndarray) -> QPoly:
    """``∏ (Σ a_j q_j + c)`` expanded into monomials."""
    acc: QPoly = {(): one}
    for linear, const in forms:
        nxt: QPoly = {}
        has_const = bool(np.count_nonzero(const))
        for mono, c in acc.items():
            for src, a in linear.items():
                key = tuple(sorted(mono + (src,)))
                term = dual.mul(c, a)
                prev = nxt.get(key)
                nxt[key] = term if prev is None else prev + term
            if has_const:
                term = dual.mul(c, const)
                prev = nxt.get(mono)
                nxt[mono] = term if prev is None else prev + term
        acc = nxt
    return acc


def _add_into(target: dict[Any, np.ndarray], terms: Mapping[Any, np.ndarray], scale: np.ndarray | None = None) -> None:
    for key, c in terms.items():
        term = c if scale is None else dual.mul(scale, c)
        prev = target.get(key)
        target[key] = term if prev is None else prev + term


def _prune(poly: dict[Any, np.ndarray]) -> None:
    """Drop exactly cancelled terms (a stabilizer's ``U_κ†`` and ``U_κ`` on unmeasured modes)."""
    for key in [k for k, c in poly.items() if not np.count_nonzero(c)]:
        del poly[key]


class _Engine:
    def __init__(self, n: int, size: int):
        self.size = size
        self.one = dual.seed(1.0, size)
        self.zero = dual.seed(0.0, size)
        self.sources: list[str] = []
        self.q_lin: list[Linear] = []
        self.q_const: list[np.ndarray] = []
        self.p_lin: list[Linear] = []
        self.p_pos: list[QPoly] = []
        for _ in range(n):
            s = self._new_source("p")
            self.q_lin.append({s: self.one})
            self.q_const.append(self.zero)
            self.p_lin.append({s: self.one})
            self.p_pos.append({})
        self.outputs: list[Output] = []

    def _new_source(self, kind: str) -> int:
        self.sources.append(kind)
        return len(self.sources) - 1

    def phase(self, sites: Sequence[int], angle: np.ndarray) -> None:
        counts = Counter(sites)
        for v, count in counts.items():
            forms = []
            for w, c in counts.items():
                forms.extend([(self.q_lin[w], self.q_const[w])] * (c - 1 if w == v else c))
            _add_into(self.p_pos[v], _product(forms, self.one), count * angle)

    def shift(self, site: int, amount: np.ndarray) -> None:
        self.q_const[site] = self.q_const[site] + amount

    def measure_p(self, site: int, name: str | None) -> None:
        momenta, positions = self.p_lin[site], self.p_pos[site]
        _prune(momenta)
        _prune(positions)
        s = self._new_source("p")
        self.q_lin[site], self.q_const[site] = {s: self.one}, self.zero
        if name is None:  # reset: an unrecorded measurement, re-prepared undisplaced
            self.p_lin[site], self.p_pos[site] = {s: self.one}, {}
            return
        self.outputs.append(Output(name, dict(momenta), dict(positions)))
        self.p_lin[site] = {s: self.one, **momenta}
        self.p_pos[site] = dict(positions)

    def measure_q(self, site: int, name: str) -> None:
        y = self.q_poly(site)
        self.outputs.append(Output(name, {}, y))
        s = self._new_source("q")
        self.q_lin[site] = {s: self.one, **self.q_lin[site]}
        self.p_lin[site], self.p_pos[site] = {s: self.one}, {}

    def q_poly(self, site: int) -> QPoly:
        poly: QPoly = {(j,): a for j, a in self.q_lin[site].items()}
        if np.count_nonzero(self.q_const[site]):
            poly[()] = self.q_const[site]
        return poly

    def final_modes(self) -> tuple[ModeOperators, ...]:
        return tuple(ModeOperators(self.q_poly(v), dict(self.p_lin[v]), dict(self.p_pos[v]))
                     for v in range(len(self.q_lin)))


def heisenberg_run(
    model: Model,
    inputs: str | Iterable[Any],
    params: Mapping[str, float] | None = None,
    *,
    gradient: bool = False,
    argument_gradient: bool = False,
) -> HeisenbergRun:
    """Every output of the run as an operator over source modes.

    Args:
        model: A checked qumode model.
        inputs: The input sequence.
        params: Param values overriding the initial values.
        gradient: Carry derivatives with respect to every param (declaration order).
        argument_gradient: Also carry derivatives with respect to every token argument
            (direction ``"<step>:<name>"``, steps counted from 0).

    Raises:
        ValueError: The model has qubits.
        KeyError: An unknown param.
    """
    if model.kind is not RegisterKind.QUMODES:
        raise ValueError(f"model '{model.name}' has qubits; moments need qumodes")
    values = initial_param_values(model)
    if params:
        unknown = sorted(set(params) - set(values))
        if unknown:
            raise KeyError(f"unknown param(s): {', '.join(unknown)}")
        values.update({k: float(v) for k, v in params.items()})
    steps = input_steps(model, inputs)
    directions = list(values) if gradient else []
    if argument_gradient:
        directions += [f"{i}:{name}" for i, (_, args) in enumerate(steps) for name in args]
    size = 1 + len(directions)
    index = {d: i for i, d in enumerate(directions)}
    bindings = dual.bindings(model, values, directions)
    engine = _Engine(model.size, size)
    for i, (cell, args) in enumerate(steps):
        seeded = {name: dual.seed(v, size, index.get(f"{i}:{name}")) for name, v in args.items()}

        def value(expr: Any) -> np.ndarray:
            return bindings(expr, seeded) if seeded else bindings(expr)

        for stmt in cell.body:
            if isinstance(stmt, Phase):
                engine.phase(stmt.indices, value(stmt.angle))
            elif isinstance(stmt, Shift):
                engine.shift(stmt.site.index, value(stmt.amount))
            elif isinstance(stmt, MeasureStab):
                weights = [(e.indices, value(e.weight)) for e in stmt.edges]
                for sites, w in weights:
                    engine.phase(sites, -w)
                engine.measure_p(stmt.vertex.index, stmt.output)
                for sites, w in weights:
                    engine.phase(sites, w)
                for v in {s for sites, _ in weights for s in sites}:
                    _prune(engine.p_pos[v])
            elif isinstance(stmt, Measure):
                if stmt.basis is Basis.Q:
                    engine.measure_q(stmt.site.index, stmt.output)
                else:
                    engine.measure_p(stmt.site.index, stmt.output)
            elif isinstance(stmt, Reset):
                engine.measure_p(stmt.site.index, None)
    return HeisenbergRun(tuple(engine.sources), tuple(engine.outputs), engine.final_modes(),
                         tuple(directions), model.degree.value)


__all__ = ["HeisenbergRun", "Linear", "ModeOperators", "Output", "QPoly", "heisenberg_run"]
